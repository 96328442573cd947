/**
 * The answer check of vragen (src/zds/answer-guard.ts) is needed only when the store may hold values the schema
 * refuses. The SQLite store marks itself (table store_mark) when a bericht without a valid verdict writes to it
 * (validation "warn"/"off"), when the catalogue can fill in values the schema refuses, when a migration copies
 * legacy zaken in, and when a database from before the mark already held data. Without the mark the check is
 * skipped; with it every answer is checked again, also when another process set it.
 *
 * PostgreSQL keeps the same mark in the shared schema and reads it in the statement that reads geefZaakdetails'
 * data (one snapshot); its other vragen keep the check (a separate read of the mark costs what it saves).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SQLITE_FILE } from '../../src/backends/sqlite/index.js';
import type { Config } from '../../src/config.js';
import { SchemaRegistry } from '../../src/schema/index.js';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { dropSchemas, findTestDatabase, testSchemaName } from '../helpers/postgres.js';
import { REPO_ROOT, envelope, startServer } from '../helpers/zaakpoort.js';

const url = await findTestDatabase();

let n = 0;
const newId = () => `1234M${String(Date.now() % 1e6).padStart(6, '0')}${++n}`;

function marks(dataDir: string): Array<{ name: string; reason: string }> {
  const db = new Database(path.join(dataDir, SQLITE_FILE), { readonly: true });
  try {
    return db.prepare('SELECT name, reason FROM store_mark').all() as Array<{ name: string; reason: string }>;
  } finally {
    db.close();
  }
}

/** The compiled schemas, calling `onCheck` at every answer check. */
async function countingSchemas(onCheck: () => void): Promise<SchemaRegistry> {
  const schemas = await SchemaRegistry.load(process.env.ZAAKPOORT_SCHEMA_DIR ?? path.join(REPO_ROOT, 'xsd'));
  // Requests read in one parse are validated with validateElement; validate() is the answer check here.
  const validate = schemas.validate.bind(schemas);
  schemas.validate = (...a) => {
    onCheck();
    return validate(...a);
  };
  return schemas;
}

