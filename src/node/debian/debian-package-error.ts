/** What can go wrong fetching or unpacking a pinned Debian package. */
export const DEBIAN_PACKAGE_PROBLEMS = ['download-failed', 'size-mismatch', 'hash-mismatch', 'not-a-deb', 'unsupported-compression'] as const;
export type DebianPackageProblem = (typeof DEBIAN_PACKAGE_PROBLEMS)[number];

/** A typed failure; the message starts with `[code]`, like the engine's input errors. */
export class DebianPackageError extends Error {
  override readonly name = 'DebianPackageError';

  constructor(
    readonly code: DebianPackageProblem,
    message: string,
  ) {
    super(`[${code}] ${message}`);
  }
}
