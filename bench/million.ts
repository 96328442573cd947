/**
 * geefZaakdetails with a large store (1 million zaken; 20,000 with BENCH_QUICK): the zaken are seeded directly
 * through the backend ports in big transactions (seeding time reported), then the server answers random ones.
 */
import { openPostgresBackend } from '../src/backends/postgres/index.js';
import { openSqliteBackend } from '../src/backends/sqlite/index.js';
import type { Config } from '../src/config.js';
import { defaultConfig } from '../src/config.js';
import type { Backend } from '../src/ports/index.js';
import * as m from '../test/helpers/messages.js';
import { envelope } from '../test/helpers/zaakpoort.js';
import { fullZaak } from '../test/contract/fixtures.js';
import { assertSoapResponseValid } from '../test/helpers/xsd.js';
import type { Zaak } from '../src/domain/model.js';
import type { BenchContext } from './lib/context.js';
import { type LoadResult, runLoad } from './lib/load.js';
import { median, type Table } from './lib/table.js';
import { startTarget, type TargetName } from './lib/targets.js';

export const name = 'million';

const BATCH = 10_000;

const zaakId = (i: number) => `12342024${String(i).padStart(7, '0')}`;

/**
 * The contract suite's full zaak, made to fit the schema as data sent in berichten does: its opschorting has no
 * reden and its correspondence address leaves are not in the schema's order, so geefZaakdetails would answer
 * StUF058 on a backend that checks answers (PostgreSQL), and measure an answer Zaakpoort never gives on SQLite.
 */
function benchZaak(identificatie: string): Zaak {
  const zaak = fullZaak(identificatie);
  zaak.opschorting = { indicatie: 'N', reden: 'Geen opschorting' };
  zaak.rollen = zaak.rollen.map(({ afwijkendCorrespondentieAdres: _dropped, ...rol }) => rol);
  return zaak;
}

async function seed(backend: Backend, total: number, parallel: number, log: (m: string) => void): Promise<number> {
  const t0 = performance.now();
  let nextBatch = 0;
  const batches = Math.ceil(total / BATCH);
  const worker = async () => {
    for (let b = nextBatch++; b < batches; b = nextBatch++) {
      await backend.store.transaction(async (tx) => {
        for (let i = b * BATCH; i < Math.min(total, (b + 1) * BATCH); i++) await tx.insertZaak(benchZaak(zaakId(i)));
      });
      if (b % 20 === 0) log(`    seeded ${(b + 1) * BATCH} zaken`);
    }
  };
  // SQLite has one writer; PostgreSQL takes several transactions at once.
  await Promise.all(Array.from({ length: parallel }, worker));
  return (performance.now() - t0) / 1000;
}

function backendSettings(): Pick<Config, 'idTemplates' | 'gemeentecode' | 'timeZone'> {
  const d = defaultConfig();
  return { idTemplates: d.idTemplates, gemeentecode: '1234', timeZone: d.timeZone };
}

export async function run(ctx: BenchContext): Promise<Table[]> {
  const total = ctx.quick ? 20_000 : 1_000_000;
  const targets = (['sqlite', 'postgres'] as TargetName[]).filter((t) => ctx.wants(t) && (t !== 'postgres' || ctx.databaseUrl));
  const rows: Table['rows'] = [];
  for (const t of targets) {
    let seedSeconds = 0;
    ctx.log(`million: seeding ${total} zaken into ${t}`);
    const target = await startTarget(t, ctx, async ({ dataDir, schema }) => {
      const backend =
        t === 'sqlite'
          ? await openSqliteBackend({ dataDir, ...backendSettings() })
          : await openPostgresBackend({ url: ctx.databaseUrl!, schema, content: { kind: 'postgres' }, pool: { max: 4 }, ...backendSettings() });
      try {
        seedSeconds = await seed(backend, total, t === 'sqlite' ? 1 : 4, ctx.log);
      } finally {
        await backend.close();
      }
    });
    try {
      const bodies = Array.from({ length: 1000 }, (_, i) => envelope(m.geefZaakdetails(zaakId(Math.floor((i * 7919 * 104729) % total)), '1.2')));
      const body = (i: number) => bodies[i % bodies.length]!;
      const ok = (s: number, text: string) => s === 200 && text.includes('ZakLa01');
      // The answers measured are the ones Zaakpoort gives: whole, and valid against the official schemas.
      const first = await fetch(`${target.server.url}/zds`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: body(0) });
      const firstText = await first.text();
      if (!ok(first.status, firstText)) throw new Error(`million: geefZaakdetails on ${t} answered ${first.status}: ${firstText.slice(0, 2000)}`);
      await assertSoapResponseValid(firstText);
      await runLoad({ url: `${target.server.url}/zds`, concurrency: 8, seconds: ctx.quick ? 0.3 : 1, body, ok });
      for (const c of [1, 8]) {
        const runs: LoadResult[] = [];
        for (let r = 0; r < ctx.runs; r++) runs.push(await runLoad({ url: `${target.server.url}/zds`, concurrency: c, seconds: ctx.seconds, body, ok }));
        const row = [t, total, seedSeconds, Math.round(total / seedSeconds), c, median(runs.map((x) => x.rps)), median(runs.map((x) => x.p50)), median(runs.map((x) => x.p99))];
        ctx.log(`  ${row.join(' | ')}`);
        rows.push(row);
      }
    } finally {
      await target.stop();
    }
  }
  return [
    {
      title: `geefZaakdetails_ZakLv01 with ${total.toLocaleString('en-US')} zaken in the store`,
      columns: ['backend', 'zaken', 'seeding s', 'zaken/s seeded', 'clients', 'req/s', 'p50 ms', 'p99 ms'],
      rows,
      notes: [
        `Seeded through the ports (ZaakStore.transaction + insertZaak, ${BATCH.toLocaleString('en-US')} zaken per transaction; ` +
          'PostgreSQL with 4 transactions in parallel), full zaak aggregates (rollen, statussen, kenmerken). Reads pick 1,000 ' +
          `ids spread over the whole range. Median of ${ctx.runs} run(s) of ${ctx.seconds} s.`,
      ],
    },
  ];
}
