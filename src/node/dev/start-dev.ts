// `npm start`: the Vite dev server at once, and the default catalog's build (if it is missing)
// beside it. The page shows the build's progress and turns into the shop when the catalog is
// there; the terminal shows the build's progress bars under Vite's address. Stopping the dev
// server (Ctrl-C) stops the build too; the next `npm start` resumes it.
//
//   npm start [-- VITE_OPTIONS…]      e.g. npm start -- --port 5185
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const viteArgs = ['--host', '127.0.0.1', '--port', '5173', '--clearScreen', 'false', ...process.argv.slice(2)];

const vite = spawn(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), ...viteArgs], { cwd: root, stdio: 'inherit' });
// A process group of its own, so stopping it reaches the builder it runs (a grandchild) too.
const catalog: ChildProcess = spawn(
  process.execPath,
  [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'src', 'node', 'catalog', 'ensure-default-catalog.ts')],
  {
    cwd: root,
    stdio: 'inherit',
    detached: true,
  },
);
const stopCatalog = (signal: NodeJS.Signals) => {
  if (catalog.exitCode !== null || catalog.signalCode !== null || catalog.pid === undefined) return;
  try {
    process.kill(-catalog.pid, signal);
  } catch {
    // Already gone.
  }
};

catalog.on('exit', (code) => {
  if (code !== 0 && code !== null)
    console.error(
      `\nnpm start: the default catalog could not be built (exit ${code}); the page says why. The dev server keeps running; fix the cause and run npm start again (the build resumes).`,
    );
});
vite.on('exit', (code, signal) => {
  stopCatalog('SIGTERM');
  process.exit(code ?? (signal ? 1 : 0));
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    vite.kill(signal);
    stopCatalog(signal);
  });
}
