/**
 * Content kNN from the user's history: an item scores by how similar its content is to what
 * the user interacted with, score(j) = Σ over the user's distinct history items h of
 * cos(h, j), counting only the `neighbours` most similar history items of each candidate
 * (default: all, i.e. the cosine to the sum of the history's vectors). It needs no
 * interaction of j at all, so it scores new items (protocol C).
 *
 * Spaces: text, image, or text+image, where an item's vector is its text and image unit
 * vectors side by side, each scaled by 1/√2, so the cosine of two items with both is the mean
 * of the two cosines (an item without a poster keeps only its text half).
 */
import type { ContentSpace, EvaluatedRecommender, ItemContent, TrainData, UserCase } from './eval-types.ts';
import { itemAt } from '../../shared/item-at.ts';

export type ContentChoice = 'text' | 'image' | 'text+image';

/** The unit rows of one content choice (text+image: concatenated halves, as above). */
export function contentSpace(content: ItemContent, choice: ContentChoice): ContentSpace {
  if (choice === 'text') return content.text;
  if (choice === 'image') return content.image;
  const dims = content.text.dims + content.image.dims;
  const half = Math.SQRT1_2;
  return {
    dims,
    rows: content.text.rows.map((t, i) => {
      const m = content.image.rows[i];
      if (!t && !m) return undefined;
      const row = new Float32Array(dims);
      if (t) for (let d = 0; d < t.length; d++) row[d] = t[d]! * half;
      if (m) for (let d = 0; d < m.length; d++) row[content.text.dims + d] = m[d]! * half;
      return row;
    }),
  };
}

export class ContentKnnBaseline implements EvaluatedRecommender {
  readonly name: string;
  readonly group = 'baseline';
  private space: ContentSpace | undefined;
  /** Item × item cosines (row-major), only when a neighbour limit needs them. */
  private similarity: Float32Array | undefined;

  constructor(
    private readonly choice: ContentChoice,
    private readonly neighbours = Infinity,
  ) {
    if (!(neighbours >= 1)) throw new Error(`content kNN neighbours must be at least 1, got ${neighbours}`);
    this.name = `${choice} kNN${Number.isFinite(neighbours) ? `-${neighbours}` : ''}`;
  }

  fit(train: TrainData): void {
    if (!train.content) throw new Error(`${this.name} needs the items' content (the runner's content option)`);
    const space = (this.space = contentSpace(train.content, this.choice));
    if (!Number.isFinite(this.neighbours)) return;
    const n = space.rows.length;
    const sim = (this.similarity = new Float32Array(n * n));
    for (let i = 0; i < n; i++) {
      const a = space.rows[i];
      if (!a) continue;
      for (let j = i; j < n; j++) {
        const b = space.rows[j];
        if (!b) continue;
        let dot = 0;
        for (let d = 0; d < a.length; d++) dot += a[d]! * b[d]!;
        sim[i * n + j] = sim[j * n + i] = dot;
      }
    }
  }

  score(user: UserCase): Float32Array {
    const space = this.space!;
    const n = space.rows.length;
    const history = [...new Set(user.history)].filter((h) => space.rows[h] !== undefined);
    const scores = new Float32Array(n);
    if (history.length === 0) return scores;
    // Only the case's candidates are ranked (protocol C: the new items); the rest stay 0.
    const items = user.candidates ?? Array.from({ length: n }, (_, j) => j);
    if (!this.similarity) {
      // Σ_h cos(h, j) = v_j · Σ_h v_h: one dot product per item.
      const sum = new Float64Array(space.dims);
      for (const h of history) space.rows[h]!.forEach((x, d) => (sum[d] = itemAt(sum, d) + x));
      for (const j of items) {
        const v = space.rows[j];
        if (!v) continue;
        let dot = 0;
        for (let d = 0; d < v.length; d++) dot += v[d]! * sum[d]!;
        scores[j] = dot;
      }
      return scores;
    }
    const sims = new Float64Array(history.length);
    for (const j of items) {
      if (!space.rows[j]) continue;
      for (let h = 0; h < history.length; h++) sims[h] = this.similarity[history[h]! * n + j]!;
      scores[j] = sumOfLargest(sims, this.neighbours);
    }
    return scores;
  }

  dispose(): void {
    this.similarity = undefined;
  }
}

/** Sum of the `n` largest values (all when n ≥ length). */
function sumOfLargest(values: Float64Array, n: number): number {
  if (n >= values.length) return values.reduce((s, v) => s + v, 0);
  return Float64Array.from(values)
    .sort()
    .subarray(values.length - n)
    .reduce((s, v) => s + v, 0);
}
