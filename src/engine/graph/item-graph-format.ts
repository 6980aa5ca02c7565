/**
 * The item graph file (`graph/item-graph.bin`) and its manifest entry (`manifest.graph`).
 * Little-endian binary, 4-byte aligned sections:
 *
 *   magic "IGRF" · u32 version (1) · u32 itemCount · u32 nodeCount · u32 edgeCount · u32 labelBytes
 *   labels      UTF-8 JSON array of the nodeCount − itemCount non-item node labels, space-padded to 4
 *   offsets     u32 × (nodeCount + 1), ascending, first 0, last edgeCount
 *   targets     u32 × edgeCount, each < nodeCount
 *   weights     f32 × edgeCount, each finite and > 0
 *   kinds       u8 × edgeCount, each an index into GRAPH_EDGE_KINDS (then zero-padded to 4)
 *
 * The manifest entry holds the file's size and SHA-256 like every other file (checked by the
 * loader before decoding), and the node and edge counts the file must agree with. Anything
 * else wrong is a CatalogFormatError naming what is wrong; nothing is half-loaded.
 */
import { CatalogFormatError, sha256Hex } from '../catalog/vector-codec.ts';
import { describe, isObject, type Json } from '../catalog/json-checks.ts';
import { GRAPH_EDGE_KINDS, type ItemGraphData } from './item-graph.ts';

export const ITEM_GRAPH_MAGIC = 'IGRF';
export const ITEM_GRAPH_VERSION = 1;
const HEADER_BYTES = 24;

/** manifest.graph: where the item graph is, and what it holds. */
export interface CatalogGraphEntry {
  path: string;
  bytes: number;
  sha256: string;
  nodes: number;
  edges: number;
}

const pad4 = (n: number) => (n + 3) & ~3;

export function encodeItemGraph(graph: ItemGraphData): Uint8Array<ArrayBuffer> {
  const nodeCount = graph.itemCount + graph.labels.length;
  const edgeCount = graph.targets.length;
  const labelText = new TextEncoder().encode(JSON.stringify(graph.labels));
  const labelBytes = pad4(labelText.length);
  const total = HEADER_BYTES + labelBytes + 4 * (nodeCount + 1) + 8 * edgeCount + pad4(edgeCount);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) bytes[i] = ITEM_GRAPH_MAGIC.charCodeAt(i);
  [ITEM_GRAPH_VERSION, graph.itemCount, nodeCount, edgeCount, labelBytes].forEach((v, i) => view.setUint32(4 + 4 * i, v, true));
  bytes.fill(0x20, HEADER_BYTES, HEADER_BYTES + labelBytes);
  bytes.set(labelText, HEADER_BYTES);
  let at = HEADER_BYTES + labelBytes;
  for (const o of graph.offsets) {
    view.setUint32(at, o, true);
    at += 4;
  }
  for (const t of graph.targets) {
    view.setUint32(at, t, true);
    at += 4;
  }
  for (const w of graph.weights) {
    view.setFloat32(at, w, true);
    at += 4;
  }
  bytes.set(graph.kinds, at);
  return bytes;
}

