/**
 * The catalog builder (Node): source items → a catalog folder in the format of
 * src/engine/catalog/catalog-manifest.ts and vector-codec.ts.
 *
 *   DIR/manifest.json             schemaVersion 1; written last, atomically (temp file + rename)
 *   DIR/vectors/<modality>.<fmt>  one file per modality (int8 by default), atomic
 *   DIR/media/image/<id>.webp     images re-encoded: WebP, longest side 256 px (SVG rasterised by resvg first)
 *   DIR/media/audio/<id>.<ext>    audio copied as is, <ext> from its sniffed format (.ogg .flac .wav .mp3), never the source's
 *   DIR/media/video/<id>.webm     video items: the clip re-encoded (VP9 + Opus), and
 *   DIR/media/poster/<id>.webp    its poster frame, the item's `image` (video-items.ts)
 *   DIR/NOTICE (+ extra files)    licence notice, when the source gives one
 *
 * Order of work (each stage in its own file):
 * 1. validate-source-items.ts: validate every source item (ids unique, fields, media files exist) and fail with a
 *    CatalogInputError naming the item before anything is embedded;
 * 2. embed-items.ts: embed in batches of `batchSize` (16) items: per batch text, then image, then audio, each
 *    modality one encoder call (if the call refuses an input with an EncoderInputError the
 *    batch is redone one item at a time, and a refused item simply lacks that modality);
 * 3. resume-journal.ts: after every batch the new vectors (and refusals) are appended to DIR/.partial/<modality>.jsonl
 *    and fsync'd. A later run with the same DIR reuses every record whose item id, input
 *    (SHA-256 of the text or the file bytes) and encoder name+version match; .partial/ is
 *    removed when the build completes;
 * 4. an item left with no modality at all is an error naming it (the partial stays, so a fixed
 *    source resumes);
 * 5. write-catalog-media.ts, write-vector-files.ts: media and vector files are written (each
 *    through a temp file + rename, catalog-build-files.ts), then the manifest;
 * 6. post-build-stages.ts: the notice, the interaction signals and the fusion model; with
 *    vectors of at least two modalities, a shared space (learned projections of every
 *    modality into one space, train-shared-space.ts) is trained on the vectors as stored
 *    (decoded back from the vector files) and written to DIR/shared-space/ before the
 *    manifest; `sharedSpace: false` skips it (and removes an old one).
 *
 * Encoder check on resume: the encoder that made the partial vectors is compared with the one
 * running now when the first batch of that modality is embedded; on a mismatch that
 * modality's partial is discarded and all its items are embedded again. If nothing is left to
 * embed at all, the partial's encoder is trusted (no encoder call is made).
 *
 * AUDIO: copied unchanged (Ogg stays Ogg). No audio encoder (Vorbis/Opus writer) is installed
 * in this project, so it cannot be re-encoded smaller. To keep the download bounded, a file
 * over `maxAudioBytes` (512 KiB) or, where its length can be read from the container (Ogg
 * Vorbis/Opus), over `maxAudioSeconds` (30 s; the encoder reads only the first 10 s anyway) is
 * neither embedded nor copied: the item lacks audio, and the summary says why.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG_SCHEMA_VERSION, MODALITIES, type CatalogManifest } from '../../engine/catalog/catalog-manifest.ts';
import type { Modality } from '../../protocol/embedding.ts';
import {
  CatalogInputError,
  DEFAULT_BATCH_SIZE,
  type BuildCatalogOptions,
  type BuildSummary,
  type RefusedInput,
  type SourceItem,
} from './build-catalog-types.ts';
import { writeAtomic } from './catalog-build-files.ts';
import { embedItems, type EmbedInputs } from './embed-items.ts';
import { removeItemGraphFile, writeItemGraphFile } from './item-graph-files.ts';
import { aggregateSignals, buildCatalogLearnedModel, buildSharedSpace, trainCatalogFusion, writeNotice } from './post-build-stages.ts';
import { sourceItemLabel, validateSourceItems, type PreparedItem } from './validate-source-items.ts';
import { CatalogVideos } from './video-items.ts';
import { mediaNames, writeCatalogMedia } from './write-catalog-media.ts';
import { writeVectorFiles } from './write-vector-files.ts';
import { itemAt } from '../../shared/item-at.ts';

export * from './build-catalog-types.ts';
export { textToEmbed } from './validate-source-items.ts';

/** `SOURCE_DATE_EPOCH` (the reproducible-builds convention) as an ISO date, when set. */
function sourceDateEpoch(): string | undefined {
  const value = process.env.SOURCE_DATE_EPOCH;
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return new Date(Number(value) * 1000).toISOString();
}

