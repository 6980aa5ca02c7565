import { describe, expect, it } from 'vitest';
import { seededUnitVectors } from '../../src/engine/backends/seeded-vectors.ts';
import { catalogFileUrl, catalogModalities, rowItems, type CatalogManifest } from '../../src/engine/catalog/catalog-manifest.ts';
import { parseCatalogManifest } from '../../src/engine/catalog/catalog-manifest-parser.ts';
import {
  CatalogFormatError,
  decodeVectorFile,
  decodeVectors,
  encodeVectors,
  float16BitsToFloat32,
  float32ToFloat16Bits,
  sha256Hex,
  vectorFileByteLength,
} from '../../src/engine/catalog/vector-codec.ts';
import { cosine } from '../cosine.ts';
import { itemAt } from '../../src/shared/item-at.ts';

function rows(data: Float32Array, dims: number): Float32Array[] {
  return Array.from({ length: data.length / dims }, (_, r) => data.subarray(r * dims, (r + 1) * dims));
}

function formatError(fn: () => unknown): CatalogFormatError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogFormatError);
    expect((error as Error).name).toBe('CatalogFormatError');
    return error as CatalogFormatError;
  }
  throw new Error('expected a CatalogFormatError');
}

async function asyncFormatError(promise: Promise<unknown>): Promise<CatalogFormatError> {
  try {
    await promise;
  } catch (error) {
    expect((error as Error).name).toBe('CatalogFormatError');
    return error as CatalogFormatError;
  }
  throw new Error('expected a CatalogFormatError');
}

describe('int8 vectors', () => {
  const dims = 256;
  const data = seededUnitVectors(200, dims, 7);

  it('takes count × (dims + 4) bytes: the float32 scales first, then the int8 rows', () => {
    const bytes = encodeVectors(rows(data, dims), 'int8');
    expect(bytes.byteLength).toBe(200 * (256 + 4));
    expect(vectorFileByteLength('int8', 200, 256)).toBe(200 * 260);
    const row0 = data.subarray(0, dims);
    const maxAbs = Math.max(...Array.from(row0, Math.abs));
    const view = new DataView(bytes.buffer);
    expect(view.getFloat32(0, true)).toBe(Math.fround(maxAbs / 127));
    const argMax = Array.from(row0, Math.abs).indexOf(maxAbs);
    expect(view.getInt8(200 * 4 + argMax)).toBe(Math.sign(itemAt(row0, argMax)) * 127);
  });

  it('round-trips unit vectors with cosine ≥ 0.999', () => {
    const decoded = decodeVectors(encodeVectors(rows(data, dims), 'int8'), 'int8', 200, dims, 'text.int8');
    expect(decoded.length).toBe(200 * dims);
    let worst = 1;
    for (let r = 0; r < 200; r++) worst = Math.min(worst, cosine(data.subarray(r * dims, (r + 1) * dims), decoded.subarray(r * dims, (r + 1) * dims)));
    expect(worst).toBeGreaterThanOrEqual(0.999);
  });

  it('keeps zero rows and values that are a multiple of the scale exactly', () => {
    const exact = new Float32Array([127, -127, 0, 5, -64]);
    const decoded = decodeVectors(encodeVectors([new Float32Array(5), exact], 'int8'), 'int8', 2, 5, 'x');
    expect(Array.from(decoded)).toEqual([0, 0, 0, 0, 0, 127, -127, 0, 5, -64]);
  });

  it('decodes from an unaligned view', () => {
    const bytes = encodeVectors(rows(data.subarray(0, 3 * dims), dims), 'int8');
    const shifted = new Uint8Array(bytes.byteLength + 1);
    shifted.set(bytes, 1);
    expect(decodeVectors(shifted.subarray(1), 'int8', 3, dims, 'x')).toEqual(decodeVectors(bytes, 'int8', 3, dims, 'x'));
  });

  it('refuses non-finite values and rows of different lengths', () => {
    expect(() => encodeVectors([new Float32Array([1, NaN])], 'int8')).toThrow('vector 0 value 1 is NaN: a catalog vector must be finite');
    expect(() => encodeVectors([new Float32Array(2), new Float32Array(3)], 'int8')).toThrow('vector 1 has 3 values, vector 0 has 2');
  });

  it('names a corrupt scale', () => {
    const bytes = encodeVectors([new Float32Array([1, 2])], 'int8');
    new DataView(bytes.buffer).setFloat32(0, NaN, true);
    expect(formatError(() => decodeVectors(bytes, 'int8', 1, 2, 'text.int8')).message).toBe('text.int8: row 0 has an invalid scale NaN');
  });
});

