/**
 * The video limits, in one place (to move into the engine's single limits module when it
 * lands): the worker checks a shopper's video against them before decoding a frame, the page
 * words its refusals with them and the catalog builder uses the catalog ones. Numbers only.
 */

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
