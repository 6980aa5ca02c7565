/**
 * The store's one error type. The code is also the message prefix ("[quota-exceeded] …"),
 * because an Error crossing the worker boundary keeps only its name and message.
 */
export type ProfileStoreErrorCode =
  | 'quota-exceeded'
  | 'upgrade-blocked'
  | 'unavailable'
  | 'invalid-event'
  | 'invalid-record'
  | 'too-large';

const CODE_PREFIX = /^\[(quota-exceeded|upgrade-blocked|unavailable|invalid-event|invalid-record|too-large)\] /;

export class ProfileStoreError extends Error {
  override readonly name = 'ProfileStoreError';
  constructor(
    readonly code: ProfileStoreErrorCode,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`[${code}] ${detail}`, options);
  }
}

/** The code of a ProfileStoreError, also after it crossed a worker boundary as a plain Error. */
export function profileStoreErrorCode(error: unknown): ProfileStoreErrorCode | undefined {
  if (error instanceof ProfileStoreError) return error.code;
  const message = error instanceof Error ? error.message : undefined;
  return message?.match(CODE_PREFIX)?.[1] as ProfileStoreErrorCode | undefined;
}

/** Chromium reports a full disk or quota as QuotaExceededError, on the request or at commit. */
export function isQuotaError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'QuotaExceededError';
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message ? `${error.name}: ${error.message}` : error.name;
  return String(error);
}