/** Builds the catalog in `options.outDir` from `items`; resumes from DIR/.partial/ if an earlier run was interrupted. */
export async function buildCatalog(items: readonly SourceItem[], options: BuildCatalogOptions): Promise<BuildSummary> {
  const started = performance.now();
  const { outDir, encoders } = options;
  const format = options.format ?? 'int8';
  const modalities = MODALITIES.filter((m) => (options.modalities ?? MODALITIES).includes(m));
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!(Number.isSafeInteger(batchSize) && batchSize >= 1)) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const refused: RefusedInput[] = [];

  const prepared = validateSourceItems(items, modalities, options, refused);
  mkdirSync(outDir, { recursive: true });
  const names = mediaNames(prepared.map((p) => p.source.id));
  const videos = new CatalogVideos(outDir, names, encoders, options.video);
  await videos.prepare(prepared, refused);

  const embed: Record<Modality, EmbedInputs> = {
    text: (inputs) => encoders.embedText(inputs),
    image: (inputs) => videos.embedImages(inputs, (paths) => encoders.embedImageFiles(paths)),
    audio: (inputs) => videos.embedAudio(inputs, (paths) => encoders.embedAudioFiles(paths)),
  };
  const embedded = await embedItems(prepared, modalities, batchSize, embed, options);
  const { vectors, refusedById, freshItems } = embedded;

  if (options.embedOnly) {
    const seconds = (performance.now() - started) / 1000;
    for (const m of modalities) for (const entry of refusedById.get(m)!.values()) refused.push(entry);
    return {
      outDir,
      items: prepared.length,
      format,
      modalities: {},
      refused,
      seconds,
      itemsEmbeddedThisRun: freshItems.size,
      secondsPer100Items: freshItems.size > 0 ? (seconds / freshItems.size) * 100 : 0,
      manifestBytes: 0,
    };
  }

  // Items with nothing usable.
  const empty = prepared.filter((item) => !modalities.some((m) => vectors.get(m)!.has(item.source.id)));
  for (const m of modalities) for (const entry of refusedById.get(m)!.values()) refused.push(entry);
  if (empty.length > 0) {
    const reasons = (item: PreparedItem) => {
      const why = refused.filter((r) => r.id === item.source.id).map((r) => `${r.modality}: ${r.message}`);
      return why.length ? why.join('; ') : `no ${modalities.join('/')} input`;
    };
    const first = itemAt(empty, 0);
    throw new CatalogInputError(
      `${sourceItemLabel(first.source, prepared.indexOf(first))} has no usable modality (${reasons(first)})` +
        (empty.length > 1
          ? ` — and ${empty.length - 1} more items: ${empty
              .slice(1, 6)
              .map((e) => JSON.stringify(e.source.id))
              .join(', ')}`
          : ''),
    );
  }

  const { manifestItems, rows, mediaBytes, video } = await writeCatalogMedia(prepared, modalities, vectors, videos, names, options);
  const { encodersInfo, vectorFiles, summaries, stored } = await writeVectorFiles(outDir, modalities, format, rows, embedded, mediaBytes);
  const noticePath = writeNotice(outDir, options);
  const { signals, report: interactionsReport } = aggregateSignals(
    options,
    manifestItems.map((i) => i.id),
  );

  const manifest: CatalogManifest = {
    schemaVersion: CATALOG_SCHEMA_VERSION,
    name: options.name ?? (outDir.replace(/\/+$/, '').split('/').pop() || 'catalog'),
    createdAt: options.createdAt ?? sourceDateEpoch() ?? new Date().toISOString(),
    encoders: encodersInfo,
    vectorFiles,
    items: manifestItems,
  };
  if (options.currency !== undefined) manifest.currency = options.currency;
  if (signals) manifest.signals = signals;

  const { summary: sharedSpaceSummary, weights: sharedWeights } = await buildSharedSpace(outDir, manifest, stored, options);
  const fusionSummary = await trainCatalogFusion(manifest, stored, sharedWeights, options);
  const learnedSummary = await buildCatalogLearnedModel(outDir, manifest, stored, sharedWeights, options);
  if (options.licenses) manifest.licenses = options.licenses;
  if (noticePath) manifest.notice = noticePath;
  if (options.graph === undefined || options.graph === false) removeItemGraphFile(outDir);
  else manifest.graph = await writeItemGraphFile(outDir, manifest, stored, options.graph);
  const manifestText = JSON.stringify(manifest) + '\n';
  writeAtomic(join(outDir, 'manifest.json'), manifestText);
  rmSync(join(outDir, '.partial'), { recursive: true, force: true });

  const seconds = (performance.now() - started) / 1000;
  refused.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.modality.localeCompare(b.modality)));
  return {
    outDir,
    items: manifestItems.length,
    format,
    modalities: summaries,
    refused,
    seconds,
    itemsEmbeddedThisRun: freshItems.size,
    secondsPer100Items: freshItems.size > 0 ? (seconds / freshItems.size) * 100 : 0,
    manifestBytes: Buffer.byteLength(manifestText),
    ...(interactionsReport ? { interactions: interactionsReport } : {}),
    ...(sharedSpaceSummary ? { sharedSpace: sharedSpaceSummary } : {}),
    ...(fusionSummary ? { fusion: fusionSummary } : {}),
    ...(learnedSummary ? { learnedModel: learnedSummary } : {}),
    ...(video.items > 0 ? { videos: videos.summary(video.items, video.videoBytes, video.posterBytes, video.seconds) } : {}),
  };
}
