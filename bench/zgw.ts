/**
 * The ZGW backend: ZGW calls per ZDS operation, and Zaakpoort's own time per operation (total latency minus the
 * time spent in ZGW calls) against the ZGW TEST DOUBLE in the same process (it answers at once: an in-memory
 * stand-in for Open Zaak, not Open Zaak), next to the embedded SQLite backend. One client, requests one after
 * the other, warm catalogue cache. Figures from a loaded, shared machine are indicative only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createZaakpoort } from '../src/compose.js';
import { type Config, defaultConfig } from '../src/config.js';
import { type StepCollector, runWithSteps } from '../src/observability/steps.js';
import * as m from '../test/helpers/messages.js';
import { REPO_ROOT, envelope } from '../test/helpers/zaakpoort.js';
import { startZgwDouble } from '../test/zgw-double/index.js';
import { RSIN, settingsFor } from '../test/zgw/helpers.js';
import type { BenchContext } from './lib/context.js';
import { percentile, type Table } from './lib/table.js';

export const name = 'zgw';

const SEED = {
  catalogus: { domein: 'ZAAK', rsin: RSIN },
  zaaktypen: [{
    identificatie: 'SHV01', omschrijving: 'Schuldhulpverlening', statustypen: ['Intake', 'In behandeling', 'Afgehandeld'],
    roltypen: ['initiator' as const, 'behandelaar' as const], resultaattypen: ['Toegekend'], besluittypen: ['Toekenning'],
  }],
};

interface Server {
  url: string;
  /** The steps (ZGW calls) of the request being handled. */
  collector: StepCollector;
  close(): Promise<void>;
}

async function start(backend: Config['backend']): Promise<Server> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-bench-zgw-'));
  const zp = await createZaakpoort({
    ...defaultConfig(), dataDir, schemaDir: process.env.ZAAKPOORT_SCHEMA_DIR ?? path.join(REPO_ROOT, 'xsd'), gemeentecode: '1234', port: 0, logLevel: 'silent', backend,
  }, { logger: false });
  const server: Server = {
    url: '',
    collector: { steps: [] },
    async close() {
      await zp.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  // Every call of the request lands in the collector of the moment (requests are sent one at a time).
  zp.server.addHook('onRequest', (_req, _reply, done) => runWithSteps(server.collector, done));
  await zp.server.listen({ port: 0, host: '127.0.0.1' });
  const addr = zp.server.server.address();
  server.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return server;
}

interface Sample { totalMs: number; zgwMs: number; calls: number }

/** Milliseconds in which at least one ZGW call was running: calls that overlap (concurrent reads) count once. */
function callTimeMs(steps: Array<{ startedAt: number; durationMs: number }>): number {
  const spans = steps.map((st) => [st.startedAt, st.startedAt + st.durationMs] as const).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [from, to] of spans) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}

async function send(s: Server, body: string): Promise<Sample> {
  s.collector = { steps: [] };
  const t0 = performance.now();
  const res = await fetch(`${s.url}/zds`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: envelope(body) });
  const text = await res.text();
  const totalMs = performance.now() - t0;
  if (res.status !== 200 || /Fo0[23]Bericht/.test(text)) throw new Error(`bench zgw: ${text.slice(0, 300)}`);
  const zgw = s.collector.steps.filter((st) => st.kind === 'zgw');
  return { totalMs, zgwMs: callTimeMs(zgw), calls: zgw.length };
}

let seq = 0;
const id = () => `1234${String(process.pid % 1000).padStart(3, '0')}${String(++seq).padStart(7, '0')}`;

/** Each operation as (prepare, body); prepare runs outside the measurement. */
const OPS: Array<{ name: string; make(s: Server): Promise<string> }> = [
  { name: 'creeerZaak (2 rollen, 1 status)', make: async () => m.creeerZaak({ identificatie: id() }, '1.2') },
  { name: 'geefZaakdetails (scope alles)', make: async (s) => { const z = id(); await send(s, m.creeerZaak({ identificatie: z }, '1.2')); return m.geefZaakdetails(z, '1.2'); } },
  { name: 'geefZaakstatus', make: async (s) => { const z = id(); await send(s, m.creeerZaak({ identificatie: z }, '1.2')); return m.geefZaakstatus(z, '1.2'); } },
  { name: 'updateZaak (omschrijving)', make: async (s) => { const z = id(); await send(s, m.creeerZaak({ identificatie: z }, '1.2')); return m.updateZaak(z, '<ZKN:omschrijving>Aanvraag schuldhulpverlening</ZKN:omschrijving>', '<ZKN:omschrijving>Gewijzigd</ZKN:omschrijving>'); } },
  { name: 'actualiseerZaakstatus', make: async (s) => { const z = id(); await send(s, m.creeerZaak({ identificatie: z }, '1.2')); return m.actualiseerZaakstatus(z, { volgnummer: '2', omschrijving: 'In behandeling', datum: '20261125101500000' }, '1.2'); } },
  { name: 'voegBesluitToe', make: async (s) => { const z = id(); await send(s, m.creeerZaak({ identificatie: z }, '1.2')); return m.voegBesluitToe(`1234B${String(++seq).padStart(8, '0')}`, z); } },
];

export async function run(ctx: BenchContext): Promise<Table> {
  const n = ctx.quick ? 20 : 200;
  const double = await startZgwDouble();
  await double.seed(SEED);
  const zgw = await start({ kind: 'zgw', ...settingsFor(double) } as Config['backend']);
  const sqlite = await start({ kind: 'sqlite' });
  const rows: Table['rows'] = [];
  try {
    for (const op of OPS) {
      // Warm-up (catalogue cache, JIT) outside the figures.
      for (const s of [zgw, sqlite]) await send(s, await op.make(s));
      const zs: Sample[] = [];
      const ss: Sample[] = [];
      for (let i = 0; i < n; i++) {
        zs.push(await send(zgw, await op.make(zgw)));
        ss.push(await send(sqlite, await op.make(sqlite)));
      }
      const p = (xs: number[], q: number) => percentile([...xs].sort((a, b) => a - b), q);
      const own = zs.map((x) => x.totalMs - x.zgwMs);
      const calls = [...new Set(zs.map((x) => x.calls))].sort((a, b) => a - b).join('–');
      rows.push([op.name, calls, p(zs.map((x) => x.totalMs), 50), p(own, 50), p(own, 99), p(ss.map((x) => x.totalMs), 50), p(ss.map((x) => x.totalMs), 99)]);
    }
  } finally {
    await zgw.close();
    await sqlite.close();
    await double.close();
  }
  return {
    title: 'ZGW backend: calls and Zaakpoort\'s own time per operation (ms)',
    columns: ['operation', 'ZGW calls', 'zgw total p50', 'zgw own p50', 'zgw own p99', 'sqlite p50', 'sqlite p99'],
    rows,
    notes: [
      `${n} requests per operation, one at a time, warm catalogue. "own" = the request's latency minus the time in which ZGW calls ran (concurrent calls count once; HTTP round trips to the ZGW TEST DOUBLE in the same process, which answers at once); it includes XSD validation and answer building. "sqlite" = the whole latency on the embedded backend. Targets (issue #8): geefZaakdetails ≤ 6 calls, creeerZaak with two rollen and a status ≤ 5, own overhead ≤ 2 ms p50 beyond the ZGW calls.`,
    ],
  };
}
