/**
 * Every input limit of the engine, in one place. The worker checks files against them before
 * decoding (from the container or file header, never after a full decode), the page words
 * its refusals with them, and the Node catalog builder and `npm run embed` apply the same
 * numbers, so an input refused in one place is refused everywhere. Numbers only: no code.
 * docs/limits.md lists each one with the typed error it gives and what the user sees.
 */

// --- pictures ----------------------------------------------------------------------------

/**
 * Most pixels a raster picture may have (width × height from its header): `too-large`. 40 MP
 * takes in every phone photo of 2026 (48 MP sensors save 12 MP by default) while the worker's
 * decode (4 B RGBA per pixel, then a 24 B/pixel working copy) stays below about 1.2 GB.
 */
export const MAX_IMAGE_PIXELS = 40_000_000;
/** Largest picture file (any format): `too-large`. */
export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;
/** Largest SVG file: `too-large`. Openclipart's biggest drawings are a few MB. */
export const MAX_SVG_BYTES = 10 * 1024 * 1024;
/** Most elements an SVG may have after `<use>` / `<pattern>` / `url(#…)` references are expanded: `too-large`. */
export const MAX_SVG_ELEMENTS = 200_000;
/** Deepest chain of references (`<use>` of a `<use>` of …, a pattern filled with a pattern, …): `too-large`. */
export const MAX_SVG_REFERENCE_DEPTH = 16;
/** Deepest element nesting in an SVG: `too-large` (resvg recurses per level). */
export const MAX_SVG_NESTING = 256;

// --- sounds ------------------------------------------------------------------------------

/** Longest sound a search by example accepts (read from the container before decoding): `too-long`. */
export const MAX_EXAMPLE_AUDIO_SECONDS = 30;
/**
 * Longest sound the engine decodes at all (catalog builds and `npm run embed` included; the
 * encoder uses the first 10 s): `too-long`, read from the container before decoding.
 */
export const MAX_DECODE_AUDIO_SECONDS = 600;
/** Largest sound file: `too-large`. */
export const MAX_AUDIO_BYTES = 64 * 1024 * 1024;

// --- decoding ---------------------------------------------------------------------------

/**
 * Longest a user's picture or sound (a search example, an off-catalog item's content) may take to
 * decode: `decode-timeout`. Decoding runs in a short-lived worker of its own, which is ended at
 * this limit, so a file that passes every header check above yet makes a decoder hang costs the
 * engine this long at most. A 40 MP photo or 600 s of FLAC decodes in a few seconds on a phone.
 */
export const DECODE_TIMEOUT_MS = 20_000;

// --- off-catalog items ------------------------------------------------------------------

/**
 * Most off-catalog items (things viewed that the catalog lacks, `track` with `content`) kept in
 * the profile; beyond it the oldest are deleted (their events stay, and the history skips them).
 * 200 items of three modalities take about 1.4 MB.
 */
export const MAX_OFF_CATALOG_ITEMS = 200;

// --- videos ------------------------------------------------------------------------------

/** Longest video a search by example accepts (read from the container before decoding): `too-long`. */
export const MAX_EXAMPLE_VIDEO_SECONDS = 60;
/** Largest video file a search by example accepts: `too-large`. */
export const MAX_EXAMPLE_VIDEO_BYTES = 200 * 1024 * 1024;
/** Largest frame, in pixels (4K UHD); a larger one is refused before decoding: `too-large`. */
export const MAX_VIDEO_FRAME_PIXELS = 3840 * 2160;
/** Most frames a video may have (counted from the container's packets before decoding): `too-large`. 60 s at 120 fps. */
export const MAX_VIDEO_FRAMES = 7200;
/** Longest video the catalog builder takes (the clips of the Debian catalog are 5–180 s). */
export const MAX_CATALOG_VIDEO_SECONDS = 300;

// --- reviews -----------------------------------------------------------------------------

/**
 * Longest review text `track('review', id, { text })` takes: `text-too-long` (an empty one is
 * `empty-text`). A long review is welcome, but the text encoder reads its first ~500
 * characters only (128 tokens) and the whole text is stored in the profile.
 */
export const MAX_REVIEW_CHARS = 5000;

// --- catalogs ----------------------------------------------------------------------------

/** Largest `manifest.json`, read with this as a hard limit: CatalogFormatError. About 1 M items. */
export const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;
/** Most items (and so vector rows) a catalog may have: CatalogFormatError. */
export const MAX_CATALOG_ITEMS = 1_000_000;
/** Most values per vector: CatalogFormatError. */
export const MAX_CATALOG_DIMS = 8192;
/** Largest vector file (its declared `bytes`, which is also the hard limit of its download): CatalogFormatError. */
export const MAX_VECTOR_FILE_BYTES = 1024 * 1024 * 1024;
/**
 * Largest int8 row scale. A row's scale is max|x| / 127 of its float vector; catalog vectors
 * are L2-normalised, so honest scales are at most 1/127. Anything far beyond is a broken or
 * hostile file whose row would dominate every score.
 */
export const MAX_INT8_SCALE = 1;
/**
 * A catalog download (manifest, vector, shared-space, learned-model and graph files; waiting for
 * the response included) must bring at least `CATALOG_STALL_MIN_BYTES` in every
 * `CATALOG_STALL_MS` window until it ends, or it is aborted with CatalogDownloadStalledError: a
 * server that stops sending, or trickles a byte now and then, cannot hold a load (and the
 * engine's queue) for the page's 600 s watchdog. 16 KiB in 30 s is about 0.5 kB/s, far below
 * any working connection. `EngineConfig.catalogStallMs` changes the window (tests make it short).
 */
export const CATALOG_STALL_MS = 30_000;
export const CATALOG_STALL_MIN_BYTES = 16 * 1024;

// --- ids and names -----------------------------------------------------------------------

/**
 * Longest item id, catalog name, profile key (the catalog's origin + path), ad-hoc id, model
 * key and event field. The catalog format and the profile check the same number, so an id a
 * catalog may hold is always one the profile can record: a longer one is refused where it
 * enters (CatalogFormatError naming the item, or `invalid-event`), never dropped silently.
 */
export const MAX_ID_LENGTH = 512;
