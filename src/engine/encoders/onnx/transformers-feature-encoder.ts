import { AutoConfig, AutoModel, AutoTokenizer, env, FeatureExtractionPipeline, type Tensor } from '@huggingface/transformers';
import { EncoderInputError } from '../../../shared/encoder-input-error.ts';
import { finishTextEncoder } from '../text/finish-text-encoder.ts';
import type { Encoder, EncoderInfo } from '../encoder.ts';

/**
 * Optional text encoder: an ONNX feature-extraction model that the shop hosts itself
 * (e.g. an all-MiniLM export), run through `@huggingface/transformers` v4. Nothing is ever
 * fetched from the Hugging Face Hub or a CDN:
 *
 *   env.allowRemoteModels = false   any file not found locally is an error, never a download
 *   env.allowLocalModels  = true    files come from `${localModelPath}${modelId}/...`
 *   env.useBrowserCache   = false   (unless `browserCache: true`) so a re-deployed model under
 *                                   the same URL is not shadowed by a stale Cache API copy
 *   env.useFSCache        = false   (Node) no copies under node_modules
 *   env.backends.onnx.wasm.wasmPaths = our own origin (browser; required there)
 *
 * The model folder layout is transformers.js's: `config.json`, `tokenizer.json`,
 * `tokenizer_config.json`, `onnx/model.onnx` (dtype 'fp32'; 'q8' reads `onnx/model_quantized.onnx`,
 * 'fp16' `onnx/model_fp16.onnx`, ...). The dtype is always passed explicitly, because on wasm
 * transformers.js would otherwise default to 'q8' and ask for a file the shop may not serve.
 *
 * In the browser transformers.js runs onnxruntime-web (its `onnxruntime-web/webgpu` bundle);
 * in Node it uses onnxruntime-node by itself. This module uses no Node API, so it can be
 * bundled into the engine's module worker.
 *
 * `env` is global to transformers.js, so loads are serialized and each load sets it again.
 *
 * Input rules: text that is empty or only whitespace, or that tokenizes to nothing but
 * special tokens, throws EncoderInputError 'empty-text'. Text longer than `maxTextChars`
 * (checked before tokenizing) or with more tokens than the model accepts (tokenizer
 * `model_max_length`, else config `max_position_embeddings`) throws 'text-too-long', unless
 * `truncate: true`, in which case the tokenizer cuts it to the model's length.
 */

export type OnnxTextDevice = 'wasm' | 'webgpu' | 'cpu';
export type OnnxTextDtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4';
export type OnnxTextPooling = 'mean' | 'cls';

export interface TransformersTextEncoderOptions {
  /** Folder name of the model under `localModelPath` (a Hub-style id: `name` or `org/name`). */
  modelId: string;
  /**
   * Models root: in a browser a URL or path on the page's own origin (e.g. `${assetsBaseUrl}models/`;
   * other origins are refused, see webModelPath), in Node a directory path.
   */
  localModelPath: string;
  /**
   * Where onnxruntime-web's files are served from (browser only; ignored by onnxruntime-node).
   * A string is a folder URL: ORT's webgpu bundle then loads
   * `ort-wasm-simd-threaded.asyncify.mjs` and `ort-wasm-simd-threaded.asyncify.wasm` from it.
   * An object `{ mjs, wasm }` names both files exactly. Relative URLs are resolved against
   * `location.href`. Required in a browser: without it transformers.js would use a CDN.
   */
  wasmPaths?: string | Record<string, string>;
  /** 'wasm' or 'webgpu' in a browser, 'cpu' in Node; default: transformers.js's default for the platform (wasm / cpu). */
  device?: OnnxTextDevice;
  /** Expected vector length (the model's hidden size); checked at load. */
  dims: number;
  /** Token pooling before L2 normalisation (default 'mean', what sentence-transformers models use). */
  pooling?: OnnxTextPooling;
  /** Which weights file to load (default 'fp32': `onnx/model.onnx`). */
  dtype?: OnnxTextDtype;
  /** Names the weights (e.g. the model's revision) in `info.version`; default 'local'. */
  version?: string;
  /** Longest accepted text in UTF-16 code units (default 10 000). */
  maxTextChars?: number;
  /** Cut texts that have more tokens than the model accepts instead of throwing 'text-too-long' (default false). */
  truncate?: boolean;
  /** Most texts per forward pass (default 32). */
  maxBatch?: number;
  /** Keep fetched model files in the browser's Cache API (default false: the HTTP cache does this job). */
  browserCache?: boolean;
  /** Run one small pass at load, which also checks `dims` (default true). */
  warmUp?: boolean;
}

