/**
 * Which catalog a profile event belongs to. Events and the personal model are keyed by the
 * catalog's origin and folder path, never by the manifest's self-declared `name`: a look-alike
 * catalog on another host (or in another folder) that copies the name must not read, or learn
 * from, the real catalog's history.
 *
 * Profiles written before this key existed used the name. `legacyProfileKey` says which old
 * key a catalog may take over (the caller moves those events once, see
 * ProfileStore.adoptLegacyCatalogKey): only a catalog on the page's own origin may, because
 * the old key says nothing about where the history came from, and a cross-origin catalog
 * that happened to load first would otherwise inherit it.
 */
import { MAX_ID_LENGTH } from '../../protocol/limits.ts';

/**
 * `https://shop.example/catalogs/tuxpaint/` for any URL of that folder (query and fragment
 * dropped, one trailing slash). A key longer than MAX_ID_LENGTH keeps its start (the origin
 * and most of the path) and ends in a hash of the whole, so every key fits the profile.
 */
export function catalogProfileKey(baseUrl: string): string {
  const url = new URL(baseUrl);
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  const key = `${url.origin === 'null' ? `${url.protocol}//` : url.origin}${path}`;
  if (key.length <= MAX_ID_LENGTH) return key;
  const hash = `#${hash64(key)}`;
  return `${key.slice(0, MAX_ID_LENGTH - hash.length)}${hash}`;
}

/** The old, name-based key this catalog may adopt: only on the page's (the worker's) own origin. */
export function legacyProfileKey(baseUrl: string, manifestName: string, ownOrigin: string | undefined = globalThis.location?.origin): string | undefined {
  if (ownOrigin === undefined || ownOrigin === 'null') return undefined;
  return new URL(baseUrl).origin === ownOrigin ? manifestName : undefined;
}

/** 64-bit FNV-1a over UTF-16 code units, as 16 hex digits (two 32-bit halves with different offsets). */
function hash64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193 + 2) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