describe('float16 vectors', () => {
  const dims = 96;
  const data = seededUnitVectors(100, dims, 11);

  it('takes count × dims × 2 bytes, little-endian halves', () => {
    const bytes = encodeVectors([new Float32Array([1, -2, 0.5])], 'float16');
    expect(Array.from(bytes)).toEqual([0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38]);
    expect(encodeVectors(rows(data, dims), 'float16').byteLength).toBe(100 * 96 * 2);
    expect(vectorFileByteLength('float16', 100, 96)).toBe(100 * 96 * 2);
  });

  it('round-trips unit vectors within 1e-3', () => {
    const decoded = decodeVectors(encodeVectors(rows(data, dims), 'float16'), 'float16', 100, dims, 'x');
    let worst = 0;
    for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(itemAt(decoded, i) - itemAt(data, i)));
    expect(worst).toBeLessThanOrEqual(1e-3);
  });

  it('is exact for values a half can hold', () => {
    const exact = new Float32Array([0, -0, 1, -2, 0.5, 0.099975586, 65504, -65504, 2 ** -14, 2 ** -24, 3 * 2 ** -24, 1023 * 2 ** -24, 1 + 2 ** -10]);
    const decoded = decodeVectors(encodeVectors([exact], 'float16'), 'float16', 1, exact.length, 'x');
    expect(Array.from(decoded)).toEqual(Array.from(exact));
    expect(Object.is(decoded[1], -0)).toBe(true);
  });

  it('refuses values a half turns into Infinity or NaN', () => {
    expect(() => encodeVectors([new Float32Array([0, 65520])], 'float16')).toThrow('vector 0 value 1 is 65520: float16 holds finite values up to ±65504 only');
    expect(() => encodeVectors([new Float32Array([Infinity])], 'float16')).toThrow('float16 holds finite values');
    expect(() => encodeVectors([new Float32Array([NaN])], 'float16')).toThrow('float16 holds finite values');
  });
});

