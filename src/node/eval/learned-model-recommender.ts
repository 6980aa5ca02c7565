/**
 * The learned multimodal model (src/engine/model) as an evaluated row: at fit, the item tower
 * (text + poster vectors, an id embedding for items with training interactions) and the
 * causal self-attention user model are trained on the split's training log with the
 * next-item log-likelihood; a case's score is the user vector of its history dotted with
 * every item vector. New items (protocol C) have no id embedding: the tower places them from
 * content alone, as it learned to with id dropout.
 */
import * as tf from '@tensorflow/tfjs';
import { contentInputs, disposeTowerInputs, towerTensors } from '../../engine/model/item-content-inputs.ts';
import { itemVectors } from '../../engine/model/item-tower.ts';
import { modelConfig, type SequenceModelConfig } from '../../engine/model/model-config.ts';
import { ModelParameters } from '../../engine/model/model-parameters.ts';
import { trainSequenceModel, type TrainingOptions } from '../../engine/model/train-sequence-model.ts';
import { userVectors } from '../../engine/model/user-model.ts';
import { initNodeTf } from '../node-tf.ts';
import type { ModelWeights } from '../../engine/model/model-weights.ts';
import type { EvaluatedRecommender, TrainData, UserCase } from './eval-types.ts';

/**
 * Trained weights per training set and settings: the pure row and a blend that contains the
 * same model (blended-recommender.ts) share one fit.
 */
const fits = new WeakMap<TrainData, Map<string, ModelWeights>>();

export interface LearnedModelOptions {
  name?: string;
  seed?: number;
  /** Learn id embeddings for warm items (default true). */
  ids?: boolean;
  config?: Partial<Omit<SequenceModelConfig, 'modalities' | 'idItems'>>;
  training?: Omit<TrainingOptions, 'seed' | 'onEpoch'>;
  log?: (line: string) => void;
}

export class LearnedModelRecommender implements EvaluatedRecommender {
  readonly name: string;
  readonly group = 'learned';
  private params: ModelParameters | undefined;
  private items: tf.Tensor2D | undefined;
  private itemCount = 0;

  constructor(private readonly options: LearnedModelOptions = {}) {
    this.name = options.name ?? 'learned seq';
  }

  async fit(train: TrainData): Promise<void> {
    if (!train.content) throw new Error(`${this.name} needs the items' content (the runner's content option)`);
    await initNodeTf('wasm');
    this.dispose();
    const n = train.itemCount;
    this.itemCount = n;
    const content = train.content;
    const config = modelConfig({
      ...this.options.config,
      modalities: [
        { name: 'text', dims: content.text.dims },
        { name: 'image', dims: content.image.dims },
      ],
      idItems: this.options.ids === false ? 0 : n,
    });
    const sequences = new Map<number, number[]>();
    const hasId = new Uint8Array(n);
    for (const r of train.ratings) {
      let seq = sequences.get(r.user);
      if (!seq) sequences.set(r.user, (seq = []));
      seq.push(r.item);
      hasId[r.item] = 1;
    }
    const inputs = contentInputs(config, [content.text.rows, content.image.rows], n, hasId);
    const log = this.options.log ?? ((line: string) => console.error(line));
    const key = JSON.stringify([this.options.seed ?? 42, this.options.ids, this.options.config, this.options.training]);
    let weights = fits.get(train)?.get(key);
    if (!weights) {
      const started = Date.now();
      const result = await trainSequenceModel(config, inputs, [...sequences.values()], {
        ...this.options.training,
        seed: this.options.seed ?? 42,
        onEpoch: (epoch, trainLoss, validationLoss) =>
          log(
            `${this.name}: epoch ${epoch} train ${trainLoss.toFixed(4)} validation ${validationLoss.toFixed(4)} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
          ),
      });
      log(`${this.name}: best epoch ${result.bestEpoch} of ${result.epochs}, validation loss ${result.validationLoss.toFixed(4)}`);
      weights = result.weights;
      if (!fits.has(train)) fits.set(train, new Map());
      fits.get(train)!.set(key, weights);
    }
    this.params = ModelParameters.fromWeights(config, weights);
    const tower = towerTensors(config, inputs);
    this.items = itemVectors(this.params, tower);
    disposeTowerInputs(tower);
  }

  score(user: UserCase): Float32Array {
    if (!this.params || !this.items) throw new Error(`${this.name}: score before fit`);
    const scores = tf.tidy(() => tf.matMul(userVectors(this.params!, this.items!, [user.history]), this.items!, false, true));
    const out = scores.dataSync() as Float32Array;
    scores.dispose();
    if (out.length !== this.itemCount) throw new Error(`${this.name}: ${out.length} scores for ${this.itemCount} items`);
    return out;
  }

  /** The user vector of a history (oldest first), as the score's dot products use it. */
  userVector(history: readonly number[]): Float32Array {
    if (!this.params || !this.items) throw new Error(`${this.name}: userVector before fit`);
    const user = tf.tidy(() => userVectors(this.params!, this.items!, [history.slice()]));
    const out = Float32Array.from(user.dataSync());
    user.dispose();
    return out;
  }

  /** Every item's vector, row-major (itemCount × d): a copy, for plain-JS math on top of the model. */
  itemRows(): Float32Array {
    if (!this.items) throw new Error(`${this.name}: itemRows before fit`);
    return Float32Array.from(this.items.dataSync());
  }

  dispose(): void {
    this.params?.dispose();
    this.items?.dispose();
    this.params = undefined;
    this.items = undefined;
  }
}