/** Decodes and checks a graph file against its manifest entry and the catalog's item count. */
export function decodeItemGraph(bytes: Uint8Array, entry: Pick<CatalogGraphEntry, 'nodes' | 'edges'>, itemCount: number, source: string): ItemGraphData {
  const fail = (problem: string): never => {
    throw new CatalogFormatError(`${source}: ${problem}`);
  };
  if (bytes.length < HEADER_BYTES) fail(`${bytes.length} bytes, shorter than the ${HEADER_BYTES}-byte header`);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== ITEM_GRAPH_MAGIC) fail(`not an item graph file (starts with ${JSON.stringify(magic)}, expected "${ITEM_GRAPH_MAGIC}")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [version, items, nodeCount, edgeCount, labelBytes] = [0, 1, 2, 3, 4].map((i) => view.getUint32(4 + 4 * i, true)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (version !== ITEM_GRAPH_VERSION) fail(`format version ${version}; this app reads version ${ITEM_GRAPH_VERSION}`);
  if (items !== itemCount) fail(`made for ${items} items, the catalog has ${itemCount}`);
  if (nodeCount !== entry.nodes || edgeCount !== entry.edges)
    fail(`holds ${nodeCount} nodes and ${edgeCount} edges, the manifest says ${entry.nodes} and ${entry.edges}`);
  if (nodeCount < itemCount || labelBytes % 4 !== 0) fail('header is inconsistent (fewer nodes than items, or unaligned labels)');
  const expected = HEADER_BYTES + labelBytes + 4 * (nodeCount + 1) + 8 * edgeCount + pad4(edgeCount);
  if (bytes.length !== expected) fail(`${bytes.length} bytes, expected ${expected} for ${nodeCount} nodes and ${edgeCount} edges`);
  let labels: unknown;
  try {
    labels = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + labelBytes)));
  } catch {
    fail('node labels are not UTF-8 JSON');
  }
  if (!Array.isArray(labels) || labels.length !== nodeCount - itemCount || !labels.every((l) => typeof l === 'string'))
    fail(`node labels must be ${nodeCount - itemCount} strings`);
  let at = HEADER_BYTES + labelBytes;
  const offsets = new Uint32Array(nodeCount + 1);
  for (let v = 0; v <= nodeCount; v++, at += 4) offsets[v] = view.getUint32(at, true);
  if (offsets[0] !== 0 || offsets[nodeCount] !== edgeCount) fail(`edge offsets must start at 0 and end at ${edgeCount}`);
  for (let v = 0; v < nodeCount; v++) if (offsets[v]! > offsets[v + 1]!) fail(`edge offsets of node ${v} go backwards`);
  const targets = new Uint32Array(edgeCount);
  for (let e = 0; e < edgeCount; e++, at += 4) {
    targets[e] = view.getUint32(at, true);
    if (targets[e]! >= nodeCount) fail(`edge ${e} points at node ${targets[e]}, past the ${nodeCount} nodes`);
  }
  const weights = new Float32Array(edgeCount);
  for (let e = 0; e < edgeCount; e++, at += 4) {
    weights[e] = view.getFloat32(at, true);
    if (!(Number.isFinite(weights[e]) && weights[e]! > 0)) fail(`edge ${e} has weight ${weights[e]}, not a positive finite number`);
  }
  const kinds = bytes.slice(at, at + edgeCount);
  for (let e = 0; e < edgeCount; e++)
    if (kinds[e]! >= GRAPH_EDGE_KINDS.length) fail(`edge ${e} has kind ${kinds[e]}, not one of the ${GRAPH_EDGE_KINDS.length} kinds`);
  return { itemCount, labels: labels as string[], offsets, targets, weights, kinds };
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const PATH = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[^\\\u0000-\u001f]+$/;

/** manifest.graph (optional section; see catalog-manifest.ts). */
export function parseCatalogGraph(source: string, json: Json): CatalogGraphEntry {
  const fail = (problem: string): never => {
    throw new CatalogFormatError(`${source}: graph: ${problem}`);
  };
  if (!isObject(json)) fail(`must be an object (got ${describe(json)})`);
  const unknown = Object.keys(json).filter((k) => !['path', 'bytes', 'sha256', 'nodes', 'edges'].includes(k));
  if (unknown.length > 0) fail(`unknown field ${JSON.stringify(unknown[0])}`);
  const { path, sha256 } = json;
  if (typeof path !== 'string' || !PATH.test(path)) fail(`field "path" must be a relative path (got ${describe(path)})`);
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) fail(`field "sha256" must be 64 lowercase hex digits (got ${describe(sha256)})`);
  const count = (field: string): number => {
    const value = json[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      fail(`field "${field}" must be a non-negative integer (got ${describe(value)})`);
    return value as number;
  };
  return { path: path as string, bytes: count('bytes'), sha256: sha256 as string, nodes: count('nodes'), edges: count('edges') };
}

/** The loader's check of a fetched graph file: size and SHA-256 as the manifest says, then decoded. */
export async function decodeItemGraphFile(bytes: Uint8Array, entry: CatalogGraphEntry, itemCount: number, source: string): Promise<ItemGraphData> {
  if (bytes.byteLength !== entry.bytes) {
    throw new CatalogFormatError(
      `${source}: ${bytes.byteLength < entry.bytes ? 'truncated' : 'too long'}: expected ${entry.bytes} bytes, got ${bytes.byteLength}`,
    );
  }
  const digest = await sha256Hex(bytes);
  if (digest !== entry.sha256) throw new CatalogFormatError(`${source}: sha256 mismatch: manifest has ${entry.sha256}, file has ${digest}`);
  return decodeItemGraph(bytes, entry, itemCount, source);
}
