/**
 * The message browser's store on both SQL backends (SQLite in a temp folder, PostgreSQL when one answers): the
 * migration's tables, batched inserts with BSN hashes, every filter, keyset paging, the read audit, retention
 * and the kept settings.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openPostgresBackend } from '../../src/backends/postgres/index.js';
import { openSqliteBackend } from '../../src/backends/sqlite/index.js';
import { bsnHasher } from '../../src/beheer/bsn-hash.js';
import { type BerichtRecord, BerichtStore } from '../../src/beheer/store.js';
import type { Backend } from '../../src/ports/index.js';
import { dropSchemas, findTestDatabase, testSchemaName } from '../helpers/postgres.js';

const settings = {
  gemeentecode: '0363',
  timeZone: 'Europe/Amsterdam',
  idTemplates: { zaak: '{gemeentecode}{jaar}{volgnummer:7}', document: 'D{volgnummer}', besluit: 'B{volgnummer}' },
};
const hash = bsnHasher(Buffer.alloc(32, 7));

function record(i: number, over: Partial<BerichtRecord> = {}): BerichtRecord {
  return {
    at: 1_760_000_000_000 + i * 1000,
    zender: i % 2 ? '1234/SHV' : '1234/DMS',
    gebruiker: 'jdevries',
    operation: i % 3 ? 'creeerZaak_ZakLk01' : 'geefZaakdetails_ZakLv01',
    outcome: i % 5 ? 'ok' : 'fault',
    ...(i % 5 ? {} : { foutcode: 'StUF064' }),
    referentienummer: `REF${i}`,
    zaakId: `Z${i % 10}`,
    ...(i % 4 === 0 ? { documentId: `D${i}` } : {}),
    durationMs: i,
    bsnHashes: i % 7 === 0 ? [hash('111222333')] : [],
    detail: {
      soapVersion: '1.1', soapAction: '', path: '/zds', httpStatus: 200, requestBytes: 10, responseBytes: 20,
      truncated: { request: false, response: false }, documents: [], steps: [],
      identificaties: { zaak: [`Z${i % 10}`], document: [], besluit: [] }, bsnsMasked: [],
    },
    ...over,
  };
}

function storeContract(name: string, open: () => Promise<{ backend: Backend; cleanup: () => Promise<void> }>): void {
  describe(`beheer store on ${name}`, () => {
    it('inserts in batches, filters on every column, pages by id, audits, prunes', async () => {
      const { backend, cleanup } = await open();
      try {
        const store = new BerichtStore(backend.sql!, (e) => assert.fail(String(e)));
        const ids = await Promise.all(Array.from({ length: 120 }, (_, i) => store.add(record(i + 1), i === 0 ? [{ at: 1, zender: '1234/SHV', operation: 'geefZaakdetails_ZakLv01', kind: 'zaak', identificatie: 'Z1' }] : [])));
        assert.equal(new Set(ids).size, 120);
        assert.ok(ids.every((id) => typeof id === 'number'));

        const page1 = await store.list({ limit: 50 });
        assert.equal(page1.length, 50);
        assert.equal(page1[0]!.referentienummer, 'REF120', 'newest first');
        const page2 = await store.list({ limit: 50, beforeId: page1[49]!.id });
        assert.equal(page2[0]!.id, page1[49]!.id - 1);
        assert.equal((await store.list({ zaak: 'Z3', limit: 500 })).length, 12);
        assert.equal((await store.list({ zender: '1234/SHV', zaak: 'Z3', limit: 500 })).length, 12);
        assert.equal((await store.list({ outcome: 'fault', limit: 500 })).length, 24);
        assert.equal((await store.list({ foutcode: 'StUF064', operation: 'geefZaakdetails_ZakLv01', limit: 500 })).length, 8);
        assert.equal((await store.list({ document: 'D8', limit: 500 })).length, 1);
        assert.equal((await store.list({ bsnHash: hash('111222333'), limit: 500 })).length, 17);
        assert.equal((await store.list({ bsnHash: hash('11222333'.padStart(9, '0')), limit: 500 })).length, 0);
        assert.equal((await store.list({ from: 1_760_000_010_000, to: 1_760_000_019_999, limit: 500 })).length, 10);
        assert.equal((await store.list({ minDurationMs: 100, limit: 500 })).length, 21);

        const one = await store.get(ids[6]!);
        assert.equal(one?.referentienummer, 'REF7');
        assert.equal(one?.detail.soapVersion, '1.1');
        assert.equal(one?.replayOf, null);

        await store.add(record(200, { replayOf: ids[6]! }));
        assert.equal(await store.latestReplayOf(ids[6]!), (await store.list({ limit: 1 }))[0]!.id);

        const audit = await store.listAudit({ identificatie: 'Z1', limit: 10 });
        assert.equal(audit.length, 1);
        assert.equal(audit[0]!.berichtId, ids[0]);
        store.addAudit([{ at: 5, zender: '1234/DMS', gebruiker: 'pjansen', operation: 'geefZaakdocumentLezen_EdcLv01', kind: 'document', identificatie: 'D8' }]);
        await store.flush();
        assert.equal((await store.listAudit({ gebruiker: 'pjansen', limit: 10 }))[0]!.identificatie, 'D8');

        const removed = await store.prune(1_760_000_060_500);
        assert.equal(removed, 60);
        assert.equal((await store.list({ limit: 500 })).length, 61);
        assert.equal((await store.list({ bsnHash: hash('111222333'), limit: 500 })).length, 9);
        assert.equal((await store.listAudit({ limit: 10 })).length, 0, 'audit rows older than the retention go too');

        assert.equal(await store.ensureSetting('k', 'first'), 'first');
        assert.equal(await store.ensureSetting('k', 'second'), 'first', 'kept once, then reused');
      } finally {
        await cleanup();
      }
    });
  });
}

storeContract('SQLite', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zaakpoort-beheer-store-'));
  const backend = await openSqliteBackend({ dataDir, ...settings });
  return { backend, cleanup: async () => { await backend.close(); await rm(dataDir, { recursive: true, force: true }); } };
});

const url = await findTestDatabase();
if (!url) {
  describe('beheer store on PostgreSQL', () => {
    it('skipped: no PostgreSQL reachable (set ZAAKPOORT_TEST_DATABASE_URL; .ci/run starts one)', { skip: true }, () => {});
  });
} else {
  const schema = testSchemaName('beheer');
  after(() => dropSchemas(url, [schema]));
  storeContract('PostgreSQL', async () => {
    const backend = await openPostgresBackend({ url, schema, content: { kind: 'postgres' }, ...settings });
    return { backend, cleanup: () => backend.close() };
  });
}
