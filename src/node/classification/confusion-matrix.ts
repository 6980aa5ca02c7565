/**
 * The confusion matrix of a single-label classification (rows: true class, columns: predicted
 * class, labels in the order given) and its most confused pairs with the items behind them,
 * for the error analysis. Pure.
 */
export interface ConfusionMatrix {
  labels: string[];
  /** counts[true][predicted]. */
  counts: number[][];
}

export interface ConfusedPair {
  actual: string;
  predicted: string;
  count: number;
  /** The items of `actual` predicted as `predicted` (ids, in input order, at most `examples`). */
  items: string[];
}

export function confusionMatrix(labels: readonly string[], actual: readonly string[], predicted: readonly string[]): ConfusionMatrix {
  if (actual.length !== predicted.length) throw new RangeError(`confusionMatrix: ${actual.length} true labels but ${predicted.length} predictions`);
  const index = new Map(labels.map((l, i) => [l, i]));
  const counts = labels.map(() => labels.map(() => 0));
  actual.forEach((a, i) => {
    const row = index.get(a);
    const column = index.get(predicted[i]!);
    if (row === undefined || column === undefined)
      throw new RangeError(`confusionMatrix: unknown label ${JSON.stringify(row === undefined ? a : predicted[i])}`);
    counts[row]![column]! += 1;
  });
  return { labels: [...labels], counts };
}

/** Off-diagonal cells, most items first (ties: true label, then predicted label, in label order). */
export function mostConfusedPairs(ids: readonly string[], actual: readonly string[], predicted: readonly string[], limit = 10, examples = 5): ConfusedPair[] {
  const pairs = new Map<string, ConfusedPair>();
  actual.forEach((a, i) => {
    const p = predicted[i]!;
    if (a === p) return;
    const key = `${a}\u0000${p}`;
    let pair = pairs.get(key);
    if (!pair) pairs.set(key, (pair = { actual: a, predicted: p, count: 0, items: [] }));
    pair.count++;
    if (pair.items.length < examples) pair.items.push(ids[i]!);
  });
  const order = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return [...pairs.values()].sort((x, y) => y.count - x.count || order(x.actual, y.actual) || order(x.predicted, y.predicted)).slice(0, limit);
}
