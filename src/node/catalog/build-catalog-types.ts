import type { CatalogLicense, CatalogManifest } from '../../engine/catalog/catalog-manifest.ts';
import type { VectorFormat } from '../../engine/catalog/vector-codec.ts';
import type { Embedding, Modality } from '../../protocol/embedding.ts';
import type { ItemFields } from '../../protocol/catalog-view.ts';
import type { ItemGraphBuildOptions } from './item-graph-files.ts';
import type { LearnedModelBuildOptions, LearnedModelSummary } from './learned-model-stage.ts';
import type { AggregateOptions, AggregationReport, InteractionRow } from './aggregate-interactions.ts';
import type { SharedSpaceBuildOptions } from './shared-space-files.ts';
import type { SharedSpaceTrainingStats } from './train-shared-space.ts';
import type { VideoBuildOptions, VideoCapableEncoders, VideoSummary } from './video-items.ts';

// The catalog builder's contract (build-catalog.ts): its input items, options, summary and errors.

/** One item as a source (Tux Paint, a shop's JSONL/CSV) describes it; paths are absolute or relative to the cwd. */
export interface SourceItem extends ItemFields {
  imagePath?: string;
  audioPath?: string;
  /** A video clip (any format ffmpeg reads): its key frames give the image vector, its soundtrack the audio vector (video-items.ts). */
  videoPath?: string;
  metadata: Record<string, unknown>;
  /** Text to embed; default `textToEmbed(item)`. */
  text?: string;
  /** Where the item came from, for error messages (e.g. `products.jsonl line 4`). */
  origin?: string;
}

/** What the builder needs from the encoders; NodeEncoders fits. Injectable so tests can count calls. */
export interface CatalogEncoders extends VideoCapableEncoders {
  embedText(texts: readonly string[]): Promise<Embedding>;
  embedImageFiles(paths: readonly string[]): Promise<Embedding>;
  embedAudioFiles(paths: readonly string[]): Promise<Embedding>;
}

export interface BuildProgress {
  /** Items finished (all their modalities), reused ones included. */
  done: number;
  total: number;
  /** Items taken from .partial/ without embedding. */
  reused: number;
  /** Seconds since the embedding phase started. */
  elapsed: number;
}

export interface BuildCatalogOptions {
  outDir: string;
  encoders: CatalogEncoders;
  /** manifest.name (default: the folder name). */
  name?: string;
  format?: VectorFormat;
  /** Modalities to build (default all three). */
  modalities?: readonly Modality[];
  batchSize?: number;
  currency?: string;
  licenses?: CatalogLicense[];
  /** Written as DIR/NOTICE and named in manifest.notice. */
  notice?: string;
  /** Extra files copied into DIR next to NOTICE: name in DIR → source path. */
  noticeFiles?: Record<string, string>;
  interactions?: { rows: InteractionRow[]; options?: AggregateOptions };
  imageMaxSide?: number;
  maxAudioBytes?: number;
  maxAudioSeconds?: number;
  /** Video items: re-encoding settings, the length limit and the clip cache (video-items.ts). */
  video?: VideoBuildOptions;
  onProgress?: (progress: BuildProgress) => void;
  /**
   * The shared space (train-shared-space.ts): trained by default when the catalog has vectors
   * of at least two modalities; options tune it; `false` builds the catalog without one.
   */
  sharedSpace?: false | SharedSpaceBuildOptions;
  /** With interactions: train the fusion model (BPR, see train-fusion-model.ts) for this head (default late); false skips it. */
  fusion?: false | { head?: 'late' | 'attention' | 'mlp' };
  /** The learned item tower + user model (learned-model-stage.ts); false skips it. */
  learnedModel?: false | LearnedModelBuildOptions;
  /** The item graph (item-graph-files.ts): off by default (it did not improve the hybrid on the evaluation, docs/evaluation.md); `{}` builds it. */
  graph?: false | ItemGraphBuildOptions;
  /** Tests: stop (throw BuildInterruptedError) once at least this many items are finished and flushed, as a kill would. */
  stopAfterItems?: number;
  /**
   * Shard builds (shard-build.ts): embed the items into DIR/.partial/ and stop there, without
   * media, vector files or manifest; the merge step writes those for all shards at once.
   */
  embedOnly?: boolean;
  /** The merge step: every vector must come from .partial/ (the shards'); embedding anything is an error naming the items. */
  requireEmbedded?: boolean;
  /** manifest.createdAt (default now); `SOURCE_DATE_EPOCH` (seconds) in the environment sets it for reproducible builds. */
  createdAt?: string;
}

export interface ModalitySummary {
  encoder: string;
  /** Items with a vector. */
  count: number;
  embedded: number;
  reused: number;
  vectorBytes: number;
  vectorBytesPerItem: number;
  /** Media files of this modality (images, audio) copied into the catalog. */
  mediaBytes: number;
  mediaBytesPerItem: number;
}

export interface RefusedInput {
  id: string;
  modality: Modality;
  /** EncoderInputError problem code, or `audio-too-large` / `audio-too-long`. */
  problem: string;
  message: string;
}

export interface BuildSummary {
  outDir: string;
  items: number;
  format: VectorFormat;
  modalities: Partial<Record<Modality, ModalitySummary>>;
  refused: RefusedInput[];
  /** Whole build, wall clock. */
  seconds: number;
  /** seconds / items embedded in this run × 100 (items with at least one fresh vector). */
  secondsPer100Items: number;
  itemsEmbeddedThisRun: number;
  manifestBytes: number;
  interactions?: AggregationReport;
  /** The shared space written, or why there is none. */
  sharedSpace?: { dims: number; modalities: Modality[]; bytes: number; stats: SharedSpaceTrainingStats } | { skipped: string };
  /** The fusion model trained on the interactions (see CatalogFusionModel.training). */
  fusion?: NonNullable<CatalogManifest['fusion']>['training'];
  /** Video items shipped (clips and posters), when there are any. */
  learnedModel?: LearnedModelSummary | { skipped: string };
  videos?: VideoSummary;
}

/** Bad source data (a missing field, a missing file, an item with nothing to embed). The CLI exits 2. */
export class CatalogInputError extends Error {
  override readonly name = 'CatalogInputError';
}

/** Thrown by `stopAfterItems`: the build stopped as if killed; run it again to resume. */
export class BuildInterruptedError extends Error {
  override readonly name = 'BuildInterruptedError';
}

export const DEFAULT_BATCH_SIZE = 16;
export const DEFAULT_IMAGE_MAX_SIDE = 256;
export const DEFAULT_MAX_AUDIO_BYTES = 512 * 1024;
export const DEFAULT_MAX_AUDIO_SECONDS = 30;
