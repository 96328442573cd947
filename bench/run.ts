/**
 * `npm run bench`: runs the bench modules and prints their tables as markdown (also written to
 * bench/results/latest.md). Never part of `npm test`.
 *
 *   BENCH_QUICK=1            short smoke run (1 run per cell, 0.5 s, 20,000 zaken instead of 1 million)
 *   --only=zds,million       run only these modules (or BENCH_ONLY); module names: see MODULES
 *   --targets=sqlite,baseline  only these servers (sqlite, postgres, baseline; or BENCH_TARGETS)
 *   --runs=N --seconds=S     override runs per cell and seconds per run
 *   BENCH_CLIENTS=8          zds: only these client counts (comma list; default 1,8,64)
 *   BENCH_DATABASE_URL       PostgreSQL for the postgres rows (default ZAAKPOORT_TEST_DATABASE_URL, then the local test database)
 *
 * A module is a file in bench/ exporting `name` and `run(ctx): Promise<Table | Table[]>`; add it to MODULES.
 * Listed modules that do not exist (yet) are reported and skipped.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchContext } from './lib/context.js';
import { renderTable, type Table } from './lib/table.js';
import { benchStartScript, builtServerArgs } from '../test/helpers/built-server.js';
import { isReachable } from '../test/helpers/postgres.js';

const MODULES = ['stages', 'zds', 'memory', 'million', 'cold-start', 'documents', 'zgw', 'beheer', 'auth-flood', 'logging'];

interface BenchModule {
  name?: string;
  run(ctx: BenchContext): Promise<Table | Table[]>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

function flag(name: string): string | undefined {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit?.slice(name.length + 3);
}

function list(v: string | undefined): Set<string> | undefined {
  return v ? new Set(v.split(',').map((s) => s.trim()).filter(Boolean)) : undefined;
}


function header(quick: boolean, ctx: BenchContext): string {
  const cpus = os.cpus();
  return [
    '# Zaakpoort benchmarks',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}`,
    `- Node ${process.version}`,
    `- Mode: ${quick ? 'QUICK (smoke run, not for comparison)' : 'full'}; ${ctx.runs} run(s) per cell, ${ctx.seconds} s per run; medians`,
    `- PostgreSQL: ${ctx.databaseUrl ? 'reachable' : 'not reachable (postgres rows skipped)'}`,
    `- Zaakpoort started as \`npm ${benchStartScript() === 'start' ? 'start' : `run ${benchStartScript()}`}\`: node ${builtServerArgs().map((a) => path.basename(a)).join(' ')}`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const quick = process.env.BENCH_QUICK === '1';
  const only = list(flag('only') ?? process.env.BENCH_ONLY);
  const targets = list(flag('targets') ?? process.env.BENCH_TARGETS);
  const url = process.env.BENCH_DATABASE_URL || process.env.ZAAKPOORT_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const ctx: BenchContext = {
    quick,
    runs: Number(flag('runs') ?? (quick ? 1 : 5)),
    seconds: Number(flag('seconds') ?? (quick ? 0.5 : 2)),
    databaseUrl: (await isReachable(url)) ? url : undefined,
    wants: (part) => !targets || targets.has(part),
    log: (msg) => console.error(msg),
  };
  const out: string[] = [header(quick, ctx)];
  console.log(out[0]);
  for (const name of MODULES) {
    if (only && !only.has(name)) continue;
    const file = path.join(here, `${name}.ts`);
    if (!existsSync(file)) {
      console.error(`bench module ${name} not present, skipped`);
      continue;
    }
    const mod = (await import(pathToFileURL(file).href)) as BenchModule;
    const t0 = performance.now();
    const result = await mod.run(ctx);
    for (const table of Array.isArray(result) ? result : [result]) {
      const text = renderTable(table);
      console.log(text);
      out.push(text);
    }
    console.error(`bench module ${name} took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const resultsDir = path.join(here, 'results');
  await mkdir(resultsDir, { recursive: true });
  await writeFile(path.join(resultsDir, 'latest.md'), out.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
