import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../protocol/backend-name.ts';
import type { Embedding, Modality } from '../../protocol/embedding.ts';
import type { OnnxTextEncoderConfig } from '../../protocol/engine-api.ts';
import type { ProgressListener, ProgressUpdate } from '../../protocol/progress.ts';
import { countingModelFetch } from '../assets/counting-fetch.ts';
import { runOnBackend } from '../backends/activate-backend.ts';
import { ByteProgress } from '../progress/byte-progress.ts';
import { safeListener } from '../progress/safe-listener.ts';
import { loadAudioEncoder } from './audio/basic-pitch-audio-encoder.ts';
import type { Encoder, ModelSource, PcmAudio, RgbaImage } from './encoder.ts';
import { EncoderInputError } from '../../shared/encoder-input-error.ts';
import { decodeUserFile, DEFAULT_USER_FILE_DECODING, type UserFileDecoding } from './decode/decode-user-file.ts';
import { loadMobileNetImageEncoder } from './image/mobilenet-image-encoder.ts';
import { loadUseLiteTextEncoder, RECOMMENDED_USE_LITE_VARIANT, useLiteVocabPath, type UseLiteVariant } from './text/use-lite-text-encoder.ts';
import type { VocabEntry } from './text/sentencepiece-tokenizer.ts';
import type { VideoEmbedding } from '../../protocol/video-embedding.ts';
import type { OpenVideoOptions } from './video/open-video.ts';

/**
 * The backend a modality's encoder runs on, given the engine's. USE-Lite's graph has ops
 * (sparse segment reduction, Where) that tfjs runs on the CPU side with synchronous reads
 * of GPU tensors, and synchronous readback from WebGPU fails in a worker ("mapAsync: A valid
 * external Instance reference no longer exists"), so on WebGPU text runs on WASM instead.
 */
export function encoderBackend(modality: Modality, engineBackend: BackendName): BackendName {
  return modality === 'text' && engineBackend === 'webgpu' ? 'wasm' : engineBackend;
}

interface LoadedEncoder {
  backend: BackendName;
  encoder: Promise<Encoder<unknown>>;
  /** The load's last progress update (its weight bytes), replayed to a later `warmUp`. */
  finalUpdate?: ProgressUpdate;
}

export interface EmbedAudioOptions {
  /** Refuse (EncoderInputError `too-long`) a sound longer than this many seconds. */
  maxSeconds?: number;
}

const WEIGHTS_LABEL: Record<Modality, string> = { text: 'text encoder weights', image: 'image encoder weights', audio: 'audio encoder weights' };

/**
 * The encoders as the worker uses them: model files fetched from our own origin, loaded
 * lazily on first use (a page that only ranks never downloads them), and thrown away when
 * the tfjs backend changes, since their weights live on the old backend.
 */
export class BrowserEncoders {
  private readonly loading = new Map<Modality, LoadedEncoder>();
  private readonly modelsUrl: URL;
  private decoding: Readonly<UserFileDecoding> = DEFAULT_USER_FILE_DECODING;

  constructor(
    private readonly assetsBaseUrl: string,
    private readonly onnxText?: OnnxTextEncoderConfig,
    private readonly textVariant: UseLiteVariant = RECOMMENDED_USE_LITE_VARIANT,
  ) {
    this.modelsUrl = new URL('models/', assetsBaseUrl);
  }

  /** Test hook: the decode time limit, or decoding in this thread (to compare with the decode worker). */
  configureDecoding(changes: Partial<UserFileDecoding>): UserFileDecoding {
    this.decoding = { ...this.decoding, ...changes };
    return { ...this.decoding };
  }

  embedText(texts: readonly string[]): Promise<Embedding> {
    return this.run<string>('text', (encoder) => encoder.embed(texts));
  }

