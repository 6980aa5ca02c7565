/**
 * The engine's backend choice, kept per browser, WebGPU adapter and engine version in IndexedDB
 * (workers have no localStorage), so a returning visitor's engine starts on the measured winner
 * after one quick correctness check instead of measuring every backend. Anything unreadable
 * (private mode, storage disabled, an old record) simply means "measure".
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { BackendCandidate, Int8RankerCandidate } from '../../protocol/engine-api.ts';
import { isBackendName, type BackendName } from '../../protocol/backend-name.ts';
import { ENGINE_VERSION } from '../engine-version.ts';

const DB_NAME = 'ondevice-recs-engine';
const STORE = 'backend-choice';
/** After this, the remembered choice is still used at start, and measured again in the background. */
export const REMEASURE_AFTER_MS = 24 * 3600 * 1000;

export interface RememberedChoice {
  key: string;
  backend: BackendName;
  int8Ranker: string;
  measuredAt: number;
  candidates: BackendCandidate[];
  int8Candidates: Int8RankerCandidate[];
}

/** What the choice depends on: the engine version, the browser, and the WebGPU adapter (or its absence). */
export function choiceKey(userAgent: string, adapter: string): string {
  return `${ENGINE_VERSION}\n${userAgent}\n${adapter}`;
}

let db: Promise<IDBPDatabase> | undefined;

function open(): Promise<IDBPDatabase> {
  db ??= openDB(DB_NAME, 1, {
    upgrade(database) {
      database.createObjectStore(STORE, { keyPath: 'key' });
    },
  }).catch((error: unknown) => {
    db = undefined;
    throw error;
  });
  return db;
}

export async function readRememberedChoice(key: string): Promise<RememberedChoice | undefined> {
  try {
    const record = (await (await open()).get(STORE, key)) as RememberedChoice | undefined;
    if (!record || !isBackendName(record.backend) || typeof record.measuredAt !== 'number' || typeof record.int8Ranker !== 'string') return undefined;
    return record;
  } catch {
    return undefined;
  }
}

/** Keep a choice; returns false where nothing can be kept (the next visit measures again). */
export async function rememberChoice(choice: RememberedChoice): Promise<boolean> {
  try {
    const database = await open();
    const tx = database.transaction(STORE, 'readwrite');
    // One record per browser: older engine versions' and adapters' choices go.
    await tx.store.clear();
    await tx.store.put(choice);
    await tx.done;
    return true;
  } catch {
    return false;
  }
}

export async function forgetRememberedChoices(): Promise<void> {
  try {
    await (await open()).clear(STORE);
  } catch {
    // nothing kept, nothing to forget
  }
}
