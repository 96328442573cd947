/**
 * The migration state (outbox, zaak index, mode overrides, shadow findings) behaves the same in SQLite and in
 * PostgreSQL: the outbox is durable across a reopen, kept in order, and a bericht is queued once.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { type Config, defaultConfig } from '../../src/config.js';
import { MigrationStore } from '../../src/migration/store.js';
import { dropSchemas, findTestDatabase, testSchemaName } from '../helpers/postgres.js';

const url = await findTestDatabase();
const schemasMade: string[] = [];
const dirs: string[] = [];
after(async () => {
  if (url && schemasMade.length) await dropSchemas(url, schemasMade);
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function sqliteConfig(): Promise<Config> {
  const dir = await mkdtemp(path.join(tmpdir(), 'zaakpoort-migration-'));
  dirs.push(dir);
  return { ...defaultConfig(), dataDir: dir };
}

async function postgresConfig(): Promise<Config> {
  const schema = testSchemaName('migration');
  schemasMade.push(schema);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await c.end();
  return { ...defaultConfig(), backend: { kind: 'postgres', url: url!, schema } };
}

const t0 = new Date('2026-11-24T10:00:00Z');

function suite(name: string, config: () => Promise<Config>): void {
  describe(`migration store: ${name}`, () => {
    it('keeps the outbox in order, durable across a reopen, one entry per (zender, referentienummer)', async () => {
      const cfg = await config();
      let store = await MigrationStore.open(cfg);
      try {
        const base = { kind: 'bericht' as const, operation: 'updateZaak_ZakLk01', payload: '<x/>', soapAction: '' };
        const a = await store.enqueue({ ...base, zaakIdentificatie: 'Z1', zenderKey: 'k', referentienummer: 'r1' }, t0);
        const again = await store.enqueue({ ...base, zaakIdentificatie: 'Z1', zenderKey: 'k', referentienummer: 'r1' }, t0);
        const b = await store.enqueue({ ...base, kind: 'kopie', operation: 'kopie', zaakIdentificatie: 'Z2', lastError: 'nieuwe kant weg' }, t0);
        const c = await store.enqueue({ ...base, zaakIdentificatie: 'Z2' }, t0);
        assert.ok(a !== undefined && b !== undefined && c !== undefined);
        assert.equal(again, undefined, 'a resend is not queued twice');
        await store.close();
        store = await MigrationStore.open(cfg);
        assert.deepEqual((await store.list()).map((e) => [e.id, e.operation, e.zaakIdentificatie]), [[a, 'updateZaak_ZakLk01', 'Z1'], [b, 'kopie', 'Z2'], [c, 'updateZaak_ZakLk01', 'Z2']]);
        assert.equal(await store.pendingFor('Z2'), 2);
        assert.equal((await store.head())?.payload, '<x/>');
        await store.failed(a!, 'StUF058 weg', new Date(t0.getTime() + 1000));
        const status = await store.status();
        assert.equal(status.pending, 3);
        assert.deepEqual({ ...status.failing }, { id: a, operation: 'updateZaak_ZakLk01', zaakIdentificatie: 'Z1', attempts: 1, lastError: 'StUF058 weg', nextAttemptAt: '2026-11-24T10:00:01.000Z' });
        await store.done(a!);
        assert.equal((await store.head())?.id, b);
        assert.equal((await store.status()).failing?.attempts, 1, 'the kopie queued with its first failure');
        assert.equal(await store.discard(b!), true);
        assert.equal(await store.discard(b!), false);
        await store.done(c!);
        assert.equal(await store.hasPending(), false);
        assert.deepEqual(await store.status(), { pending: 0 });
      } finally {
        await store.close();
      }
    });

    it('keeps the zaak index, the mode overrides and the shadow findings', async () => {
      const store = await MigrationStore.open(await config());
      try {
        await store.rememberZaaktype('Z1', 'A');
        await store.rememberZaaktype('Z1', 'B');
        assert.equal(await store.zaaktypeOf('Z1'), 'B');
        assert.equal(await store.zaaktypeOf('Z2'), undefined);
        await store.setOverride({ zaaktype: 'A', mode: 'translate', at: t0.toISOString(), reason: 'cut-over' });
        assert.deepEqual(await store.overrides(), [{ zaaktype: 'A', mode: 'translate', at: t0.toISOString(), reason: 'cut-over' }]);
        await store.recordShadow({ at: '2026-11-24T10:00:00.000Z', operation: 'geefZaakdetails_ZakLv01', zaakIdentificatie: 'Z1', zaaktype: 'A', differences: [{ path: '/x', legacy: '1', nieuw: '2' }] });
        await store.recordShadow({ at: '2026-11-25T10:00:00.000Z', operation: 'geefZaakstatus_ZakLv01', zaaktype: 'B', differences: [{ path: '/y', legacy: '1' }] });
        assert.deepEqual((await store.shadowRecords()).map((r) => r.operation), ['geefZaakstatus_ZakLv01', 'geefZaakdetails_ZakLv01']);
        assert.deepEqual((await store.shadowRecords({ zaaktype: 'A' }))[0]?.differences, [{ path: '/x', legacy: '1', nieuw: '2' }]);
        assert.equal((await store.shadowRecords({ since: '2026-11-25T00:00:00Z' })).length, 1);
        assert.equal((await store.shadowRecords({ limit: 1 })).length, 1);
      } finally {
        await store.close();
      }
    });
  });
}

suite('sqlite', sqliteConfig);
if (url) suite('postgres', postgresConfig);
else describe('migration store: postgres', () => it('skipped: no PostgreSQL reachable (set ZAAKPOORT_TEST_DATABASE_URL)', { skip: true }, () => {}));
