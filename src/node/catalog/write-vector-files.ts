import { join } from 'node:path';
import type { CatalogManifest, CatalogVectorFile } from '../../engine/catalog/catalog-manifest.ts';
import { decodeVectors, encodeVectors, sha256Hex, type VectorFormat } from '../../engine/catalog/vector-codec.ts';
import type { Modality } from '../../protocol/embedding.ts';
import type { BuildSummary } from './build-catalog-types.ts';
import { writeAtomic } from './catalog-build-files.ts';
import type { EmbeddedItems } from './embed-items.ts';

/** What the vector-file stage wrote, for the manifest and the summary. */
export interface CatalogVectorFiles {
  encodersInfo: CatalogManifest['encoders'];
  vectorFiles: CatalogManifest['vectorFiles'];
  summaries: BuildSummary['modalities'];
  /** The vectors as stored (decoded back), for the shared space and the fusion model. */
  stored: Partial<Record<Modality, Float32Array>>;
}

/** The catalog build's vector-file stage: one vector file per modality (`vectors/<modality>.<format>`), in the rows the media stage assigned. */
export async function writeVectorFiles(
  outDir: string,
  modalities: readonly Modality[],
  format: VectorFormat,
  rows: Map<Modality, Float32Array[]>,
  embedded: EmbeddedItems,
  mediaBytes: Record<Modality, number>,
): Promise<CatalogVectorFiles> {
  const encodersInfo: CatalogManifest['encoders'] = {};
  const vectorFiles: CatalogManifest['vectorFiles'] = {};
  const summaries: BuildSummary['modalities'] = {};
  /** The vectors as stored (decoded back), for the shared space. */
  const stored: Partial<Record<Modality, Float32Array>> = {};
  for (const m of modalities) {
    const list = rows.get(m)!;
    if (list.length === 0) continue;
    const info = embedded.encoderOf(m);
    if (!info) throw new Error(`no encoder info for ${m}`);
    const bytes = encodeVectors(list, format);
    const rel = `vectors/${m}.${format}`;
    writeAtomic(join(outDir, rel), bytes);
    encodersInfo[m] = { modality: m, name: info.name, version: info.version, dims: info.dims };
    const file: CatalogVectorFile = { path: rel, format, count: list.length, dims: info.dims, bytes: bytes.byteLength, sha256: await sha256Hex(bytes) };
    vectorFiles[m] = file;
    stored[m] = decodeVectors(bytes, format, list.length, info.dims, rel);
    const s = embedded.stats.get(m)!;
    summaries[m] = {
      encoder: `${info.name}@${info.version}`,
      count: list.length,
      embedded: s.embedded,
      reused: s.reused,
      vectorBytes: bytes.byteLength,
      vectorBytesPerItem: bytes.byteLength / list.length,
      mediaBytes: mediaBytes[m],
      mediaBytesPerItem: mediaBytes[m] / list.length,
    };
  }
  return { encodersInfo, vectorFiles, summaries, stored };
}
