#!/usr/bin/env node
// Bundles src/ into dist/main.js with esbuild, so `npm start` runs plain JavaScript: no TypeScript loader in the
// server process (which costs ~150 MB RSS and a second of start-up). Dependencies stay in node_modules.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
await build({
  entryPoints: [path.join(root, 'src/main.ts')],
  outfile: path.join(root, 'dist/main.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
console.log(`built dist/main.js in ${Date.now() - started} ms`);
