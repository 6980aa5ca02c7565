/**
 * The learned model with the on-device user adapter (src/engine/model/user-adapter.ts), measured
 * by replay: the model is trained once on the split's training log (the "learned seq" row's
 * fit, shared), then each evaluated user's events are replayed in time order as the device
 * would have seen them. Before event p the user vector u comes from events 0…p−1; the adapter
 * takes one step with event p as the positive, the top `shown` items of the adapted scores at
 * that moment (what for-you would have shown, minus the positive) as the skipped ones, and
 * ADAPTER_SAMPLED_NEGATIVES uniform draws. A case is then scored with u + δ.
 *
 * The cases of protocol B on dev are each user's last steps, oldest first, so a user's adapter
 * carries over from one step to the next: a later step's history holds the earlier steps'
 * targets, which the adapter learns from when they are revealed. No case's target is ever
 * learned from before it is scored.
 */
import { ADAPTER_SAMPLED_NEGATIVES, adapterStep, adaptUser, emptyAdapter, sampleNegativeRows, type UserAdapterState } from '../../engine/model/user-adapter.ts';
import type { EvaluatedRecommender, TrainData, UserCase } from './eval-types.ts';
import type { LearnedModelRecommender } from './learned-model-recommender.ts';
import { userStream } from './seeded-stream.ts';

export interface AdapterReplayOptions {
  name?: string;
  /** Shown-and-skipped negatives per step: the top of the adapted list at that moment (default 10). */
  shown?: number;
  /** Uniform negatives per step (default ADAPTER_SAMPLED_NEGATIVES). */
  sampled?: number;
  /** Replay at most this many of the newest history events before a user's first case (default all). */
  window?: number;
  learningRate?: number;
  maxNorm?: number;
  seed?: number;
  /** Gets one line at dispose: steps taken, mean ‖u‖ of the scored cases and mean final ‖δ‖ (how close to the bound). */
  log?: (line: string) => void;
}

interface Replayed {
  adapter: UserAdapterState;
  /** History positions below this have been learned from. */
  next: number;
}

export class AdapterReplayRecommender implements EvaluatedRecommender {
  readonly name: string;
  readonly group = 'learned';
  private items: Float32Array | undefined;
  private itemCount = 0;
  private dims = 0;
  private users = new Map<number, Replayed>();
  /** Adapter steps taken in this run (for the log line). */
  steps = 0;
  private userNorms = 0;
  private scored = 0;

  constructor(
    private readonly base: LearnedModelRecommender,
    private readonly options: AdapterReplayOptions = {},
  ) {
    this.name = options.name ?? 'learned seq + adapter';
  }

  async fit(train: TrainData): Promise<void> {
    await this.base.fit(train);
    this.itemCount = train.itemCount;
    this.items = this.base.itemRows();
    this.dims = this.items.length / this.itemCount;
    this.users = new Map();
    this.steps = 0;
  }

  score(c: UserCase): Float32Array {
    if (!this.items) throw new Error(`${this.name}: score before fit`);
    let replayed = this.users.get(c.user);
    if (!replayed) {
      const window = this.options.window ?? Number.POSITIVE_INFINITY;
      replayed = { adapter: emptyAdapter(this.dims), next: Math.max(1, c.history.length - window) };
      this.users.set(c.user, replayed);
    }
    if (c.history.length < replayed.next) throw new Error(`${this.name}: user ${c.user}'s cases are not in time order`);
    for (let p = replayed.next; p < c.history.length; p++) replayed.adapter = this.learn(c.user, c.history.slice(0, p), c.history[p]!, replayed.adapter);
    replayed.next = c.history.length;
    const u = this.base.userVector(c.history);
    this.userNorms += Math.hypot(...u);
    this.scored++;
    return this.scores(adaptUser(u, replayed.adapter));
  }

  private learn(user: number, prefix: number[], positive: number, adapter: UserAdapterState): UserAdapterState {
    const u = this.base.userVector(prefix);
    const scores = this.scores(adaptUser(u, adapter));
    const exclude = new Set(prefix);
    exclude.add(positive);
    const shown = topRows(scores, this.options.shown ?? 10, exclude);
    for (const row of shown) exclude.add(row);
    const seed = Math.floor(userStream(this.options.seed ?? 42, user, prefix.length)() * 2 ** 32);
    const sampled = sampleNegativeRows(this.itemCount, exclude, this.options.sampled ?? ADAPTER_SAMPLED_NEGATIVES, seed);
    this.steps++;
    return adapterStep(
      adapter,
      u,
      this.row(positive),
      [...shown, ...sampled].map((r) => this.row(r)),
      {
        ...(this.options.learningRate !== undefined ? { learningRate: this.options.learningRate } : {}),
        ...(this.options.maxNorm !== undefined ? { maxNorm: this.options.maxNorm } : {}),
      },
    );
  }

  private row(item: number): Float32Array {
    return this.items!.subarray(item * this.dims, (item + 1) * this.dims);
  }

  private scores(user: Float32Array): Float32Array {
    const out = new Float32Array(this.itemCount);
    for (let i = 0; i < this.itemCount; i++) {
      let s = 0;
      const base = i * this.dims;
      for (let j = 0; j < this.dims; j++) s += this.items![base + j]! * user[j]!;
      out[i] = s;
    }
    return out;
  }

  dispose(): void {
    if (this.scored > 0 && this.options.log) {
      const deltas = [...this.users.values()].map((r) => Math.hypot(...r.adapter.delta));
      this.options.log(
        `${this.name}: ${this.steps} adapter steps; mean ‖u‖ ${(this.userNorms / this.scored).toFixed(2)}; mean final ‖δ‖ ${(deltas.reduce((a, b) => a + b, 0) / deltas.length).toFixed(3)}`,
      );
    }
    this.base.dispose();
    this.items = undefined;
    this.users = new Map();
  }
}

/** The `k` best rows not in `exclude` (ties by row). */
function topRows(scores: Float32Array, k: number, exclude: ReadonlySet<number>): number[] {
  if (k <= 0) return [];
  const order = [...scores.keys()].filter((i) => !exclude.has(i)).sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.slice(0, k);
}