describe('float32 <-> float16 conversion', () => {
  it('maps known values to their bit patterns', () => {
    const cases: Array<[number, number]> = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.1, 0x2e66],
      [1 / 3, 0x3555],
      [65504, 0x7bff],
      [65519, 0x7bff], // below the midpoint to 65536
      [65520, 0x7c00], // the midpoint ties to even: Infinity
      [1e6, 0x7c00],
      [-1e6, 0xfc00],
      [Infinity, 0x7c00],
      [-Infinity, 0xfc00],
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -14 - 2 ** -24, 0x03ff], // largest subnormal
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // tie between 0 and 2^-24: even is 0
      [1.5 * 2 ** -25, 0x0001],
      [-(2 ** -26), 0x8000],
      [1 + 2 ** -11, 0x3c00], // tie: even mantissa stays
      [1 + 3 * 2 ** -11, 0x3c02], // tie: rounds up to even
      [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just above the tie
      [2 ** -14 - 2 ** -25, 0x0400], // tie between largest subnormal and smallest normal: even is the normal
    ];
    for (const [value, bits] of cases) expect([value, float32ToFloat16Bits(value)]).toEqual([value, bits]);
    const nan = float32ToFloat16Bits(NaN);
    expect(nan & 0x7c00).toBe(0x7c00);
    expect(nan & 0x03ff).not.toBe(0);
  });

  it('decodes special patterns', () => {
    expect(float16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(float16BitsToFloat32(0xfc00)).toBe(-Infinity);
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
    expect(float16BitsToFloat32(0xfe01)).toBeNaN();
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0x03ff)).toBe(1023 * 2 ** -24);
    expect(float16BitsToFloat32(0x7bff)).toBe(65504);
    expect(float16BitsToFloat32(0x3555)).toBe(0.333251953125);
  });

  it('round-trips every non-NaN bit pattern', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0) continue;
      if (float32ToFloat16Bits(float16BitsToFloat32(bits)) !== bits) throw new Error(`0x${bits.toString(16)} does not round-trip`);
    }
  });

  it('rounds to the nearest half, ties to even (random float32 values)', () => {
    const random = seededUnitVectors(1, 4000, 3);
    for (let i = 0; i < random.length; i++) {
      const x = Math.fround(itemAt(random, i) * 2 ** ((i % 40) - 26)); // spans subnormal and normal halves
      const bits = float32ToFloat16Bits(x);
      const got = float16BitsToFloat32(bits);
      const sign = x < 0 ? 0x8000 : 0;
      const magnitude = bits & 0x7fff;
      const distance = Math.abs(got - x);
      for (const neighbour of [magnitude - 1, magnitude + 1]) {
        if (neighbour < 0 || neighbour > 0x7bff) continue;
        const other = Math.abs(float16BitsToFloat32(sign | neighbour) - x);
        expect(distance <= other).toBe(true);
        if (distance === other) expect(magnitude & 1).toBe(0);
      }
    }
  });
});

describe('decodeVectors', () => {
  it('names the file and both lengths when the bytes are short or long', () => {
    expect(formatError(() => decodeVectors(new Uint8Array(23), 'int8', 3, 4, 'vectors/text.int8')).message).toBe(
      'vectors/text.int8: truncated: expected 24 bytes, got 23',
    );
    expect(formatError(() => decodeVectors(new Uint8Array(0), 'float16', 2, 3, 'image.f16')).message).toBe('image.f16: truncated: expected 12 bytes, got 0');
    expect(formatError(() => decodeVectors(new Uint8Array(13), 'float16', 2, 3, 'image.f16')).message).toBe('image.f16: too long: expected 12 bytes, got 13');
  });

  it('accepts an empty file for zero rows', () => {
    expect(decodeVectors(new Uint8Array(0), 'int8', 0, 4, 'x').length).toBe(0);
  });
});

