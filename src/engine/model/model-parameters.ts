/**
 * The model's parameters as tensors: trainable variables while training (Node, catalog
 * build), plain tensors where the model only runs (the worker). Built from and read back to
 * the named arrays of model-weights.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { SequenceModelConfig } from './model-config.ts';
import { checkWeights, weightSpecs, type ModelWeights } from './model-weights.ts';

export class ModelParameters {
  private constructor(
    readonly config: SequenceModelConfig,
    private readonly tensors: Map<string, tf.Tensor>,
  ) {}

  /** Tensors for checked weights; `trainable` makes them tf.Variables. */
  static fromWeights(config: SequenceModelConfig, weights: ModelWeights, trainable = false): ModelParameters {
    checkWeights(config, weights);
    const tensors = new Map<string, tf.Tensor>();
    for (const spec of weightSpecs(config)) {
      const t = tf.tensor(weights.get(spec.name)!, spec.shape, 'float32');
      if (trainable) {
        tensors.set(spec.name, tf.variable(t, true, `${spec.name}#${variableCounter++}`));
        t.dispose();
      } else tensors.set(spec.name, t);
    }
    return new ModelParameters(config, tensors);
  }

  get(name: string): tf.Tensor {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`model parameter ${name} does not exist`);
    return t;
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  /** The trainable variables (empty unless built with `trainable`). */
  variables(): tf.Variable[] {
    return [...this.tensors.values()].filter((t): t is tf.Variable => t instanceof tf.Variable);
  }

  /** The current values as named arrays (a copy). */
  read(): ModelWeights {
    const out: ModelWeights = new Map();
    for (const [name, t] of this.tensors) out.set(name, t.dataSync() as Float32Array);
    return out;
  }

  /** Overwrite the variables' values (restoring the best epoch). */
  assign(weights: ModelWeights): void {
    checkWeights(this.config, weights);
    for (const spec of weightSpecs(this.config)) {
      const v = this.tensors.get(spec.name);
      if (!(v instanceof tf.Variable)) throw new Error('assign needs trainable parameters');
      const t = tf.tensor(weights.get(spec.name)!, spec.shape, 'float32');
      v.assign(t);
      t.dispose();
    }
  }

  dispose(): void {
    for (const t of this.tensors.values()) t.dispose();
    this.tensors.clear();
  }
}

// tf.Variable names are global in a tfjs runtime: a counter keeps two models apart.
let variableCounter = 0;
