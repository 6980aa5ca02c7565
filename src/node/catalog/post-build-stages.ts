import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogManifest } from '../../engine/catalog/catalog-manifest.ts';
import { SharedSpace } from '../../engine/catalog/shared-space.ts';
import type { SharedSpaceWeights } from '../../engine/catalog/shared-space-format.ts';
import { PRIOR_FUSION_MODEL, withHead } from '../../engine/recommend/fusion-model.ts';
import { ItemSpace } from '../../engine/recommend/item-space.ts';
import type { Modality } from '../../protocol/embedding.ts';
import { aggregateInteractions, type AggregationReport } from './aggregate-interactions.ts';
import type { BuildCatalogOptions, BuildSummary } from './build-catalog-types.ts';
import { copyAtomic, writeAtomic } from './catalog-build-files.ts';
import { buildLearnedModel, learnedModelSkipReason, removeLearnedModelFiles } from './learned-model-stage.ts';
import { removeSharedSpaceFiles, SHARED_SPACE_BINARY, SHARED_SPACE_DIR, sharedSpaceSkipReason, writeSharedSpaceFiles } from './shared-space-files.ts';
import { trainFusionModel } from './train-fusion-model.ts';
import { sharedSpaceDataFromCatalog, trainSharedSpace } from './train-shared-space.ts';

// The catalog build's stages after the vector files: the notice, the interaction signals, the
// shared space and the fusion model. Each is optional; each writes its files before the manifest names them.

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** DIR/NOTICE and the extra licence files; returns the manifest's `notice` path when there is one. */
export function writeNotice(outDir: string, options: BuildCatalogOptions): string | undefined {
  let noticePath: string | undefined;
  if (options.notice !== undefined) {
    writeAtomic(join(outDir, 'NOTICE'), options.notice);
    noticePath = 'NOTICE';
  }
  for (const [name, from] of Object.entries(options.noticeFiles ?? {})) copyAtomic(from, join(outDir, name));
  return noticePath;
}

/** The shop's interactions aggregated into the manifest's `signals` (counts over sessions only), when it gave some. */
export function aggregateSignals(options: BuildCatalogOptions, itemIds: string[]): { signals?: CatalogManifest['signals']; report?: AggregationReport } {
  if (!options.interactions) return {};
  const aggregated = aggregateInteractions(options.interactions.rows, itemIds, options.interactions.options);
  return { signals: aggregated.signals, report: aggregated.report };
}

/**
 * The shared space, trained on the vectors as stored and written to DIR/shared-space/ before
 * the manifest names it (`manifest.sharedSpace` is set here); removed when the options or the
 * catalog rule it out.
 */
export async function buildSharedSpace(
  outDir: string,
  manifest: CatalogManifest,
  stored: Partial<Record<Modality, Float32Array>>,
  options: BuildCatalogOptions,
): Promise<{ summary?: BuildSummary['sharedSpace']; weights?: SharedSpaceWeights }> {
  if (options.sharedSpace === false) {
    removeSharedSpaceFiles(outDir);
    return {};
  }
  const skipped = sharedSpaceSkipReason(manifest);
  if (skipped) {
    removeSharedSpaceFiles(outDir);
    return { summary: { skipped } };
  }
  const trained = await trainSharedSpace(sharedSpaceDataFromCatalog(manifest, stored), options.sharedSpace ?? {});
  const entry = await writeSharedSpaceFiles(outDir, trained, manifest.encoders, options.sharedSpace?.quantization);
  manifest.sharedSpace = entry;
  const binBytes = statSync(join(outDir, SHARED_SPACE_DIR, SHARED_SPACE_BINARY)).size;
  return { summary: { dims: entry.dims, modalities: entry.modalities, bytes: entry.bytes + binBytes, stats: trained.stats }, weights: trained.weights };
}

/** The fusion model, trained on the shop's interactions when it gave some (else the engine's prior applies); sets `manifest.fusion`. */
export async function trainCatalogFusion(
  manifest: CatalogManifest,
  stored: Partial<Record<Modality, Float32Array>>,
  sharedWeights: SharedSpaceWeights | undefined,
  options: BuildCatalogOptions,
): Promise<BuildSummary['fusion']> {
  const signals = manifest.signals;
  if (!(options.interactions && signals && signals.events > 0 && options.fusion !== false)) return undefined;
  const space = new ItemSpace(
    manifest,
    Object.fromEntries(Object.entries(stored).map(([m, data]) => [m, { data, dims: vectorFileOf(manifest, m).dims }])),
    sharedWeights ? new SharedSpace(sharedWeights) : undefined,
  );
  try {
    const head = options.fusion?.head ?? 'late';
    const trained = await trainFusionModel({
      space,
      rows: options.interactions.rows,
      signalOptions: options.interactions.options,
      base: withHead(PRIOR_FUSION_MODEL, head),
      mlp: head === 'mlp',
    });
    const { model } = trained;
    manifest.fusion = {
      head,
      weights: model.weights,
      temperature: model.temperature,
      recentItems: model.recentItems,
      recentDecay: model.recentDecay,
      halfLife: model.halfLife,
      ...(model.mlp ? { mlp: model.mlp } : {}),
      training: {
        cases: trained.cases,
        validationTop10Prior: round4(trained.validationTop10.base),
        validationTop10Fitted: round4(trained.validationTop10.fitted),
        keptFitted: trained.keptFitted,
      },
    };
    return manifest.fusion.training;
  } finally {
    space.release(true);
  }
}

/** The learned item tower + user model (learned-model-stage.ts) and the items' tower vectors; sets `manifest.learnedModel`. */
export async function buildCatalogLearnedModel(
  outDir: string,
  manifest: CatalogManifest,
  stored: Partial<Record<Modality, Float32Array>>,
  sharedWeights: SharedSpaceWeights | undefined,
  options: BuildCatalogOptions,
): Promise<BuildSummary['learnedModel']> {
  const signals = manifest.signals;
  const skip = options.learnedModel === false ? 'turned off' : learnedModelSkipReason(manifest, (signals?.events ?? 0) > 0);
  if (skip) {
    removeLearnedModelFiles(outDir);
    return { skipped: skip };
  }
  const space = new ItemSpace(
    manifest,
    Object.fromEntries(Object.entries(stored).map(([m, data]) => [m, { data, dims: vectorFileOf(manifest, m).dims }])),
    sharedWeights ? new SharedSpace(sharedWeights) : undefined,
  );
  try {
    const withLog = options.interactions && signals && signals.events > 0 ? { interactions: options.interactions } : {};
    const built = await buildLearnedModel({ outDir, manifest, stored, space, ...withLog }, options.learnedModel || {});
    manifest.learnedModel = built.entry;
    return built.summary;
  } finally {
    space.release(true);
  }
}

function vectorFileOf(manifest: CatalogManifest, modality: string): NonNullable<CatalogManifest['vectorFiles'][Modality]> {
  const file = manifest.vectorFiles[modality as Modality];
  if (!file) throw new Error(`catalog build: stored ${modality} vectors without a vector file`);
  return file;
}