  /**
   * Encoded image files of any format the worker can decode (PNG, JPEG, WebP, GIF, SVG), each
   * decoded in a worker of its own (decode-user-file.ts). The buffers are handed over to it: the
   * caller's are detached afterwards.
   */
  async embedImages(files: readonly ArrayBuffer[]): Promise<Embedding> {
    const images: RgbaImage[] = [];
    for (const [i, file] of files.entries()) {
      const label = `image #${i + 1}`;
      const request = { kind: 'image', bytes: ownBuffer(file, label), label, assetsBaseUrl: this.assetsBaseUrl } as const;
      images.push((await decodeUserFile(request, this.decoding)).image);
    }
    return this.run<RgbaImage>('image', (encoder) => encoder.embed(images));
  }

  /**
   * Encoded audio files (Ogg Vorbis/Opus, FLAC, WAV, MP3), decoded by the same wasm decoders as in
   * Node, each in a worker of its own; the caller's buffers are detached afterwards.
   */
  async embedAudio(files: readonly ArrayBuffer[], options: EmbedAudioOptions = {}): Promise<Embedding> {
    const clips: PcmAudio[] = [];
    for (const [i, file] of files.entries()) {
      const label = `audio #${i + 1}`;
      // The container's length is checked before decoding; the decoded length again after.
      const limit = options.maxSeconds === undefined ? {} : { maxSeconds: options.maxSeconds };
      const { audio } = await decodeUserFile({ kind: 'audio', bytes: ownBuffer(file, label), label, ...limit } as const, this.decoding);
      if (options.maxSeconds !== undefined) refuseLongerThan(audio, options.maxSeconds, label);
      clips.push(audio);
    }
    return this.run<PcmAudio>('audio', (encoder) => encoder.embed(clips));
  }

  /**
   * A video file (MP4, WebM, MKV, Ogg; H.264, VP8, VP9, AV1 as the browser decodes them): its key
   * frames pooled through the image encoder and its soundtrack through the audio encoder
   * (video/embed-video-in-worker.ts). Bad input rejects with an EncoderInputError.
   */
  async embedVideo(file: ArrayBuffer, options: OpenVideoOptions = {}, label = 'video'): Promise<VideoEmbedding> {
    // mediabunny and the video code are a chunk of their own, fetched only when a video arrives.
    const { embedVideoInWorker } = await import('./video/embed-video-in-worker.ts');
    return embedVideoInWorker(
      file,
      {
        embedPictures: (pictures) => this.run<RgbaImage>('image', (encoder) => encoder.embed(pictures)),
        embedSound: (sound) => this.run<PcmAudio>('audio', (encoder) => encoder.embed([sound])),
      },
      options,
      label,
    );
  }

  /**
   * Load these modalities' encoders now, through the same lazy path as embedding (a later
   * embed reuses them), reporting their weight bytes (stage `model`) to `onProgress`. An encoder
   * loaded before reports its load's final update again.
   */
  async warmUp(modalities: readonly Modality[], onProgress?: ProgressListener): Promise<void> {
    const listener = safeListener(onProgress);
    for (const modality of modalities) {
      const loadedBefore = this.loading.get(modality);
      await this.loaded(modality, listener).encoder;
      if (loadedBefore?.finalUpdate) listener(loadedBefore.finalUpdate);
    }
  }

  /** Release every loaded encoder (after a backend change); the next call reloads on the new backend. */
  async disposeAll(): Promise<void> {
    const loaded = [...this.loading.values()];
    this.loading.clear();
    for (const { encoder } of loaded) {
      try {
        (await encoder).dispose();
      } catch {
        // A failed load or a lost device: nothing left to free.
      }
    }
  }

  /** Load (once) and run a modality's encoder on its backend; the result says which backend that was. */
  private async run<Input>(modality: Modality, task: (encoder: Encoder<Input>) => Promise<Float32Array[]>): Promise<Embedding> {
    const { backend, encoder: loading } = this.loaded(modality);
    const encoder = (await loading) as Encoder<Input>;
    const vectors = await runOnBackend(backend, () => task(encoder));
    return { encoder: encoder.info, vectors, backend };
  }

