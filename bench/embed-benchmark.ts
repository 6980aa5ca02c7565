import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { timeRuns } from '../src/engine/backends/timing-stats.ts';
import { decodeAudioBytes } from '../src/engine/encoders/audio/decode-audio.ts';
import { prepareAudio } from '../src/engine/encoders/audio/prepare-audio.ts';
import type { Modality } from '../src/protocol/embedding.ts';
import type { EmbedBenchmarkRow } from '../src/protocol/engine-api.ts';
import { NodeEncoders } from '../src/node/node-encoders.ts';
import { initNodeTf } from '../src/node/node-tf.ts';
import type { TuxPaintStamp } from '../src/node/tuxpaint-stamps.ts';
import { itemAt } from '../src/shared/item-at.ts';

export const BATCH_SIZES = [1, 16];

/**
 * 16 real inputs per modality from the stamps: descriptions, images, sound effects. A few
 * stamps' sound files are pure silence, which the encoder rightly refuses: those are skipped.
 */
export async function embedInputs(stamps: TuxPaintStamp[]): Promise<Record<Modality, string[]>> {
  const pick = (f: (s: TuxPaintStamp) => string | undefined) => stamps.map(f).filter((x): x is string => x !== undefined);
  const audio: string[] = [];
  for (const path of pick((s) => s.soundPath)) {
    if (audio.length === 16) break;
    try {
      prepareAudio(await decodeAudioBytes(readFileSync(path), path), path);
      audio.push(path);
    } catch (error) {
      if ((error as Error).name !== 'EncoderInputError') throw error;
    }
  }
  return { text: pick((s) => s.description).slice(0, 16), image: pick((s) => s.imagePath).slice(0, 16), audio };
}

export interface EmbedRow extends Omit<EmbedBenchmarkRow, 'backend'> {
  backend: string;
}

/** Throughput in the browser worker, every available backend in turn. */
export async function benchmarkEmbeddingInBrowser(
  page: Page,
  modality: Modality,
  inputs: string[],
  runs: number,
  maxRunMs: number,
  maxBatchMs: number,
): Promise<EmbedRow[]> {
  const payload = modality === 'text' ? inputs : inputs.map((path) => readFileSync(path).toString('base64'));
  return page.evaluate(
    async ({ modality, payload, batchSizes, runs, maxRunMs, maxBatchMs }) => {
      const decoded = modality === 'text' ? payload : payload.map((b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer);
      return window.engine!.api.benchmarkEmbedding({ modality, inputs: decoded as string[] | ArrayBuffer[], batchSizes, runs, maxRunMs, maxBatchMs });
    },
    { modality, payload, batchSizes: BATCH_SIZES, runs, maxRunMs, maxBatchMs },
  );
}

/** The same measurement in Node (tfjs wasm backend, one thread), as the catalog builder runs. */
export async function benchmarkEmbeddingInNode(modality: Modality, inputs: string[], runs: number): Promise<EmbedRow[]> {
  await initNodeTf('wasm');
  const encoders = new NodeEncoders();
  const embed = (batch: string[]) =>
    modality === 'text' ? encoders.embedText(batch) : modality === 'image' ? encoders.embedImageFiles(batch) : encoders.embedAudioFiles(batch);
  const rows: EmbedRow[] = [];
  try {
    await embed([itemAt(inputs, 0)]);
    for (const batchSize of BATCH_SIZES) {
      const batch = Array.from({ length: batchSize }, (_, i) => itemAt(inputs, i % inputs.length));
      const stats = await timeRuns(() => embed(batch), runs);
      rows.push({ backend: 'node-wasm', modality, batchSize, itemsPerSecond: (batchSize * 1000) / stats.medianMs, ...stats });
    }
  } finally {
    await encoders.dispose();
  }
  return rows;
}
