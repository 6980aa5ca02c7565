/**
 * Video items in the catalog builder (build-catalog.ts calls in here; the rest of the builder
 * treats them like any other item).
 *
 * How a video enters the catalog: a video item has no modality of its own. Its **image vector**
 * is its key frames pooled over time (src/engine/encoders/video/), in the image encoder's own
 * space, and its **audio vector** is its soundtrack through the audio encoder; its text is
 * embedded as usual. So the shared space, the fusion model, the learned item tower and the
 * ranking take a video item like any other (a cosine between a video and a picture is a cosine
 * between two image vectors), and no catalog reader needs a special case. On disk the item gets
 * `video` (media/video/<id>.webm) and, as its `image`, the poster frame (media/poster/<id>.webp),
 * so every place that shows pictures (grids, rails, the widget) shows the poster.
 *
 * Steps per video item:
 * 1. prepare: the clip's length is read (ffprobe) and a clip over `maxSeconds` is refused
 *    (`too-long`, the item keeps only its text); the clip is re-encoded to WebM VP9 + Opus
 *    (reencode-video.ts) into a cache keyed by the clip's SHA-256 and the settings, so a rebuild
 *    or a resumed build does not encode again; the item's image and audio inputs become that
 *    WebM, keyed by clip, settings and the frame pipeline's version (VIDEO_PIPELINE_VERSION);
 *    a WebM without a sound track gets no audio input.
 * 2. embed: the WebM's frames and soundtrack are embedded once (embed-video-file.ts, shared with
 *    the worker's code) and both vectors kept for the run; the poster is written into the cache
 *    next to the WebM (keyed by the pipeline version too) when the image vector is made, before
 *    the builder records the vector, so a recorded vector always has its poster, also for the
 *    merge of a sharded build, which embeds nothing.
 * 3. media: the WebM and the poster are copied from the cache into the catalog.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Embedding, Modality } from '../../protocol/embedding.ts';
import type { PcmAudio, RgbaImage } from '../../engine/encoders/encoder.ts';
import { EncoderInputError } from '../../shared/encoder-input-error.ts';
import { openVideo } from '../../engine/encoders/video/open-video.ts';
import { VIDEO_PIPELINE_VERSION } from '../../engine/encoders/video/video-pooling-choice.ts';
import { MAX_CATALOG_VIDEO_SECONDS } from '../../protocol/limits.ts';
import { embedVideoFile, type NodeVideoEmbedding } from '../video/embed-video-file.ts';
import { reencodeSettingsKey, reencodeToWebm, type ReencodeOptions } from '../video/reencode-video.ts';
import { probeDurationSeconds } from '../video/run-ffmpeg.ts';

/** The git-ignored cache of re-encoded clips and their posters: VIDEO_CACHE_DIR, else the repository's .cache/video-webm. */
export const DEFAULT_VIDEO_CACHE_DIR =
  process.env.VIDEO_CACHE_DIR || resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '.cache', 'video-webm');

export interface VideoBuildOptions extends ReencodeOptions {
  /** Longest clip taken, seconds (default MAX_CATALOG_VIDEO_SECONDS). */
  maxSeconds?: number;
  /** Where re-encoded clips are kept between builds (default .cache/video-webm). */
  cacheDir?: string;
  /** Called once per clip as its re-encoding starts (for progress output). */
  onReencode?: (id: string, index: number, total: number) => void;
  /** Told when a poster has to be made again (its vector came from an earlier run whose poster is gone): the clip is embedded once more. */
  onPosterRemade?: (id: string) => void;
}

/** What the builder's encoders must also do for video items (NodeEncoders does). */
export interface VideoCapableEncoders {
  embedImagePixels?(images: readonly RgbaImage[]): Promise<Embedding>;
  embedPcmAudio?(clips: readonly PcmAudio[]): Promise<Embedding>;
}

/** The builder's view of an item (PreparedItem in validate-source-items.ts). */
export interface VideoBuildItem {
  source: { id: string; videoPath?: string };
  inputs: Partial<Record<Modality, { input: string; key: string }>>;
}

export interface VideoRefusal {
  id: string;
  modality: Modality;
  problem: string;
  message: string;
}

