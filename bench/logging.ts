/**
 * The access line's cost (issue 14: cheapest pino settings): CPU µs per line of exactly the line app.ts writes
 * (a per-request child logger with reqId, then info({operation, outcome, code, status, ms, caller}, 'zds')),
 * written to a pipe read by another process (how systemd, docker or a supervisor take stdout) and to /dev/null,
 * with pino's synchronous destination (one write(2) per line) and its buffered asynchronous one.
 *
 * Each case runs in a child process of its own so the cases do not share a heap or a JIT state.
 * Part of `npm run bench` (module "logging"), or on its own: node --import tsx bench/logging.ts
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from './lib/context.js';
import { isMain, runStandalone } from './lib/standalone.js';
import { median, type Table } from './lib/table.js';

export const name = 'logging';

const here = fileURLToPath(import.meta.url);

interface Case {
  label: string;
  /** pino destination: sync (one write per line) or async with a 4 KB buffer. */
  destination: 'sync' | 'async-4k';
  target: 'pipe' | '/dev/null';
  level: 'info' | 'warn';
}

const CASES: Case[] = [
  { label: 'sync (pino default), pipe', destination: 'sync', target: 'pipe', level: 'info' },
  { label: 'async, 4 KB buffer, pipe', destination: 'async-4k', target: 'pipe', level: 'info' },
  { label: 'sync, /dev/null', destination: 'sync', target: '/dev/null', level: 'info' },
  { label: 'async, 4 KB buffer, /dev/null', destination: 'async-4k', target: '/dev/null', level: 'info' },
  { label: 'level warn (line not written)', destination: 'sync', target: 'pipe', level: 'warn' },
];

/** In the child: write `lines` access lines, print the CPU µs per line (main thread + write syscalls). */
async function child(c: Case, lines: number): Promise<void> {
  const { default: pino } = await import('pino');
  const { openSync } = await import('node:fs');
  const dest = pino.destination({ dest: c.target === 'pipe' ? 1 : openSync(c.target, 'w'), sync: c.destination === 'sync', minLength: c.destination === 'sync' ? 0 : 4096 });
  const log = pino({ level: c.level }, dest);
  const one = (i: number): void => {
    const req = log.child({ reqId: `req-${i.toString(36)}` });
    req.info({ operation: 'creeerZaak_ZakLk01', outcome: 'ok', code: undefined, status: 200, ms: 3, caller: undefined }, 'zds');
  };
  for (let i = 0; i < 20_000; i++) one(i); // warm-up
  const t0 = process.cpuUsage();
  for (let i = 0; i < lines; i++) one(i);
  const used = process.cpuUsage(t0);
  dest.flushSync();
  process.stderr.write(`${JSON.stringify({ us: (used.user + used.system) / lines })}\n`);
}

function runCase(c: Case, lines: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', here, '--child', JSON.stringify(c), String(lines)], { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.resume(); // the reading end of the pipe, as a log collector
    let err = '';
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    p.on('exit', (code) => {
      const m = /\{"us":([\d.]+)\}/.exec(err);
      if (code === 0 && m) resolve(Number(m[1]));
      else reject(new Error(`logging bench child failed (${code}): ${err.slice(-500)}`));
    });
  });
}

export async function run(ctx: BenchContext): Promise<Table> {
  const lines = ctx.quick ? 50_000 : 200_000;
  const results = CASES.map(() => [] as number[]);
  for (let r = 0; r < Math.max(3, ctx.runs); r++) {
    for (const [i, c] of CASES.entries()) results[i]!.push(await runCase(c, lines));
  }
  return {
    title: 'Access line: CPU µs per line in pino (the line app.ts writes per SOAP request)',
    columns: ['destination', 'µs per line (median)', 'min', 'max'],
    rows: CASES.map((c, i) => [c.label, median(results[i]!), Math.min(...results[i]!), Math.max(...results[i]!)]),
    notes: [
      `${lines.toLocaleString('en-US')} lines per run after 20,000 warm-up lines, ${Math.max(3, ctx.runs)} runs per case interleaved, each in its own process; ` +
        'CPU = user + system time of the process (process.cpuUsage), so the write(2) calls count. "pipe": stdout read by the bench process.',
    ],
  };
}

if (isMain(import.meta.url)) {
  if (process.argv[2] === '--child') await child(JSON.parse(process.argv[3]!) as Case, Number(process.argv[4]));
  else runStandalone(run, { runs: 5, seconds: 0 });
}
