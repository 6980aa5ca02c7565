/**
 * Progress of the slow steps (engine start, catalog load, encoder load), reported by the
 * worker as they happen so a loading view can show real bytes and stages, not a spinner.
 * Listeners cross the worker boundary as Comlink proxies (the client wraps them).
 */
export const PROGRESS_STAGES = ['backends', 'assets', 'catalog', 'shared-space', 'model'] as const;
/**
 * - `backends`: probing tfjs backends (no bytes; one update per backend measured).
 * - `assets`: the served asset manifest (`models/assets.json`).
 * - `catalog`: the catalog's manifest and vector files.
 * - `shared-space`: the catalog's cross-modal projection weights.
 * - `model`: an encoder's weights (text, image or audio), fetched on first use or by `warmUp`.
 */
export type ProgressStage = (typeof PROGRESS_STAGES)[number];

export interface ProgressUpdate {
  stage: ProgressStage;
  /** What this step is, for people: "image vectors", "image encoder weights", "wasm backend". */
  label: string;
  /** Bytes received so far in this step (0 for a step without a download). */
  loadedBytes: number;
  /** Bytes this step will download, when known in advance. */
  totalBytes?: number;
  /** The step finished (`loadedBytes` is then final). */
  done: boolean;
  /** True when the bytes came from a cache (the catalog cache or the HTTP cache) rather than the network, when known. */
  fromCache?: boolean;
}

export type ProgressListener = (update: ProgressUpdate) => void;