describe('stored-data mark: when answers are checked against the schema', () => {
  let schemas: SchemaRegistry;
  let answerChecks = 0;
  before(async () => {
    schemas = await countingSchemas(() => answerChecks++);
  });
  after(() => schemas.dispose());

  it('a store written only by valid berichten answers without the check; a mark set by another process brings it back', async () => {
    const srv = await startServer({}, { schemas });
    try {
      const id = newId();
      assert.equal((await srv.post(envelope(m.creeerZaak({ identificatie: id }, '1.2')))).status, 200);
      assert.deepEqual(marks(srv.dataDir), []);
      answerChecks = 0;
      const plain = await srv.post(envelope(m.geefZaakdetails(id, '1.2')));
      assert.equal(plain.status, 200, plain.text);
      await assertSoapResponseValid(plain.text);
      assert.equal(answerChecks, 0, 'no answer check on an unmarked store');

      // Another process (a second server on the same file, a CLI tool) sets the mark.
      const db = new Database(path.join(srv.dataDir, SQLITE_FILE));
      db.prepare("INSERT INTO store_mark (name, set_at, reason) VALUES ('unvalidated-data', '2026-12-02T00:00:00Z', 'test')").run();
      db.close();
      answerChecks = 0;
      const checked = await srv.post(envelope(m.geefZaakdetails(id, '1.2')));
      assert.equal(checked.status, 200, checked.text);
      assert.equal(answerChecks, 1, 'the answer is checked once the mark is there');
      assert.equal(checked.text.replace(/<StUF:(referentienummer|tijdstipBericht|crossRefnummer)>[^<]*</g, ''), plain.text.replace(/<StUF:(referentienummer|tijdstipBericht|crossRefnummer)>[^<]*</g, ''));
    } finally {
      await srv.close();
    }
  });

  it('a bericht processed under validation "warn" with schema errors marks the store, and the mark outlives a restart in strict mode', async () => {
    const warn = await startServer({ validation: 'warn' }, { schemas });
    const id = newId();
    try {
      const invalid = m.creeerZaak({ identificatie: id }, '1.2').replace('<BG:geslachtsaanduiding>M</BG:geslachtsaanduiding>', '<BG:geslachtsaanduiding>X</BG:geslachtsaanduiding>');
      assert.equal((await warn.post(envelope(invalid))).status, 200);
      assert.deepEqual(marks(warn.dataDir).map((r) => r.name), ['unvalidated-data']);
      assert.match(marks(warn.dataDir)[0]!.reason, /creeerZaak_ZakLk01 met validation "warn"/);
    } finally {
      await warn.zp.close();
    }
    const strict = await startServer({ dataDir: warn.dataDir }, { schemas });
    try {
      answerChecks = 0;
      const res = await strict.post(envelope(m.geefZaakdetails(id, '1.2')));
      await assertSoapResponseValid(res.text);
      assert.equal(answerChecks >= 1, true, 'checked');
      assert.match(res.text, /<ZKN:melding>BG:geslachtsaanduiding weggelaten/);
    } finally {
      await strict.close();
      await rm(warn.dataDir, { recursive: true, force: true });
    }
  });

  it('a valid bericht under "warn" leaves the store unmarked', async () => {
    const srv = await startServer({ validation: 'warn' }, { schemas });
    try {
      assert.equal((await srv.post(envelope(m.creeerZaak({ identificatie: newId() }, '1.2')))).status, 200);
      assert.deepEqual(marks(srv.dataDir), []);
    } finally {
      await srv.close();
    }
  });

  it('a catalogue that can fill in an omschrijving longer than the schema allows marks the store at the first write', async () => {
    const catalogue = { mode: 'permissive' as const, zaaktypen: [{ code: 'SHV01', omschrijving: 'o'.repeat(81) }] };
    const srv = await startServer({ catalogue }, { schemas });
    try {
      const zaak = m.creeerZaak({ identificatie: newId() }, '1.2').replace(/<ZKN:omschrijving>Schuldhulpverlening<\/ZKN:omschrijving>/, '');
      const res = await srv.post(envelope(zaak));
      assert.equal(res.status, 200, res.text);
      assert.match(marks(srv.dataDir)[0]?.reason ?? '', /catalogus/);
    } finally {
      await srv.close();
    }
  });

  it('a database that held data before the mark existed is marked by its migration; an empty one is not', async () => {
    for (const withData of [true, false]) {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-mark-'));
      const first = await startServer({ dataDir }, { schemas });
      if (withData) assert.equal((await first.post(envelope(m.creeerZaak({ identificatie: newId() }, '1.2')))).status, 200);
      await first.zp.close();
      // Back to schema version 7, as an older Zaakpoort left it.
      const db = new Database(path.join(dataDir, SQLITE_FILE));
      db.exec('DROP TABLE store_mark; DELETE FROM schema_version WHERE version >= 8;');
      db.close();
      const again = await startServer({ dataDir }, { schemas });
      await again.zp.close();
      assert.deepEqual(marks(dataDir).map((r) => r.reason), withData ? ['gegevens van voor schemaversie 8'] : [], `with data: ${withData}`);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('stored-data mark on PostgreSQL', { skip: url ? false : 'no PostgreSQL reachable (set ZAAKPOORT_TEST_DATABASE_URL)' }, () => {
  const schema = testSchemaName('mark');
  const pgConfig = (extra: Partial<Config> = {}): Partial<Config> => ({ backend: { kind: 'postgres', url: url!, schema, poolMax: 4 }, ...extra });
  let schemas: SchemaRegistry;
  let answerChecks = 0;
  const pgMarks = async (): Promise<string[]> => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      return (await admin.query<{ reason: string }>(`SELECT reason FROM ${schema}.store_mark`)).rows.map((r) => r.reason);
    } finally {
      await admin.end();
    }
  };
  before(async () => {
    schemas = await countingSchemas(() => answerChecks++);
  });
  after(async () => {
    schemas.dispose();
    await dropSchemas(url!, [schema]);
  });

  it('geefZaakdetails skips the check on an unmarked schema and checks once any instance marked it; geefZaakstatus is always checked', async () => {
    const srv = await startServer(pgConfig(), { schemas });
    const warn = await startServer(pgConfig({ validation: 'warn' }), { schemas });
    try {
      const id = newId();
      assert.equal((await srv.post(envelope(m.creeerZaak({ identificatie: id }, '1.2')))).status, 200);
      assert.deepEqual(await pgMarks(), []);
      answerChecks = 0;
      const plain = await srv.post(envelope(m.geefZaakdetails(id, '1.2')));
      assert.equal(plain.status, 200, plain.text);
      await assertSoapResponseValid(plain.text);
      assert.equal(answerChecks, 0, 'no answer check on an unmarked schema');
      const status = await srv.post(envelope(m.geefZaakstatus(id, '1.2')));
      assert.equal(status.status, 200, status.text);
      assert.equal(answerChecks, 1, 'geefZaakstatus does not read the mark, so it is checked');

      // The second instance, under validation "warn", stores a value the schema refuses.
      const bad = newId();
      const invalid = m.creeerZaak({ identificatie: bad }, '1.2').replace('<BG:geslachtsaanduiding>M</BG:geslachtsaanduiding>', '<BG:geslachtsaanduiding>X</BG:geslachtsaanduiding>');
      assert.equal((await warn.post(envelope(invalid))).status, 200);
      assert.equal((await pgMarks()).length, 1);
      assert.match((await pgMarks())[0]!, /creeerZaak_ZakLk01 met validation "warn"/);

      answerChecks = 0;
      const checked = await srv.post(envelope(m.geefZaakdetails(bad, '1.2')));
      assert.equal(checked.status, 200, checked.text);
      await assertSoapResponseValid(checked.text);
      // The check repairs the answer (drops the refused element), which takes several validations.
      assert.ok(answerChecks >= 1, 'the first instance checks once the second one marked the schema');
      assert.match(checked.text, /<ZKN:melding>BG:geslachtsaanduiding weggelaten/);
    } finally {
      await srv.close();
      await warn.close();
    }
  });
});
