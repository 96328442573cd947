/**
 * The ZGW backend with Zaakpoort's own state in PostgreSQL (as with ZAAKPOORT_DATABASE_URL), through the
 * composition root: a creeerZaak bericht reaches the ZGW TEST DOUBLE (not Open Zaak), its message-log entry and the
 * sidecar land in PostgreSQL, and a resend is answered from there. Skipped when no PostgreSQL answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ZgwBackendConfig } from '../../src/config.js';
import pg from 'pg';
import { dropSchemas, findTestDatabase, testSchemaName } from '../helpers/postgres.js';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';
import { type ZgwDouble, startZgwDouble } from '../zgw-double/index.js';
import { RSIN, settingsFor } from './helpers.js';

const url = await findTestDatabase();

describe('zgw backend with its local state in PostgreSQL', () => {
  if (!url) {
    it('skipped: no PostgreSQL reachable (set ZAAKPOORT_TEST_DATABASE_URL)', { skip: true }, () => {});
    return;
  }
  const schema = testSchemaName('zgwlocal');
  let double: ZgwDouble;
  let srv: TestServer;
  before(async () => {
    double = await startZgwDouble();
    await double.seed({ catalogus: { domein: 'ZAAK', rsin: RSIN }, zaaktypen: [{ identificatie: 'SHV01', statustypen: ['Intake', 'Afgehandeld'], roltypen: ['initiator', 'behandelaar'], resultaattypen: ['Toegekend'] }] });
    const backend: ZgwBackendConfig = { kind: 'zgw', ...settingsFor(double), local: { kind: 'postgres', url, schema } };
    srv = await startServer({ backend });
  });
  after(async () => {
    await srv?.close();
    await double?.close();
    await dropSchemas(url, [schema]);
  });

  it('keeps the message log and the sidecar in PostgreSQL; a resend changes nothing in ZGW', async () => {
    const id = `1234${String(Date.now() % 1e9).padStart(9, '0')}`;
    const res = await srv.post(envelope(m.creeerZaak({ identificatie: id }, '1.2', `ref-${id}`)));
    await assertSoapResponseValid(res.text);
    assert.match(res.text, /Bv03Bericht/, res.text);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const log = await client.query(`SELECT count(*)::int AS n FROM ${schema}.message_log WHERE referentienummer = $1`, [`ref-${id}`]);
      assert.equal(log.rows[0].n, 1);
      const side = await client.query(`SELECT count(*)::int AS n FROM ${schema}.sidecar`);
      assert.ok(side.rows[0].n >= 2, 'the two rollen are kept beside ZGW');
    } finally {
      await client.end();
    }
    const writes = double.requests.length;
    const again = await srv.post(envelope(m.creeerZaak({ identificatie: id }, '1.2', `ref-${id}`)));
    assert.match(again.text, /Bv03Bericht/);
    assert.equal(double.requests.slice(writes).filter((r) => r.method !== 'GET').length, 0);
    const d = await srv.post(envelope(m.geefZaakdetails(id, '1.2')));
    await assertSoapResponseValid(d.text);
    assert.equal(m.extract(d.text, 'identificatie'), id);
    assert.deepEqual(double.violations, []);
  });
});
