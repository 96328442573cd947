/**
 * Replicate mode with PostgreSQL as Zaakpoort's store: two instances on one schema share the outbox, the zaak
 * index and the cut-over overrides. The legacy zaaksysteem is a real Zaakpoort on SQLite, over HTTP; the outage
 * of the new side is a test double (a store wrapper that throws while down) on one instance.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import * as m from '../helpers/messages.js';
import { outage } from '../helpers/outage.js';
import { dropSchemas, findTestDatabase, testSchemaName } from '../helpers/postgres.js';
import { assertSoapResponseValid, schemas } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

const url = await findTestDatabase();

describe('migration on PostgreSQL: two instances share the outbox', { skip: url ? false : 'no PostgreSQL reachable (set ZAAKPOORT_TEST_DATABASE_URL)' }, () => {
  const schema = testSchemaName('migration_e2e');
  let legacy: TestServer;
  let a: TestServer;
  let b: TestServer;
  const newSide = outage();

  before(async () => {
    const registry = await schemas();
    legacy = await startServer({}, { schemas: registry });
    const cfg = (): Partial<Config> => ({
      backend: { kind: 'postgres', url: url!, schema, poolMax: 5 },
      migration: { legacy: { url: `${legacy.url}/zds` }, zaaktypen: { SHV01: 'replicate' }, outbox: { retryBaseMs: 20, retryMaxMs: 50 } },
    });
    a = await startServer(cfg(), { schemas: registry, wrapBackend: newSide.wrap });
    b = await startServer(cfg(), { schemas: registry });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await legacy?.close();
    if (url) await dropSchemas(url, [schema]);
  });

  async function post(srv: TestServer, body: string) {
    const res = await srv.post(envelope(body));
    await assertSoapResponseValid(res.text);
    assert.equal(res.status, 200, res.text);
    return res;
  }

  it('queues on one instance while its new side is down; the other instance sees the queue and works it', async () => {
    await post(legacy, m.creeerZaak({ identificatie: '1234PGM01', zaaktype: 'SHV01' }, '1.2'));
    // The background workers would pick the queue up at once; here the test says when.
    await a.zp.migration!.outbox.stop();
    await b.zp.migration!.outbox.stop();
    newSide.down = true;
    try {
      await post(a, m.updateZaak('1234PGM01', '<ZKN:omschrijving>Aanvraag schuldhulpverlening</ZKN:omschrijving>', '<ZKN:omschrijving>Via instantie a</ZKN:omschrijving>'));
      await post(a, m.voegZaakdocumentToe('1234D-PGM1', '1234PGM01', Buffer.from('document op PostgreSQL'), '1.2'));
      const status = await b.zp.migration!.status();
      assert.equal(status.outbox.pending, 3, JSON.stringify(status.outbox)); // kopie, updateZaak, voegZaakdocumentToe
    } finally {
      newSide.down = false;
    }
    // Instance b works the shared queue (PostgreSQL advisory lock: one instance at a time).
    assert.equal(await b.zp.migration!.outbox.runOnce(), 'empty');
    assert.equal((await b.zp.migration!.status()).outbox.pending, 0);
    const zaak = await b.zp.backend.store.getZaak('1234PGM01');
    assert.equal(zaak?.omschrijving, 'Via instantie a');
    assert.equal((await b.zp.backend.store.listZaakDocumenten('1234PGM01')).map((d) => d.document.meta.identificatie).join(), '1234D-PGM1');
    const lezen = await b.zp.migration!.answerFromNewSide(m.geefZaakdocumentLezen('1234D-PGM1', '1.2'));
    await assertSoapResponseValid(envelope(lezen.xml));
    assert.match(lezen.xml, new RegExp(Buffer.from('document op PostgreSQL').toString('base64')));
  });

  it('a cut-over on one instance is an override every instance follows', async () => {
    const done = await a.zp.migration!.cutOver('SHV01');
    assert.equal(done.done, true, JSON.stringify(done));
    await b.zp.migration!.router.refreshOverrides(); // what b does by itself within 5 seconds
    await post(b, m.updateZaak('1234PGM01', '<ZKN:omschrijving>Via instantie a</ZKN:omschrijving>', '<ZKN:omschrijving>Na cut-over</ZKN:omschrijving>'));
    assert.equal((await a.zp.backend.store.getZaak('1234PGM01'))?.omschrijving, 'Na cut-over');
    assert.equal((await legacy.zp.backend.store.getZaak('1234PGM01'))?.omschrijving, 'Via instantie a');
  });
});
