/**
 * The explanation of one recommended item: each feature's share of its positive score
 * (modalities vs the collaborative signals), and which history items it comes from — each
 * token's own part of the content similarity and of the transitions / co-occurrence. The
 * item graph's share (personalised PageRank) is one number: a walk mixes all history items.
 * Computed on the JS heap for the k shown items only. The `mlp` head is explained by the
 * linear weights it was initialised from (an approximation, said so in the README).
 *
 * With the catalog's learned model blended in (blend weight > 0), each part's share of the
 * blended score z(fusion) + w · z(learned) is its positive standardised term; the fusion
 * explanation is scaled by the fusion part's share, and the learned part's share is split by
 * the model's own attribution (learned-ranker.ts `explain`): its modality ablation shares go
 * to the modalities, its id-embedding share to the collaborative part (`signals.learned`),
 * and its history "came from" shares join the history items'. Without it nothing changes.
 */
import type { Modality } from '../../protocol/embedding.ts';
import type { Explanation } from '../../protocol/recommend.ts';
import type { CollaborativeSignals } from './collaborative-signals.ts';
import { COLLABORATIVE_FEATURES, CONTENT_FEATURES, type FeatureWeights } from './fusion-model.ts';
import { FEATURES, type FeatureName } from '../catalog/fusion-features.ts';
import type { HistoryToken } from './history-tokens.ts';
import type { ItemSpace } from './item-space.ts';
import type { LearnedItemAttribution } from './learned-ranker.ts';

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const percent = (x: number) => `${Math.round(x * 100)} %`;

export interface ExplainInput {
  space: ItemSpace;
  signals: CollaborativeSignals;
  tokens: readonly HistoryToken[];
  weights: FeatureWeights;
  /** The item's feature values (FEATURES order). */
  features: Record<FeatureName, number>;
  recentItems: number;
  recentDecay: number;
  rules: string[];
  /** The learned model's part of this item's blended score, when it is blended in. */
  learned?: LearnedExplainInput;
}

/** The item's two standardised blend terms and the learned model's attribution of its score. */
export interface LearnedExplainInput {
  /** z(fusion) of the item. */
  fusion: number;
  /** w · z(learned) of the item. */
  learned: number;
  attribution: LearnedItemAttribution;
}

