import { CatalogSession } from './catalog-session.ts';

/**
 * The module-level registry that lets several `<ondevice-recs>` elements on one page share
 * one engine per catalog: the first element to ask for a catalog creates its session, the
 * others get the same one. A session whose start failed is dropped, so a later ask retries.
 * Each element holds its session while bound; a session no element holds is closed (its
 * worker ended) once the current task is over, so moving an element in the DOM keeps it, and a
 * widget whose `catalog` changes does not leave its old engine running.
 */
const sessions = new Map<string, { session: CatalogSession; holders: Set<object> }>();

/** The session of this catalog, held by `holder` until `releaseSession(holder)`. */
export function sessionFor(catalogUrl: string, assetsBaseUrl: string, holder: object): CatalogSession {
  const key = `${catalogUrl}\n${assetsBaseUrl}`;
  let entry = sessions.get(key);
  if (!entry) {
    const session = new CatalogSession(catalogUrl, assetsBaseUrl, (failed) => {
      if (sessions.get(key)?.session === failed) sessions.delete(key);
    });
    entry = { session, holders: new Set() };
    sessions.set(key, entry);
  }
  entry.holders.add(holder);
  return entry.session;
}

/** `holder` no longer uses its session; the session closes when nobody took it up again by the next task. */
export function releaseSession(session: CatalogSession, holder: object): void {
  const key = `${session.catalogUrl}\n${session.assetsBaseUrl}`;
  const entry = sessions.get(key);
  if (!entry || entry.session !== session) return;
  entry.holders.delete(holder);
  if (entry.holders.size > 0) return;
  setTimeout(() => {
    if (sessions.get(key) !== entry || entry.holders.size > 0) return;
    sessions.delete(key);
    session.close();
  }, 0);
}

/** Every catalog session on the page (events from the page go to all of them). */
export function allSessions(): CatalogSession[] {
  return [...sessions.values()].map((entry) => entry.session);
}
