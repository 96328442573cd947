/**
 * Throughput and latency of four everyday operations at 1, 8 and 64 concurrent clients, on Zaakpoort (SQLite,
 * PostgreSQL; validation strict) and on the baseline server (HTTP + the same XSD validation, nothing else).
 */
import { randomBytes } from 'node:crypto';
import * as m from '../test/helpers/messages.js';
import { envelope } from '../test/helpers/zaakpoort.js';
import type { BenchContext } from './lib/context.js';
import { type LoadResult, runLoad } from './lib/load.js';
import { median, type Table } from './lib/table.js';
import { selectedTargets, startTarget, type Target, type TargetName } from './lib/targets.js';

export const name = 'zds';

/** BENCH_CLIENTS=8 (a comma list) measures only these client counts, for A/B runs of one change. */
const CONCURRENCY = process.env.BENCH_CLIENTS ? process.env.BENCH_CLIENTS.split(',').map(Number) : [1, 8, 64];
const DOC_BYTES = 100 * 1024;

interface Op {
  name: string;
  /** Called once per target before measuring; returns the body of request i in run r. */
  setup(t: Target): Promise<(run: number, i: number) => string>;
  ok(status: number, text: string): boolean;
}

const uniq = randomBytes(3).toString('hex');

function withRef(xml: string, ref: string): string {
  return xml.replace(/<StUF:referentienummer>[^<]*<\/StUF:referentienummer>/, `<StUF:referentienummer>${ref}</StUF:referentienummer>`);
}

async function createZaak(t: Target, id: string): Promise<void> {
  const res = await fetch(`${t.server.url}/zds`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: envelope(m.creeerZaak({ identificatie: id }, '1.2')) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`creeerZaak for set-up failed: ${text.slice(0, 400)}`);
}

const OPS: Op[] = [
  {
    name: 'creeerZaak_ZakLk01',
    async setup() {
      return (run, i) => envelope(m.creeerZaak({ identificatie: `1234Z${uniq}${run}x${i}` }, '1.2', `B${uniq}${run}x${i}`));
    },
    ok: (s, text) => s === 200 && text.includes('Bv03Bericht'),
  },
  {
    name: 'geefZaakdetails_ZakLv01',
    async setup(t) {
      const ids = Array.from({ length: 100 }, (_, i) => `1234G${uniq}${i}`);
      if (t.stateful) for (const id of ids) await createZaak(t, id);
      const bodies = ids.map((id) => envelope(m.geefZaakdetails(id, '1.2')));
      return (_run, i) => bodies[i % bodies.length]!;
    },
    ok: (s, text) => s === 200 && text.includes('ZakLa01'),
  },
  {
    // Every request reserves a fresh identificatie (and has its own referentienummer).
    name: 'genereerZaakIdentificatie_Di02',
    async setup() {
      return () => envelope(m.genereerIdentificatie('Zaak', '1.2'));
    },
    ok: (s, text) => s === 200 && text.includes('genereerZaakIdentificatie_Du02'),
  },
  {
    name: 'voegZaakdocumentToe_EdcLk01 (100 KB)',
    async setup(t) {
      const zaakId = `1234D${uniq}`;
      if (t.stateful) await createZaak(t, zaakId);
      // One template; per request only the identificatie and referentienummer change.
      const template = envelope(m.voegZaakdocumentToe('DOCIDPLACEHOLDER', zaakId, randomBytes(DOC_BYTES), '1.2'));
      return (run, i) => withRef(template.replace('DOCIDPLACEHOLDER', `D${uniq}${run}x${i}`), `D${uniq}${run}x${i}`);
    },
    ok: (s, text) => s === 200 && text.includes('Bv03Bericht'),
  },
];

interface Cell {
  rps: number;
  p50: number;
  p99: number;
}

function summarise(results: LoadResult[]): Cell {
  return { rps: median(results.map((r) => r.rps)), p50: median(results.map((r) => r.p50)), p99: median(results.map((r) => r.p99)) };
}

export async function run(ctx: BenchContext): Promise<Table[]> {
  const targets = selectedTargets(ctx);
  // results[op][concurrency][target]
  const results = new Map<string, Map<number, Map<TargetName, Cell>>>();
  let runNo = 0;
  for (const targetName of targets) {
    ctx.log(`zds: starting ${targetName}`);
    const target = await startTarget(targetName, ctx);
    try {
      for (const op of OPS) {
        const body = await op.setup(target);
        // The baseline answers every valid message with the same fixed reply.
        const ok = target.stateful ? op.ok : (s: number) => s === 200;
        // Warm-up: JIT, statement caches, connection pools.
        const warm = runNo++;
        await runLoad({ url: `${target.server.url}/zds`, concurrency: 8, seconds: ctx.quick ? 0.3 : 1, body: (i) => body(warm, i), ok });
        for (const c of CONCURRENCY) {
          const runs: LoadResult[] = [];
          for (let r = 0; r < ctx.runs; r++) {
            const rn = runNo++;
            runs.push(await runLoad({ url: `${target.server.url}/zds`, concurrency: c, seconds: ctx.seconds, body: (i) => body(rn, i), ok }));
          }
          const cell = summarise(runs);
          ctx.log(`  ${targetName} ${op.name} c=${c}: ${cell.rps.toFixed(0)} req/s p50 ${cell.p50.toFixed(2)} ms p99 ${cell.p99.toFixed(2)} ms`);
          const byConc = results.get(op.name) ?? new Map<number, Map<TargetName, Cell>>();
          results.set(op.name, byConc);
          const byTarget = byConc.get(c) ?? new Map<TargetName, Cell>();
          byConc.set(c, byTarget);
          byTarget.set(targetName, cell);
        }
      }
    } finally {
      await target.stop();
    }
  }

  const columns = ['operation', 'clients'];
  for (const t of targets) columns.push(`${t} req/s`, `${t} p50 ms`, `${t} p99 ms`);
  if (targets.includes('baseline')) for (const t of targets.filter((x) => x !== 'baseline')) columns.push(`${t}/baseline`);
  const rows: Table['rows'] = [];
  for (const op of OPS) {
    for (const c of CONCURRENCY) {
      const cells = results.get(op.name)?.get(c);
      const row: Array<string | number> = [op.name, c];
      for (const t of targets) {
        const cell = cells?.get(t);
        row.push(cell?.rps ?? NaN, cell?.p50 ?? NaN, cell?.p99 ?? NaN);
      }
      const base = cells?.get('baseline');
      if (base) for (const t of targets.filter((x) => x !== 'baseline')) row.push(`${Math.round(((cells?.get(t)?.rps ?? NaN) / base.rps) * 100)} %`);
      rows.push(row);
    }
  }
  return [
    {
      title: 'SOAP operations: Zaakpoort (validation strict) vs baseline (HTTP + XSD validation only)',
      columns,
      rows,
      notes: [
        `Median of ${ctx.runs} run(s) of ${ctx.seconds} s per cell, after a warm-up. Client: in-process node:http with keep-alive ` +
          'agents (one socket per virtual client) in the bench process; each server runs in its own process (`npm start` ' +
          'equivalent, log level warn). Client and server share the machine’s cores.',
        'Baseline validates the whole body element (for voegZaakdocumentToe including the 133 KB base64 <inhoud>, which ' +
          'Zaakpoort streams to the document store and leaves out of the validated skeleton).',
      ],
    },
  ];
}
