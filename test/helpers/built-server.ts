/**
 * What `npm start` runs: the esbuild bundle dist/main.js (scripts/build.mjs). Tests and benchmarks that start
 * Zaakpoort as a process build it once and run that, so they measure the real thing.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let built = false;

/** Node arguments that start the built server (building it first, once per process). */
export function builtServerArgs(): string[] {
  if (!built) {
    const res = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build.mjs')], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`build failed: ${res.stderr || res.stdout}`);
    built = true;
  }
  return ['--enable-source-maps', path.join(REPO_ROOT, 'dist/main.js')];
}
