/**
 * Shapes of the user's profile as the store hands them out and the page gets from
 * exportData. Everything here stays on the device: the store lives in the engine worker's
 * IndexedDB and nothing reads it remotely.
 */
import type { Modality } from './embedding.ts';

/** The IndexedDB database the worker's profile store opens and the page's privacy panel may delete. */
export const DEFAULT_DB_NAME = 'ondevice-recs-profile';

export const EVENT_TYPES = ['view', 'click', 'add-to-cart', 'remove-from-cart', 'purchase', 'dismiss', 'review', 'shown'] as const;
export type ProfileEventType = (typeof EVENT_TYPES)[number];

/** For 'shown' impressions: which list of recommendations the user saw. */
export interface EventContext {
  mode?: string;
  shownIds?: string[];
}

/** An event as the caller records it: exactly one of `itemId` / `adhocId`; `at` defaults to now. */
export interface NewProfileEvent {
  type: ProfileEventType;
  /** A catalog item. */
  itemId?: string;
  /** An ad-hoc item the user supplied (see AdhocItem). */
  adhocId?: string;
  /** ms since the epoch. */
  at?: number;
  /** How long a 'view' lasted. Only on views. */
  dwellMs?: number;
  /** The catalog's name, so one profile can serve several shops' catalogs. */
  catalog?: string;
  context?: EventContext;
  /** A review's words, as the user wrote them. Only on reviews. */
  text?: string;
  /** A review's P(positive) from the sentiment head, 0…1 (kept, so ranking never embeds it again). Only on reviews. */
  sentiment?: number;
}

/** A stored event: `id` is IndexedDB's auto-increment key, so it orders events by recording time. */
export interface ProfileEvent extends NewProfileEvent {
  id: number;
  at: number;
}

export interface EventQuery {
  /** Only events with an id greater than this (incremental reads). */
  sinceId?: number;
  /** Only events with `at` >= this (ms epoch; served by the `by-at` index). */
  sinceAt?: number;
  /** Only the newest `limit` matching events (still returned oldest→newest). */
  limit?: number;
  /** Only events of this catalog. */
  catalog?: string;
  /** Leave these types out, before `limit` counts (so 'shown' impressions do not use up a history window). */
  excludeTypes?: readonly ProfileEventType[];
}

/** What an ad-hoc vector was made with; a vector is only comparable with ones of the same encoder. */
export interface AdhocEncoder {
  name: string;
  version: string;
  dims: number;
}

/** Something the user gave us (typed text, a photo, a sound) and its embedding. */
export interface AdhocItem {
  id: string;
  modality: Modality;
  vector: Float32Array;
  encoder: AdhocEncoder;
  /** The typed text, a file name… shown back to the user; never sent anywhere. */
  label?: string;
  createdAt: number;
}

/** Input of putAdhocItem: `createdAt` defaults to now. */
export type NewAdhocItem = Omit<AdhocItem, 'createdAt'> & { createdAt?: number };

/** The user's small personal model (e.g. fusion weights), one per key (usually a catalog name). */
export interface ModelState {
  key: string;
  /** Format version of `weights`, owned by the model code, so it can discard an old layout. */
  version: number;
  weights: number[];
  /** How many updates produced these weights. */
  updates: number;
  updatedAt: number;
}

/** Input of putModelState: `updatedAt` defaults to now. */
export type NewModelState = Omit<ModelState, 'updatedAt'> & { updatedAt?: number };

export interface ProfileCounts {
  events: number;
  adhocItems: number;
  modelStates: number;
}

export const EXPORT_FORMAT = 'ondevice-recs-profile';

/** Everything the store holds, as plain JSON (the user's "download my data"). */
export interface ProfileExport {
  format: typeof EXPORT_FORMAT;
  schemaVersion: number;
  exportedAt: number;
  /** When this profile database was created (ms epoch). */
  createdAt: number | null;
  events: ProfileEvent[];
  /** Events not yet written because storage was full (see pendingCount). */
  pendingEvents: NewProfileEvent[];
  adhocItems: Array<Omit<AdhocItem, 'vector'> & { vector: number[] }>;
  modelStates: ModelState[];
}

export interface ProfileStoreOptions {
  /** Default 'ondevice-recs-profile'. */
  dbName?: string;
  /** Keep at most this many events; older ones are trimmed as new ones arrive. Default 5000. */
  maxEvents?: number;
  /** How long an open or delete may wait on another tab's connection before failing. Default 5000 ms. */
  blockedTimeoutMs?: number;
  /**
   * The IndexedDB to use. Default: the global `indexedDB`. Pass a Storage Bucket's
   * (`(await navigator.storageBuckets.open('profile')).indexedDB`) to keep the profile in its
   * own bucket, which the browser can persist, evict or clear apart from other site data.
   */
  indexedDB?: IDBFactory;
  /** Events kept in memory while storage is full. Default 1000; beyond it the oldest pending are dropped. */
  maxPendingEvents?: number;
  /** Keep at most this many ad-hoc items (search examples); the oldest are deleted as new ones arrive. Default 100. */
  maxAdhocItems?: number;
}
