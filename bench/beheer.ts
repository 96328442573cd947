/**
 * The message browser with many berichten (2 million; 50,000 with BENCH_QUICK): berichten seeded straight into
 * the bericht tables of a SQLite / PostgreSQL backend, then the list queries the browser runs timed: the first
 * page, each filter, a BSN search, a period, and a page deep in the keyset.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openPostgresBackend } from '../src/backends/postgres/index.js';
import { openSqliteBackend } from '../src/backends/sqlite/index.js';
import { type BerichtFilter, BerichtStore } from '../src/beheer/store.js';
import { defaultConfig } from '../src/config.js';
import type { Backend, SqlStatement } from '../src/ports/index.js';
import { dropSchemas, testSchemaName } from '../test/helpers/postgres.js';
import type { BenchContext } from './lib/context.js';
import { median, type Table } from './lib/table.js';

export const name = 'beheer';

const CHUNK = 5_000;
const OPERATIONS = ['creeerZaak_ZakLk01', 'geefZaakdetails_ZakLv01', 'voegZaakdocumentToe_EdcLk01', 'geefLijstZaakdocumenten_ZakLv01', 'updateZaak_ZakLk01'];
const ZENDERS = ['1234/SHV', '1234/DMS', '1234/KCC', '1234/WMO'];
const T0 = Date.UTC(2026, 0, 1);
const DETAIL = JSON.stringify({ soapVersion: '1.1', soapAction: '', path: '/zds', httpStatus: 200, requestBytes: 2000, responseBytes: 500, truncated: { request: false, response: false }, documents: [], steps: [], identificaties: { zaak: [], document: [], besluit: [] }, bsnsMasked: [] });

/** The BSN hash of person n: opaque to the store, so the bench may use md5, which PostgreSQL computes itself. */
const bsnHashOf = (n: number): string => createHash('md5').update(`bsn${100_000_000 + (n % 100_000)}`).digest('hex');

/** Rows per PostgreSQL seeding statement: each stays well inside the pool's statement timeout on a slow host. */
const PG_BATCH = 250_000;

/** PostgreSQL: the rows are made by the server (generate_series); row by row over the wire would take minutes. */
async function seedPostgres(backend: Backend, total: number): Promise<number> {
  const t0 = performance.now();
  const zenders = `(ARRAY['${ZENDERS.join("','")}'])[i % 4 + 1]`;
  const operations = `(ARRAY['${OPERATIONS.join("','")}'])[i % 5 + 1]`;
  // PG_BATCH is a multiple of 5, so every batch starts on a bericht that has a BSN row.
  for (let start = 0; start < total; start += PG_BATCH) {
    const end = Math.min(total, start + PG_BATCH);
    await backend.sql!.write([
      {
        sql: `INSERT INTO bericht (at, zender, gebruiker, operation, outcome, foutcode, referentienummer, zaak_id, document_id, besluit_id, duration_ms, detail)
              SELECT ?::bigint + i::bigint * 1000, ${zenders}, 'user' || (i % 50), ${operations}, CASE WHEN i % 20 = 0 THEN 'fault' ELSE 'ok' END,
                     CASE WHEN i % 20 = 0 THEN 'StUF064' END, 'REF' || i, '1234' || lpad((i / 4)::text, 11, '0'),
                     CASE WHEN i % 5 = 2 THEN '1234D' || lpad(i::text, 10, '0') END, NULL, i % 300, ?
              FROM generate_series(?::integer, ?::integer - 1) AS i`,
        params: [T0, DETAIL, start, end],
      },
      // A fresh schema numbers the berichten from 1, so bericht i has id i + 1.
      { sql: `INSERT INTO bericht_bsn (bsn_hash, bericht_id) SELECT md5('bsn' || (100000000 + (i % 100000))), i + 1 FROM generate_series(?::integer, ?::integer - 1, 5) AS i`, params: [start, end] },
    ]);
  }
  return (performance.now() - t0) / 1000;
}

