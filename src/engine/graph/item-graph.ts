/**
 * The catalog's item graph (built by src/node/catalog/build-item-graph.ts, stored in the
 * format of item-graph-format.ts) and personalised PageRank over it.
 *
 * Nodes 0…itemCount−1 are the catalog's items in manifest order; the nodes after them are
 * categories and attribute values (keywords, genres, metadata fields), named by `labels`.
 * Edges are directed, weighted and sparse (CSR: `offsets`, `targets`, `weights`, `kinds`);
 * the builder bounds every node's out-degree. Pure JS on typed arrays: one propagation is a
 * few passes over the edge list, far below a tensor kernel's launch cost at catalog sizes.
 */
export const GRAPH_EDGE_KINDS = ['coOccurrence', 'transition', 'content', 'category', 'attribute'] as const;
export type GraphEdgeKind = (typeof GRAPH_EDGE_KINDS)[number];

export interface ItemGraphData {
  itemCount: number;
  /** Labels of the non-item nodes (node itemCount + i is labels[i]), e.g. `category:animals`, `keywords:cat`. */
  labels: string[];
  /** nodeCount + 1 ascending edge offsets: node v's edges are offsets[v] … offsets[v + 1] − 1. */
  offsets: Uint32Array;
  targets: Uint32Array;
  /** Positive and finite. */
  weights: Float32Array;
  /** Index into GRAPH_EDGE_KINDS. */
  kinds: Uint8Array;
}

/** One seed of the propagation: a node and its (non-negative) weight. */
export interface GraphSeed {
  index: number;
  weight: number;
}

export interface PageRankOptions {
  /** Restart probability per step (the walk's return to the seeds): higher stays closer to the history. */
  restart: number;
  /** The most power-iteration steps; the propagation stops earlier once converged. */
  maxSteps: number;
  /** Converged when the L1 change of the scores in one step is below this. */
  tolerance: number;
}

/** Set on MovieLens dev users (docs/evaluation.md, "Item graph"). */
export const DEFAULT_PAGERANK: PageRankOptions = { restart: 0.3, maxSteps: 20, tolerance: 1e-4 };

export interface PageRankResult {
  /** Stationary probability of every node (sums to 1 when there are seeds). */
  scores: Float32Array;
  steps: number;
  /** L1 change of the last step. */
  change: number;
}

export class ItemGraph {
  readonly itemCount: number;
  readonly nodeCount: number;
  readonly labels: readonly string[];
  readonly offsets: Uint32Array;
  readonly targets: Uint32Array;
  readonly weights: Float32Array;
  readonly kinds: Uint8Array;
  /** Sum of each node's out-edge weights (0: dangling). */
  private readonly outWeight: Float64Array;

  constructor(data: ItemGraphData) {
    this.itemCount = data.itemCount;
    this.labels = data.labels;
    this.nodeCount = data.itemCount + data.labels.length;
    this.offsets = data.offsets;
    this.targets = data.targets;
    this.weights = data.weights;
    this.kinds = data.kinds;
    this.outWeight = new Float64Array(this.nodeCount);
    for (let v = 0; v < this.nodeCount; v++) {
      let sum = 0;
      for (let e = data.offsets[v]!; e < data.offsets[v + 1]!; e++) sum += data.weights[e]!;
      this.outWeight[v] = sum;
    }
  }

  get edgeCount(): number {
    return this.targets.length;
  }

  /** Out-edges of a node as (target, weight, kind). */
  edges(node: number): Array<{ target: number; weight: number; kind: GraphEdgeKind }> {
    const out = [];
    for (let e = this.offsets[node]!; e < this.offsets[node + 1]!; e++)
      out.push({ target: this.targets[e]!, weight: this.weights[e]!, kind: GRAPH_EDGE_KINDS[this.kinds[e]!]! });
    return out;
  }

  /**
   * Personalised PageRank by power iteration: p ← r·s + (1 − r)·Pᵀp, P the row-normalised
   * edge weights, s the normalised seeds; a dangling node's mass returns to the seeds (so p
   * stays a distribution). At most `maxSteps` steps, each O(edges).
   */
  personalisedPageRank(seeds: readonly GraphSeed[], options: PageRankOptions = DEFAULT_PAGERANK): PageRankResult {
    const n = this.nodeCount;
    const start = new Float64Array(n);
    let total = 0;
    for (const { index, weight } of seeds) {
      if (index < 0 || index >= n || !(weight > 0)) continue;
      start[index]! += weight;
      total += weight;
    }
    if (total === 0) return { scores: new Float32Array(n), steps: 0, change: 0 };
    for (let v = 0; v < n; v++) start[v]! /= total;
    let p = Float64Array.from(start);
    let next = new Float64Array(n);
    const walk = 1 - options.restart;
    let steps = 0;
    let change = Infinity;
    while (steps < options.maxSteps && change >= options.tolerance) {
      next.fill(0);
      let dangling = 0;
      for (let v = 0; v < n; v++) {
        const mass = p[v]!;
        if (mass === 0) continue;
        const out = this.outWeight[v]!;
        if (out === 0) {
          dangling += mass;
          continue;
        }
        const share = (walk * mass) / out;
        for (let e = this.offsets[v]!; e < this.offsets[v + 1]!; e++) next[this.targets[e]!]! += share * this.weights[e]!;
      }
      const back = options.restart + walk * dangling;
      change = 0;
      for (let v = 0; v < n; v++) {
        next[v]! += back * start[v]!;
        change += Math.abs(next[v]! - p[v]!);
      }
      [p, next] = [next, p];
      steps++;
    }
    return { scores: Float32Array.from(p), steps, change };
  }

  /**
   * The graph feature of every item: its personalised PageRank from the seeds, the seeds'
   * own restart mass left out (a history item is not its own recommendation), scaled so the
   * best item is 1.
   */
  itemScores(seeds: readonly GraphSeed[], options: PageRankOptions = DEFAULT_PAGERANK): Float32Array {
    const { scores } = this.personalisedPageRank(seeds, options);
    const out = scores.slice(0, this.itemCount);
    for (const { index } of seeds) if (index < this.itemCount) out[index] = 0;
    let max = 0;
    for (const v of out) if (v > max) max = v;
    if (max > 0) for (let i = 0; i < out.length; i++) out[i]! /= max;
    return out;
  }
}