/** Default cap on characters per text, as for USE-Lite. */
export const DEFAULT_ONNX_MAX_TEXT_CHARS = 10_000;

type EmbedOptions = { pooling: OnnxTextPooling; normalize: boolean };
type Extractor = FeatureExtractionPipeline & ((texts: string[], options: EmbedOptions) => Promise<Tensor>);

/** Loads are serialized: they all read the one global `env` while they run. */
let loadQueue: Promise<unknown> = Promise.resolve();

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 1) throw new Error(`${name} must be a positive number, got ${value}`);
  return Math.floor(value);
}

function preview(text: string): string {
  const head = text.slice(0, 40).replace(/\s+/g, ' ');
  return JSON.stringify(text.length > 40 ? `${head}…` : head);
}

/** True in a page or a worker (where onnxruntime-web runs); false in Node. */
function isWebRuntime(): boolean {
  const g = globalThis as { document?: unknown; WorkerGlobalScope?: unknown };
  return typeof g.document !== 'undefined' || typeof g.WorkerGlobalScope !== 'undefined';
}

function absoluteUrl(url: string): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  return base ? new URL(url, base).href : url;
}

/** Same rule as transformers.js (REPO_ID_REGEX + checks): anything else would be read relative to the current directory or page. */
function checkModelId(modelId: string): void {
  const ok = /^(\b[\w\-.]+\b\/)?\b[\w\-.]{1,96}\b$/.test(modelId) && !modelId.includes('..') && !modelId.includes('--') && !modelId.endsWith('.git');
  if (!ok) throw new Error(`modelId ${JSON.stringify(modelId)} is not a folder name like "name" or "org/name"`);
}

/**
 * The models root as transformers.js must see it in a browser: a root-relative path. In
 * transformers.js 4.3.1 the file-existence probe behind AutoTokenizer (get_tokenizer_files →
 * get_file_metadata) only looks at local paths that are not http(s) URLs, so with an absolute
 * URL and remote models off it decides there is no tokenizer. A path fetched from the page or
 * worker reaches the same files, so same-origin URLs are reduced to their path; other origins
 * cannot work offline this way and are refused.
 */
function webModelPath(localModelPath: string): string {
  const here = (globalThis as { location?: { href: string; origin: string } }).location;
  if (!here) return localModelPath;
  const url = new URL(localModelPath, here.href);
  if (url.origin !== here.origin) {
    throw new Error(`localModelPath ${localModelPath} is not on this origin (${here.origin}); serve the model from the site itself`);
  }
  return url.pathname;
}

function configureEnv(options: TransformersTextEncoderOptions): void {
  const web = isWebRuntime();
  const root = web ? webModelPath(options.localModelPath) : options.localModelPath;
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root.endsWith('/') ? root : `${root}/`;
  env.useBrowserCache = options.browserCache ?? false;
  env.useFSCache = false;

  if (!web) return; // onnxruntime-node: no wasm files to locate
  const wasm = env.backends.onnx.wasm;
  if (!wasm) throw new Error('transformers.js exposes no onnxruntime-web wasm settings (env.backends.onnx.wasm)');
  const paths = options.wasmPaths;
  if (paths === undefined) {
    throw new Error('wasmPaths is required in a browser: serve onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.{mjs,wasm} from our origin');
  }
  // env.backends.onnx is a shallow copy of ort.env, so `wasm` is onnxruntime-web's own object.
  // It must be set before the first session is created; later changes are ignored by ORT.
  if (typeof paths === 'string') {
    const folder = absoluteUrl(paths);
    wasm.wasmPaths = folder.endsWith('/') ? folder : `${folder}/`;
  } else {
    wasm.wasmPaths = Object.fromEntries(Object.entries(paths).map(([k, v]) => [k, absoluteUrl(v)])) as typeof wasm.wasmPaths;
  }
}

export async function loadTransformersTextEncoder(options: TransformersTextEncoderOptions): Promise<Encoder<string>> {
  const load = loadQueue.then(() => loadNow(options));
  loadQueue = load.catch(() => undefined);
  return load;
}

