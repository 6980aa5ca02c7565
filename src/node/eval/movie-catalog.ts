/**
 * A catalog of the MovieLens movies built in memory with the catalog format's own parts: the
 * vectors go through the stored format's codec (int8 by default, or kept float32 to measure
 * what quantisation costs), and the split's training ratings are the shop's interaction log,
 * aggregated by the builder's aggregateInteractions (a user is a session). Nothing is written:
 * it is research-only data.
 */
import type { Modality } from '../../protocol/embedding.ts';
import {
  CATALOG_SCHEMA_VERSION,
  type CatalogSignals,
  type CatalogItem,
  type CatalogManifest,
  type CatalogVectorFile,
} from '../../engine/catalog/catalog-manifest.ts';
import { decodeVectors, encodeVectors, sha256Hex, type VectorFormat } from '../../engine/catalog/vector-codec.ts';
import { CollaborativeSignals } from '../../engine/recommend/collaborative-signals.ts';
import { ItemSpace, type ModalityRows } from '../../engine/recommend/item-space.ts';
import { ItemGraph } from '../../engine/graph/item-graph.ts';
import { buildItemGraph, DEFAULT_ITEM_GRAPH_OPTIONS } from '../catalog/build-item-graph.ts';
import { aggregateInteractions, type AggregateOptions, type InteractionRow } from '../catalog/aggregate-interactions.ts';
import type { TrainData } from './eval-types.ts';
import type { MovieEmbeddings } from './movie-embeddings.ts';
import type { MovieLensData } from './movielens.ts';

export type StoredFormat = VectorFormat | 'float32';

export interface MovieCatalog {
  manifest: CatalogManifest;
  space: ItemSpace;
  /** Its signals carry the item graph (the builder's stage on these parts) unless `graph: false`. */
  signals: CollaborativeSignals;
  /** The item graph on other signals (the fusion fit's, from its training part of the log). */
  graphFor: (signals: CatalogSignals | undefined) => ItemGraph;
  dispose(): void;
}

/**
 * Aggregation settings for ratings: a user's ratings are one long "session", with no gap limit
 * and transitions to the next 5 ratings. Chosen on dev users when protocol B still broke time
 * ties by item id (window 5 beat 1 and 3; a 7-day gap limit and more than 100 neighbours
 * added nothing); not re-tuned since ties are broken by the (user, item) hash. K = 1 (every
 * pair) as tuned; `npm run eval:privacy` measures the builder's default K = 5 and noise ε.
 */
export const MOVIE_SIGNAL_OPTIONS: AggregateOptions = { k: 100, maxGapSeconds: 1e9, transitionWindow: 5, maxSessionItems: 1000, minSessions: 1 };

export const itemId = (item: number) => String(item + 1);

export function trainRows(train: TrainData): InteractionRow[] {
  return train.ratings.map((r) => ({ session: String(r.user), item: itemId(r.item), timestamp: r.time, event: 'rating' }));
}

