// npm `sentiment` (AFINN-165 lexicon scorer) ships no types; only what the baseline uses.
declare module 'sentiment' {
  export default class Sentiment {
    analyze(phrase: string): { score: number; comparative: number; positive: string[]; negative: string[] };
  }
}
