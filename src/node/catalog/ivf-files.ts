/**
 * `npm run catalog -- ivf --out DIR [--modality M] [--partitions N]`: adds IVF partitions
 * (src/engine/ivf/ivf-format.ts) of one modality's int8 vectors to a built catalog, and the
 * manifest's optional `ivf` section naming them. Nothing is embedded again.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rowItems } from '../../engine/catalog/catalog-manifest.ts';
import { parseCatalogManifest } from '../../engine/catalog/catalog-manifest-parser.ts';
import { CatalogFormatError } from '../../engine/catalog/vector-codec.ts';
import { int8MatrixView } from '../../engine/ranking/int8-matrix.ts';
import type { Modality } from '../../protocol/embedding.ts';
import { buildIvf, type BuildIvfOptions, type BuiltIvf } from './build-ivf.ts';

export async function addIvfToCatalog(dir: string, modality: Modality, options: BuildIvfOptions = {}): Promise<BuiltIvf> {
  const manifestPath = join(dir, 'manifest.json');
  const manifest = parseCatalogManifest(JSON.parse(readFileSync(manifestPath, 'utf8')), manifestPath);
  const file = manifest.vectorFiles[modality];
  if (!file) throw new CatalogFormatError(`${manifestPath}: the catalog has no ${modality} vectors`);
  if (file.format !== 'int8') throw new CatalogFormatError(`${manifestPath}: IVF partitions need int8 vectors, ${modality} is ${file.format}`);
  const matrix = int8MatrixView(new Uint8Array(readFileSync(join(dir, file.path))), file.count, file.dims);
  const owners = rowItems(manifest, modality);
  const folder = `ivf/${modality}`;
  rmSync(join(dir, folder), { recursive: true, force: true });
  const built = await buildIvf(join(dir, folder), matrix, { categoryOf: (row) => manifest.items[owners[row]!]?.category, ...options });
  manifest.ivf = {
    ...manifest.ivf,
    [modality]: { path: `${folder}/index.json`, bytes: built.indexBytes, sha256: built.indexSha256, partitions: built.partitions },
  };
  const temp = `${manifestPath}.tmp-${process.pid}`;
  writeFileSync(temp, JSON.stringify(manifest) + '\n');
  renameSync(temp, manifestPath);
  return built;
}
