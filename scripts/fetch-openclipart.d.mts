/**
 * Path of the Openclipart root folder (holding svg/ and, unless `png: false` or
 * OPENCLIPART_PNG=0, png/), fetching the Debian packages openclipart-svg and openclipart-png
 * into .cache/openclipart/ if needed.
 */
export function findOrFetchOpenclipart(options?: { png?: boolean }): string;
