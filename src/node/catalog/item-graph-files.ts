/**
 * The builder's item-graph stage on disk: builds the graph of a catalog being written
 * (build-item-graph.ts: items, categories, metadata attribute values; co-occurrence and
 * transitions from the aggregated signals; content neighbours from the stored vectors),
 * writes `graph/item-graph.bin` and returns its manifest entry (size, SHA-256, counts).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CatalogManifest } from '../../engine/catalog/catalog-manifest.ts';
import { sha256Hex } from '../../engine/catalog/vector-codec.ts';
import { encodeItemGraph, type CatalogGraphEntry } from '../../engine/graph/item-graph-format.ts';
import type { Modality } from '../../protocol/embedding.ts';
import { buildItemGraph, DEFAULT_ITEM_GRAPH_OPTIONS, metadataAttributes, type GraphNeighbour, type ItemGraphOptions } from './build-item-graph.ts';

export const ITEM_GRAPH_PATH = 'graph/item-graph.bin';

/** Metadata fields whose values become attribute nodes (the sources' tags, keywords, creators, collections, packages). */
export const DEFAULT_ATTRIBUTE_FIELDS = ['keywords', 'tags', 'genres', 'creator', 'collection', 'package', 'brand'] as const;

export interface ItemGraphBuildOptions extends Partial<ItemGraphOptions> {
  attributeFields?: readonly string[];
}

export async function writeItemGraphFile(
  outDir: string,
  manifest: CatalogManifest,
  stored: Partial<Record<Modality, Float32Array>>,
  options: ItemGraphBuildOptions = {},
): Promise<CatalogGraphEntry> {
  const { items, signals } = manifest;
  const index = new Map(items.map((item, i) => [item.id, i]));
  const neighbours =
    <T extends { item: string }>(table: Record<string, T[]> | undefined, weightOf: (n: T) => number) =>
    (i: number): GraphNeighbour[] =>
      (table?.[items[i]!.id] ?? []).flatMap((n) => (index.has(n.item) ? [{ index: index.get(n.item)!, weight: weightOf(n) }] : []));
  const popularity = new Float32Array(items.length);
  for (const p of signals?.popularity ?? []) if (index.has(p.item)) popularity[index.get(p.item)!] = p.score;
  const graph = buildItemGraph(
    {
      itemCount: items.length,
      categories: items.map((item) => item.category),
      attributes: items.map((item) => metadataAttributes(item.metadata, options.attributeFields ?? DEFAULT_ATTRIBUTE_FIELDS)),
      coOccurrence: neighbours(signals?.coOccurrence, (n) => n.score),
      transitions: neighbours(signals?.transitions, (n) => n.p),
      content: (Object.entries(stored) as Array<[Modality, Float32Array]>).map(([m, data]) => ({
        data,
        dims: manifest.vectorFiles[m]!.dims,
        row: (i: number) => items[i]!.vectorRows[m],
      })),
      ...(signals ? { popularity } : {}),
    },
    { ...DEFAULT_ITEM_GRAPH_OPTIONS, ...options },
  );
  const bytes = encodeItemGraph(graph);
  const path = join(outDir, ITEM_GRAPH_PATH);
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, bytes);
  renameSync(temp, path);
  return {
    path: ITEM_GRAPH_PATH,
    bytes: bytes.byteLength,
    sha256: await sha256Hex(bytes),
    nodes: graph.itemCount + graph.labels.length,
    edges: graph.targets.length,
  };
}

export function removeItemGraphFile(outDir: string): void {
  rmSync(join(outDir, ITEM_GRAPH_PATH), { force: true });
}
