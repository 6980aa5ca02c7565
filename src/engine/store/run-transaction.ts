/**
 * One transaction, run to its end. IndexedDB can fail a transaction at commit (a full disk
 * reports QuotaExceededError only then), so the result counts only after `done`; and a
 * transaction whose body throws is aborted so that nothing half-written is kept.
 */
import type { IDBPTransaction, StoreNames } from 'idb';
import type { ProfileConnection } from './open-profile-db.ts';
import type { ProfileDb } from './profile-schema.ts';

export async function runTransaction<Names extends StoreNames<ProfileDb>[], Mode extends IDBTransactionMode, T>(
  db: ProfileConnection,
  storeNames: Names,
  mode: Mode,
  body: (tx: IDBPTransaction<ProfileDb, Names, Mode>) => Promise<T>,
): Promise<T> {
  const tx = db.transaction(storeNames, mode);
  const done = tx.done;
  // Observed below on every path; this keeps an early failure from surfacing as "unhandled".
  done.catch(() => undefined);
  let result: T;
  try {
    result = await body(tx);
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already aborted by the failed request.
    }
    await done.catch(() => undefined);
    // The transaction's own error (e.g. QuotaExceededError) is the cause; a request's AbortError is not.
    throw tx.error ?? error;
  }
  await done;
  return result;
}
