#!/usr/bin/env node
// `npm run screenshots`: copies the screenshots the e2e run took (screenshots/, git-ignored)
// that README.md and docs/ show into docs/screenshots/ (committed), made small: at most 960 px
// wide and a 256-colour palette PNG (sharp, whose palette mode is libimagequant). Run it after
// `npm run test:e2e` (or the specs named below) and commit the result.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Each picture the docs show, and the e2e spec that takes it. */
const SHOWN = {
  'demo-item.png': 'e2e/demo-shop.spec.ts',
  'demo-home.png': 'e2e/demo-shop.spec.ts',
  'widget-shop.png': 'e2e/widget.spec.ts',
  'first-run-build.png': 'e2e/dev-server-catalog-build.spec.ts',
};
const MAX_WIDTH = 960;

const out = join(root, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
let missing = 0;
for (const [name, spec] of Object.entries(SHOWN)) {
  const source = join(root, 'screenshots', name);
  if (!existsSync(source)) {
    console.error(`screenshots: ${name} is missing; run \`npx playwright test ${spec}\` first`);
    missing += 1;
    continue;
  }
  const target = join(out, name);
  await sharp(source)
    .resize({ width: MAX_WIDTH, withoutEnlargement: true })
    .png({ palette: true, colours: 256, compressionLevel: 9, effort: 10 })
    .toFile(target);
  console.log(
    `screenshots: ${name} ${(statSync(source).size / 1000).toFixed(0)} kB -> docs/screenshots/${name} ${(statSync(target).size / 1000).toFixed(0)} kB`,
  );
}
process.exit(missing > 0 ? 1 : 0);
