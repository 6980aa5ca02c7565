import { defineConfig, type Plugin } from 'vite';

/**
 * The shop widget as a library build: `dist/ondevice-recs.js` (an ES module: lit, the element
 * and the client) next to the app build, and its worker and the worker's lazy chunks in
 * `dist/ondevice-recs/` as same-origin files (never data:/blob: URLs, which `worker-src 'self'`
 * would block). Run after the app build: it must not empty the folder, nor copy public/ again.
 *
 *   vite build && vite build -c vite.widget.config.ts
 */
export default defineConfig({
  // Relative URLs (worker, chunks), so the files work from whatever folder a shop serves them.
  base: './',
  publicDir: false,
  // Lib mode leaves process.env.NODE_ENV for a bundler that a shop page does not have.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  worker: {
    format: 'es',
    plugins: () => [withoutOnnxTextEncoder()],
    // tfjs in a chunk of its own, so a deployment (and the bench) sees engine code and tfjs apart.
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'tfjs', test: /node_modules[\\/]@tensorflow[\\/]/ }] } } },
  },
  build: {
    target: 'es2022',
    emptyOutDir: false,
    // Lib mode leaves whitespace in ES output (for a shop's own bundler); a page loads this file as is.
    rolldownOptions: { output: { minify: true } },
    assetsDir: 'ondevice-recs',
    chunkSizeWarningLimit: 4000,
    lib: {
      entry: 'src/widget/widget-entry.ts',
      formats: ['es'],
      fileName: () => 'ondevice-recs.js',
    },
  },
});

/**
 * The widget only ranks catalog vectors, so its worker leaves out the optional ONNX text
 * encoder (transformers.js + onnxruntime-web). It would cost more than the whole widget: lib
 * mode inlines every asset, and onnxruntime's 21 MB wasm would become a 72 MB base64 chunk.
 */
function withoutOnnxTextEncoder(): Plugin {
  const stubId = '\0ondevice-recs-widget-without-onnx';
  return {
    name: 'ondevice-recs-widget-without-onnx',
    enforce: 'pre',
    resolveId(source) {
      return source.endsWith('/onnx/transformers-feature-encoder.ts') ? stubId : null;
    },
    load(id) {
      if (id !== stubId) return null;
      return `export async function loadTransformersTextEncoder() {
        throw new Error('the ondevice-recs widget does not include custom ONNX text encoders (textEncoder); use the app build for them');
      }`;
    },
  };
}
