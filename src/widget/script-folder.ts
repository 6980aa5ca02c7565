/**
 * The folder this script was served from: models/, tfjs-wasm/ and catalogs/ live next to
 * `ondevice-recs.js` in a deployment (and in the npm package's dist/), so that is where the
 * widget and the client API it exports look unless told otherwise.
 */
export const SCRIPT_FOLDER = new URL(/* @vite-ignore */ './', import.meta.url).href;
