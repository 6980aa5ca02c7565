/**
 * On-device learning for the learned model (issue 10 item 6): a per-user offset δ ∈ R^d on the
 * user vector, u' = u + δ, fitted on the device from the user's own positive actions (click,
 * add-to-cart, purchase) with the training loss: softmax cross-entropy of the acted-on item
 * against negatives (the items shown next to it and skipped, plus a few drawn uniformly from
 * the catalog). One SGD step per action:
 *
 *   p = softmax(u'·v_pos, u'·v_1, …, u'·v_K)
 *   ∂L/∂u' = Σ_i p_i v_i − v_pos          (i over the positive and the K negatives)
 *   δ ← clip(δ − η ∂L/∂u', ‖δ‖ ≤ B)
 *
 * Bounded by construction: the shipped item vectors are unit vectors (int8-decoded, ≈ 1), so
 * |δ·v| ≤ ‖δ‖ ≤ B — the adapter moves any item's logit by at most B, whatever the clicks, and
 * can re-order the model's list for this user but never turn it into another model.
 *
 * Views do not update it: a view is what the user was shown or browsed, not a choice among
 * alternatives, and on a product page it would dominate the few real choices.
 *
 * Why uniform negatives: training's sampled softmax corrects its popularity-drawn negatives
 * by logQ so that it estimates the full softmax; uniform draws estimate the same loss with no
 * correction (a constant shift, which softmax ignores). Deterministic: the draws come from a
 * seeded stream (the caller passes the seed; the engine uses the update counter).
 *
 * Plain Float32Array math: d = 64 floats, cheaper than any tensor round trip. The state is d
 * floats and a counter (stored as the profile's model state, forgotten by forget()).
 */
import { mulberry32 } from '../../shared/seeded-random.ts';

/**
 * Step size η. One step moves δ by at most 2η (the gradient is a difference of unit vectors'
 * mixtures). η and B were chosen on MovieLens dev users by replay (docs/evaluation.md): 0.2 / 4
 * gave +.010 HR@10 [+.002, +.018] over no adapter, 0.05 / 1 +.002 [−.001, +.005].
 */
export const ADAPTER_LEARNING_RATE = 0.2;
/** Bound B on ‖δ‖: the most the adapter can move any (unit) item's logit (the trained user vectors there have ‖u‖ ≈ 9.5). */
export const ADAPTER_MAX_NORM = 4;
/** Uniformly drawn negatives per step, on top of the shown-and-skipped items. */
export const ADAPTER_SAMPLED_NEGATIVES = 16;

/** A user's adapter: δ (length d) and how many steps made it. */
export interface UserAdapterState {
  delta: Float32Array;
  updates: number;
}

export interface AdapterStepOptions {
  learningRate?: number;
  maxNorm?: number;
}

export function emptyAdapter(dims: number): UserAdapterState {
  return { delta: new Float32Array(dims), updates: 0 };
}

/** u + δ (a new array); u unchanged when there is no state. */
export function adaptUser(user: Float32Array, state: UserAdapterState | undefined): Float32Array {
  if (!state) return user;
  if (state.delta.length !== user.length) throw new RangeError(`user adapter: δ has ${state.delta.length} dims, the user vector ${user.length}`);
  return user.map((v, j) => v + state.delta[j]!);
}

/**
 * One bounded SGD step of the softmax cross-entropy of `positive` against `negatives` at the
 * adapted user vector u + δ; returns a new state. No negatives (or a non-finite input) → the
 * state unchanged: with nothing to prefer the positive over, the loss has no gradient.
 */
export function adapterStep(
  state: UserAdapterState,
  user: Float32Array,
  positive: Float32Array,
  negatives: readonly Float32Array[],
  options: AdapterStepOptions = {},
): UserAdapterState {
  const eta = options.learningRate ?? ADAPTER_LEARNING_RATE;
  const bound = options.maxNorm ?? ADAPTER_MAX_NORM;
  const d = state.delta.length;
  if (negatives.length === 0) return state;
  const vectors = [positive, ...negatives];
  if (user.length !== d || vectors.some((v) => v.length !== d))
    throw new RangeError(`user adapter: expected ${d}-d vectors (user ${user.length}, items ${vectors.map((v) => v.length).join(', ')})`);
  const adapted = adaptUser(user, state);
  if (!adapted.every(Number.isFinite) || !vectors.every((v) => v.every(Number.isFinite))) return state;
  const logits = vectors.map((v) => dot(adapted, v));
  const max = Math.max(...logits);
  const exps = logits.map((z) => Math.exp(z - max));
  const total = exps.reduce((a, b) => a + b, 0);
  const delta = Float32Array.from(state.delta);
  for (let j = 0; j < d; j++) {
    let gradient = -positive[j]!;
    vectors.forEach((v, i) => (gradient += (exps[i]! / total) * v[j]!));
    delta[j] = delta[j]! - eta * gradient;
  }
  const norm = Math.sqrt(dot(delta, delta));
  if (norm > bound) for (let j = 0; j < d; j++) delta[j] = (delta[j]! * bound) / norm;
  return { delta, updates: state.updates + 1 };
}

/**
 * `count` distinct item rows drawn uniformly from 0…itemCount−1, none in `exclude`, from a
 * seeded stream (fewer when the catalog has fewer eligible items).
 */
export function sampleNegativeRows(itemCount: number, exclude: ReadonlySet<number>, count: number, seed: number): number[] {
  const random = mulberry32(seed >>> 0);
  const eligible = itemCount - [...exclude].filter((r) => r >= 0 && r < itemCount).length;
  const want = Math.max(0, Math.min(count, eligible));
  const out = new Set<number>();
  // Rejection sampling; when most items are excluded, fall back to a scan so it always ends.
  for (let tries = 0; out.size < want && tries < want * 20; tries++) {
    const row = Math.floor(random() * itemCount);
    if (!exclude.has(row)) out.add(row);
  }
  for (let row = 0; out.size < want && row < itemCount; row++) if (!exclude.has(row)) out.add(row);
  return [...out];
}

/**
 * A stored adapter read back (the profile's model state): δ must have the model's dims, be
 * finite and within the bound (a small rounding margin allowed); anything else is a stale or
 * damaged record and reads as no adapter (undefined), so the user starts fresh.
 */
export function adapterFromStored(weights: readonly number[], updates: number, dims: number, maxNorm = ADAPTER_MAX_NORM): UserAdapterState | undefined {
  if (weights.length !== dims || !weights.every((w) => typeof w === 'number' && Number.isFinite(w))) return undefined;
  if (!(Number.isSafeInteger(updates) && updates >= 0)) return undefined;
  const delta = Float32Array.from(weights);
  if (Math.sqrt(dot(delta, delta)) > maxNorm * (1 + 1e-5)) return undefined;
  return { delta, updates };
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
}
