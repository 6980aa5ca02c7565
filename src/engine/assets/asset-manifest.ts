import type { ByteProgress } from '../progress/byte-progress.ts';
import { readBodyCounting } from './counting-fetch.ts';

/** `models/assets.json`, written by scripts/copy-assets.mjs. */
export interface AssetManifest {
  version: number;
  models: Array<{
    name: string;
    modality: 'text' | 'image' | 'audio';
    format: 'graph' | 'layers';
    path: string;
    bytes: number;
    license: string;
    source: string;
  }>;
}

/** Fetch and check the asset manifest; `progress` (optional) counts its bytes. */
export async function fetchAssetManifest(assetsBaseUrl: string, progress?: ByteProgress): Promise<AssetManifest> {
  const url = new URL('models/assets.json', assetsBaseUrl).href;
  progress?.start();
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`Could not reach the model assets at ${url}: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) {
    throw new Error(`Model assets missing: ${url} answered ${response.status}. Run \`npm run assets\` (it copies the models from node_modules).`);
  }
  let manifest: AssetManifest;
  try {
    const bytes = await readBodyCounting(response, (n) => progress?.add(n));
    manifest = JSON.parse(new TextDecoder().decode(bytes)) as AssetManifest;
  } catch {
    // e.g. a single-page-app server answering every path with index.html
    throw new Error(`Model assets missing: ${url} is not JSON (${response.headers.get('content-type') ?? 'no content type'}). Run \`npm run assets\`.`);
  }
  if (!Array.isArray(manifest?.models)) throw new Error(`Malformed asset manifest at ${url}: no "models" list`);
  progress?.finish();
  return manifest;
}
