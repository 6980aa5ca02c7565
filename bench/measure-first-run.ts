// The first run as a newcomer has it: a fresh clone, `npm ci`, `npm start`, a browser on the
// page. Prints (and writes to bench-results/first-run-*.json) how long the install took, how
// long until the page was served, and until the page was the shop with the full catalog
// (document.body.dataset.catalog === 'ready'), or where it failed.
//
//   npx tsx bench/measure-first-run.ts [--ref REF] [--no-apt] [--port 5199] [--start "COMMAND"]
//
// --no-apt hides apt-get and dpkg-* from PATH (a machine without apt, e.g. macOS). --start
// replaces `npm start -- --port PORT` (for an old ref whose start script fixes the port; PORT
// in the command is replaced). Run it under `flock /tmp/bench.lock` like every benchmark.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../e2e/chromium-launch-options.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const ref = option('ref', 'HEAD');
const port = Number(option('port', '5199'));
const noApt = args.includes('--no-apt');
const startCommand = option('start', 'npm start -- --port PORT').replaceAll('PORT', String(port));

/** A PATH without apt-get and dpkg*: every other program of every PATH folder, linked into one folder. */
function pathWithoutApt(): string {
  const bin = mkdtempSync(join(tmpdir(), 'no-apt-bin-'));
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (/^(apt|dpkg)/.test(name) || existsSync(join(bin, name))) continue;
      symlinkSync(join(dir, name), join(bin, name));
    }
  }
  return bin;
}

const work = mkdtempSync(join(tmpdir(), 'first-run-'));
const clone = join(work, 'repo');
const log = join(work, 'log.txt');
execFileSync('git', ['clone', '--quiet', '--no-local', root, clone]);
execFileSync('git', ['-C', clone, 'checkout', '--quiet', ref]);
const commit = execFileSync('git', ['-C', clone, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const env = { ...process.env, PATH: noApt ? pathWithoutApt() : process.env.PATH!, CI: '' };
const logStream = createWriteStream(log);
console.log(`first run of ${ref} (${commit}) in ${clone}${noApt ? ', apt hidden' : ''}; log: ${log}`);

const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;
const result: Record<string, unknown> = { ref, commit, apt: !noApt, startCommand };

const installStart = performance.now();
await new Promise<void>((resolveInstall, reject) => {
  const npm = spawn('npm', ['ci'], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
  npm.stdout.pipe(logStream, { end: false });
  npm.stderr.pipe(logStream, { end: false });
  npm.on('exit', (code) => (code === 0 ? resolveInstall() : reject(new Error(`npm ci exited ${code}; see ${log}`))));
});
result.installSeconds = seconds(installStart);
console.log(`npm ci: ${result.installSeconds} s`);

const start = performance.now();
const server = spawn('bash', ['-c', startCommand], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
let exited: number | null | undefined;
let tail = '';
server.on('exit', (code) => (exited = code));
for (const stream of [server.stdout, server.stderr]) {
  stream.on('data', (chunk: Buffer) => {
    logStream.write(chunk);
    tail = (tail + chunk.toString()).slice(-2000);
  });
}
const url = `http://127.0.0.1:${port}/`;
try {
  for (;;) {
    if (exited !== undefined)
      throw new Error(`\`${startCommand}\` exited with ${exited} before serving the page: ${tail.trim().split('\n').slice(-3).join(' | ')}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  result.servedSeconds = seconds(start);
  console.log(`page served: ${result.servedSeconds} s after npm start`);

  const browser = await chromium.launch(chromiumLaunchOptions());
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  let sawBuildView = false;
  for (;;) {
    const state = await page.evaluate(() => ({
      catalog: document.body.dataset.catalog,
      building: document.querySelector('demo-app catalog-build-view') !== null,
    }));
    if (state.building && !sawBuildView) {
      sawBuildView = true;
      result.buildViewSeconds = seconds(start);
    }
    if (state.catalog !== undefined) {
      result.catalog = state.catalog;
      break;
    }
    // npm start ended while the page waits (it serves until stopped): the page will not become the shop.
    if (exited !== undefined) throw new Error(`\`${startCommand}\` exited with ${exited}: ${tail.trim().split('\n').slice(-3).join(' | ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  result.shopSeconds = seconds(start);
  result.sawBuildView = sawBuildView;
  console.log(
    `shop with the catalog (${result.catalog}): ${result.shopSeconds} s after npm start${sawBuildView ? ` (build view shown from ${result.buildViewSeconds} s)` : ''}`,
  );
  await browser.close();
} catch (error) {
  result.failure = (error as Error).message;
  result.failedAfterSeconds = seconds(start);
  console.log(`failed after ${result.failedAfterSeconds} s: ${result.failure}`);
} finally {
  if (server.pid !== undefined && exited === undefined) process.kill(-server.pid, 'SIGTERM');
}
const out = join(root, 'bench-results');
mkdirSync(out, { recursive: true });
const file = join(out, `first-run-${commit}${noApt ? '-no-apt' : ''}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${file}`);
process.exit(0);
