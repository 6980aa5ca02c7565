import { rmSync } from 'node:fs';
import type { EncoderInfo, Embedding, Modality } from '../../protocol/embedding.ts';
import { BuildInterruptedError, CatalogInputError, type BuildCatalogOptions, type RefusedInput } from './build-catalog-types.ts';
import { appendLines, base64ToVector, partialPath, readPartial, sameEncoder, vectorToBase64 } from './resume-journal.ts';
import type { PreparedItem } from './validate-source-items.ts';
import { itemAt } from '../../shared/item-at.ts';

/** Embeds one batch of one modality's inputs (texts, or file paths). */
export type EmbedInputs = (inputs: string[]) => Promise<Embedding>;

/** What the embedding stage made: per modality, the vectors and refusals by item id. */
export interface EmbeddedItems {
  vectors: Map<Modality, Map<string, Float32Array>>;
  refusedById: Map<Modality, Map<string, RefusedInput>>;
  stats: Map<Modality, { embedded: number; reused: number }>;
  /** Items with at least one vector embedded in this run. */
  freshItems: Set<string>;
  /** The encoder of a modality's vectors: this run's, or the journal's when nothing had to be embedded. */
  encoderOf(modality: Modality): EncoderInfo | undefined;
}

/**
 * The catalog build's embedding stage: embed in batches of `batchSize` items, item-major (per batch
 * every modality, each one encoder call). An encoder that refuses an input (EncoderInputError)
 * has the batch redone one item at a time, and a refused item lacks that modality. Every batch
 * is journalled (resume-journal.ts); records whose input key and encoder match are reused.
 */
