/**
 * What the widget reads of a host product that carries its content instead of a catalog id:
 * an element's `data-rec-title` / `data-rec-image` / `data-rec-audio`, or a schema.org Product
 * in the page's JSON-LD. Pure functions (no DOM), so they are tested in Node.
 *
 * Only files of the page's own origin are kept: a picture on another origin (a CDN) is left
 * out, because fetching it would tell that origin what the shopper looks at.
 */
import type { OffCatalogContent } from '../protocol/recommend.ts';

/** A product to track: its id (the shop's, or one derived from its content) and its content. */
export interface ContentItem {
  id: string;
  content: OffCatalogContent & { image?: string; audio?: string };
}

/** The attributes a content-carrying host element may have. */
export const CONTENT_ATTRIBUTES = ['data-rec-title', 'data-rec-description', 'data-rec-image', 'data-rec-audio'] as const;

/** An absolute URL of `origin`, or undefined for another origin, a non-http(s) scheme or no URL. */
export function sameOriginUrl(value: string | undefined, base: string): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    const url = new URL(value, base);
    return url.origin === new URL(base).origin && (url.protocol === 'http:' || url.protocol === 'https:') ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A host element's content (`attribute(name)` reads it), or undefined when it carries none
 * that may be used. An empty `data-rec-title` is passed on as it is: the engine refuses it.
 */
export function contentOfAttributes(attribute: (name: (typeof CONTENT_ATTRIBUTES)[number]) => string | null, base: string): ContentItem | undefined {
  const title = attribute('data-rec-title') ?? undefined;
  const description = attribute('data-rec-description') ?? undefined;
  const image = sameOriginUrl(attribute('data-rec-image') ?? undefined, base);
  const audio = sameOriginUrl(attribute('data-rec-audio') ?? undefined, base);
  const content: ContentItem['content'] = {
    ...(title !== undefined ? { title } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(image !== undefined ? { image } : {}),
    ...(audio !== undefined ? { audio } : {}),
  };
  if (Object.keys(content).length === 0) return undefined;
  return { id: contentId(content), content };
}

/** Every schema.org Product in one JSON-LD document (top level, arrays, `@graph`), as content items. */
export function productsOfJsonLd(json: unknown, base: string): ContentItem[] {
  const out: ContentItem[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 4 || typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child, depth + 1);
      return;
    }
    const record = node as Record<string, unknown>;
    if (record['@graph'] !== undefined) visit(record['@graph'], depth + 1);
    const type = record['@type'];
    if (!(type === 'Product' || (Array.isArray(type) && type.includes('Product')))) return;
    const title = text(record.name);
    const description = text(record.description);
    const image = sameOriginUrl(firstUrl(record.image), base);
    const content: ContentItem['content'] = { ...(title ? { title } : {}), ...(description ? { description } : {}), ...(image ? { image } : {}) };
    if (Object.keys(content).length === 0) return;
    const id = text(record.sku) ?? text(record.productID) ?? text(record['@id']) ?? contentId(content);
    out.push({ id, content });
  };
  visit(json, 0);
  return out;
}

/** A stable id for content without one: `content:` and a 64-bit FNV-1a hash of its parts. */
export function contentId(content: ContentItem['content']): string {
  const key = [content.title ?? '', content.description ?? '', content.image ?? '', content.audio ?? ''].join('\u0000');
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193 + 2) >>> 0;
  }
  return `content:${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 2000) : typeof value === 'number' ? String(value) : undefined;
}

/** schema.org `image`: a URL, an ImageObject `{ url }`, or a list of either. */
function firstUrl(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return firstUrl(value[0]);
  if (typeof value === 'object' && value !== null) return firstUrl((value as Record<string, unknown>).url ?? (value as Record<string, unknown>).contentUrl);
  return undefined;
}
