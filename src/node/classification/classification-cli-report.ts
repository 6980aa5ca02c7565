/**
 * `npm run eval:encoders -- --classification [--catalog DIR] [--only text,image,…]`: the held-out
 * category classification of a built catalog's vectors (default: the Tux Paint default catalog),
 * per modality and fused, kNN and linear probe. Prints a summary table and writes
 * eval-results/classification-<catalog>.json with every per-class score, the confusion matrices
 * and the most confused pairs, plus one confusion-matrix SVG per set and classifier.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { classifyHeldOut } from './classification-run.ts';
import { confusionMatrixSvg } from './confusion-svg.ts';
import { catalogLabelledVectors } from './labelled-vectors.ts';

export function runClassificationReport(catalogDir: string, only: string[] | undefined, outDir = 'eval-results'): void {
  const name = basename(catalogDir.replace(/\/+$/, ''));
  const sets = catalogLabelledVectors(catalogDir, 10).filter((s) => !only || only.some((o) => s.name.startsWith(o)));
  mkdirSync(outDir, { recursive: true });
  const results = [];
  for (const set of sets) {
    const runs = classifyHeldOut(set);
    for (const run of runs) {
      const r = run.report;
      console.log(
        `${set.name}\t${set.ids.length} items\t${run.classifier}\taccuracy ${r.accuracy.toFixed(3)} [${run.intervals.accuracy.low.toFixed(3)}, ${run.intervals.accuracy.high.toFixed(3)}]\tmacro P/R/F1 ${r.macro.precision.toFixed(3)}/${r.macro.recall.toFixed(3)}/${r.macro.f1.toFixed(3)} (F1 [${run.intervals.macroF1.low.toFixed(3)}, ${run.intervals.macroF1.high.toFixed(3)}])\tmicro F1 ${r.micro.f1.toFixed(3)}\tmajority ${run.majorityAccuracy.toFixed(3)}`,
      );
      console.log(
        `  most confused: ${run.mostConfused
          .slice(0, 3)
          .map((p) => `${p.actual}→${p.predicted} ${p.count} (${p.items.slice(0, 2).join(', ')})`)
          .join('; ')}`,
      );
      const svg = join(outDir, `classification-${name}-${set.name.split(' ')[0]}-${run.classifier.split(' ')[0]}.svg`.replace(/[^\w./-]+/g, '-'));
      writeFileSync(svg, confusionMatrixSvg(run.confusion, `${name}: ${set.name}, ${run.classifier} (5-fold held out)`));
    }
    results.push({ set: set.name, items: set.ids.length, droppedItems: set.droppedItems, droppedClasses: set.droppedClasses, runs });
  }
  const file = join(outDir, `classification-${name}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ catalog: catalogDir, createdAt: new Date().toISOString(), folds: 5, seed: 42, label: 'top-level category', minPerClass: 10, results }, null, 1)}\n`,
  );
  console.log(`wrote ${file}`);
}