describe('sha256Hex', () => {
  it('hashes known strings', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes only the view, not its whole buffer', async () => {
    const buffer = new TextEncoder().encode('xxabcxx');
    expect(await sha256Hex(buffer.subarray(2, 5))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

// ---------------------------------------------------------------------------------------
// manifest

const HASH = 'a'.repeat(64);

/** A small valid manifest: text (int8, 3 rows of 4) and image (float16, 2 rows of 3). */
function validManifest() {
  return {
    schemaVersion: 1,
    name: 'Test stamps',
    createdAt: '2025-01-31T12:00:00Z',
    currency: 'EUR',
    encoders: {
      text: { modality: 'text', name: 'use-lite', version: '0.2.0', dims: 4 },
      image: { modality: 'image', name: 'mobilenet-v2', version: '4.4.0', dims: 3 },
    },
    vectorFiles: {
      text: { path: 'vectors/text.int8', format: 'int8', count: 3, dims: 4, bytes: 24, sha256: HASH },
      image: { path: 'vectors/image.f16', format: 'float16', count: 2, dims: 3, bytes: 12, sha256: HASH },
    },
    items: [
      {
        id: 'animals/birds/robin',
        title: 'Robin',
        description: 'A small bird with a red breast.',
        category: 'animals/birds',
        price: 2.5,
        stock: 10,
        image: 'media/animals/birds/robin.png',
        audio: 'media/animals/birds/robin.ogg',
        vectorRows: { text: 0, image: 1 },
        metadata: { translations: { de: 'Rotkehlchen' } },
      },
      { id: 'animals/mammals/badger', title: 'Badger', category: 'animals/mammals', vectorRows: { text: 1 } },
      { id: 'food/apple', title: 'Apple', category: 'food', image: 'media/food/apple #1.png', vectorRows: { text: 2, image: 0 } },
    ],
    licenses: [{ name: 'Tux Paint stamps', license: 'GPL-2.0-or-later', url: 'https://tuxpaint.org/' }],
    notice: 'NOTICE',
  } as Record<string, any>;
}

describe('parseCatalogManifest', () => {
  it('returns a typed copy of a valid manifest', () => {
    const json = validManifest();
    const manifest: CatalogManifest = parseCatalogManifest(JSON.parse(JSON.stringify(json)), 'manifest.json');
    expect(manifest).toEqual(json);
    expect(catalogModalities(manifest)).toEqual(['text', 'image']);
    expect(Array.from(rowItems(manifest, 'text'))).toEqual([0, 1, 2]);
    expect(Array.from(rowItems(manifest, 'image'))).toEqual([2, 0]);
    expect(Array.from(rowItems(manifest, 'audio'))).toEqual([]);
  });

  it('accepts a minimal catalog: no optional fields, no vectors', () => {
    const manifest = parseCatalogManifest(
      {
        schemaVersion: 1,
        name: 'n',
        createdAt: '2025-01-31T12:00:00.123+01:00',
        encoders: {},
        vectorFiles: {},
        items: [{ id: 'a', title: 'A', category: 'c', vectorRows: {} }],
      },
      'm',
    );
    expect(manifest.items[0]).toEqual({ id: 'a', title: 'A', category: 'c', vectorRows: {} });
    expect('signals' in manifest).toBe(false);
  });

  const badger = 'manifest.json: items[1] ("animals/mammals/badger")';
  const cases: Array<[string, (m: Record<string, any>) => unknown, string]> = [
    [
      'wrong schemaVersion',
      (m) => (m.schemaVersion = 2),
      'manifest.json: field "schemaVersion" must be 1 (got 2): this app reads catalogs of schema version 1',
    ],
    ['missing schemaVersion', (m) => delete m.schemaVersion, 'manifest.json: missing field "schemaVersion"'],
    ['schemaVersion as a string', (m) => (m.schemaVersion = '1'), 'manifest.json: field "schemaVersion" must be a non-negative integer (got "1")'],
    ['missing name', (m) => delete m.name, 'manifest.json: missing field "name"'],
    ['empty name', (m) => (m.name = ' '), 'manifest.json: field "name" must be a non-empty string (got " ")'],
    [
      'createdAt not ISO',
      (m) => (m.createdAt = 'yesterday'),
      'manifest.json: field "createdAt" must be an ISO 8601 date-time like "2025-01-31T12:00:00Z" (got "yesterday")',
    ],
    [
      'createdAt not a date',
      (m) => (m.createdAt = '2025-13-45T00:00:00Z'),
      'manifest.json: field "createdAt" is not a real date-time (got "2025-13-45T00:00:00Z")',
    ],
    ['bad currency', (m) => (m.currency = 'euro'), 'manifest.json: field "currency" must be an ISO 4217 code like "EUR" (got "euro")'],
    ['unknown top-level field', (m) => (m.itmes = []), 'manifest.json: unknown field "itmes"'],
    ['encoders not an object', (m) => (m.encoders = []), 'manifest.json: field "encoders" must be an object (got an array)'],
    ['unknown encoder modality', (m) => (m.encoders.video = {}), 'manifest.json: encoders: unknown modality "video" (expected text, image or audio)'],
    ['encoder of another modality', (m) => (m.encoders.text.modality = 'image'), 'manifest.json: encoders.text: field "modality" must be "text" (got "image")'],
    ['encoder dims 0', (m) => (m.encoders.text.dims = 0), 'manifest.json: encoders.text: field "dims" must be an integer ≥ 1 (got 0)'],
    ['encoder without version', (m) => delete m.encoders.image.version, 'manifest.json: encoders.image: missing field "version"'],
    [
      'encoder without vector file',
      (m) => (m.encoders.audio = { modality: 'audio', name: 'basic-pitch', version: '1.0.1', dims: 8 }),
      'manifest.json: encoders.audio: no vector file for audio (add vectorFiles.audio)',
    ],
    ['unknown vector file modality', (m) => (m.vectorFiles.video = {}), 'manifest.json: vectorFiles: unknown modality "video" (expected text, image or audio)'],
    [
      'vector file without encoder',
      (m) => (m.vectorFiles.audio = { path: 'a.bin', format: 'int8', count: 0, dims: 8, bytes: 0, sha256: HASH }),
      'manifest.json: vectorFiles.audio: no encoder for audio (add encoders.audio)',
    ],
    [
      'unknown format',
      (m) => (m.vectorFiles.text.format = 'float32'),
      'manifest.json: vectorFiles.text: field "format" must be "int8" or "float16" (got "float32")',
    ],
    [
      'bytes do not match count × dims',
      (m) => (m.vectorFiles.text.bytes = 25),
      'manifest.json: vectorFiles.text: field "bytes" is 25, but int8 with count 3 and dims 4 takes 24 bytes',
    ],
    [
      'count does not match bytes',
      (m) => (m.vectorFiles.image.count = 3),
      'manifest.json: vectorFiles.image: field "bytes" is 12, but float16 with count 3 and dims 3 takes 18 bytes',
    ],
    [
      'dims differ from the encoder',
      (m) => Object.assign(m.vectorFiles.text, { dims: 5, bytes: 27 }),
      'manifest.json: vectorFiles.text: field "dims" is 5, but encoders.text has dims 4',
    ],
    ['negative count', (m) => (m.vectorFiles.text.count = -1), 'manifest.json: vectorFiles.text: field "count" must be a non-negative integer (got -1)'],
    ['bad sha256', (m) => (m.vectorFiles.text.sha256 = 'ABC'), 'manifest.json: vectorFiles.text: field "sha256" must be 64 lowercase hex digits (got "ABC")'],
    [
      'path leaving the folder',
      (m) => (m.vectorFiles.text.path = '../text.int8'),
      'manifest.json: vectorFiles.text: field "path" must be a relative path inside the catalog folder (got "../text.int8")',
    ],
    [
      'two files on one path',
      (m) => (m.vectorFiles.image.path = 'vectors/text.int8'),
      'manifest.json: vectorFiles.image: field "path" "vectors/text.int8" is also the path of vectorFiles.text',
    ],
    ['items not an array', (m) => (m.items = {}), 'manifest.json: field "items" must be an array (got an object)'],
    ['item not an object', (m) => (m.items[1] = 'badger'), 'manifest.json: items[1]: must be an object (got "badger")'],
    ['item without id', (m) => delete m.items[2].id, 'manifest.json: items[2]: missing field "id"'],
    ['numeric id', (m) => (m.items[2].id = 7), 'manifest.json: items[2]: field "id" must be a non-empty string (got 7)'],
    ['duplicate id', (m) => (m.items[2].id = 'animals/birds/robin'), 'manifest.json: items[2] ("animals/birds/robin"): duplicate id, first used by items[0]'],
    ['missing category', (m) => delete m.items[1].category, `${badger}: missing field "category"`],
    [
      'category with an empty segment',
      (m) => (m.items[1].category = 'animals//mammals'),
      `${badger}: field "category" must be a "/"-separated path like "animals/birds" (got "animals//mammals")`,
    ],
    ['missing title', (m) => delete m.items[1].title, `${badger}: missing field "title"`],
    ['description not a string', (m) => (m.items[1].description = 3), `${badger}: field "description" must be a string (got 3)`],
    ['negative price', (m) => (m.items[1].price = -1), `${badger}: field "price" must be a number ≥ 0 (got -1)`],
    ['price as a string', (m) => (m.items[1].price = '2.50'), `${badger}: field "price" must be a number ≥ 0 (got "2.50")`],
    ['fractional stock', (m) => (m.items[1].stock = 1.5), `${badger}: field "stock" must be a non-negative integer (got 1.5)`],
    [
      'absolute image path',
      (m) => (m.items[1].image = '/etc/badger.png'),
      `${badger}: field "image" must be a relative path inside the catalog folder (got "/etc/badger.png")`,
    ],
    [
      'audio path with ..',
      (m) => (m.items[1].audio = 'media/../../x.ogg'),
      `${badger}: field "audio" must be a relative path inside the catalog folder (got "media/../../x.ogg")`,
    ],
    ['metadata an array', (m) => (m.items[1].metadata = []), `${badger}: field "metadata" must be an object (got an array)`],
    ['misspelt item field', (m) => (m.items[1].descripton = 'x'), `${badger}: unknown field "descripton"`],
    ['missing vectorRows', (m) => delete m.items[1].vectorRows, `${badger}: missing field "vectorRows"`],
    [
      'unknown modality in vectorRows',
      (m) => (m.items[1].vectorRows.video = 0),
      `${badger}: unknown modality "video" in field "vectorRows" (expected text, image or audio)`,
    ],
    [
      'row of a modality without vectors',
      (m) => (m.items[1].vectorRows.audio = 0),
      `${badger}: field "vectorRows.audio" is set, but the catalog has no audio vectors (no vectorFiles.audio)`,
    ],
    ['fractional row', (m) => (m.items[1].vectorRows.text = 1.5), `${badger}: field "vectorRows.text" must be a row index, a non-negative integer (got 1.5)`],
    ['row out of range', (m) => (m.items[1].vectorRows.text = 3), `${badger}: field "vectorRows.text" is 3, out of range: vectorFiles.text has 3 rows`],
    ['row of another item', (m) => (m.items[1].vectorRows.text = 0), `${badger}: field "vectorRows.text" is 0, the row of items[0] ("animals/birds/robin")`],
    [
      'row of no item',
      (m) => delete m.items[1].vectorRows.text,
      'manifest.json: vectorFiles.text: row 1 belongs to no item (count 3, but 2 items have a text vector)',
    ],
    ['licence without licence', (m) => delete m.licenses[0].license, 'manifest.json: licenses[0]: missing field "license"'],
    [
      'notice outside',
      (m) => (m.notice = 'C:\\NOTICE'),
      'manifest.json: field "notice" must be a relative path inside the catalog folder (got "C:\\\\NOTICE")',
    ],
  ];

  it.each(cases)('%s', (_, mutate, message) => {
    const json = validManifest();
    mutate(json);
    expect(formatError(() => parseCatalogManifest(json, 'manifest.json')).message).toBe(message);
  });

  it('refuses a manifest that is not an object', () => {
    expect(formatError(() => parseCatalogManifest([], 'https://shop.example/catalog/manifest.json')).message).toBe(
      'https://shop.example/catalog/manifest.json: must be a JSON object (got an array)',
    );
    expect(formatError(() => parseCatalogManifest(null, 'manifest.json')).message).toBe('manifest.json: must be a JSON object (got null)');
  });

  describe('signals', () => {
    const signals = () => ({
      sessions: 4,
      events: 9,
      k: 2,
      maxGapSeconds: 3600,
      popularity: [
        { item: 'food/apple', count: 5, sessions: 3, score: 1 },
        { item: 'animals/birds/robin', count: 4, sessions: 2, score: 0.898244 },
      ],
      coOccurrence: { 'food/apple': [{ item: 'animals/birds/robin', score: 0.816497, sessions: 2 }] },
      transitions: {
        'food/apple': [
          { item: 'animals/birds/robin', p: 0.5, sessions: 1 },
          { item: 'animals/mammals/badger', p: 0.5, sessions: 1 },
        ],
      },
    });

    it('parses valid signals', () => {
      const json = validManifest();
      json.signals = signals();
      expect(parseCatalogManifest(json, 'manifest.json').signals).toEqual(signals());
    });

    const signalCases: Array<[string, (s: Record<string, any>) => unknown, string]> = [
      ['missing popularity', (s) => delete s.popularity, 'manifest.json: signals: missing field "popularity"'],
      [
        'unknown popular item',
        (s) => (s.popularity[1].item = 'zebra'),
        'manifest.json: signals.popularity[1]: field "item" names an item not in the catalog ("zebra")',
      ],
      ['popular item twice', (s) => (s.popularity[1].item = 'food/apple'), 'manifest.json: signals.popularity[1]: item "food/apple" is listed twice'],
      ['score above 1', (s) => (s.popularity[0].score = 1.5), 'manifest.json: signals.popularity[0]: field "score" must be a number from 0 to 1 (got 1.5)'],
      ['unknown key item', (s) => (s.coOccurrence.zebra = []), 'manifest.json: signals.coOccurrence["zebra"]: not an item of the catalog'],
      [
        'own neighbour',
        (s) => (s.coOccurrence['food/apple'][0].item = 'food/apple'),
        'manifest.json: signals.coOccurrence["food/apple"][0]: an item cannot be its own neighbour',
      ],
      ['list longer than k', (s) => (s.k = 1), 'manifest.json: signals.transitions["food/apple"]: 2 entries, more than k = 1'],
      [
        'probabilities above 1',
        (s) => (s.transitions['food/apple'][1].p = 0.6),
        'manifest.json: signals.transitions["food/apple"]: probabilities sum to 1.1, more than 1',
      ],
      [
        'transition count 0',
        (s) => (s.transitions['food/apple'][1].sessions = 0),
        'manifest.json: signals.transitions["food/apple"][1]: field "sessions" must be an integer ≥ 1 (got 0)',
      ],
    ];

    it.each(signalCases)('%s', (_, mutate, message) => {
      const json = validManifest();
      json.signals = signals();
      mutate(json.signals);
      expect(formatError(() => parseCatalogManifest(json, 'manifest.json')).message).toBe(message);
    });
  });
});

describe('catalog files', () => {
  it('checks length and sha256 before decoding', async () => {
    const bytes = encodeVectors([new Float32Array([0.5, -0.25, 1])], 'float16');
    const file = { path: 'image.f16', format: 'float16' as const, count: 1, dims: 3, bytes: 6, sha256: await sha256Hex(bytes) };
    expect(Array.from(await decodeVectorFile(bytes, file, 'image.f16'))).toEqual([0.5, -0.25, 1]);
    expect((await asyncFormatError(decodeVectorFile(bytes.subarray(0, 5), file, 'image.f16'))).message).toBe('image.f16: truncated: expected 6 bytes, got 5');
    const corrupt = bytes.slice();
    corrupt[0] = itemAt(corrupt, 0) ^ 1;
    expect((await asyncFormatError(decodeVectorFile(corrupt, file, 'image.f16'))).message).toBe(
      `image.f16: sha256 mismatch: manifest has ${file.sha256}, file has ${await sha256Hex(corrupt)}`,
    );
  });

  it('percent-encodes each path segment of a URL', () => {
    expect(catalogFileUrl('https://shop.example/catalog', 'media/food/apple #1.png')).toBe('https://shop.example/catalog/media/food/apple%20%231.png');
    expect(catalogFileUrl('http://127.0.0.1:5173/catalogs/stamps/', 'vectors/text.int8')).toBe('http://127.0.0.1:5173/catalogs/stamps/vectors/text.int8');
  });
});
