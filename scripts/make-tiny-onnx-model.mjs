#!/usr/bin/env node
// Writes a tiny random-weight text feature-extraction model in the folder layout that
// @huggingface/transformers (v4) expects for a local model, the way transformers.js tests
// itself with tiny random models. It exists to test the ONNX adapter
// (src/engine/encoders/onnx/transformers-feature-encoder.ts) fully offline; its vectors mean
// nothing. The weights are seeded, so every run writes byte-identical files.
//
//   node scripts/make-tiny-onnx-model.mjs [outDir]
//   (default outDir: public/models/tiny-random-feature-extractor/, git-ignored)
//
// Files written:
//   config.json             model_type 'bert', hidden_size 16, vocab of VOCAB.length tokens
//   tokenizer.json          WordPiece vocab of a few dozen English words + [PAD] [UNK] [CLS] [SEP] [MASK]
//   tokenizer_config.json   BertTokenizer, lower-casing, model_max_length 64
//   onnx/model.onnx         the graph: the file transformers.js loads for dtype 'fp32'
//                           (`onnx/model${suffix}.onnx`, suffix '' for fp32; 'q8', the browser
//                           default on wasm, would ask for onnx/model_quantized.onnx, which is not
//                           written: the adapter always names its dtype)
//
// Graph (opset 13, ir_version 7), inputs named as transformers.js feeds a BERT encoder (it
// feeds exactly the declared inputs, filling token_type_ids with zeros when the tokenizer
// gives none):
//   input_ids, attention_mask, token_type_ids: int64 [batch, sequence]
//   x = word_emb[input_ids] + type_emb[token_type_ids] + pos_emb[0..sequence)
//   last_hidden_state = tanh(x @ W + b) * attention_mask[..., None]   float32 [batch, sequence, 16]
//
// The ONNX protobuf is written with protobufjs from a minimal inline subset of onnx.proto
// (field numbers as in onnx/onnx.proto), so no Python and no onnx package are needed.
import protobuf from 'protobufjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const TINY_MODEL_ID = 'tiny-random-feature-extractor';
export const TINY_HIDDEN_SIZE = 16;
export const TINY_MAX_LENGTH = 64;
const SEED = 20240607;

/** Special tokens first (ids 0..4), then words, then a few WordPiece continuations. */
export const TINY_VOCAB = Object.freeze([
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[MASK]',
  'the',
  'a',
  'and',
  'of',
  'with',
  'for',
  'in',
  'on',
  'to',
  'is',
  'red',
  'blue',
  'green',
  'black',
  'white',
  'small',
  'large',
  'soft',
  'warm',
  'light',
  'shirt',
  'shoe',
  'jacket',
  'dress',
  'bag',
  'hat',
  'lamp',
  'chair',
  'table',
  'cup',
  'cotton',
  'leather',
  'wool',
  'wood',
  'glass',
  'summer',
  'winter',
  'running',
  'coffee',
  'song',
  'music',
  'guitar',
  'piano',
  'book',
  'phone',
  '##s',
  '##ed',
  '##ing',
  '##er',
  '##y',
  '.',
  ',',
  '!',
  '?',
  '-',
]);

// The subset of onnx.proto (proto2) this script writes. Field numbers must match onnx.proto.
const ONNX_PROTO = `
syntax = "proto2";
package onnx;
message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; FLOATS = 6; INTS = 7; STRINGS = 8; }
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  optional AttributeType type = 20;
}
message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string domain = 7;
}
message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}
message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message TensorProto {
  enum DataType { UNDEFINED = 0; FLOAT = 1; UINT8 = 2; INT8 = 3; UINT16 = 4; INT16 = 5; INT32 = 6; INT64 = 7; }
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  optional string name = 8;
  optional bytes raw_data = 9;
}
message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
  }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
}
message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
`;

const FLOAT = 1;
const INT64 = 7;
const ATTR_INT = 2;

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function floatTensor(name, dims, random, scale) {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (random() * 2 - 1) * scale;
  return { name, dims, dataType: FLOAT, rawData: Buffer.from(data.buffer) };
}

function int64Tensor(name, dims, values) {
  const data = BigInt64Array.from(values.map(BigInt));
  return { name, dims, dataType: INT64, rawData: Buffer.from(data.buffer) };
}

