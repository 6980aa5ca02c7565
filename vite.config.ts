import { defineConfig } from 'vite';

export default defineConfig({
  // A multi-page app: unknown paths are 404s, not index.html, so a missing asset fails loudly.
  appType: 'mpa',
  // The engine worker imports tfjs; ES module workers keep it code-split like the page.
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // tfjs is large by nature; the warning would only repeat that.
    chunkSizeWarningLimit: 4000,
  },
  server: { host: '127.0.0.1', strictPort: true },
  preview: { host: '127.0.0.1', strictPort: true },
});