export interface VideoSummary {
  items: number;
  /** Seconds of video shipped. */
  seconds: number;
  videoBytes: number;
  posterBytes: number;
  /** Clips re-encoded in this run (the others came from the cache). */
  reencoded: number;
  reencodeSeconds: number;
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function copyAtomic(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, `${to}.tmp-${process.pid}`);
  renameSync(`${to}.tmp-${process.pid}`, to);
}

function writeAtomic(path: string, data: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

/**
 * The clip re-encoded to WebM in the cache (made now if missing): its path, the clip's SHA-256
 * and, when it was encoded in this call, how many seconds that took.
 */
export async function cachedWebm(
  videoPath: string,
  options: VideoBuildOptions = {},
  onStart?: () => void,
): Promise<{ path: string; clipKey: string; reencoded?: number }> {
  const clipKey = sha256(readFileSync(videoPath));
  const path = join(options.cacheDir ?? DEFAULT_VIDEO_CACHE_DIR, `${clipKey}-${reencodeSettingsKey(options)}.webm`);
  if (existsSync(path)) return { path, clipKey };
  onStart?.();
  const started = performance.now();
  await reencodeToWebm(videoPath, path, options);
  return { path, clipKey, reencoded: (performance.now() - started) / 1000 };
}

export class CatalogVideos {
  /** Item id → its WebM in the cache. */
  private readonly webm = new Map<string, string>();
  /** Item id → its poster in the cache (made with the image vector, so a shard's poster serves the merge). */
  private readonly poster = new Map<string, string>();
  /** WebM path → item id. */
  private readonly itemOf = new Map<string, string>();
  private readonly durations = new Map<string, number>();
  /** WebM path → its embedding in this run (image and audio made together). */
  private readonly embedded = new Map<string, Promise<NodeVideoEmbedding>>();
  private reencoded = 0;
  private reencodeSeconds = 0;

  constructor(
    private readonly outDir: string,
    /** Item id → safe media file name (build-catalog.ts's mediaNames). */
    private readonly names: Map<string, string>,
    private readonly encoders: VideoCapableEncoders,
    private readonly options: VideoBuildOptions = {},
  ) {}

  /** Step 1 (see the file comment); refusals are added to `refused`. */
  async prepare(items: VideoBuildItem[], refused: VideoRefusal[]): Promise<void> {
    const videos = items.filter((item) => item.source.videoPath !== undefined);
    if (videos.length === 0) return;
    if (!this.encoders.embedImagePixels || !this.encoders.embedPcmAudio)
      throw new Error('video items need encoders with embedImagePixels and embedPcmAudio (NodeEncoders has them)');
    const maxSeconds = this.options.maxSeconds ?? MAX_CATALOG_VIDEO_SECONDS;
    const settings = reencodeSettingsKey(this.options);
    for (const [index, item] of videos.entries()) {
      const { id, videoPath } = item.source as { id: string; videoPath: string };
      const seconds = await probeDurationSeconds(videoPath);
      if (seconds !== undefined && seconds > maxSeconds) {
        for (const modality of ['image', 'audio'] as const) {
          delete item.inputs[modality];
          refused.push({ id, modality, problem: 'too-long', message: `${videoPath}: ${seconds.toFixed(1)} s, over the limit of ${maxSeconds} s` });
        }
        continue;
      }
      const { path: target, clipKey, reencoded } = await cachedWebm(videoPath, this.options, () => this.options.onReencode?.(id, index, videos.length));
      if (reencoded !== undefined) {
        this.reencoded++;
        this.reencodeSeconds += reencoded;
      }
      const opened = await openVideo(readFileSync(target), target);
      const hasSound = opened.audio !== null;
      this.durations.set(id, opened.duration);
      opened.input.dispose();
      this.webm.set(id, target);
      this.poster.set(id, target.replace(/\.webm$/, `-poster-${VIDEO_PIPELINE_VERSION.replace(/[^A-Za-z0-9.+-]/g, '_')}.webp`));
      this.itemOf.set(target, id);
      const key = `${clipKey}:${settings}:${VIDEO_PIPELINE_VERSION}`;
      item.inputs.image = { input: target, key: `video-frames:${key}` };
      if (hasSound) item.inputs.audio = { input: target, key: `video-soundtrack:${key}` };
      else delete item.inputs.audio;
    }
  }

  isVideoItem(id: string): boolean {
    return this.webm.has(id);
  }

  /** Image vectors for a batch of image inputs, some of them video WebMs (the others go to `pictures`). */
  async embedImages(paths: readonly string[], pictures: (paths: string[]) => Promise<Embedding>): Promise<Embedding> {
    return this.mixed(paths, pictures, async (path) => {
      const video = await this.embedding(path);
      await this.writePoster(this.itemOf.get(path)!, video);
      return { encoder: video.image.encoder, vector: video.image.vector };
    });
  }

  /** Audio vectors for a batch of audio inputs, some of them video WebMs (their soundtracks). */
  async embedAudio(paths: readonly string[], sounds: (paths: string[]) => Promise<Embedding>): Promise<Embedding> {
    return this.mixed(paths, sounds, async (path) => {
      const { audio } = await this.embedding(path);
      if (!audio) throw new EncoderInputError('empty-audio', `${path}: the video has no sound track`);
      if (audio instanceof Error) throw audio;
      return audio;
    });
  }

  /** Step 3: the WebM and the poster into the catalog; returns their paths (relative) and sizes. */
  async writeMedia(id: string): Promise<{ video: string; image: string; videoBytes: number; posterBytes: number; seconds: number }> {
    const name = this.names.get(id)!;
    const video = `media/video/${name}.webm`;
    const image = this.posterPath(id);
    const from = this.webm.get(id)!;
    const to = join(this.outDir, video);
    if (!existsSync(to) || statSync(to).size !== statSync(from).size) copyAtomic(from, to);
    // A vector reused from an earlier run whose poster was removed since: make it again.
    if (!existsSync(this.poster.get(id)!)) {
      this.options.onPosterRemade?.(id);
      await this.writePoster(id, await this.embedding(from));
    }
    copyAtomic(this.poster.get(id)!, join(this.outDir, image));
    return { video, image, videoBytes: statSync(to).size, posterBytes: statSync(join(this.outDir, image)).size, seconds: this.durations.get(id) ?? 0 };
  }

  summary(items: number, videoBytes: number, posterBytes: number, seconds: number): VideoSummary {
    return { items, seconds, videoBytes, posterBytes, reencoded: this.reencoded, reencodeSeconds: this.reencodeSeconds };
  }

  private posterPath(id: string): string {
    return `media/poster/${this.names.get(id)}.webp`;
  }

  private embedding(path: string): Promise<NodeVideoEmbedding> {
    let pending = this.embedded.get(path);
    if (!pending) {
      pending = embedVideoFile(path, this.encoders as Required<VideoCapableEncoders>, {});
      // Not cached when it fails: the builder retries the batch one item at a time.
      pending.catch(() => this.embedded.delete(path));
      this.embedded.set(path, pending);
    }
    return pending;
  }

  private async writePoster(id: string, video: NodeVideoEmbedding): Promise<void> {
    const { width, height, data } = video.poster;
    const webp = await sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 4 } })
      .webp({ quality: 80, effort: 4 })
      .toBuffer();
    writeAtomic(this.poster.get(id)!, webp);
  }

  /** One Embedding for `paths` in order: WebMs through `one`, the rest in one call to `others`. */
  private async mixed(
    paths: readonly string[],
    others: (paths: string[]) => Promise<Embedding>,
    one: (path: string) => Promise<{ encoder: Embedding['encoder']; vector: Float32Array }>,
  ): Promise<Embedding> {
    const vectors = new Array<Float32Array>(paths.length);
    let encoder: Embedding['encoder'] | undefined;
    let backend = '';
    const rest = paths.map((p, i) => [p, i] as const).filter(([p]) => !this.itemOf.has(p));
    if (rest.length > 0) {
      const out = await others(rest.map(([p]) => p));
      rest.forEach(([, i], k) => (vectors[i] = out.vectors[k]!));
      encoder = out.encoder;
      backend = out.backend;
    }
    for (const [i, path] of paths.entries()) {
      if (!this.itemOf.has(path)) continue;
      const out = await one(path);
      vectors[i] = out.vector;
      encoder ??= out.encoder;
    }
    return { encoder: encoder!, vectors, backend };
  }
}