export function explainItem(index: number, input: ExplainInput): Explanation {
  const { space, signals, tokens, weights, features } = input;
  const contribution = Object.fromEntries(FEATURES.map((f) => [f, Math.max(0, weights[f] * features[f])])) as Record<FeatureName, number>;
  const total = FEATURES.reduce((s, f) => s + contribution[f], 0);
  const model = input.learned?.attribution;
  // The learned part's share of the item's blend; its parts must have something to say (else 0).
  const modelSays = model !== undefined && Object.values(model.modalities).reduce((a, b) => a + b, model.id) > 0;
  const fusionTerm = total > 0 ? Math.max(0, input.learned?.fusion ?? 1) : 0;
  const learnedTerm = modelSays ? Math.max(0, input.learned!.learned) : 0;
  const learnedShare = learnedTerm > 0 ? learnedTerm / (fusionTerm + learnedTerm) : 0;
  const fusionShare = 1 - learnedShare;
  const share = (f: FeatureName) => (total > 0 ? round3((fusionShare * contribution[f]) / total) : 0);
  const modelShare = (x: number) => round3(learnedShare * x);
  const modalities: Explanation['modalities'] = {};
  for (const f of CONTENT_FEATURES) {
    const fromModel = learnedShare > 0 ? (model!.modalities[f as Modality] ?? 0) : 0;
    if (contribution[f] > 0 || fromModel > 0)
      modalities[f as Modality | 'shared'] = learnedShare > 0 ? round3((fusionShare * contribution[f]) / (total || 1) + learnedShare * fromModel) : share(f);
  }
  const signalsShare: Explanation['signals'] = { sequential: share('sequential'), coOccurrence: share('coOccurrence'), popularity: share('popularity') };
  if (learnedShare > 0) signalsShare.learned = modelShare(model!.id);
  const collaborative = round3(COLLABORATIVE_FEATURES.reduce((s, f) => s + share(f), 0) + (signalsShare.learned ?? 0));
  const graph = share('graph');

  // Each history token's part: content similarity per modality, transitions out of it, co-occurrence with it.
  const totalWeight = tokens.reduce((s, t) => s + Math.abs(t.weight), 0) || 1;
  const recent = tokens.filter((t) => t.itemIndex !== undefined && t.weight > 0).slice(0, input.recentItems);
  const parts = tokens.map((token) => {
    if (token.weight <= 0) return 0;
    let part = 0;
    for (const m of space.modalities) {
      const item = space.vector(index, m);
      const v = token.vectors[m];
      if (item && v && v.length === item.length) part += Math.max(0, weights[m]) * (token.weight / totalWeight) * Math.max(0, cosine(item, v));
    }
    if (token.itemIndex !== undefined) {
      const r = recent.indexOf(token);
      if (r >= 0)
        part += Math.max(0, weights.sequential) * input.recentDecay ** r * (signals.next(token.itemIndex).find((n) => n.index === index)?.weight ?? 0);
      part +=
        Math.max(0, weights.coOccurrence) * (token.weight / totalWeight) * (signals.coOccurring(token.itemIndex).find((n) => n.index === index)?.weight ?? 0);
    }
    return part;
  });
  const partTotal = parts.reduce((a, b) => a + b, 0);
  const sources = tokens.map((token, i) => ({ id: token.key, title: token.title, adhoc: token.adhoc, part: parts[i]! / (partTotal || 1) }));
  // An item the catalog lacks is named as the fusion side names it: its history token (key, title, adhoc).
  const modelFrom = (model?.from ?? []).flatMap((f) => {
    if (f.item >= 0) return [{ id: space.items[f.item]!.id, title: space.items[f.item]!.title, adhoc: false, share: f.share }];
    const token = tokens.find((t) => t.adhoc && t.key === f.key);
    return f.key === undefined ? [] : [{ id: f.key, ...(token?.title !== undefined ? { title: token.title } : {}), adhoc: true, share: f.share }];
  });
  if (learnedShare > 0 && modelFrom.length > 0) {
    // Both sides' history shares, weighed by their part of the score (each side sums to 1).
    const fusionSide = partTotal > 0 ? fusionShare : 0;
    const norm = fusionSide + learnedShare;
    for (const s of sources) s.part = (s.part * fusionSide) / norm;
    for (const f of modelFrom) {
      const known = sources.find((s) => s.adhoc === f.adhoc && s.id === f.id);
      if (known) known.part += (f.share * learnedShare) / norm;
      else sources.push({ id: f.id, title: f.title, adhoc: f.adhoc, part: (f.share * learnedShare) / norm });
    }
  }
  const because = sources
    .filter((x) => x.part > 0)
    .sort((a, b) => b.part - a.part)
    .slice(0, 3)
    .map(({ id, title, adhoc, part }) => ({ id, title, ...(adhoc ? { adhoc: true } : {}), share: round3(part) }));

  return {
    summary: summarise(because, modalities, signalsShare, collaborative, graph),
    because,
    modalities,
    collaborative,
    signals: signalsShare,
    ...(graph > 0 ? { graph } : {}),
    rules: input.rules,
    ...(learnedShare > 0
      ? {
          learned: {
            share: round3(learnedShare),
            from: modelFrom.slice(0, 3).map(({ adhoc, ...f }) => ({ ...f, ...(adhoc ? { adhoc: true } : {}), share: round3(f.share) })),
            modalities: Object.fromEntries(Object.entries(model!.modalities).map(([m, x]) => [m, round3(x)])),
            id: round3(model!.id),
          },
        }
      : {}),
  };
}

function summarise(
  because: Explanation['because'],
  modalities: Explanation['modalities'],
  signals: Explanation['signals'],
  collaborative: number,
  graph: number,
): string {
  const sources = because.slice(0, 2).map((b) => (b.adhoc ? `your ${b.title ? `"${b.title}"` : 'example'}` : (b.title ?? b.id)));
  const lead = sources.length ? `Because of ${sources.join(' and ')}` : 'Picked for you';
  const strongest = Object.entries(modalities).sort((a, b) => b[1] - a[1])[0];
  const reasons: string[] = [];
  if (strongest && strongest[1] > 0) reasons.push(`${percent(strongest[1])} ${strongest[0] === 'shared' ? 'cross-modal' : strongest[0]} similarity`);
  if (collaborative > 0) {
    const learned = signals.learned ?? 0;
    const main =
      learned > signals.sequential && learned > signals.coOccurrence && learned > signals.popularity
        ? "what the model learned from shoppers' sessions"
        : signals.sequential >= signals.coOccurrence && signals.sequential >= signals.popularity
          ? 'what shoppers viewed next'
          : signals.coOccurrence >= signals.popularity
            ? 'what shoppers viewed together'
            : 'popularity';
    reasons.push(`${percent(collaborative)} ${main}`);
  }
  if (graph > 0) reasons.push(`${percent(graph)} linked through the item graph`);
  return reasons.length ? `${lead}: ${reasons.join(', ')}.` : `${lead}.`;
}
