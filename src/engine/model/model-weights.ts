/**
 * The learned model's parameters: named float32 arrays with fixed shapes (the form they are
 * trained, saved and shipped in), their seeded initialisation, and the check that a set of
 * arrays fits a config (wrong shape or a non-finite value is refused).
 */
import { mulberry32 } from '../../shared/seeded-random.ts';
import type { SequenceModelConfig } from './model-config.ts';

export interface WeightSpec {
  name: string;
  shape: number[];
  /** How a fresh model starts: glorot uniform, small normal, zeros or ones. */
  init: 'glorot' | 'normal' | 'zeros' | 'ones';
}

export type ModelWeights = Map<string, Float32Array>;

/** Every parameter of a config, in a fixed order (the order they are saved in). */
export function weightSpecs(config: SequenceModelConfig): WeightSpec[] {
  const d = config.dims;
  const specs: WeightSpec[] = [];
  for (const m of config.modalities) {
    specs.push({ name: `tower.${m.name}.kernel`, shape: [m.dims, d], init: 'glorot' });
    specs.push({ name: `tower.${m.name}.bias`, shape: [d], init: 'zeros' });
  }
  specs.push({ name: 'tower.gate.kernel', shape: [d, 1], init: 'glorot' });
  specs.push({ name: 'tower.gate.bias', shape: [config.modalities.length], init: 'zeros' });
  if (config.idItems > 0) specs.push({ name: 'tower.id', shape: [config.idItems, d], init: 'normal' });
  specs.push({ name: 'user.position', shape: [config.maxLength, d], init: 'normal' });
  for (let b = 0; b < config.blocks; b++) {
    const p = `user.block${b}`;
    specs.push({ name: `${p}.norm1.gamma`, shape: [d], init: 'ones' }, { name: `${p}.norm1.beta`, shape: [d], init: 'zeros' });
    for (const w of ['query', 'key', 'value']) specs.push({ name: `${p}.${w}`, shape: [d, d], init: 'glorot' });
    specs.push({ name: `${p}.norm2.gamma`, shape: [d], init: 'ones' }, { name: `${p}.norm2.beta`, shape: [d], init: 'zeros' });
    specs.push({ name: `${p}.ff1.kernel`, shape: [d, d], init: 'glorot' }, { name: `${p}.ff1.bias`, shape: [d], init: 'zeros' });
    specs.push({ name: `${p}.ff2.kernel`, shape: [d, d], init: 'glorot' }, { name: `${p}.ff2.bias`, shape: [d], init: 'zeros' });
  }
  specs.push({ name: 'user.norm.gamma', shape: [d], init: 'ones' }, { name: 'user.norm.beta', shape: [d], init: 'zeros' });
  return specs;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Fresh parameters for a config, the same for the same seed. */
export function initialWeights(config: SequenceModelConfig, seed: number): ModelWeights {
  const random = mulberry32(seed);
  const normal = (): number => {
    // Box–Muller; 1 − u keeps the log finite.
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const weights: ModelWeights = new Map();
  for (const spec of weightSpecs(config)) {
    const values = new Float32Array(size(spec.shape));
    if (spec.init === 'ones') values.fill(1);
    else if (spec.init === 'normal') for (let i = 0; i < values.length; i++) values[i] = 0.02 * normal();
    else if (spec.init === 'glorot') {
      const limit = Math.sqrt(6 / (spec.shape[0]! + spec.shape[1]!));
      for (let i = 0; i < values.length; i++) values[i] = (2 * random() - 1) * limit;
    }
    weights.set(spec.name, values);
  }
  return weights;
}

/** Throws unless `weights` has exactly the config's parameters, each of the right size and finite. */
export function checkWeights(config: SequenceModelConfig, weights: ModelWeights): void {
  const specs = weightSpecs(config);
  for (const spec of specs) {
    const values = weights.get(spec.name);
    if (!values) throw new Error(`model weights: ${spec.name} is missing`);
    if (values.length !== size(spec.shape))
      throw new Error(`model weights: ${spec.name} has ${values.length} values, expected ${size(spec.shape)} (${spec.shape.join('×')})`);
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) throw new Error(`model weights: ${spec.name}[${i}] is not finite`);
    }
  }
  if (weights.size !== specs.length) {
    const known = new Set(specs.map((s) => s.name));
    const extra = [...weights.keys()].filter((k) => !known.has(k));
    throw new Error(`model weights: unexpected ${extra.join(', ')}`);
  }
}