async function seed(backend: Backend, total: number, log: (m: string) => void): Promise<number> {
  const sql = backend.sql!;
  const t0 = performance.now();
  for (let start = 0; start < total; start += CHUNK) {
    const statements: SqlStatement[] = [];
    for (let i = start; i < Math.min(total, start + CHUNK); i++) {
      const fault = i % 20 === 0;
      statements.push({
        sql: `INSERT INTO bericht (at, zender, gebruiker, operation, outcome, foutcode, referentienummer, zaak_id, document_id, besluit_id, duration_ms, detail)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        params: [T0 + i * 1000, ZENDERS[i % 4]!, `user${i % 50}`, OPERATIONS[i % 5]!, fault ? 'fault' : 'ok', fault ? 'StUF064' : null, `REF${i}`,
          `1234${String(Math.floor(i / 4)).padStart(11, '0')}`, i % 5 === 2 ? `1234D${String(i).padStart(10, '0')}` : null, null, i % 300, DETAIL],
      });
      if (i % 5 === 0) statements.push({ sql: `INSERT INTO bericht_bsn (bsn_hash, bericht_id) VALUES (?, ${sql.lastInsertId})`, params: [bsnHashOf(i)] });
    }
    await sql.write(statements);
    if ((start / CHUNK) % 40 === 0) log(`    seeded ${Math.min(total, start + CHUNK)} berichten`);
  }
  return (performance.now() - t0) / 1000;
}

export async function run(ctx: BenchContext): Promise<Table> {
  const total = ctx.quick ? 50_000 : 2_000_000;
  const repeats = ctx.quick ? 5 : 25;
  const settings = { idTemplates: defaultConfig().idTemplates, gemeentecode: '1234', timeZone: 'Europe/Amsterdam' };
  const rows: Table['rows'] = [];
  for (const t of ['sqlite', 'postgres'] as const) {
    if (!ctx.wants(t) || (t === 'postgres' && !ctx.databaseUrl)) continue;
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-bench-beheer-'));
    const schema = testSchemaName('bench_beheer');
    const backend = t === 'sqlite'
      ? await openSqliteBackend({ dataDir, ...settings })
      : await openPostgresBackend({ url: ctx.databaseUrl!, schema, content: { kind: 'postgres' }, ...settings });
    try {
      ctx.log(`beheer: seeding ${total} berichten into ${t}`);
      const seedSeconds = t === 'postgres' ? await seedPostgres(backend, total) : await seed(backend, total, ctx.log);
      if (t === 'postgres') await backend.sql!.write([{ sql: 'ANALYZE bericht' }, { sql: 'ANALYZE bericht_bsn' }]);
      const store = new BerichtStore(backend.sql!);
      const deep = Math.floor(total * 0.1);
      const queries: Array<[string, Omit<BerichtFilter, 'limit'>]> = [
        ['first page', {}],
        ['page deep in the list (keyset)', { beforeId: deep }],
        ['zaak identificatie', { zaak: `1234${String(Math.floor(total / 8)).padStart(11, '0')}` }],
        ['document identificatie', { document: `1234D${String(total / 2 + 2).padStart(10, '0')}` }],
        ['BSN (keyed hash)', { bsnHash: bsnHashOf(12_345) }],
        ['zender + operation', { zender: '1234/KCC', operation: 'geefZaakdetails_ZakLv01' }],
        ['outcome fault + foutcode', { outcome: 'fault', foutcode: 'StUF064' }],
        ['period (one hour, mid-way)', { from: T0 + (total / 2) * 1000, to: T0 + (total / 2) * 1000 + 3_600_000 }],
        ['zender + period', { zender: '1234/SHV', from: T0 + (total / 2) * 1000, to: T0 + (total / 2) * 1000 + 3_600_000 }],
      ];
      for (const [label, filter] of queries) {
        const times: number[] = [];
        let found = 0;
        for (let r = 0; r < repeats; r++) {
          const t1 = performance.now();
          found = (await store.list({ ...filter, limit: 51 })).length;
          times.push(performance.now() - t1);
        }
        rows.push([t, total, label, found, median(times), Math.max(...times)]);
        ctx.log(`  ${t} ${label}: ${median(times).toFixed(2)} ms (${found} rows)`);
      }
      rows.push([t, total, `(seeding: ${Math.round(total / seedSeconds).toLocaleString('en-US')} berichten/s)`, '', NaN, NaN]);
    } finally {
      await backend.close();
      await rm(dataDir, { recursive: true, force: true });
      if (t === 'postgres') await dropSchemas(ctx.databaseUrl!, [schema]);
    }
  }
  return {
    title: `Message browser list queries with ${total.toLocaleString('en-US')} berichten`,
    columns: ['backend', 'berichten', 'query (page of 50)', 'rows', 'median ms', 'max ms'],
    rows,
    notes: [
      `Berichten seeded straight into the tables (SQLite through the SqlStore in transactions of ${CHUNK.toLocaleString('en-US')}, ` +
        'PostgreSQL by generate_series in the server; one BSN hash per 5 berichten, 4 zenders, 5 operations, 5% faults). ' +
        `Each query is the browser's list query (BerichtStore.list, limit 51), repeated ${repeats} times.`,
    ],
  };
}
