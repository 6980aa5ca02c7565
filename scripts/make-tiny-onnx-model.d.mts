/** Folder name of the tiny seeded random-weight feature-extraction model. */
export const TINY_MODEL_ID: string;
/** Its hidden size: the length of its vectors. */
export const TINY_HIDDEN_SIZE: number;
/** Its tokenizer's model_max_length. */
export const TINY_MAX_LENGTH: number;
/** Write the model (config, tokenizer, onnx/model.onnx) into `outDir`. */
export function writeTinyOnnxModel(outDir: string): void;
