/** What every bench module gets: run size, selected parts, helpers shared between modules. */
export interface BenchContext {
  /** BENCH_QUICK=1: short smoke run (1 run per cell, short durations, small data sets). */
  quick: boolean;
  /** Runs per measurement (median reported). */
  runs: number;
  /** Seconds per run of a load measurement. */
  seconds: number;
  /** PostgreSQL URL for the postgres rows, or undefined (rows skipped). */
  databaseUrl: string | undefined;
  /** Whether a named part was selected (--only=a,b / BENCH_ONLY); everything when no selection. */
  wants(part: string): boolean;
  log(msg: string): void;
}
