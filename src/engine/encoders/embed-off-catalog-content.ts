/**
 * The content of an off-catalog item (`track(type, id, { content })`: a product the catalog was
 * built without) → one vector per modality, made on this device by the same encoders and with
 * the same limits as a search by example. Every part is embedded before anything is kept, so a
 * part the encoders refuse (EncoderInputError) or a bad field (InvalidRequestError) stores nothing.
 *
 * A URL is fetched only from the page's own origin, without credentials beyond it and without
 * following redirects (a redirect could lead elsewhere): nothing about the shopper leaves the device.
 */
import type { Embedding, Modality } from '../../protocol/embedding.ts';
import { MAX_AUDIO_BYTES, MAX_EXAMPLE_AUDIO_SECONDS, MAX_IMAGE_BYTES } from '../../protocol/limits.ts';
import type { AdhocEncoder } from '../../protocol/profile.ts';
import type { OffCatalogContent } from '../../protocol/recommend.ts';
import { EncoderInputError } from '../../shared/encoder-input-error.ts';
import { BodyTooLongError, readBodyCounting } from '../assets/counting-fetch.ts';
import { InvalidRequestError } from '../recommend/business-rules.ts';

/** One modality's vector of an off-catalog item. */
export interface OffCatalogVector {
  modality: Modality;
  vector: Float32Array;
  encoder: AdhocEncoder;
}

/** The encoders' part this needs (BrowserEncoders in the worker). */
export interface ContentEncoders {
  embedText(texts: readonly string[]): Promise<Embedding>;
  embedImages(files: readonly ArrayBuffer[]): Promise<Embedding>;
  embedAudio(files: readonly ArrayBuffer[], options?: { maxSeconds?: number }): Promise<Embedding>;
}

const CONTENT_FIELDS = new Set(['title', 'description', 'image', 'audio']);

/** The text the text encoder gets: the title and the description, as a sentence each. */
export function offCatalogText(content: Pick<OffCatalogContent, 'title' | 'description'>): string | undefined {
  const parts = [content.title, content.description].filter((p): p is string => p !== undefined);
  return parts.length === 0 ? undefined : parts.join('. ');
}

/**
 * Checks `content` (it crossed the worker boundary, so it is untrusted) and embeds the parts whose
 * modality the catalog has (`modalities`); the others are not embedded, so their encoders never load.
 * `origin`: the page's origin, the only one a URL may name.
 */
export async function embedOffCatalogContent(
  itemId: string,
  content: unknown,
  modalities: readonly Modality[],
  encoders: ContentEncoders,
  origin: string,
  fetchFn: typeof fetch = (input, init) => globalThis.fetch(input, init),
): Promise<OffCatalogVector[]> {
  const checked = checkContent(itemId, content);
  const text = offCatalogText(checked);
  const given: Modality[] = [
    ...(text !== undefined ? (['text'] as const) : []),
    ...(checked.image !== undefined ? (['image'] as const) : []),
    ...(checked.audio !== undefined ? (['audio'] as const) : []),
  ];
  const usable = given.filter((m) => modalities.includes(m));
  if (usable.length === 0) {
    throw new InvalidRequestError(
      `track: off-catalog item ${JSON.stringify(itemId)} has only ${given.join(', ')} content, which this catalog has no vectors of (it has: ${modalities.join(', ')})`,
    );
  }
  const out: OffCatalogVector[] = [];
  for (const modality of usable) {
    const embedding =
      modality === 'text'
        ? await encoders.embedText([text!])
        : modality === 'image'
          ? await encoders.embedImages([await fileBytes(itemId, 'image', checked.image!, MAX_IMAGE_BYTES, origin, fetchFn)])
          : await encoders.embedAudio([await fileBytes(itemId, 'audio', checked.audio!, MAX_AUDIO_BYTES, origin, fetchFn)], {
              maxSeconds: MAX_EXAMPLE_AUDIO_SECONDS,
            });
    const { name, version, dims } = embedding.encoder;
    out.push({ modality, vector: embedding.vectors[0]!, encoder: { name, version, dims } });
  }
  return out;
}

function checkContent(itemId: string, content: unknown): OffCatalogContent {
  const where = `track: content of off-catalog item ${JSON.stringify(itemId)}`;
  if (typeof content !== 'object' || content === null || Array.isArray(content))
    throw new InvalidRequestError(`${where} must be an object { title, description, image, audio }`);
  const fields = content as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !CONTENT_FIELDS.has(key));
  if (unknown !== undefined) throw new InvalidRequestError(`${where}: unknown field ${JSON.stringify(unknown)} (expected title, description, image, audio)`);
  for (const key of ['title', 'description'] as const) {
    if (fields[key] !== undefined && typeof fields[key] !== 'string') throw new InvalidRequestError(`${where}: ${key} must be a string`);
  }
  for (const key of ['image', 'audio'] as const) {
    const value = fields[key];
    if (value !== undefined && typeof value !== 'string' && !(value instanceof Blob))
      throw new InvalidRequestError(`${where}: ${key} must be a Blob or a same-origin URL`);
  }
  const checked = fields as OffCatalogContent;
  if (checked.title === undefined && checked.description === undefined && checked.image === undefined && checked.audio === undefined) {
    throw new InvalidRequestError(`${where} is empty: give at least a title, an image or a sound`);
  }
  return checked;
}

/** A Blob's bytes, or a same-origin URL's, at most `maxBytes`. */
async function fileBytes(
  itemId: string,
  what: 'image' | 'audio',
  source: Blob | string,
  maxBytes: number,
  origin: string,
  fetchFn: typeof fetch,
): Promise<ArrayBuffer> {
  const label = `the ${what} of off-catalog item ${JSON.stringify(itemId)}`;
  const tooLarge = () => new EncoderInputError('too-large', `${label} is larger than ${(maxBytes / 1048576).toFixed(0)} MB`);
  if (source instanceof Blob) {
    if (source.size > maxBytes) throw tooLarge();
    return source.arrayBuffer();
  }
  let url: URL;
  try {
    url = new URL(source, origin);
  } catch {
    throw new InvalidRequestError(`track: ${label}: ${JSON.stringify(source.slice(0, 200))} is not a URL`);
  }
  if (url.origin !== new URL(origin).origin)
    throw new InvalidRequestError(`track: ${label}: ${url.origin} is not this page's origin; only same-origin files are fetched, so nothing leaves the device`);
  let response: Response;
  try {
    response = await fetchFn(url.href, { credentials: 'same-origin', redirect: 'error' });
  } catch (error) {
    throw new InvalidRequestError(`track: ${label}: ${url.pathname} could not be fetched (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!response.ok) throw new InvalidRequestError(`track: ${label}: ${url.pathname} answered ${response.status}`);
  try {
    const bytes = await readBodyCounting(response, () => undefined, maxBytes);
    return bytes.buffer;
  } catch (error) {
    if (error instanceof BodyTooLongError) throw tooLarge();
    throw error;
  }
}