async function loadNow(options: TransformersTextEncoderOptions): Promise<Encoder<string>> {
  const { modelId } = options;
  checkModelId(modelId);
  const dims = options.dims;
  if (!Number.isInteger(dims) || dims < 1) throw new Error(`dims must be a positive integer, got ${dims}`);
  const pooling: OnnxTextPooling = options.pooling ?? 'mean';
  if (pooling !== 'mean' && pooling !== 'cls') throw new Error(`pooling must be 'mean' or 'cls', got ${String(pooling)}`);
  const dtype: OnnxTextDtype = options.dtype ?? 'fp32';
  const maxTextChars = positiveInt(options.maxTextChars, DEFAULT_ONNX_MAX_TEXT_CHARS, 'maxTextChars');
  const maxBatch = positiveInt(options.maxBatch, 32, 'maxBatch');
  const truncate = options.truncate ?? false;

  configureEnv(options);
  // The same pipeline `pipeline('feature-extraction', modelId)` builds, from parts loaded
  // explicitly: config.json first, so a missing model folder fails with transformers.js's
  // "file was not found locally" error rather than a tokenizer TypeError, and without
  // pipeline()'s extra file probes. (AutoTokenizer still probes for tokenizer_config.json:
  // see webModelPath for why the browser gets a root-relative path.)
  const loadOptions = { local_files_only: true } as const;
  const config = await AutoConfig.from_pretrained(modelId, loadOptions);
  const [tokenizerResult, modelResult] = await Promise.allSettled([
    AutoTokenizer.from_pretrained(modelId, { ...loadOptions, config }),
    AutoModel.from_pretrained(modelId, { ...loadOptions, config, dtype, ...(options.device ? { device: options.device } : {}) }),
  ]);
  if (tokenizerResult.status === 'rejected' || modelResult.status === 'rejected') {
    if (modelResult.status === 'fulfilled') await modelResult.value.dispose();
    if (modelResult.status === 'rejected') throw modelResult.reason;
    const reason: unknown = tokenizerResult.status === 'rejected' ? tokenizerResult.reason : undefined;
    throw new Error(`cannot load the tokenizer of ${modelId} (tokenizer.json + tokenizer_config.json): ${String(reason)}`, { cause: reason });
  }
  const tokenizer = tokenizerResult.value;
  const model = modelResult.value;
  const extractor = new FeatureExtractionPipeline({ task: 'feature-extraction', model, tokenizer }) as Extractor;

  let info: EncoderInfo;
  let maxTokens: number;
  let specialTokens: number;
  try {
    const sizes = config as unknown as { hidden_size?: number; max_position_embeddings?: number };
    if (typeof sizes.hidden_size === 'number' && sizes.hidden_size !== dims) {
      throw new Error(`${modelId}/config.json has hidden_size ${sizes.hidden_size}, but dims is ${dims}`);
    }
    const tokenizerMax = Number(extractor.tokenizer.model_max_length);
    maxTokens = Number.isFinite(tokenizerMax) && tokenizerMax > 0 ? tokenizerMax : (sizes.max_position_embeddings ?? Infinity);
    // [CLS] + [SEP] for BERT-likes; 0 for tokenizers that add none.
    specialTokens = extractor.tokenizer.encode('').length;
    info = Object.freeze({ modality: 'text', name: `onnx:${modelId}`, version: `${options.version ?? 'local'}-${dtype}-${pooling}`, dims });
  } catch (error) {
    await extractor.dispose();
    throw error;
  }

  function check(text: unknown, label: string): string {
    if (typeof text !== 'string') throw new TypeError(`${label} is ${text === null ? 'null' : typeof text}, expected a string`);
    if (text.length > maxTextChars) {
      throw new EncoderInputError('text-too-long', `${label} has ${text.length} characters; the limit is ${maxTextChars}`);
    }
    if (text.trim().length === 0) throw new EncoderInputError('empty-text', `${label} is empty or only whitespace`);
    const tokens = extractor.tokenizer.encode(text).length;
    if (tokens <= specialTokens) throw new EncoderInputError('empty-text', `${label} ${preview(text)} has no tokens`);
    if (!truncate && tokens > maxTokens) {
      throw new EncoderInputError('text-too-long', `${label} ${preview(text)} has ${tokens} tokens; the model takes at most ${maxTokens}`);
    }
    return text;
  }

  async function runPass(texts: string[]): Promise<Float32Array[]> {
    const output = await extractor(texts, { pooling, normalize: true });
    try {
      const [rows, cols] = output.dims;
      if (output.dims.length !== 2 || rows !== texts.length || cols !== dims) {
        throw new Error(`${info.name} returned shape [${output.dims.join(', ')}], expected [${texts.length}, ${dims}]`);
      }
      const flat: unknown = output.data;
      if (!(flat instanceof Float32Array)) throw new Error(`${info.name} returned ${output.type} data, expected float32`);
      return texts.map((_, i) => flat.slice(i * dims, (i + 1) * dims));
    } finally {
      output.dispose();
    }
  }

  return finishTextEncoder({
    info,
    prepare: check,
    length: (text) => text.length,
    maxBatch,
    runPass,
    warmUp: options.warmUp ?? true,
    release: () => extractor.dispose(),
  });
}
