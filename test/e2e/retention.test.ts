/**
 * Message-log retention (messageRetentionDays) with a clock the test moves: within the period a resend gets
 * the original answer; once the entry is older, the background housekeeping prunes it and the same message is
 * processed as a new one. On SQLite and on a real PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import { systeemKey } from '../../src/stuf/stuurgegevens.js';
import * as m from '../helpers/messages.js';
import { dropSchemas, findTestDatabase, testSchemaName } from '../helpers/postgres.js';
import { assertSoapResponseValid, schemas } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

const url = await findTestDatabase();
const DAY = 24 * 60 * 60 * 1000;

/** The helpers' zender (organisatie 1234, applicatie SHV, gebruiker jdevries). */
const ZENDER_KEY = systeemKey({ organisatie: '1234', applicatie: 'SHV', gebruiker: 'jdevries' });

function retention(name: string, backend: () => Partial<Config>, skip: string | false, cleanup: () => Promise<void> = async () => undefined): void {
  describe(`message-log retention (${name})`, { skip }, () => {
    let srv: TestServer;
    let offset = 0;
    const clock = { now: () => new Date(Date.now() + offset) };
    before(async () => {
      srv = await startServer({ ...backend(), messageRetentionDays: 30, housekeepingIntervalMs: 50 }, { schemas: await schemas(), clock });
    });
    after(async () => {
      await srv?.close();
      await cleanup();
    });

    it('replays a resend within the period; prunes it in the background after it; a later resend is new', async () => {
      const zaakId = m.extract((await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')))).text, 'identificatie')!;
      const ref = `RET${Date.now()}`;
      const message = envelope(m.creeerZaak({ identificatie: zaakId }, '1.2', ref));
      const first = await srv.post(message);
      await assertSoapResponseValid(first.text);
      assert.equal(first.status, 200, first.text);
      assert.ok(await srv.zp.backend.store.getLoggedMessage(ZENDER_KEY, ref), 'logged');

      offset = 29 * DAY;
      await srv.zp.housekeeping.runOnce();
      assert.ok(await srv.zp.backend.store.getLoggedMessage(ZENDER_KEY, ref), 'kept within the retention period');
      const resend = await srv.post(message);
      assert.equal(resend.status, 200, resend.text);
      assert.equal(resend.text, first.text, 'the original answer');

      offset = 31 * DAY;
      // The background run (every 50 ms here) prunes it; wait for that, bounded.
      for (let i = 0; i < 400 && (await srv.zp.backend.store.getLoggedMessage(ZENDER_KEY, ref)); i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(await srv.zp.backend.store.getLoggedMessage(ZENDER_KEY, ref), undefined, 'pruned');
      // Processed as new: the zaak already exists now, so creeerZaak says so instead of replaying the Bv03.
      const late = await srv.post(message);
      await assertSoapResponseValid(late.text);
      assert.notEqual(late.text, first.text);
      assert.equal(m.extract(late.text, 'code'), 'StUF058', late.text);
      assert.match(late.text, /niet uniek/);
    });

    it('prunes many entries in batches', async () => {
      offset = 0;
      const at = new Date(Date.now() - 40 * DAY).toISOString();
      await srv.zp.backend.store.transaction(async (tx) => {
        for (let i = 0; i < 1_200; i++) await tx.logMessage({ zenderKey: 'bulk|X||', referentienummer: `b${i}`, requestHash: 'h', responseXml: '<x/>', at });
      });
      await srv.zp.housekeeping.runOnce();
      // More than two batches of PRUNE_BATCH: the background run (or this one) went on until all were gone.
      for (const i of [0, 599, 1_199]) assert.equal(await srv.zp.backend.store.getLoggedMessage('bulk|X||', `b${i}`), undefined);
    });
  });
}

retention('sqlite', () => ({}), false);
const schema = testSchemaName('retention');
retention(
  'postgres',
  () => ({ backend: { kind: 'postgres', url: url!, schema } }),
  url ? false : 'no PostgreSQL reachable (set ZAAKPOORT_TEST_DATABASE_URL)',
  async () => {
    if (url) await dropSchemas(url, [schema]);
  },
);
