/**
 * The learned multimodal model's shape (issue 10 items 1–2): an item tower from any subset of
 * an item's modality vectors to one d-dimensional unit vector, and a causal self-attention
 * user model over the item vectors of the history whose last state is the user vector.
 * score(user, item) = user · item.
 */

/** One modality the item tower reads (e.g. text 512, image 1280). */
export interface ModalityShape {
  name: string;
  dims: number;
}

export interface SequenceModelConfig {
  modalities: ModalityShape[];
  /** Width of the shared item / user space (default 64). */
  dims: number;
  /** Longest history the user model reads; older events are dropped (default 50). */
  maxLength: number;
  /** Self-attention blocks (1–2). */
  blocks: number;
  /**
   * Items with a learned id embedding (warm items: those with interactions at build time);
   * 0 = content only. Ids are the item's row in the catalog.
   */
  idItems: number;
}

export const DEFAULT_MODEL_DIMS = 64;
export const DEFAULT_MAX_LENGTH = 50;

/** A config with the defaults filled in; throws on an impossible shape. */
export function modelConfig(partial: Partial<SequenceModelConfig> & { modalities: ModalityShape[] }): SequenceModelConfig {
  const config: SequenceModelConfig = {
    dims: DEFAULT_MODEL_DIMS,
    maxLength: DEFAULT_MAX_LENGTH,
    blocks: 1,
    idItems: 0,
    ...partial,
  };
  if (config.modalities.length === 0) throw new Error('the item tower needs at least one modality');
  for (const m of config.modalities) {
    if (!(Number.isInteger(m.dims) && m.dims > 0)) throw new Error(`modality ${m.name}: dims must be a positive integer, got ${m.dims}`);
  }
  if (new Set(config.modalities.map((m) => m.name)).size !== config.modalities.length) throw new Error('modality names must be distinct');
  if (!(Number.isInteger(config.dims) && config.dims > 0)) throw new Error(`dims must be a positive integer, got ${config.dims}`);
  if (!(Number.isInteger(config.maxLength) && config.maxLength > 0)) throw new Error(`maxLength must be a positive integer, got ${config.maxLength}`);
  if (!(config.blocks === 1 || config.blocks === 2)) throw new Error(`blocks must be 1 or 2, got ${config.blocks}`);
  if (!(Number.isInteger(config.idItems) && config.idItems >= 0)) throw new Error(`idItems must be a non-negative integer, got ${config.idItems}`);
  return config;
}
