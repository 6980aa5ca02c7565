/**
 * The demo takes `?catalog=` and `?assets=` only from its own site: a catalog from another host
 * would read the shopper's history (the profile is this origin's) and then fetch pictures from
 * that host, telling it what was shown. A URL on another origin is refused before any request.
 */
export function offSiteParam(params: URLSearchParams, names: readonly string[], base: string = location.href): string | undefined {
  for (const name of names) {
    const value = params.get(name);
    if (value === null || value === 'none') continue;
    let url: URL;
    try {
      url = new URL(value, base);
    } catch {
      return `?${name}=${value} is not a URL`;
    }
    if (url.origin !== new URL(base).origin)
      return `?${name}= must be on this site (${new URL(base).origin}); ${url.origin} is not, so nothing was loaded from it`;
  }
  return undefined;
}
