/**
 * The lexicon baseline: npm `sentiment` (AFINN-165 word scores, negation-aware) sums the
 * scores of a sentence's words. A sum > 0 is positive, < 0 negative; a sentence with no
 * scored word (sum 0) counts as positive, a fixed rule stated with the results, since the
 * lexicon has no answer for it (the corpora are balanced, so either rule gets half of them).
 */
import Sentiment from 'sentiment';

export interface LexiconVerdict {
  label: 0 | 1;
  /** The lexicon found no scored word, or its scores cancelled out. */
  tie: boolean;
}

export function afinnVerdicts(texts: readonly string[]): LexiconVerdict[] {
  const sentiment = new Sentiment();
  return texts.map((text) => {
    const score = sentiment.analyze(text).score;
    return { label: score >= 0 ? 1 : 0, tie: score === 0 };
  });
}
