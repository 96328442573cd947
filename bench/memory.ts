/**
 * Memory under message load (issue 14): RSS of the server process while 8 and 64 clients send creeerZaak_ZakLk01,
 * and 3 s without requests after start-up and after the load (idle; the server's idle collection runs after 2 s
 * by default, idleCollectAfterMs), with the share of the server's CPU time spent in garbage collection. The
 * server runs as `npm start` does (the built bundle with the start script's node flags), SQLite backend.
 *
 * BENCH_MEMORY_FLAGS="flags a;flags b" compares other node flags (each variant replaces the start script's
 * flags; an empty variant means none), e.g. BENCH_MEMORY_FLAGS="--max-semi-space-size=1;--max-semi-space-size=8".
 *
 * Part of `npm run bench` (module "memory"), or on its own: node --import tsx bench/memory.ts
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { builtServerArgs } from '../test/helpers/built-server.js';
import { ChildServer, RssSampler } from '../test/helpers/child-server.js';
import * as m from '../test/helpers/messages.js';
import { envelope } from '../test/helpers/zaakpoort.js';
import type { BenchContext } from './lib/context.js';
import { runLoad } from './lib/load.js';
import { isMain, runStandalone } from './lib/standalone.js';
import { median, type Table } from './lib/table.js';

export const name = 'memory';

const MB = 1024 * 1024;
const TARGET_MB = 150;
const CONCURRENCY = [8, 64];
/** How long the server sits without load before the idle RSS is read. */
const IDLE_WAIT_MS = 3000;

/** The server's own counters from /metrics (prom-client's process metrics). */
async function counters(url: string): Promise<{ gc: number; cpu: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (re: RegExp): number => [...text.matchAll(re)].reduce((s, mm) => s + Number(mm[1]), 0);
  return { gc: sum(/^nodejs_gc_duration_seconds_sum\{[^}]*\} (\S+)$/gm), cpu: sum(/^process_cpu_seconds_total (\S+)$/gm) };
}

interface Variant {
  label: string;
  nodeArgs: string[];
}

/** `npm start` as configured, or the variants of BENCH_MEMORY_FLAGS (same bundle, other node flags). */
function variants(): Variant[] {
  const start = builtServerArgs('start');
  const entry = start.filter((a) => !a.startsWith('-'));
  const own = start.filter((a) => a.startsWith('-'));
  const spec = process.env.BENCH_MEMORY_FLAGS;
  if (spec === undefined) return [{ label: `npm start (${own.join(' ') || 'no flags'})`, nodeArgs: start }];
  return spec.split(';').map((v) => {
    const flags = v.trim().split(/\s+/).filter(Boolean);
    return { label: flags.join(' ') || 'no flags', nodeArgs: [...flags, ...entry] };
  });
}

interface Cell {
  rps: number;
  peakMb: number;
  gcShare: number;
}

async function measureVariant(ctx: BenchContext, v: Variant, rows: Table['rows']): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-bench-mem-'));
  const srv = new ChildServer({ dataDir, nodeArgs: v.nodeArgs });
  const uniq = randomBytes(3).toString('hex');
  let seq = 0;
  const body = (run: number) => (i: number) => envelope(m.creeerZaak({ identificatie: `1234M${uniq}${run}x${i}` }, '1.2', `M${uniq}${run}x${i}`));
  const ok = (s: number, text: string) => s === 200 && text.includes('Bv03Bericht');
  try {
    await srv.start();
    await counters(srv.url); // starts the GC observer before the load
    // Read after the same quiet period as the idle figure after the load (an idle server collects what start-up left).
    await new Promise((r) => setTimeout(r, IDLE_WAIT_MS));
    const startedMb = (srv.memory()?.rss ?? NaN) / MB;
    await runLoad({ url: `${srv.url}/zds`, concurrency: 8, seconds: ctx.quick ? 0.3 : 1, body: body(seq++), ok });
    const cells = new Map<number, Cell[]>();
    for (let r = 0; r < ctx.runs; r++) {
      for (const c of CONCURRENCY) {
        const before = await counters(srv.url);
        const sampler = new RssSampler(srv.pid, 10).start();
        const res = await runLoad({ url: `${srv.url}/zds`, concurrency: c, seconds: ctx.seconds, body: body(seq++), ok });
        const peak = sampler.stop();
        const after = await counters(srv.url);
        const cell = { rps: res.rps, peakMb: peak / MB, gcShare: (after.gc - before.gc) / Math.max(1e-9, after.cpu - before.cpu) };
        cells.set(c, [...(cells.get(c) ?? []), cell]);
      }
    }
    await new Promise((r) => setTimeout(r, IDLE_WAIT_MS));
    const idleMb = (srv.memory()?.rss ?? NaN) / MB;
    const hwmMb = (srv.memory()?.hwm ?? NaN) / MB;
    for (const c of CONCURRENCY) {
      const cs = cells.get(c) ?? [];
      const row = [v.label, c, median(cs.map((x) => x.rps)), Math.max(...cs.map((x) => x.peakMb)), `${(median(cs.map((x) => x.gcShare)) * 100).toFixed(1)} %`, startedMb, idleMb, hwmMb];
      rows.push(row);
      ctx.log(`memory ${v.label} c=${c}: ${row.slice(2).map(String).join(' / ')}`);
    }
  } finally {
    await srv.kill();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function run(ctx: BenchContext): Promise<Table[]> {
  const rows: Table['rows'] = [];
  for (const v of variants()) await measureVariant(ctx, v, rows);
  const worst = Math.max(...rows.map((r) => Math.max(r[3] as number, r[6] as number, r[7] as number)));
  return [
    {
      title: 'Memory under message load: creeerZaak_ZakLk01, SQLite, server RSS and GC share',
      columns: ['node flags', 'clients', 'req/s (median)', 'peak RSS under load (MB)', 'GC share of server CPU (median)', `RSS idle ${IDLE_WAIT_MS / 1000} s after start (MB)`, `RSS idle ${IDLE_WAIT_MS / 1000} s after load (MB)`, 'peak RSS since start (MB)'],
      rows,
      notes: [
        `${ctx.runs} round(s) of ${ctx.seconds} s per client count (8 then 64, alternating), after a 8-client warm-up; RSS sampled from ` +
          '/proc/<pid>/status every 10 ms; "peak since start" is VmHWM. GC share = growth of nodejs_gc_duration_seconds_sum ' +
          '(GC pauses on the main thread) over growth of process_cpu_seconds_total (all threads), both from the server\'s /metrics. ' +
          `Target: < ${TARGET_MB} MB at peak and at idle: ${worst < TARGET_MB ? 'met' : 'NOT met'} (worst ${worst.toFixed(0)} MB). Client and server share the machine.`,
      ],
    },
  ];
}

// Standalone: node --import tsx bench/memory.ts
if (isMain(import.meta.url)) runStandalone(run, { runs: 3, seconds: 4 });
