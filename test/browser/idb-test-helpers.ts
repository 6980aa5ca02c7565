// Raw IndexedDB helpers for the profile store tests: the tests build and inspect databases
// without going through the code under test.
import { expect } from 'vitest';
import { profileStoreErrorCode, type ProfileStoreErrorCode } from '../../src/engine/store/profile-store.ts';

export function uniqueDbName(label: string): string {
  return `test-${label}-${crypto.randomUUID()}`;
}

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

export function transactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

/** Opens with plain indexedDB; `upgrade` builds whatever layout the test needs. */
export function rawOpen(name: string, version?: number, upgrade?: (db: IDBDatabase, tx: IDBTransaction, oldVersion: number) => void): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = version === undefined ? indexedDB.open(name) : indexedDB.open(name, version);
    req.onupgradeneeded = (event) => upgrade?.(req.result, req.transaction!, event.oldVersion);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * Deletes and resolves when gone, saying whether some connection was still open when the
 * delete started (IndexedDB then fires `blocked` and waits for it to close).
 */
export function rawDelete(name: string): Promise<{ blocked: boolean }> {
  return new Promise((resolve, reject) => {
    let blocked = false;
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve({ blocked });
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
    req.onblocked = () => {
      blocked = true;
    };
  });
}

export async function databaseNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((db) => db.name ?? '');
}

/** Awaits a rejection and checks its ProfileStoreError code and message. */
export async function expectStoreError(promise: Promise<unknown>, code: ProfileStoreErrorCode, message?: RegExp | string): Promise<Error> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a rejection with ${code}`).toBeInstanceOf(Error);
  expect(profileStoreErrorCode(error)).toBe(code);
  if (message !== undefined) expect((error as Error).message).toMatch(message);
  return error as Error;
}

export function bits(vector: Float32Array): number[] {
  return Array.from(new Uint32Array(vector.buffer, vector.byteOffset, vector.length));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
