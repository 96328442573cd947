/**
 * What `npm start` runs: the esbuild bundle dist/cli.js (scripts/build.mjs) with the node flags of the `start`
 * script in package.json. Tests and benchmarks that start Zaakpoort as a process build it once and run exactly
 * that, so they measure the real thing. BENCH_START=fast / BENCH_START=small use `start:fast` / `start:small` instead.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let built = false;

/** Node arguments of an npm start script ("exec node <flags> bin/zaakpoort.mjs start"), with the entry made absolute. */
function scriptArgs(script: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts[script]!.trim().split(/\s+/);
  if (words[0] === 'exec') words.shift();
  if (words[0] !== 'node') throw new Error(`npm script ${script} does not start with node`);
  return words.slice(1).map((w) => (/\.m?js$/.test(w) ? path.join(REPO_ROOT, w) : w));
}

function buildOnce(): void {
  if (built) return;
  const res = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build.mjs')], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`build failed: ${res.stderr || res.stdout}`);
  built = true;
}

/** The npm script a bench starts Zaakpoort with (BENCH_START=fast|small, default start). */
export function benchStartScript(): 'start' | 'start:fast' | 'start:small' {
  return process.env.BENCH_START === 'fast' ? 'start:fast' : process.env.BENCH_START === 'small' ? 'start:small' : 'start';
}

/** Node arguments that start the built server as `npm start` does (building it first, once per process). */
export function builtServerArgs(profile: 'start' | 'start:fast' | 'start:small' = benchStartScript()): string[] {
  buildOnce();
  return scriptArgs(profile);
}

/** The `zaakpoort` command as installed (bin/zaakpoort.mjs running the built bundle): node arguments before the command's own. */
export function cliArgs(): string[] {
  buildOnce();
  return [path.join(REPO_ROOT, 'bin/zaakpoort.mjs')];
}