function valueInfo(name, elemType, dims) {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

function node(opType, inputs, outputs, attribute = []) {
  return { opType, input: inputs, output: outputs, name: `${opType}_${outputs[0]}`, attribute };
}

/** The ONNX model as bytes (a serialized onnx.ModelProto). */
export function buildTinyOnnxModel({ vocabSize = TINY_VOCAB.length, hidden = TINY_HIDDEN_SIZE, maxPositions = TINY_MAX_LENGTH, seed = SEED } = {}) {
  const root = protobuf.parse(ONNX_PROTO, { keepCase: false }).root;
  const ModelProto = root.lookupType('onnx.ModelProto');
  const random = mulberry32(seed);

  const initializer = [
    floatTensor('word_embeddings', [vocabSize, hidden], random, 1),
    floatTensor('position_embeddings', [maxPositions, hidden], random, 0.5),
    floatTensor('token_type_embeddings', [2, hidden], random, 0.5),
    floatTensor('dense_weight', [hidden, hidden], random, 1 / Math.sqrt(hidden)),
    floatTensor('dense_bias', [hidden], random, 0.1),
    int64Tensor('const_0', [], [0]),
    int64Tensor('const_1', [], [1]),
    int64Tensor('unsqueeze_axes', [1], [-1]),
  ];
  const nodes = [
    node('Gather', ['word_embeddings', 'input_ids'], ['word_emb'], [{ name: 'axis', type: ATTR_INT, i: 0 }]),
    node('Gather', ['token_type_embeddings', 'token_type_ids'], ['type_emb'], [{ name: 'axis', type: ATTR_INT, i: 0 }]),
    node('Shape', ['input_ids'], ['ids_shape']),
    node('Gather', ['ids_shape', 'const_1'], ['seq_len'], [{ name: 'axis', type: ATTR_INT, i: 0 }]),
    node('Range', ['const_0', 'seq_len', 'const_1'], ['position_ids']),
    node('Gather', ['position_embeddings', 'position_ids'], ['pos_emb'], [{ name: 'axis', type: ATTR_INT, i: 0 }]),
    node('Add', ['word_emb', 'type_emb'], ['emb_sum']),
    node('Add', ['emb_sum', 'pos_emb'], ['embeddings']),
    node('MatMul', ['embeddings', 'dense_weight'], ['dense_mm']),
    node('Add', ['dense_mm', 'dense_bias'], ['dense_out']),
    node('Tanh', ['dense_out'], ['hidden']),
    node('Cast', ['attention_mask'], ['mask_float'], [{ name: 'to', type: ATTR_INT, i: FLOAT }]),
    node('Unsqueeze', ['mask_float', 'unsqueeze_axes'], ['mask_3d']),
    node('Mul', ['hidden', 'mask_3d'], ['last_hidden_state']),
  ];
  const model = {
    irVersion: 7,
    producerName: 'ondevice-recs/scripts/make-tiny-onnx-model.mjs',
    producerVersion: '1',
    modelVersion: 1,
    docString: `Tiny random-weight BERT-like feature extractor for tests (seed ${seed}). Meaningless vectors.`,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny_random_feature_extractor',
      node: nodes,
      initializer,
      input: [
        valueInfo('input_ids', INT64, ['batch_size', 'sequence_length']),
        valueInfo('attention_mask', INT64, ['batch_size', 'sequence_length']),
        valueInfo('token_type_ids', INT64, ['batch_size', 'sequence_length']),
      ],
      output: [valueInfo('last_hidden_state', FLOAT, ['batch_size', 'sequence_length', hidden])],
    },
  };
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`invalid ModelProto: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

function tokenizerJson() {
  const vocab = Object.fromEntries(TINY_VOCAB.map((token, id) => [token, id]));
  const special = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special.map((content) => ({
      id: vocab[content],
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

/** Every file of the model folder: relative path → contents. */
export function tinyModelFiles() {
  const config = {
    _name_or_path: TINY_MODEL_ID,
    architectures: ['BertModel'],
    model_type: 'bert',
    vocab_size: TINY_VOCAB.length,
    hidden_size: TINY_HIDDEN_SIZE,
    num_hidden_layers: 1,
    num_attention_heads: 1,
    intermediate_size: TINY_HIDDEN_SIZE,
    max_position_embeddings: TINY_MAX_LENGTH,
    type_vocab_size: 2,
    pad_token_id: 0,
    hidden_act: 'tanh',
    'transformers.js_config': { dtype: 'fp32' },
  };
  const tokenizerConfig = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: TINY_MAX_LENGTH,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
    clean_up_tokenization_spaces: true,
  };
  const json = (value) => Buffer.from(JSON.stringify(value, null, 2) + '\n');
  return {
    'config.json': json(config),
    'tokenizer.json': json(tokenizerJson()),
    'tokenizer_config.json': json(tokenizerConfig),
    'onnx/model.onnx': Buffer.from(buildTinyOnnxModel()),
  };
}

/** Writes the model folder; returns the absolute paths written. */
export function writeTinyOnnxModel(outDir) {
  const written = [];
  for (const [rel, data] of Object.entries(tinyModelFiles())) {
    const path = join(resolve(outDir), rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
    written.push(path);
  }
  return written;
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const outDir = process.argv[2] ? resolve(process.argv[2]) : join(root, 'public', 'models', TINY_MODEL_ID);
  const written = writeTinyOnnxModel(outDir);
  console.log(`tiny ONNX model: ${written.length} files -> ${outDir}`);
}
