/**
 * Ridge regression from content to collaborative item factors (the "deep content" /
 * DropoutNet idea, here linear: van den Oord et al. 2013, Volkovs et al. 2017). The
 * collaborative model is PureSVD (truncated-svd.ts): item factors V from the training matrix,
 * a user's factor is x_u·V. Items with training interactions keep their own factors; an
 * item without any (a new item, protocol C) gets the factors a ridge regression predicts from
 * its content vector, fitted on the items that have both:
 *
 *   W = argmin ‖F_w·W − V_w‖² + α‖W‖²,  q_new = F_new·W,
 *
 * solved in its dual (kernel) form over the n_w warm items, which is cheaper here than the
 * 1,792-dimensional primal: q_new = (F_new·F_wᵀ + 1)·(F_w·F_wᵀ + 1 + αI)⁻¹·V_w (the + 1 is an
 * unpenalised-ish bias feature). score(j) = (x_u·V)·diag(σ)^γ·q_j, γ = `factorWeight`
 * (0 = PureSVD's plain x_u·V·Vᵀ).
 */
import { contentSpace, type ContentChoice } from './content-knn-baseline.ts';
import type { EvaluatedRecommender, TrainData, UserCase } from './eval-types.ts';
import { invertSpd } from './spd-inverse.ts';
import { truncatedSvdItemFactors } from './truncated-svd.ts';
import { itemAt } from '../../shared/item-at.ts';

export interface ContentRidgeOptions {
  /** PureSVD factors (default 64). */
  factors?: number;
  /** Ridge penalty α (default 1). */
  alpha?: number;
  /** Exponent γ of the singular values weighting each factor in the score (default 0). */
  factorWeight?: number;
  content?: ContentChoice;
  name?: string;
}

/** Fitted factors per training set and settings: rows that differ only in γ share one fit. */
const fits = new WeakMap<TrainData, Map<string, { itemFactors: Float64Array; singularValues: Float64Array }>>();

export class ContentRidgeBaseline implements EvaluatedRecommender {
  readonly name: string;
  readonly group = 'baseline';
  private readonly factors: number;
  private readonly alpha: number;
  private readonly factorWeight: number;
  private readonly content: ContentChoice;
  /** itemCount × factors: every item's factors (its own, or predicted from content). */
  private itemFactors: Float64Array = new Float64Array(0);
  /** The scoring weights diag(σ)^γ. */
  private weights: Float64Array = new Float64Array(0);
  private itemCount = 0;

  constructor(options: ContentRidgeOptions = {}) {
    this.factors = options.factors ?? 64;
    this.alpha = options.alpha ?? 1;
    this.factorWeight = options.factorWeight ?? 0;
    this.content = options.content ?? 'text+image';
    if (!(this.alpha > 0)) throw new Error(`ridge α must be positive, got ${this.alpha}`);
    this.name = options.name ?? 'ridge content→CF';
  }

  fit(train: TrainData): void {
    if (!train.content) throw new Error(`${this.name} needs the items' content (the runner's content option)`);
    this.itemCount = train.itemCount;
    const key = `${this.factors}/${this.alpha}/${this.content}`;
    let cached = fits.get(train)?.get(key);
    if (!cached) {
      cached = this.fitFactors(train);
      if (!fits.has(train)) fits.set(train, new Map());
      fits.get(train)!.set(key, cached);
    }
    this.itemFactors = cached.itemFactors;
    this.weights = cached.singularValues.map((s) => s ** this.factorWeight);
  }

  private fitFactors(train: TrainData): { itemFactors: Float64Array; singularValues: Float64Array } {
    const n = train.itemCount;
    const f = this.factors;
    const svd = truncatedSvdItemFactors(train, f);
    const space = contentSpace(train.content!, this.content);
    const counts = new Int32Array(n);
    for (const r of train.ratings) counts[r.item] = itemAt(counts, r.item) + 1;
    const warm: number[] = [];
    const cold: number[] = [];
    for (let i = 0; i < n; i++) {
      if (counts[i]! > 0 && space.rows[i]) warm.push(i);
      else if (counts[i] === 0) cold.push(i);
    }
    const factors = svd.factors.slice();
    // Items with interactions but no content vector keep their factors; new items without
    // content stay at 0 (nothing to predict from).
    if (warm.length > 0 && cold.length > 0) {
      const kernel = (a: number, b: number): number => {
        const x = space.rows[a];
        const y = space.rows[b];
        let dot = 1;
        if (x && y) for (let d = 0; d < x.length; d++) dot += x[d]! * y[d]!;
        return dot;
      };
      const nw = warm.length;
      const k = new Float64Array(nw * nw);
      for (let i = 0; i < nw; i++) {
        for (let j = i; j < nw; j++) k[i * nw + j] = k[j * nw + i] = kernel(warm[i]!, warm[j]!);
        k[i * nw + i] = itemAt(k, i * nw + i) + this.alpha;
      }
      const inverse = invertSpd(k, nw);
      // Z = (K + αI)⁻¹·V_w, nw × f.
      const z = new Float64Array(nw * f);
      for (let i = 0; i < nw; i++) {
        for (let j = 0; j < nw; j++) {
          const kij = inverse[i * nw + j]!;
          const vj = warm[j]! * f;
          for (let c = 0; c < f; c++) z[i * f + c] = itemAt(z, i * f + c) + kij * svd.factors[vj + c]!;
        }
      }
      for (const item of cold) {
        const row = new Float64Array(f);
        if (space.rows[item]) {
          for (let i = 0; i < nw; i++) {
            const kv = kernel(item, warm[i]!);
            for (let c = 0; c < f; c++) row[c] = itemAt(row, c) + kv * z[i * f + c]!;
          }
        }
        factors.set(row, item * f);
      }
    }
    return { itemFactors: factors, singularValues: svd.singularValues };
  }

  score(user: UserCase): Float32Array {
    const f = this.factors;
    const p = new Float64Array(f);
    for (const h of new Set(user.history)) for (let c = 0; c < f; c++) p[c] = itemAt(p, c) + this.itemFactors[h * f + c]!;
    for (let c = 0; c < f; c++) p[c] = itemAt(p, c) * this.weights[c]!;
    const scores = new Float32Array(this.itemCount);
    // Only the case's candidates are ranked (protocol C: the new items); the rest stay 0.
    for (const j of user.candidates ?? Array.from({ length: this.itemCount }, (_, i) => i)) {
      let s = 0;
      for (let c = 0; c < f; c++) s += p[c]! * this.itemFactors[j * f + c]!;
      scores[j] = s;
    }
    return scores;
  }

  dispose(): void {
    this.itemFactors = new Float64Array(0);
  }
}
