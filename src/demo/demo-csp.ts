/**
 * The demo page's Content-Security-Policy. `vite build` writes it into the built index.html as
 * a `<meta http-equiv>` (src/node/dev/csp-meta-plugin.ts), so it holds on any plain static
 * server, not only where a server can send headers. Each source is there for one reason:
 *
 * - `script-src 'self'`, `worker-src 'self'`: the page's modules and the engine worker (a
 *   same-origin file). No inline script, no eval, no WebAssembly on the page (the engine's
 *   WebAssembly runs in the worker): text from a catalog can never run.
 * - `connect-src 'self'`: the catalog, models and the dev-only build status, all same-origin
 *   (the demo refuses cross-origin `?catalog=` / `?assets=` anyway).
 * - `img-src 'self' blob:` / `media-src 'self' blob:`: catalog pictures, sounds and videos, and
 *   the preview of a file the user picked or a sound they recorded (an object URL).
 * - `style-src 'self'`: the page's stylesheet; components use adopted style sheets, which CSP
 *   does not govern. `style-src-attr 'unsafe-inline'`: lit's `styleMap` (progress bars, the why
 *   panel's shares, the map's labels) sets the `style` attribute on first render; a style
 *   attribute cannot run script, and no catalog text reaches markup (e2e/adversarial-render.spec.ts).
 * - `base-uri 'none'`, `form-action 'none'`, `object-src 'none'`: nothing the page needs.
 *
 * A meta policy cannot set `frame-ancestors` or reporting; a server that can send headers
 * should send this policy as a header and add those. The engine worker is governed by its own
 * response's CSP (a static server sends none), not by this meta.
 */
export const DEMO_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' blob:",
  "media-src 'self' blob:",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');