export async function movieCatalog(
  data: MovieLensData,
  embeddings: MovieEmbeddings,
  train: TrainData | undefined,
  options: { format?: StoredFormat; modalities?: Modality[]; signalOptions?: AggregateOptions; graph?: boolean } = {},
): Promise<MovieCatalog> {
  const format = options.format ?? 'int8';
  const modalities = options.modalities ?? ['text', 'image'];
  const items: CatalogItem[] = data.movies.map((m) => ({
    id: itemId(m.item),
    title: m.title,
    category: m.genres[0]?.replace(/[^A-Za-z0-9' -]/g, '') || 'unknown',
    vectorRows: {},
  }));
  const rows: Partial<Record<Modality, ModalityRows>> = {};
  const vectorFiles: CatalogManifest['vectorFiles'] = {};
  const encoders: CatalogManifest['encoders'] = {};
  for (const modality of modalities) {
    const source = modality === 'text' ? embeddings.text : modality === 'image' ? embeddings.image : undefined;
    if (!source) throw new Error(`MovieLens has no ${modality}`);
    const present: Float32Array[] = [];
    source.vectors.forEach((v, item) => {
      if (!v) return;
      items[item]!.vectorRows[modality] = present.length;
      present.push(v);
    });
    const storedFormat: VectorFormat = format === 'float32' ? 'float16' : format;
    const bytes = encodeVectors(present, storedFormat);
    const data32 = new Float32Array(present.length * source.dims);
    if (format === 'float32') present.forEach((v, i) => data32.set(v, i * source.dims));
    else data32.set(decodeVectors(bytes, storedFormat, present.length, source.dims, `${modality} vectors`));
    rows[modality] = { data: data32, dims: source.dims };
    const file: CatalogVectorFile = {
      path: `vectors/${modality}.${storedFormat}`,
      format: storedFormat,
      count: present.length,
      dims: source.dims,
      bytes: bytes.byteLength,
      sha256: await sha256Hex(bytes),
    };
    vectorFiles[modality] = file;
    encoders[modality] = source.encoder;
  }
  const manifest: CatalogManifest = {
    schemaVersion: CATALOG_SCHEMA_VERSION,
    name: `MovieLens-100k (${format})`,
    createdAt: new Date(0).toISOString(),
    encoders,
    vectorFiles,
    items,
  };
  if (train) {
    manifest.signals = aggregateInteractions(
      trainRows(train),
      items.map((i) => i.id),
      options.signalOptions ?? MOVIE_SIGNAL_OPTIONS,
    ).signals;
  }
  const space = new ItemSpace(manifest, rows);
  const graphFor = (signals: CatalogSignals | undefined) => new ItemGraph(movieGraph(data, { ...manifest, ...(signals ? { signals } : {}) }, rows));
  const signals = new CollaborativeSignals(
    items.length,
    (id) => space.indexOf(id),
    manifest.signals,
    options.graph === false ? undefined : graphFor(manifest.signals),
  );
  return { manifest, space, signals, graphFor, dispose: () => space.release() };
}

/**
 * The item graph of the movies, as the catalog builder's stage makes it (item-graph-files.ts):
 * attribute values are every genre (`genre:Drama`) and the release decade from the title
 * (`decade:1990s`), the category is the first genre; interaction edges from the split's
 * aggregated training signals only, content edges from the stored vectors.
 */
function movieGraph(data: MovieLensData, manifest: CatalogManifest, rows: Partial<Record<Modality, ModalityRows>>): ReturnType<typeof buildItemGraph> {
  const { items, signals } = manifest;
  const index = new Map(items.map((item, i) => [item.id, i]));
  const table =
    <T extends { item: string }>(t: Record<string, T[]> | undefined, w: (n: T) => number) =>
    (i: number) =>
      (t?.[items[i]!.id] ?? []).map((n) => ({ index: index.get(n.item)!, weight: w(n) }));
  const popularity = new Float32Array(items.length);
  for (const p of signals?.popularity ?? []) popularity[index.get(p.item)!] = p.score;
  return buildItemGraph(
    {
      itemCount: items.length,
      categories: items.map((item) => item.category),
      attributes: data.movies.map((m) => {
        const year = /\((\d{4})\)\s*$/.exec(m.title)?.[1];
        return [...m.genres.map((g) => `genre:${g}`), ...(year ? [`decade:${year.slice(0, 3)}0s`] : [])];
      }),
      coOccurrence: table(signals?.coOccurrence, (n) => n.score),
      transitions: table(signals?.transitions, (n) => n.p),
      content: (Object.entries(rows) as Array<[Modality, ModalityRows]>).map(([m, r]) => ({
        data: r.data,
        dims: r.dims,
        row: (i: number) => items[i]!.vectorRows[m],
      })),
      popularity,
    },
    DEFAULT_ITEM_GRAPH_OPTIONS,
  );
}
