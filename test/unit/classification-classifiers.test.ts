import { describe, expect, it } from 'vitest';
import { crossValidatedPredictions, knnPredictor, linearProbePredictor, stratifiedFolds } from '../../src/node/classification/classifiers.ts';
import { confusionMatrixSvg } from '../../src/node/classification/confusion-svg.ts';

const v = (...x: number[]) => Float32Array.from(x);

describe('held-out classifiers', () => {
  // Two classes on the unit circle: class 0 near (1, 0), class 1 near (0, 1).
  const train = { vectors: [v(1, 0), v(0.96, 0.28), v(0.96, -0.28), v(0, 1), v(0.28, 0.96), v(-0.28, 0.96)], labels: [0, 0, 0, 1, 1, 1] };
  const test = [v(0.8, 0.6), v(0.6, 0.8), v(1, 0.1)];

  it('kNN votes among the k nearest by cosine', () => {
    expect(knnPredictor(3)(train, test, 2)).toEqual([0, 1, 0]);
    // k = 1: (0.8, 0.6) is nearest to (0.96, 0.28) (cos 0.936) rather than (0.28, 0.96) (cos 0.8).
    expect(knnPredictor(1)(train, [v(0.8, 0.6)], 2)).toEqual([0]);
  });

  it('the linear probe separates linearly separable classes', () => {
    expect(linearProbePredictor({ steps: 200 })(train, test, 2)).toEqual([0, 1, 0]);
  });

  it('deals each class over the folds evenly, the same for a seed', () => {
    const labels = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
    const folds = stratifiedFolds(labels, 5, 1);
    for (let f = 0; f < 5; f++) expect(labels.filter((_, i) => folds[i] === f)).toHaveLength(2);
    expect(stratifiedFolds(labels, 5, 1)).toEqual(folds);
  });

  it('predicts every item from folds that never saw it', () => {
    const vectors = [...train.vectors, ...train.vectors];
    const labels = [...train.labels, ...train.labels];
    const predicted = crossValidatedPredictions(vectors, labels, 2, knnPredictor(1), 2, 3);
    expect(predicted).toHaveLength(12);
    expect(predicted).toEqual(labels);
  });

  it('draws the confusion matrix with a cell per pair and the counts written in', () => {
    const svg = confusionMatrixSvg(
      {
        labels: ['a', 'b'],
        counts: [
          [3, 1],
          [0, 2],
        ],
      },
      'test',
    );
    expect(svg.match(/<rect x=/g)).toHaveLength(4);
    expect(svg).toContain('<title>a → b: 1</title>');
    expect(svg).toContain('rgba(0,114,178,0.750)');
  });
});
