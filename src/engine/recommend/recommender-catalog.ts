/**
 * A loaded catalog folder → what the recommender ranks with: the item space (the decoded
 * vectors, the catalog's shared space), the aggregated collaborative signals and the fusion
 * model the catalog ships (or the prior), with an optional configured head. The worker
 * (engine.ts) and the batch recommend CLI (src/node/recommend) both build it here, so they
 * rank with the same parts.
 */
import type { FusionHeadName } from '../../protocol/recommend.ts';
import type { LoadedCatalogFiles } from '../catalog/fetch-catalog.ts';
import { CollaborativeSignals } from './collaborative-signals.ts';
import { catalogFusionModel } from './fusion-model.ts';
import { ItemSpace } from './item-space.ts';
import { ItemGraph } from '../graph/item-graph.ts';
import type { RecommenderCatalog } from './on-device-recommender.ts';
import type { SharedSpace } from '../catalog/shared-space.ts';
import { LearnedRanker } from './learned-ranker.ts';
import { catalogProfileKey, legacyProfileKey } from '../store/catalog-profile-key.ts';

/** `sharedSpace`: the loaded catalog's (LoadedCatalog.sharedSpace); it is disposed with that catalog, not here. */
export function recommenderCatalog(
  files: Pick<LoadedCatalogFiles, 'manifest' | 'vectors' | 'baseUrl' | 'learnedModel' | 'graph'>,
  sharedSpace: SharedSpace | undefined,
  fusionHead?: FusionHeadName,
): RecommenderCatalog {
  const { manifest } = files;
  const rows = Object.fromEntries(Object.entries(files.vectors).map(([m, v]) => [m, { data: v!.data, dims: v!.dims }]));
  const space = new ItemSpace(manifest, rows, sharedSpace);
  const signals = new CollaborativeSignals(space.itemCount, (id) => space.indexOf(id), manifest.signals, files.graph ? new ItemGraph(files.graph) : undefined);
  const encoderDims = Object.fromEntries(Object.entries(manifest.encoders).map(([m, e]) => [m, e.dims]));
  const learned = files.learnedModel ? new LearnedRanker(files.learnedModel, encoderDims) : undefined;
  const legacy = legacyProfileKey(files.baseUrl, manifest.name);
  return {
    name: manifest.name,
    profileKey: catalogProfileKey(files.baseUrl),
    ...(legacy !== undefined ? { legacyProfileKey: legacy } : {}),
    space,
    signals,
    model: catalogFusionModel(manifest.fusion, fusionHead),
    baseUrl: files.baseUrl,
    ...(learned ? { learned } : {}),
    encoders: Object.fromEntries(Object.entries(manifest.encoders).map(([m, e]) => [m, { name: e.name, version: e.version, dims: e.dims }])),
  };
}
