/**
 * The Node ↔ browser-worker parity check of the learned model (issue 10): fixed histories over
 * the parity fixture catalog (test/browser/fixtures/learned-parity/, made by
 * make-learned-parity-fixture.ts), each giving the user vector and top-10 item rows. Runtime
 * neutral: the Node unit test, the fixture script and the browser worker all call it.
 */
import type { LoadedCatalogFiles } from '../src/engine/catalog/fetch-catalog.ts';
import { LearnedRanker } from '../src/engine/recommend/learned-ranker.ts';

export const PARITY_HISTORIES: number[][] = [[0], [1, 5, 9], [2, 6, 10, 14, 18, 22], [3, 0, 7, 4, 11, 8, 15, 12]];

export interface ParityResult {
  user: number[];
  top10: number[];
}

export async function parityResults(files: Pick<LoadedCatalogFiles, 'manifest' | 'learnedModel'>): Promise<ParityResult[]> {
  const dims = Object.fromEntries(Object.entries(files.manifest.encoders).map(([m, e]) => [m, e.dims]));
  const ranker = new LearnedRanker(files.learnedModel!, dims);
  const out: ParityResult[] = [];
  for (const history of PARITY_HISTORIES) {
    const user = ranker.userVector(history.map((item) => ({ item, weight: 1 })))!;
    const top = await ranker.topK(user, 10);
    out.push({ user: [...user], top10: [...top.indices] });
  }
  return out;
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    dot += x * b[i]!;
    na += x * x;
    nb += b[i]! * b[i]!;
  });
  return dot / Math.sqrt(na * nb);
}
