import { errorCodes } from '../../shared/error-codes.ts';

/**
 * The store's one error type. The code is also the message prefix ("[quota-exceeded] …"),
 * because an Error crossing the worker boundary keeps only its name and message.
 */
export const PROFILE_STORE_ERROR_CODES = ['quota-exceeded', 'upgrade-blocked', 'unavailable', 'invalid-event', 'invalid-record', 'too-large'] as const;
export type ProfileStoreErrorCode = (typeof PROFILE_STORE_ERROR_CODES)[number];
const profileStoreErrorCodes = errorCodes(PROFILE_STORE_ERROR_CODES);

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
  return message === undefined ? undefined : profileStoreErrorCodes.fromMessage(message);
}

/** Chromium reports a full disk or quota as QuotaExceededError, on the request or at commit. */
export function isQuotaError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'QuotaExceededError';
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message ? `${error.name}: ${error.message}` : error.name;
  return String(error);
}
