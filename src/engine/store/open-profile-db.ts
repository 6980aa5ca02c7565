/**
 * Opening and deleting the profile database, with the two-tab cases made explicit:
 * an open or delete that another tab's old connection blocks fails after a timeout with a
 * message the user can act on, instead of hanging the engine forever.
 */
import { wrap, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { runMigrations, SCHEMA_VERSION } from './migrations.ts';
import type { ProfileDb } from './profile-schema.ts';
import { describeError, isQuotaError, ProfileStoreError } from './profile-store-error.ts';

export type ProfileConnection = IDBPDatabase<ProfileDb>;

export interface ConnectionHooks {
  /** Another connection wants to upgrade or delete the database: this one must close. */
  onBlocking(db: ProfileConnection): void;
  /** The browser closed the connection (site data cleared, disk failure). */
  onTerminated(db: ProfileConnection): void;
}

/** The given factory, else the global one, read at each use (it can be absent, e.g. in some private modes). */
function indexedDbFactory(given: IDBFactory | undefined): IDBFactory {
  const factory = given ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) {
    throw new ProfileStoreError(
      'unavailable',
      'IndexedDB is not available in this browser context (some private-browsing modes disable it), ' +
        'so nothing can be remembered between visits. Use a normal window to keep a profile.',
    );
  }
  return factory;
}

function blockedError(action: string, name: string, ms: number): ProfileStoreError {
  return new ProfileStoreError(
    'upgrade-blocked',
    `could not ${action} the profile database "${name}": another tab of this site still has it open ` +
      `and did not let go within ${ms} ms. Close the other tabs of this site (or reload them), then try again.`,
  );
}

function openError(name: string, error: unknown, action: 'open' | 'delete' = 'open'): ProfileStoreError {
  if (error instanceof ProfileStoreError) return error;
  if (isQuotaError(error)) {
    return new ProfileStoreError('quota-exceeded', `could not ${action} the profile database "${name}": storage is full. Free up disk space and reload.`, {
      cause: error,
    });
  }
  if ((error as { name?: unknown } | null)?.name === 'VersionError') {
    return new ProfileStoreError(
      'unavailable',
      `the profile database "${name}" was upgraded by a newer version of this app (in another tab). Reload this page to use it.`,
      { cause: error },
    );
  }
  return new ProfileStoreError(
    'unavailable',
    `could not ${action} the profile database "${name}" (${describeError(error)}). Reload the page; if it persists, the browser may block storage for this site.`,
    { cause: error },
  );
}

/**
 * Opens (creating or upgrading) the database. Rejects with 'upgrade-blocked' when another
 * connection blocks the upgrade for longer than `blockedTimeoutMs`; the open request itself
 * cannot be cancelled, so if it succeeds later the late connection is closed at once.
 * (idb's openDB always uses the global factory; this takes any, e.g. a Storage Bucket's.)
 */
export function openProfileDb(factory: IDBFactory | undefined, name: string, blockedTimeoutMs: number, hooks: ConnectionHooks): Promise<ProfileConnection> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let migrationError: unknown;
    const fail = (error: ProfileStoreError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    };
    let request: IDBOpenDBRequest;
    try {
      request = indexedDbFactory(factory).open(name, SCHEMA_VERSION);
    } catch (error) {
      // A missing factory, or open() throwing SecurityError in an opaque origin.
      fail(openError(name, error));
      return;
    }
    request.addEventListener('upgradeneeded', (event) => {
      const db = wrap(request.result) as unknown as IDBPDatabase<unknown>;
      const tx = wrap(request.transaction!) as unknown as IDBPTransaction<unknown, string[], 'versionchange'>;
      // An aborted upgrade surfaces as the open's rejection; this copy is only a duplicate.
      tx.done.catch(() => undefined);
      // A failed step must abort the versionchange transaction, or the half-migrated layout would commit.
      runMigrations(db, event.oldVersion, tx).catch((error: unknown) => {
        migrationError = error;
        try {
          tx.abort();
        } catch {
          // Already finished or aborted: the open request reports it.
        }
      });
    });
    request.addEventListener('blocked', () => {
      timer ??= setTimeout(() => fail(blockedError('upgrade', name, blockedTimeoutMs)), blockedTimeoutMs);
    });
    (wrap(request) as Promise<ProfileConnection>).then(
      (db) => {
        if (settled) {
          db.close(); // the caller gave up waiting (blocked); do not leak a connection
          return;
        }
        db.addEventListener('versionchange', () => hooks.onBlocking(db));
        db.addEventListener('close', () => hooks.onTerminated(db));
        settled = true;
        clearTimeout(timer);
        resolve(db);
      },
      (error: unknown) => fail(openError(name, migrationError ?? error)),
    );
  });
}

/** Deletes the database and resolves once it is really gone (the delete request's success). */
export function deleteProfileDb(factory: IDBFactory | undefined, name: string, blockedTimeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (error?: ProfileStoreError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    try {
      const request = indexedDbFactory(factory).deleteDatabase(name);
      request.onsuccess = () => finish();
      request.onerror = () => finish(openError(name, request.error, 'delete'));
      request.onblocked = () => {
        timer ??= setTimeout(() => finish(blockedError('delete', name, blockedTimeoutMs)), blockedTimeoutMs);
      };
    } catch (error) {
      finish(openError(name, error, 'delete'));
    }
  });
}
