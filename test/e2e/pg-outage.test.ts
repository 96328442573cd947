/**
 * A PostgreSQL outage on every path that meets it (pool connect, query, transaction, identificatie generator,
 * document content streaming in): StUF058 "De database (PostgreSQL) is niet bereikbaar", never "Interne fout",
 * never an address or driver text. Two ways: the database's port stops listening, and the server terminates the
 * connections (pg_terminate_backend) while requests wait on them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Config } from '../../src/config.js';
import * as m from '../helpers/messages.js';
import { CuttableProxy, dropSchemas, findTestDatabase, testSchemaName, withPort } from '../helpers/postgres.js';
import { assertSoapResponseValid, schemas } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

const url = await findTestDatabase();
const UNAVAILABLE = 'De database (PostgreSQL) is niet bereikbaar';

async function expectUnavailable(res: { status: number; text: string }): Promise<void> {
  await assertSoapResponseValid(res.text);
  assert.equal(res.status, 500, res.text);
  assert.equal(m.extract(res.text, 'code'), 'StUF058', res.text);
  // The foutcode table's omschrijving, then what failed in details.
  assert.ok([m.extract(res.text, 'omschrijving'), m.extract(res.text, 'details')].some((t) => t?.includes(UNAVAILABLE)), res.text);
  assert.doesNotMatch(res.text, /ECONNREFUSED|127\.0\.0\.1|terminating connection|Connection terminated|57P01/);
}

const pgConfig = (schema: string, u: string): Partial<Config> => ({ backend: { kind: 'postgres', url: u, schema, poolMax: 6 } });

describe('PostgreSQL outage answers "niet bereikbaar"', { skip: url ? false : 'no PostgreSQL reachable (set ZAAKPOORT_TEST_DATABASE_URL)' }, () => {
  const schemaDown = testSchemaName('outage_port');
  const schemaKill = testSchemaName('outage_kill');
  after(async () => dropSchemas(url!, [schemaDown, schemaKill]));

  it('nothing listens on the database port: every path says so', async () => {
    const target = new URL(url!);
    const proxy = new CuttableProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.start();
    const srv = await startServer(pgConfig(schemaDown, withPort(url!, proxy.port)), { schemas: await schemas() });
    try {
      const zaakId = m.extract((await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')))).text, 'identificatie')!;
      assert.equal((await srv.post(envelope(m.creeerZaak({ identificatie: zaakId }, '1.2')))).status, 200);
      await proxy.cut();
      await expectUnavailable(await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')))); // id generator
      await expectUnavailable(await srv.post(envelope(m.geefZaakdetails(zaakId, '1.2')))); // pool query
      await expectUnavailable(await srv.post(envelope(m.creeerZaak({ identificatie: `${zaakId}9` }, '1.2')))); // transaction
      // Document content in the database: the temp object cannot even be created while the body streams in.
      await expectUnavailable(await srv.post(envelope(m.voegZaakdocumentToe(`1234D${Date.now()}`, zaakId, Buffer.alloc(200_000, 3), '1.2'))));
      assert.equal((await fetch(`${srv.url}/health`)).status, 503);
    } finally {
      await srv.close();
    }
  });

  describe('connections terminated while requests wait on them', () => {
    let srv: TestServer;
    let admin: pg.Client;
    const appName = `zaakpoort/${schemaKill}`.slice(0, 63);
    before(async () => {
      // Blocks of one: every genereer takes a block, so it waits on the counter row when that is locked.
      srv = await startServer({ ...pgConfig(schemaKill, url!), idBlockSize: 1 }, { schemas: await schemas() });
      admin = new pg.Client({ connectionString: url, application_name: 'zaakpoort-test-admin' });
      await admin.connect();
    });
    after(async () => {
      await admin?.end();
      await srv?.close();
    });

    /** Hold a row lock from the admin connection, start the request, wait until it waits on the lock, kill. */
    async function killWhileWaiting(lockSql: string, params: unknown[], send: () => Promise<{ status: number; text: string }>) {
      await admin.query('BEGIN');
      await admin.query(lockSql, params);
      const answer = send();
      try {
        for (let i = 0; i < 200; i++) {
          const { rows } = await admin.query<{ n: string }>(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
            [appName],
          );
          if (Number(rows[0]!.n) > 0) break;
          await new Promise((r) => setTimeout(r, 25));
        }
        const { rows } = await admin.query<{ n: string }>(
          'SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1',
          [appName],
        );
        assert.ok(Number(rows[0]!.n) > 0, 'connections were terminated');
      } finally {
        await admin.query('ROLLBACK');
      }
      return answer;
    }

    it('a transaction (updateZaak waiting on the zaak row) and the identificatie generator (waiting on its counter)', async () => {
      const zaakId = m.extract((await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')))).text, 'identificatie')!;
      assert.equal((await srv.post(envelope(m.creeerZaak({ identificatie: zaakId }, '1.2')))).status, 200);

      await expectUnavailable(await killWhileWaiting(`SELECT 1 FROM ${schemaKill}.zaak WHERE identificatie = $1 FOR UPDATE`, [zaakId], () =>
        srv.post(envelope(m.updateZaak(zaakId, '<ZKN:omschrijving>oud</ZKN:omschrijving>', '<ZKN:omschrijving>nieuw</ZKN:omschrijving>'))),
      ));
      await recovered();
      await expectUnavailable(await killWhileWaiting(`SELECT 1 FROM ${schemaKill}.id_sequence WHERE kind = 'zaak' FOR UPDATE`, [], () =>
        srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2'))),
      ));
      await recovered();
    });

    /** The pool replaces the terminated connections by itself: within a few requests all is well again. */
    async function recovered(): Promise<void> {
      let last = { status: 0, text: '' };
      for (let i = 0; i < 10 && last.status !== 200; i++) last = await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')));
      assert.equal(last.status, 200, last.text);
      // Every connection the pool holds now is a live one, so the next kill meets a request that waits.
      const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [appName]);
      assert.ok(Number(rows[0]!.n) > 0);
    }
  });
});
