/**
 * Why the page will not use something as a search example (not a picture, not a sound it can
 * decode, too long, empty text). The message is for the user; nothing was sent to the engine.
 */
export class ExampleRefusal extends Error {
  override readonly name = 'ExampleRefusal';
}

/**
 * A duration for the refusal message: whole seconds, unless rounding would make a refused
 * length look within the limit; then tenths, rounded up (the epsilon absorbs float noise).
 */
export function formatSeconds(seconds: number, limitSeconds: number): string {
  const whole = Math.round(seconds);
  return whole > limitSeconds ? `${whole} s` : `${(Math.ceil(seconds * 10 - 1e-9) / 10).toFixed(1)} s`;
}

export function tooLongMessage(seconds: number, limitSeconds: number, source: { recording: true } | { fileName: string }): string {
  const length = formatSeconds(seconds, limitSeconds);
  return 'recording' in source
    ? `That recording is ${length} long; an example can be at most ${limitSeconds} s. Record a shorter one.`
    : `“${source.fileName}” is ${length} long; an example can be at most ${limitSeconds} s. Choose a shorter sound.`;
}