export async function embedItems(
  prepared: readonly PreparedItem[],
  modalities: readonly Modality[],
  batchSize: number,
  embed: Record<Modality, EmbedInputs>,
  options: BuildCatalogOptions,
): Promise<EmbeddedItems> {
  const { outDir } = options;
  const partial = new Map(modalities.map((m) => [m, readPartial(outDir, m)] as const));
  /** The encoder of this run, per modality, once known. */
  const current = new Map<Modality, EncoderInfo>();
  const vectors = new Map(modalities.map((m) => [m, new Map<string, Float32Array>()] as const));
  const refusedById = new Map(modalities.map((m) => [m, new Map<string, RefusedInput>()] as const));
  const stats = new Map(modalities.map((m): [Modality, { embedded: number; reused: number }] => [m, { embedded: 0, reused: 0 }]));
  const freshItems = new Set<string>();
  const reusedIds = new Map(modalities.map((m) => [m, new Set<string>()] as const));

  /** Reuses the partial record of (modality, item) if its input matches; true if it did. */
  const reuse = (modality: Modality, item: PreparedItem): boolean => {
    const state = partial.get(modality)!;
    const input = item.inputs[modality]!;
    const record = state.records.get(item.source.id);
    if (!record || record.key !== input.key || !state.encoder) return false;
    const now = current.get(modality);
    if (now && !sameEncoder(now, state.encoder)) return false;
    if ('v' in record) vectors.get(modality)!.set(item.source.id, base64ToVector(record.v));
    else refusedById.get(modality)!.set(item.source.id, { id: item.source.id, modality, problem: record.problem, message: record.message });
    stats.get(modality)!.reused++;
    reusedIds.get(modality)!.add(item.source.id);
    return true;
  };

  const embedBatch = async (modality: Modality, batch: PreparedItem[]): Promise<void> => {
    if (options.requireEmbedded) {
      const ids = batch.map((item) => JSON.stringify(item.source.id));
      throw new CatalogInputError(
        `merge: no shard embedded the ${modality} of ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}: run the missing shard builds first`,
      );
    }
    const inputs = batch.map((item) => item.inputs[modality]!.input);
    const results: Array<Float32Array | Error> = [];
    let info: EncoderInfo;
    try {
      const out = await embed[modality](inputs);
      info = out.encoder;
      results.push(...out.vectors);
    } catch (error) {
      if (!isInputError(error)) throw error;
      // One input was refused: find which, one at a time.
      let known: EncoderInfo | undefined;
      for (const input of inputs) {
        try {
          const out = await embed[modality]([input]);
          known = out.encoder;
          results.push(itemAt(out.vectors, 0));
        } catch (single) {
          if (!isInputError(single)) throw single;
          results.push(single);
        }
      }
      info = known ?? current.get(modality) ?? partial.get(modality)!.encoder ?? { modality, name: 'unknown', version: 'unknown', dims: 0 };
    }
    if (results.length !== batch.length) throw new Error(`the ${modality} encoder returned ${results.length} vectors for ${batch.length} inputs`);
    const state = partial.get(modality)!;
    const lines: unknown[] = [];
    if (!current.has(modality) && info.name !== 'unknown') {
      current.set(modality, info);
      if (!state.encoder || !sameEncoder(state.encoder, info)) {
        // Made by another encoder (or none yet): start this modality's partial afresh, and
        // forget what was reused from it (the catch-up pass below embeds those items again).
        rmSync(partialPath(outDir, modality), { force: true });
        for (const id of reusedIds.get(modality)!) {
          vectors.get(modality)!.delete(id);
          refusedById.get(modality)!.delete(id);
        }
        reusedIds.get(modality)!.clear();
        stats.get(modality)!.reused = 0;
        state.records.clear();
        state.encoder = info;
        lines.push({ encoder: info });
      }
    }
    batch.forEach((item, i) => {
      const id = item.source.id;
      const key = item.inputs[modality]!.key;
      const result = itemAt(results, i);
      if (result instanceof Error) {
        const entry = { id, modality, problem: problemOf(result), message: result.message };
        refusedById.get(modality)!.set(id, entry);
        lines.push({ id, key, problem: entry.problem, message: entry.message });
      } else {
        vectors.get(modality)!.set(id, result);
        lines.push({ id, key, v: vectorToBase64(result) });
      }
      stats.get(modality)!.embedded++;
      freshItems.add(id);
    });
    appendLines(partialPath(outDir, modality), lines);
  };

  // Embedding, item-major: batch after batch of items, every modality per batch.
  const total = prepared.length;
  const embedStart = performance.now();
  let done = 0;
  let reusedItems = 0;
  const progress = () => options.onProgress?.({ done, total, reused: reusedItems, elapsed: (performance.now() - embedStart) / 1000 });
  progress();
  let pending: PreparedItem[] = [];
  const flushBatch = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    for (const modality of modalities) {
      // Re-check reuse now: the encoder of this run may have become known.
      const todo = batch.filter(
        (item) =>
          item.inputs[modality] && !vectors.get(modality)!.has(item.source.id) && !refusedById.get(modality)!.has(item.source.id) && !reuse(modality, item),
      );
      for (let i = 0; i < todo.length; i += batchSize) await embedBatch(modality, todo.slice(i, i + batchSize));
    }
    done += batch.length;
    progress();
    if (options.stopAfterItems !== undefined && done >= options.stopAfterItems && done < total) {
      throw new BuildInterruptedError(`stopped after ${done} of ${total} items (stopAfterItems); run again to resume`);
    }
  };
  for (const item of prepared) {
    const needs = modalities.filter((m) => item.inputs[m] && !reuse(m, item));
    if (needs.length === 0) {
      done++;
      reusedItems++;
      continue;
    }
    pending.push(item);
    if (pending.length >= batchSize) await flushBatch();
  }
  await flushBatch();
  // Catch-up: items whose reused vectors were dropped because the encoder changed.
  for (const modality of modalities) {
    const missing = prepared.filter(
      (item) => item.inputs[modality] && !vectors.get(modality)!.has(item.source.id) && !refusedById.get(modality)!.has(item.source.id),
    );
    for (let i = 0; i < missing.length; i += batchSize) await embedBatch(modality, missing.slice(i, i + batchSize));
  }
  progress();

  return { vectors, refusedById, stats, freshItems, encoderOf: (modality) => current.get(modality) ?? partial.get(modality)?.encoder };
}

function isInputError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'EncoderInputError';
}

function problemOf(error: Error): string {
  return /^\[([a-z-]+)\]/.exec(error.message)?.[1] ?? 'bad-input';
}
