#!/usr/bin/env -S node --max-semi-space-size=4
// The `zaakpoort` command: runs the bundle dist/cli.js, built from src/ at install time (npm postinstall) by
// scripts/build.mjs. `--max-semi-space-size=4`: the young generation size chosen by measurement. For less memory
// at the cost of throughput add `--heap-growing-percent=20` (`npm run start:small`; README, Benchmarks, issue 14).
// No --enable-source-maps: Node decodes the bundle's whole map at load (~10 MB of heap for every process); set
// NODE_OPTIONS=--enable-source-maps when stack traces should point into src/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  console.error('zaakpoort: dist/cli.js ontbreekt; bouw het met `npm run build` (gebeurt bij npm ci/npm install)');
  process.exit(1);
}
await import(bundle.href);
