/**
 * A search example was embedded by a different encoder (name, version or size) than the one
 * the catalog's vectors were built with: the two vectors live in different spaces, so any
 * ranking would be noise. Raised by `searchByExample` before anything is stored; the message
 * starts with `[encoder-mismatch]`, which survives the worker boundary (an Error that crosses
 * it keeps only its name and message). The fix is to rebuild the catalog with this app's
 * encoders, or to serve the app version the catalog was built for.
 */
export class EncoderMismatchError extends Error {
  override readonly name = 'EncoderMismatchError';
  constructor(
    readonly modality: string,
    /** `name@version (dims)` of the encoder that embedded the example. */
    readonly runtime: string,
    /** `name@version (dims)` of the encoder the catalog's vectors were built with. */
    readonly catalog: string,
  ) {
    super(
      `[encoder-mismatch] the ${modality} example was embedded by ${runtime}, but the catalog's ${modality} vectors were built with ${catalog}; rebuild the catalog with this app's encoders`,
    );
  }
}

/** `name@version (dims d)`, as the error names an encoder. */
export function describeEncoder(encoder: { name: string; version: string; dims: number }): string {
  return `${encoder.name}@${encoder.version} (${encoder.dims} dims)`;
}
