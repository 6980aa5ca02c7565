/**
 * Streams a requests file through a BatchRecommender: one line in, one line out, in order,
 * `{"user": <as given>, "items": ["id", …]}`. Lines are read and answered one at a time and
 * the output waits for the writer to drain, so memory stays flat however long the file is
 * (a shop's e-mail run may have millions of lines). Blank lines are skipped.
 *
 * A bad line (BatchLineError: not JSON, a wrong field, a request or event the engine refuses)
 * either stops the run (`onError: 'stop'`, the default: the error is thrown after every earlier
 * line was written) or is reported to `onRefused` and left out of the output (`'skip'`). Any
 * other error (the engine failing) always stops the run.
 */
import type { BatchRecommender } from './batch-recommender.ts';
import { BatchLineError, parseRequestLine } from './request-line.ts';

export interface BatchStats {
  /** Non-blank lines read. */
  lines: number;
  /** Output lines written. */
  written: number;
  /** Lines refused (only with onError 'skip'; with 'stop' the run throws). */
  refused: number;
  /** History events left out because their item is not in the catalog. */
  unknownHistoryItems: number;
  seconds: number;
}

export interface RunBatchOptions {
  /** The requests file's name in error messages. */
  source: string;
  onError?: 'stop' | 'skip';
  onRefused?: (error: BatchLineError) => void;
  /** Called after every line with the running totals. */
  onProgress?: (stats: BatchStats) => void;
}

/** `lines`: the requests file's lines without their line breaks (e.g. readline); `write` resolves when the writer can take more. */
export async function runBatch(
  lines: AsyncIterable<string> | Iterable<string>,
  write: (text: string) => Promise<void> | void,
  recommender: BatchRecommender,
  options: RunBatchOptions,
): Promise<BatchStats> {
  const started = performance.now();
  const stats: BatchStats = { lines: 0, written: 0, refused: 0, unknownHistoryItems: 0, seconds: 0 };
  const unknownBefore = recommender.unknownHistoryItems;
  let number = 0;
  for await (const raw of lines) {
    number++;
    const text = number === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    stats.lines++;
    try {
      const parsed = parseRequestLine(text, options.source, number);
      const items = await recommender.recommend(parsed, options.source, number);
      await write(`${JSON.stringify({ user: parsed.user, items: items.map((item) => item.id) })}\n`);
      stats.written++;
    } catch (error) {
      if (!(error instanceof BatchLineError) || options.onError !== 'skip') throw error;
      stats.refused++;
      options.onRefused?.(error);
    } finally {
      stats.unknownHistoryItems = recommender.unknownHistoryItems - unknownBefore;
      stats.seconds = (performance.now() - started) / 1000;
      options.onProgress?.(stats);
    }
  }
  return stats;
}
