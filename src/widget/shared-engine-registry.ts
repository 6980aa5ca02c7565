import { CatalogSession } from './catalog-session.ts';

/**
 * The module-level registry that lets several `<ondevice-recs>` elements on one page share
 * one engine per catalog: the first element to ask for a catalog creates its session, the
 * others get the same one. A session whose start failed is dropped, so a later ask retries.
 */
const sessions = new Map<string, CatalogSession>();

export function sessionFor(catalogUrl: string, assetsBaseUrl: string): CatalogSession {
  const key = `${catalogUrl}\n${assetsBaseUrl}`;
  let session = sessions.get(key);
  if (!session) {
    session = new CatalogSession(catalogUrl, assetsBaseUrl, (failed) => {
      if (sessions.get(key) === failed) sessions.delete(key);
    });
    sessions.set(key, session);
  }
  return session;
}

/** Every catalog session on the page (events from the page go to all of them). */
export function allSessions(): CatalogSession[] {
  return [...sessions.values()];
}
