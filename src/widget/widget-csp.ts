/**
 * The strictest Content-Security-Policy under which the widget and the example shop work,
 * found by starting from `default-src 'none'` and allowing only what a real run needed (each
 * directive below was removed once and the e2e test then failed):
 *
 * - `script-src 'self' 'wasm-unsafe-eval'`: the widget module, its worker and the worker's
 *   chunks, and WebAssembly compilation in the worker (tfjs's WASM backend); no eval, no
 *   inline script. Without 'wasm-unsafe-eval' the engine loses its WASM backend.
 * - `connect-src 'self'`: the worker fetches models/assets.json, tfjs-wasm/ and the catalog.
 * - `img-src 'self'`: the cards' pictures come from the catalog folder.
 * - `style-src 'self'`: the shop's own stylesheet. The widget needs none: its styles are
 *   adopted style sheets in its shadow root, which CSP does not govern.
 *
 * Workers fall back to `script-src`, so `worker-src 'self'` adds nothing here; a site whose
 * `script-src` allows other origins should add it, since the worker is always a same-origin
 * file (never a blob: or data: URL). A dedicated worker served with its own CSP header is
 * governed by that header, not the page's, so the server sends this policy with the worker too.
 */
export const WIDGET_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self'; style-src 'self'";
