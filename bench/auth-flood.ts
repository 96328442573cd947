/**
 * Wrong-password flood: the latency of a 200 KB upload (voegZaakdocumentToe, correct basic-auth credentials)
 * on a quiet server and while many connections send wrong passwords as fast as they are answered, from many
 * client addresses (so the per-address limit alone does not stop them). Reports the ratio flood / quiet; the
 * target is within 2×. The server runs as `npm start` does (SQLite + files, real scrypt hashes, ln=15).
 *
 * Part of `npm run bench` (module "auth-flood"), or on its own: node --import tsx bench/auth-flood.ts
 * BENCH_QUICK=1: 8 flooding connections and 15 uploads per phase; full: 32 connections and 40 uploads. The flood
 * runs for a while before its phase is measured (the first attempts are checked, the rest throttled: its steady
 * state), and that phase lasts at least a few throttle delays. BENCH_THROTTLE_DELAY_MS sets
 * authLimits.throttledAnswerDelayMs (default: Zaakpoort's own; 0 answers throttled requests at once, as before).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { hashPassword } from '../src/server/passwords.js';
import * as m from '../test/helpers/messages.js';
import { envelope } from '../test/helpers/zaakpoort.js';
import type { BenchContext } from './lib/context.js';
import { post } from './lib/load.js';
import { startProcess, zaakpoortEnv } from './lib/server.js';
import { median, percentile, renderTable, type Table } from './lib/table.js';

export const name = 'auth-flood';

const PASSWORD = 'bench-wachtwoord-2026!';
const TARGET_RATIO = 2;
/** Flood time before the measured phase, and the shortest measured phase (full run; a third of it quick). */
const RAMP_MS = 3000;
const MIN_PHASE_MS = 5000;

/** One request without keep-alive, authenticated as `auth` ("user:password"). */
function send(url: string, body: string, auth: string, localAddress?: string): Promise<{ status: number; text: string }> {
  return post(false, new URL(`${url}/zds`), body, { authorization: `Basic ${Buffer.from(auth).toString('base64')}` }, localAddress);
}

async function uploads(url: string, zaakId: string, count: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const body = envelope(m.voegZaakdocumentToe(`1234D${Date.now()}${i}`, zaakId, randomBytes(200 * 1024), '1.2'));
    const t0 = performance.now();
    const res = await send(url, body, `shv:${PASSWORD}`);
    ms.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`bench auth-flood: upload ${res.status} ${res.text.slice(0, 300)}`);
  }
  return ms;
}

export async function run(ctx: BenchContext): Promise<Table> {
  const connections = ctx.quick ? 8 : 32;
  const perPhase = ctx.quick ? 15 : 40;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-bench-auth-'));
  const configFile = path.join(dataDir, 'config.json');
  await writeFile(configFile, JSON.stringify({
    senders: [{ organisatie: '1234', applicatie: 'SHV', basicAuth: { username: 'shv', passwordHash: await hashPassword(PASSWORD) } }],
    ...(process.env.BENCH_THROTTLE_DELAY_MS ? { authLimits: { throttledAnswerDelayMs: Number(process.env.BENCH_THROTTLE_DELAY_MS) } } : {}),
  }));
  const srv = await startProcess('src/main.ts', { ...zaakpoortEnv({ kind: 'sqlite', dataDir }), ZAAKPOORT_CONFIG: configFile });
  const counts = { 401: 0, 429: 0, other: 0 };
  let floodRequests = 0;
  try {
    const gen = await send(srv.url, envelope(m.genereerIdentificatie('Zaak', '1.2')), `shv:${PASSWORD}`);
    const zaakId = m.extract(gen.text, 'identificatie')!;
    const created = await send(srv.url, envelope(m.creeerZaak({ identificatie: zaakId }, '1.2')), `shv:${PASSWORD}`);
    if (created.status !== 200) throw new Error(`bench auth-flood: creeerZaak ${created.status}`);
    await uploads(srv.url, zaakId, 3); // warm-up
    const quiet = await uploads(srv.url, zaakId, perPhase);

    let flooding = true;
    const flood = Array.from({ length: connections }, async (_, c) => {
      for (let i = 0; flooding; i++) {
        const res = await send(srv.url, envelope(m.genereerIdentificatie('Zaak', '1.2')), `shv:raad-${c}-${i}`, `127.0.${1 + (c >> 8)}.${1 + (c & 255)}`).catch(() => ({ status: 0, text: '' }));
        floodRequests++;
        if (res.status === 401) counts[401]++;
        else if (res.status === 429) counts[429]++;
        else counts.other++;
      }
    });
    const scale = ctx.quick ? 3 : 1;
    await new Promise((r) => setTimeout(r, RAMP_MS / scale));
    // Counted from here: the measured phase only.
    floodRequests = 0;
    counts[401] = counts[429] = counts.other = 0;
    const floodStart = performance.now();
    const loaded: number[] = [];
    while (loaded.length < perPhase || performance.now() - floodStart < MIN_PHASE_MS / scale) loaded.push(...(await uploads(srv.url, zaakId, 1)));
    const floodSeconds = (performance.now() - floodStart) / 1000;
    flooding = false;
    await Promise.all(flood);

    const q = median(quiet);
    const f = median(loaded);
    const sortedLoaded = [...loaded].sort((a, b) => a - b);
    const ratio = f / q;
    return {
      title: 'Upload latency under a wrong-password flood (200 KB voegZaakdocumentToe, SQLite)',
      columns: ['flooding connections', 'quiet median ms', 'flood median ms', 'flood p95 ms', 'ratio', `target ≤ ${TARGET_RATIO}×`, 'flood req/s', '401', '429', 'other'],
      rows: [[
        connections, q, f, percentile(sortedLoaded, 95), ratio, ratio <= TARGET_RATIO ? 'met' : 'NOT met',
        floodRequests / floodSeconds, counts[401], counts[429], counts.other,
      ]],
      notes: [
        `${perPhase} uploads quiet, then uploads for at least ${(MIN_PHASE_MS / scale / 1000).toFixed(1)} s after the flood has run ${(RAMP_MS / scale / 1000).toFixed(1)} s; ` +
          'one at a time, with correct credentials (remembered after the first check). The flood ' +
          'sends wrong passwords from a different loopback address per connection, each connection sending its next ' +
          'request when the previous is answered; its columns count the measured phase. Limits: the defaults (1 scrypt ' +
          'check at a time, 16 queued, 10 failures per address and 20 per username per minute), a throttled answer sent after ' +
          `${process.env.BENCH_THROTTLE_DELAY_MS ? `${process.env.BENCH_THROTTLE_DELAY_MS} ms (BENCH_THROTTLE_DELAY_MS)` : '1 s (the default)'}.`,
      ],
    };
  } finally {
    await srv.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.env.BENCH_QUICK === '1';
  run({ quick, runs: 1, seconds: 1, databaseUrl: undefined, wants: () => true, log: (s) => console.error(s) }).then(
    (t) => console.log(renderTable(t)),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
