import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Embedding } from '../protocol/embedding.ts';
import { loadAudioEncoder } from '../engine/encoders/audio/basic-pitch-audio-encoder.ts';
import { decodeAudioBytes } from '../engine/encoders/audio/decode-audio.ts';
import type { Encoder, PcmAudio, RgbaImage } from '../engine/encoders/encoder.ts';
import { loadMobileNetImageEncoder } from '../engine/encoders/image/mobilenet-image-encoder.ts';
import { loadUseLiteTextEncoder, RECOMMENDED_USE_LITE_VARIANT, useLiteVocabPath, type UseLiteVariant } from '../engine/encoders/text/use-lite-text-encoder.ts';
import type { VocabEntry } from '../engine/encoders/text/sentencepiece-tokenizer.ts';
import { decodeImageBytes } from './decode-image-file.ts';
import { fileModelSource } from './file-model-source.ts';

/** public/models of this checkout, where scripts/copy-assets.mjs puts the weights. */
export const DEFAULT_MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'public', 'models');

/**
 * The encoders in Node, from the same model files the app serves, loaded on first use.
 * Call `initNodeTf()` first. Used by `npm run embed`, the catalog builder and evaluation.
 */
export class NodeEncoders {
  private text: Promise<Encoder<string>> | undefined;
  private image: Promise<Encoder<RgbaImage>> | undefined;
  private audio: Promise<Encoder<PcmAudio>> | undefined;
  private readonly source;

  constructor(
    private readonly modelsDir = DEFAULT_MODELS_DIR,
    private readonly textVariant: UseLiteVariant = RECOMMENDED_USE_LITE_VARIANT,
  ) {
    this.source = fileModelSource(modelsDir);
  }

  async embedText(texts: readonly string[]): Promise<Embedding> {
    this.text ??= loadUseLiteTextEncoder(
      this.source,
      async () => JSON.parse(await readFile(join(this.modelsDir, useLiteVocabPath(this.textVariant)), 'utf8')) as VocabEntry[],
      {
        variant: this.textVariant,
      },
    );
    const encoder = await this.text;
    return { encoder: encoder.info, vectors: await encoder.embed(texts), backend: tf.getBackend() };
  }

  /** Image files by path: decoded with sharp (resvg for SVG), then the shared preparation. */
  async embedImageFiles(paths: readonly string[]): Promise<Embedding> {
    this.image ??= loadMobileNetImageEncoder(this.source);
    const encoder = await this.image;
    const images: RgbaImage[] = [];
    for (const path of paths) images.push(await decodeImageBytes(await readFile(path), path));
    return { encoder: encoder.info, vectors: await encoder.embed(images), backend: tf.getBackend() };
  }

  /** Decoded pictures (a video's key frames): the same encoder as embedImageFiles, without the file decoding. */
  async embedImagePixels(images: readonly RgbaImage[]): Promise<Embedding> {
    this.image ??= loadMobileNetImageEncoder(this.source);
    const encoder = await this.image;
    return { encoder: encoder.info, vectors: await encoder.embed(images), backend: tf.getBackend() };
  }

  /** Decoded sound (a video's soundtrack): the same encoder as embedAudioFiles, without the file decoding. */
  async embedPcmAudio(clips: readonly PcmAudio[]): Promise<Embedding> {
    this.audio ??= loadAudioEncoder(this.source);
    const encoder = await this.audio;
    return { encoder: encoder.info, vectors: await encoder.embed(clips), backend: tf.getBackend() };
  }

  /** Audio files by path: decoded with the same wasm decoders (@audio/decode-*) as in the browser. */
  async embedAudioFiles(paths: readonly string[]): Promise<Embedding> {
    this.audio ??= loadAudioEncoder(this.source);
    const encoder = await this.audio;
    const clips: PcmAudio[] = [];
    for (const path of paths) clips.push(await decodeAudioBytes(await readFile(path), path));
    return { encoder: encoder.info, vectors: await encoder.embed(clips), backend: tf.getBackend() };
  }

  async dispose(): Promise<void> {
    for (const pending of [this.text, this.image, this.audio]) (await pending?.catch(() => undefined))?.dispose();
    this.text = this.image = this.audio = undefined;
  }
}
