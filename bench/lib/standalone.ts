/** Running one bench module on its own (`node --import tsx bench/<module>.ts`) instead of through run.ts. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchContext } from './context.js';
import { renderTable, type Table } from './table.js';

/** Whether the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  return Boolean(process.argv[1]) && moduleUrl === pathToFileURL(path.resolve(process.argv[1]!)).href;
}

/** Run `run` with a context from the environment (BENCH_QUICK, BENCH_RUNS, BENCH_SECONDS) and print its tables. */
export function runStandalone(run: (ctx: BenchContext) => Promise<Table | Table[]>, defaults: { runs: number; seconds: number }): void {
  const quick = process.env.BENCH_QUICK === '1';
  const ctx: BenchContext = {
    quick,
    runs: Number(process.env.BENCH_RUNS ?? (quick ? 1 : defaults.runs)),
    seconds: Number(process.env.BENCH_SECONDS ?? (quick ? 0.5 : defaults.seconds)),
    databaseUrl: undefined,
    wants: () => true,
    log: (msg) => console.error(msg),
  };
  run(ctx).then(
    (result) => {
      for (const t of Array.isArray(result) ? result : [result]) console.log(renderTable(t));
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
