import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Modality } from '../../protocol/embedding.ts';
import { containerDurationSeconds } from '../../shared/audio/container-duration.ts';
import { sniffAudioFormat } from '../../shared/audio/sniff-audio-format.ts';
import { CATEGORY_PATTERN } from '../../engine/catalog/catalog-category.ts';
import {
  CatalogInputError,
  DEFAULT_MAX_AUDIO_BYTES,
  DEFAULT_MAX_AUDIO_SECONDS,
  type BuildCatalogOptions,
  type RefusedInput,
  type SourceItem,
} from './build-catalog-types.ts';
import { sha256Of } from './catalog-build-files.ts';
import { itemAt } from '../../shared/item-at.ts';

// The catalog build's validation stage: every source item is checked (ids unique, fields, media files
// exist) before anything is embedded, and each modality's input gets the key the resume journal matches on.

/** The text embedded for an item: the description if it already names the title, else "Title. Description". */
export function textToEmbed(item: Pick<SourceItem, 'title' | 'description' | 'text'>): string {
  if (item.text !== undefined) return item.text;
  const title = item.title.trim();
  const description = item.description?.trim();
  if (!description) return title;
  if (description.toLowerCase().includes(title.toLowerCase())) return description;
  return `${title}. ${description}`;
}

export interface PreparedItem {
  source: SourceItem;
  /** Per modality the input (text, or a file path) and the key identifying it (sha256). */
  inputs: Partial<Record<Modality, { input: string; key: string }>>;
}

/** How errors name an item: its id and where it came from (or its index). */
export function sourceItemLabel(item: SourceItem, index: number): string {
  return `item ${JSON.stringify(item.id)}${item.origin ? ` (${item.origin})` : ` (#${index})`}`;
}

export function validateSourceItems(
  items: readonly SourceItem[],
  modalities: readonly Modality[],
  options: BuildCatalogOptions,
  refused: RefusedInput[],
): PreparedItem[] {
  const maxAudioBytes = options.maxAudioBytes ?? DEFAULT_MAX_AUDIO_BYTES;
  const maxAudioSeconds = options.maxAudioSeconds ?? DEFAULT_MAX_AUDIO_SECONDS;
  if (items.length === 0) throw new CatalogInputError('the source has no items');
  const seen = new Map<string, number>();
  return items.map((item, index): PreparedItem => {
    const where = sourceItemLabel(item, index);
    const fail = (problem: string): never => {
      throw new CatalogInputError(`${where}: ${problem}`);
    };
    if (typeof item.id !== 'string' || item.id.trim() === '')
      throw new CatalogInputError(`item #${index}${item.origin ? ` (${item.origin})` : ''}: missing field "id"`);
    const first = seen.get(item.id);
    if (first !== undefined) fail(`duplicate id, first used by ${sourceItemLabel(itemAt(items, first), first)}`);
    seen.set(item.id, index);
    if (typeof item.title !== 'string' || item.title.trim() === '') fail('missing field "title"');
    if (typeof item.category !== 'string' || !CATEGORY_PATTERN.test(item.category))
      fail(`field "category" must be a "/"-separated path like "animals/birds" (got ${JSON.stringify(item.category)})`);
    if (item.price !== undefined && !(Number.isFinite(item.price) && item.price >= 0)) fail(`field "price" must be a number ≥ 0 (got ${item.price})`);
    if (item.stock !== undefined && !(Number.isSafeInteger(item.stock) && item.stock >= 0))
      fail(`field "stock" must be a non-negative integer (got ${item.stock})`);

    const inputs: PreparedItem['inputs'] = {};
    if (item.videoPath !== undefined) {
      if (item.imagePath !== undefined || item.audioPath !== undefined)
        fail('a video item takes its picture (the poster frame) and its sound (the soundtrack) from the video: drop "image" / "audio"');
      if (!existsSync(item.videoPath) || !statSync(item.videoPath).isFile()) fail(`video file not found: ${item.videoPath}`);
      // Keys and inputs are set by CatalogVideos.prepare once the clip is re-encoded.
      for (const modality of ['image', 'audio'] as const) if (modalities.includes(modality)) inputs[modality] = { input: item.videoPath, key: '' };
    }
    if (modalities.includes('text')) {
      const text = textToEmbed(item);
      inputs.text = { input: text, key: sha256Of(text) };
    }
    for (const [modality, path] of [
      ['image', item.imagePath],
      ['audio', item.audioPath],
    ] as const) {
      if (path === undefined) continue;
      let size: number;
      try {
        const stat = statSync(path);
        if (!stat.isFile()) fail(`${modality} ${path} is not a file`);
        size = stat.size;
      } catch (error) {
        if (error instanceof CatalogInputError) throw error;
        return fail(`${modality} file not found: ${path}`);
      }
      if (!modalities.includes(modality)) continue;
      const bytes = readFileSync(path);
      if (modality === 'audio') {
        if (size > maxAudioBytes) {
          refused.push({ id: item.id, modality, problem: 'audio-too-large', message: `${path}: ${size} bytes, over the limit of ${maxAudioBytes}` });
          continue;
        }
        const format = sniffAudioFormat(bytes);
        const seconds = format ? containerDurationSeconds(bytes, format) : undefined;
        if (seconds !== undefined && seconds > maxAudioSeconds) {
          refused.push({
            id: item.id,
            modality,
            problem: 'audio-too-long',
            message: `${path}: ${seconds.toFixed(1)} s, over the limit of ${maxAudioSeconds} s`,
          });
          continue;
        }
      }
      inputs[modality] = { input: path, key: sha256Of(bytes) };
    }
    return { source: item, inputs };
  });
}