  /** The modality's encoder, loading it (once) on its backend; a load started here reports to `listener`. */
  private loaded(modality: Modality, listener?: ProgressListener): LoadedEncoder {
    let loaded = this.loading.get(modality);
    if (!loaded) {
      const backend = encoderBackend(modality, tf.getBackend() as BackendName);
      const progress = new ByteProgress(listener ?? (() => undefined), 'model', WEIGHTS_LABEL[modality]);
      const entry: LoadedEncoder = { backend, encoder: runOnBackend(backend, () => this.load(modality, backend, progress)) };
      entry.encoder.then(
        () => {
          progress.finish();
          entry.finalUpdate = {
            stage: 'model',
            label: progress.label,
            loadedBytes: progress.loadedBytes,
            ...(progress.totalBytes !== undefined ? { totalBytes: progress.totalBytes } : {}),
            done: true,
          };
        },
        // A failed load is not cached: the next call tries again.
        () => this.loading.delete(modality),
      );
      loaded = entry;
      this.loading.set(modality, loaded);
    }
    return loaded;
  }

  private load(modality: Modality, backend: BackendName, progress: ByteProgress): Promise<Encoder<unknown>> {
    progress.start();
    const source = this.countingSource(progress);
    switch (modality) {
      case 'text':
        if (this.onnxText) return this.loadOnnxText(this.onnxText);
        return loadUseLiteTextEncoder(source, () => this.fetchVocab(), { variant: this.textVariant }) as Promise<Encoder<unknown>>;
      case 'image':
        return loadMobileNetImageEncoder(source) as Promise<Encoder<unknown>>;
      case 'audio':
        // basic-pitch on several ~2 s windows at once needs textures beyond WebGL's usual
        // 8192² limit (seen: 9220² for 8 windows); one window per call fits.
        return loadAudioEncoder(source, { maxWindowsPerCall: backend === 'webgl' ? 1 : 8 }) as Promise<Encoder<unknown>>;
    }
  }

  /** Model files from our origin, through tfjs's http loader with a fetch that counts the weight bytes into `progress`. */
  private countingSource(progress: ByteProgress): ModelSource {
    return (path) => {
      const url = this.modelUrl(path);
      const fetchFunc = countingModelFetch(url, { onTotal: (total) => progress.setTotal(total), onWeightBytes: (bytes) => progress.add(bytes) });
      return tf.io.http(url, { fetchFunc });
    };
  }

  private modelUrl(path: string): string {
    return new URL(path, this.modelsUrl).href;
  }

  /** transformers.js is imported only when a site configures its own model, so nobody else downloads it. */
  private async loadOnnxText(config: OnnxTextEncoderConfig): Promise<Encoder<unknown>> {
    const { loadTransformersTextEncoder } = await import('./onnx/transformers-feature-encoder.ts');
    return loadTransformersTextEncoder({
      modelId: config.modelId,
      dims: config.dims,
      pooling: config.pooling,
      device: config.device,
      version: config.version,
      localModelPath: new URL('models/', this.assetsBaseUrl).href,
      wasmPaths: new URL('ort-wasm/', this.assetsBaseUrl).href,
    }) as Promise<Encoder<unknown>>;
  }

  private async fetchVocab(): Promise<VocabEntry[]> {
    const url = this.modelUrl(useLiteVocabPath(this.textVariant));
    const response = await fetch(url);
    if (!response.ok) throw new Error(`text encoder vocabulary missing: ${url} answered ${response.status}`);
    return (await response.json()) as VocabEntry[];
  }
}

/** The buffer to hand to the decode worker: an ArrayBuffer itself, a view's bytes copied (a view's buffer may hold more). */
function ownBuffer(file: unknown, label: string): ArrayBuffer {
  if (file instanceof ArrayBuffer) return file;
  if (ArrayBuffer.isView(file)) return new Uint8Array(file.buffer, file.byteOffset, file.byteLength).slice().buffer;
  throw new TypeError(`${label}: expected the file's bytes as an ArrayBuffer`);
}

/** The search-by-example limit on a sound's length, checked on the decoded samples before anything is embedded or stored. */
function refuseLongerThan(clip: PcmAudio, maxSeconds: number, label: string): void {
  const seconds = (clip.channels[0]?.length ?? 0) / clip.sampleRate;
  if (seconds > maxSeconds) {
    throw new EncoderInputError('too-long', `${label}: the sound is ${seconds.toFixed(1)} s long; the limit is ${maxSeconds} s. Use a shorter clip.`);
  }
}
