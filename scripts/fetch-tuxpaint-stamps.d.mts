/** Where a fetched tuxpaint-stamps-default is unpacked: `.cache/tuxpaint` (its `root/` as `dpkg-deb -x` lays it out). */
export const TUXPAINT_CACHE_DIR: string;
/** The Tux Paint stamps folder if it is already on this machine (no download), else undefined. */
export function findTuxPaintStamps(): string | undefined;
/** Path of the Tux Paint stamps folder, fetching the pinned Debian package into .cache/ if needed (apt, else HTTPS). */
export function findOrFetchTuxPaintStamps(): string;
