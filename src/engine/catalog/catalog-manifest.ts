/**
 * A catalog is a folder: `manifest.json` (this schema), one vector file per modality (layouts
 * in vector-codec.ts), the media files the items point at and a NOTICE. Shared by the Node
 * builder that writes it and the worker that loads it; no Node APIs here.
 *
 * Rules the parser (catalog-manifest-parser.ts) enforces beyond the field types:
 * - `encoders` and `vectorFiles` are keyed by modality and have the same keys; a vector
 *   file's `dims` equals its encoder's, and its `bytes` equals the exact size of `count`
 *   rows of `dims` values in its `format`.
 * - Every item lists the row of each of its vectors in `vectorRows` (a modality the item has
 *   no vector for is left out). Rows map one-to-one onto items: within a modality every
 *   row 0…count−1 belongs to exactly one item, so a ranking's row indices give item indices
 *   directly (see `rowItems`).
 * - Item ids are unique. `category` is a `/`-separated path without empty segments.
 * - Paths (`vectorFiles.*.path`, `image`, `audio`, `video`, `notice`) are relative to the catalog
 *   folder, `/`-separated, with no empty, `.` or `..` segments, no leading `/`, no `\`;
 *   turn them into URLs with `catalogFileUrl`, which percent-encodes each segment.
 * - `signals` (aggregated interaction data; see src/node/catalog/aggregate-interactions.ts)
 *   name only catalog items.
 * - `sharedSpace` (optional) points at the learned cross-modal projections
 *   (src/engine/catalog/shared-space-format.ts): its `modalities` are at least two distinct
 *   modalities of the catalog, each with a vector file. The weights file itself is checked
 *   when it is loaded (its SHA-256 and size here; encoders and dims inside it).
 * - Unknown fields are errors (a misspelt optional field would otherwise vanish silently);
 *   free-form data goes in an item's `metadata`.
 */
import type { ItemFields } from '../../protocol/catalog-view.ts';
import type { EncoderInfo, Modality } from '../../protocol/embedding.ts';
import type { CatalogVectorFile } from './vector-codec.ts';
import type { FeatureName } from './fusion-features.ts';
import { MODALITIES } from './catalog-modalities.ts';
import type { CatalogIvfEntry } from '../ivf/ivf-format.ts';
import type { CatalogLearnedModel } from './learned-model-format.ts';
import type { CatalogGraphEntry } from '../graph/item-graph-format.ts';
import type { SignalsPrivacy } from './signals-privacy.ts';

export { CatalogFormatError, type VectorFormat } from './vector-codec.ts';

export const CATALOG_SCHEMA_VERSION = 1;

/** Defined with the codec that reads and writes such files; re-exported as part of the manifest's types. */
export type { CatalogVectorFile } from './vector-codec.ts';
export { describe, isObject, type Json } from './json-checks.ts';
export { MODALITIES } from './catalog-modalities.ts';

export interface CatalogItem extends ItemFields {
  /** Media paths relative to the catalog folder. A video item's `image` is its poster frame. */
  image?: string;
  audio?: string;
  /** A video clip (WebM: VP9 + Opus). Its item's image vector is the clip's key frames pooled, its audio vector its soundtrack's. */
  video?: string;
  /** Row of this item's vector in each modality's vector file; the keys are the modalities it has a vector for. */
  vectorRows: Partial<Record<Modality, number>>;
  metadata?: Record<string, unknown>;
}

/** Items most interacted with. `score` = log(1 + weighted events) / log(1 + the largest), in [0, 1]. */
export interface PopularityEntry {
  item: string;
  /** Events on the item. */
  count: number;
  /** Distinct sessions with an event on the item. */
  sessions: number;
  score: number;
}

/** Another item seen in the same sessions. `score` = cosine: sessions(a and b) / √(sessions(a) · sessions(b)). */
export interface RelatedItem {
  item: string;
  score: number;
  /** Sessions with both items. */
  sessions: number;
}

/** The item looked at next. `p` = share of all counted transitions out of the key item. */
export interface NextItem {
  item: string;
  p: number;
  /** Sessions with this transition (each session counts a transition once). */
  sessions: number;
}

