/**
 * Hostile catalogs (unit tests and e2e/adversarial-input.spec.ts share them): each is a
 * folder's files, keyed by path relative to the catalog folder, with valid SHA-256 hashes,
 * so only the limit under test can refuse them.
 */
import { encodeVectors, float32ToFloat16Bits, sha256Hex } from '../src/engine/catalog/vector-codec.ts';

export type HostileCatalogKind =
  'huge-count' | 'huge-dims' | 'huge-bytes' | 'count-over-items' | 'float16-nan' | 'float16-inf' | 'int8-huge-scale' | 'endless-body';

const DIMS = 4;
const IDS = ['a', 'b', 'c'];

function unitRows(): Float32Array[] {
  return IDS.map((_, r) => Float32Array.from({ length: DIMS }, (_, j) => (j === r % DIMS ? 1 : 0)));
}

function manifest(file: Record<string, unknown>, format: 'int8' | 'float16', dims = DIMS): Record<string, unknown> {
  return {
    schemaVersion: 1,
    name: 'hostile',
    createdAt: '2026-01-01T00:00:00Z',
    encoders: { text: { modality: 'text', name: 'hostile-text', version: '1', dims } },
    vectorFiles: { text: { path: 'vectors/text.bin', format, count: IDS.length, dims, ...file } },
    items: IDS.map((id, i) => ({ id, title: `Item ${id}`, category: 'things', vectorRows: { text: i } })),
  };
}

/** The files of one hostile catalog. `endless-body` declares a 24-byte file; the server is to send a body that never ends. */
export async function hostileCatalogFiles(kind: HostileCatalogKind): Promise<Map<string, Uint8Array>> {
  let vectors: Uint8Array = encodeVectors(unitRows(), 'int8');
  let format: 'int8' | 'float16' = 'int8';
  let extra: Record<string, unknown> = {};
  let dims = DIMS;
  if (kind === 'float16-nan' || kind === 'float16-inf') {
    format = 'float16';
    vectors = encodeVectors(unitRows(), 'float16');
    const bits = kind === 'float16-nan' ? 0x7e00 : float32ToFloat16Bits(Infinity);
    vectors[2 * (1 * DIMS + 2)] = bits & 0xff; // row 1, value 2
    vectors[2 * (1 * DIMS + 2) + 1] = bits >> 8;
  } else if (kind === 'int8-huge-scale') {
    new DataView(vectors.buffer).setFloat32(2 * 4, 1e30, true); // row 2's scale
  }
  const sha256 = await sha256Hex(vectors);
  let file: Record<string, unknown> = { bytes: vectors.byteLength, sha256 };
  if (kind === 'huge-count') extra = { count: 5e8, bytes: 5e8 * (DIMS + 4) };
  if (kind === 'huge-dims') {
    dims = 1_000_000;
    extra = { bytes: IDS.length * (dims + 4) };
  }
  if (kind === 'huge-bytes') extra = { count: 3, bytes: 3 * (DIMS + 4) };
  if (kind === 'count-over-items') extra = { count: 1000, bytes: 1000 * (DIMS + 4) };
  file = { ...file, ...extra };
  const json = manifest(file, format, dims);
  if (kind === 'huge-bytes') {
    // A vector file over the byte cap, its size consistent with count and dims: 300,000 rows of 4096 dims (1.2 GB declared).
    const count = 300_000;
    (json.encoders as Record<string, Record<string, unknown>>).text!.dims = 4096;
    Object.assign((json.vectorFiles as Record<string, Record<string, unknown>>).text!, { count, dims: 4096, bytes: count * (4096 + 4) });
  }
  return new Map([
    ['manifest.json', new TextEncoder().encode(JSON.stringify(json))],
    ['vectors/text.bin', vectors],
  ]);
}
