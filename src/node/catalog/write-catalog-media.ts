import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { CatalogItem } from '../../engine/catalog/catalog-manifest.ts';
import type { Modality } from '../../protocol/embedding.ts';
import { decodeImageBytes } from '../decode-image-file.ts';
import { sniffAudioFormat, type AudioContainer } from '../../shared/audio/sniff-audio-format.ts';
import { DEFAULT_IMAGE_MAX_SIDE, type BuildCatalogOptions } from './build-catalog-types.ts';
import { copyAtomic, sha256Of, writeAtomic } from './catalog-build-files.ts';
import type { CatalogVideos } from './video-items.ts';
import type { PreparedItem } from './validate-source-items.ts';

/** A media file name for an id: each `/`-separated segment made safe, collisions get a hash suffix. */
export function mediaNames(ids: readonly string[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const id of ids) {
    const segments = id.split('/').map((s) => {
      const safe = s.replace(/[^A-Za-z0-9._-]/g, '_');
      return safe === '' || safe === '.' || safe === '..' ? '_' : safe;
    });
    let name = segments.join('/');
    if (name !== id || used.has(name.toLowerCase())) name = `${name}-${sha256Of(id).slice(0, 8)}`;
    used.add(name.toLowerCase());
    out.set(id, name);
  }
  return out;
}

/** The file name extension of a copied sound, by its sniffed container (an unknown one never reaches here: it did not embed). */
const AUDIO_EXTENSION: Record<AudioContainer | 'unknown', string> = {
  'ogg-vorbis': '.ogg',
  'ogg-opus': '.ogg',
  flac: '.flac',
  wav: '.wav',
  mp3: '.mp3',
  unknown: '.bin',
};

/** What the media stage wrote: the manifest's items (with their vector rows) and the bytes shipped. */
export interface CatalogMedia {
  manifestItems: CatalogItem[];
  /** Per modality, the vectors in row order. */
  rows: Map<Modality, Float32Array[]>;
  mediaBytes: Record<Modality, number>;
  video: { items: number; videoBytes: number; posterBytes: number; seconds: number };
}

/**
 * The catalog build's media stage: the media of every item with a vector (images re-encoded to
 * WebP, sounds copied under the extension of their sniffed format, video clips and posters),
 * and the manifest's items, each with the rows of its vectors.
 */
export async function writeCatalogMedia(
  prepared: readonly PreparedItem[],
  modalities: readonly Modality[],
  vectors: Map<Modality, Map<string, Float32Array>>,
  videos: CatalogVideos,
  names: Map<string, string>,
  options: BuildCatalogOptions,
): Promise<CatalogMedia> {
  const { outDir } = options;
  const video = { items: 0, videoBytes: 0, posterBytes: 0, seconds: 0 };
  const mediaBytes: Record<Modality, number> = { text: 0, image: 0, audio: 0 };
  const imageMaxSide = options.imageMaxSide ?? DEFAULT_IMAGE_MAX_SIDE;
  const manifestItems: CatalogItem[] = [];
  const rows = new Map(modalities.map((m) => [m, [] as Float32Array[]] as const));
  for (const { source, inputs } of prepared) {
    const item: CatalogItem = { id: source.id, title: source.title, category: source.category, vectorRows: {} };
    if (source.description !== undefined) item.description = source.description;
    if (source.price !== undefined) item.price = source.price;
    if (source.stock !== undefined) item.stock = source.stock;
    if (videos.isVideoItem(source.id) && vectors.get('image')?.has(source.id)) {
      const written = await videos.writeMedia(source.id);
      item.video = written.video;
      item.image = written.image;
      video.items++;
      video.videoBytes += written.videoBytes;
      video.posterBytes += written.posterBytes;
      video.seconds += written.seconds;
    } else if (inputs.image && vectors.get('image')?.has(source.id) && !videos.isVideoItem(source.id)) {
      const rel = `media/image/${names.get(source.id)}.webp`;
      const path = join(outDir, rel);
      if (!existsSync(path)) {
        const rgba = await decodeImageBytes(readFileSync(inputs.image.input), inputs.image.input);
        const webp = await sharp(Buffer.from(rgba.data.buffer, rgba.data.byteOffset, rgba.data.byteLength), {
          raw: { width: rgba.width, height: rgba.height, channels: 4 },
        })
          .resize({ width: imageMaxSide, height: imageMaxSide, fit: 'inside', withoutEnlargement: true })
          .webp({ quality: 80, alphaQuality: 80, effort: 4 })
          .toBuffer();
        writeAtomic(path, webp);
      }
      mediaBytes.image += statSync(path).size;
      item.image = rel;
    }
    if (inputs.audio && vectors.get('audio')?.has(source.id) && !videos.isVideoItem(source.id)) {
      // Named by the format its bytes have, never the source's extension: a polyglot named
      // .html must not land on the shop's origin as an HTML page.
      const ext = AUDIO_EXTENSION[sniffAudioFormat(readFileSync(inputs.audio.input)) ?? 'unknown'];
      const rel = `media/audio/${names.get(source.id)}${ext}`;
      const path = join(outDir, rel);
      if (!existsSync(path) || statSync(path).size !== statSync(inputs.audio.input).size) copyAtomic(inputs.audio.input, path);
      mediaBytes.audio += statSync(path).size;
      item.audio = rel;
    }
    for (const m of modalities) {
      const vector = vectors.get(m)!.get(source.id);
      if (!vector) continue;
      item.vectorRows[m] = rows.get(m)!.length;
      rows.get(m)!.push(vector);
    }
    // Key order as in the schema: fields, then vectorRows, then metadata.
    const { vectorRows, ...fields } = item;
    const ordered: CatalogItem = { ...fields, vectorRows };
    if (Object.keys(source.metadata).length > 0) ordered.metadata = source.metadata;
    manifestItems.push(ordered);
  }
  return { manifestItems, rows, mediaBytes, video };
}