/** Aggregated collaborative data: counts over sessions, never anything about one session or user. */
export interface CatalogSignals {
  /** Sessions and events that went in (after dropping items not in the catalog). */
  sessions: number;
  events: number;
  /** Longest list per item. */
  k: number;
  /** Largest gap between two consecutive events of a session that still counts as a transition. */
  maxGapSeconds: number;
  /** Best first. */
  popularity: PopularityEntry[];
  /** Per item id, best first. */
  coOccurrence: Record<string, RelatedItem[]>;
  /** Per item id, most likely first. */
  transitions: Record<string, NextItem[]>;
  /** The minimum sessions K and the noise (ε, δ) the counts were released with (signals-privacy.ts). */
  privacy?: SignalsPrivacy;
}

/** A trained fusion model (see src/engine/recommend/fusion-model.ts for the features). */
export interface CatalogFusionModel {
  head: 'late' | 'attention' | 'mlp';
  weights: Record<FeatureName, number>;
  temperature: number;
  recentItems: number;
  recentDecay: number;
  halfLife: number;
  mlp?: { hidden: number; w1: number[]; b1: number[]; w2: number[]; b2: number };
  /** How it was trained: held-out sessions, and the share of validation sessions whose next item was in the top 10. */
  training: { cases: number; validationTop10Prior: number; validationTop10Fitted: number; keptFitted: boolean };
}

export interface CatalogLicense {
  /** What it covers, e.g. "Tux Paint stamps (images, sounds, descriptions)". */
  name: string;
  /** SPDX identifier or licence name, e.g. "GPL-2.0-or-later". */
  license: string;
  url?: string;
}

/** Learned projections of every modality into one space (see shared-space-format.ts). */
export interface CatalogSharedSpace {
  /** The spec JSON (tfjs weightsManifest style), relative to the catalog folder, e.g. `shared-space/weights.json`. */
  path: string;
  /** Exact size of the spec JSON. */
  bytes: number;
  /** Lowercase hex SHA-256 of the spec JSON (which holds the SHA-256 of its binary). */
  sha256: string;
  /** Dimensions of the shared space. */
  dims: number;
  /** Modalities with a projection, in MODALITIES order, at least two. */
  modalities: Modality[];
}

export interface CatalogManifest {
  schemaVersion: typeof CATALOG_SCHEMA_VERSION;
  name: string;
  /** ISO 8601 date-time. */
  createdAt: string;
  /** ISO 4217 code of item prices. */
  currency?: string;
  encoders: Partial<Record<Modality, EncoderInfo>>;
  vectorFiles: Partial<Record<Modality, CatalogVectorFile>>;
  items: CatalogItem[];
  signals?: CatalogSignals;
  sharedSpace?: CatalogSharedSpace;
  /** The fusion model trained on the shop's interactions (absent: the engine's documented prior). */
  fusion?: CatalogFusionModel;
  licenses?: CatalogLicense[];
  /** Relative path of the NOTICE file. */
  notice?: string;
  /** IVF partitions of some modalities' vectors, for catalogs too large to load whole (src/engine/ivf/ivf-format.ts). */
  ivf?: Partial<Record<Modality, CatalogIvfEntry>>;
  /** The learned item tower + user model and the items' tower vectors (learned-model-format.ts). */
  learnedModel?: CatalogLearnedModel;
  /** The item graph file (src/engine/graph/item-graph-format.ts). */
  graph?: CatalogGraphEntry;
}

export function isModality(value: unknown): value is Modality {
  return value === 'text' || value === 'image' || value === 'audio';
}

/** Modalities with a vector file, in MODALITIES order. */
export function catalogModalities(manifest: CatalogManifest): Modality[] {
  return MODALITIES.filter((m) => manifest.vectorFiles[m] !== undefined);
}

/** For one modality, the index in `manifest.items` of the item each row belongs to. */
export function rowItems(manifest: CatalogManifest, modality: Modality): Int32Array {
  const file = manifest.vectorFiles[modality];
  const out = new Int32Array(file?.count ?? 0).fill(-1);
  manifest.items.forEach((item, index) => {
    const row = item.vectorRows[modality];
    if (row !== undefined) out[row] = index;
  });
  return out;
}

/** URL of a catalog file; each path segment is percent-encoded, so names with `#`, `?` or `%` work. */
export function catalogFileUrl(catalogBaseUrl: string, path: string): string {
  const base = catalogBaseUrl.endsWith('/') ? catalogBaseUrl : `${catalogBaseUrl}/`;
  return new URL(path.split('/').map(encodeURIComponent).join('/'), base).href;
}
