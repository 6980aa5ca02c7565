/** Path of the Tux Paint stamps folder, fetching the Debian package into .cache/ if needed. */
export function findOrFetchTuxPaintStamps(): string;
