/**
 * Resends on the ZGW backend: a copy of a creeerZaak (same zender and referentienummer, same canonical form) that
 * arrives while the original is still being carried out in ZGW waits for it and gets the original Bv03, never a
 * "niet uniek" fault and never a second zaak. With the local state in SQLite (one instance: the dispatcher's
 * in-process wait) and in PostgreSQL (two instances: the session lock per bericht). The ZGW TEST DOUBLE (not Open
 * Zaak) is slowed down on POST /rollen, so the original is mid-unit (zaak made, rollen on their way) when the copy
 * comes in. Every answer is validated against the official XSDs.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { ZgwBackendConfig } from '../../src/config.js';
import { dropSchemas, findTestDatabase, testSchemaName } from '../helpers/postgres.js';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';
import { type ZgwDouble, startZgwDouble } from '../zgw-double/index.js';
import { RSIN, settingsFor, zakenInZgw } from './helpers.js';

const SEED = {
  catalogus: { domein: 'ZAAK', rsin: RSIN },
  zaaktypen: [{ identificatie: 'SHV01', statustypen: ['Intake', 'Afgehandeld'], roltypen: ['initiator' as const, 'behandelaar' as const], resultaattypen: ['Toegekend'] }],
};

const url = await findTestDatabase();
let n = 0;
const newId = () => `1234${String(Date.now() % 1e8).padStart(8, '0')}${++n % 10}`;

/** Send the copies at once and check: one zaak in ZGW, one POST /zaken, every answer the same Bv03. */
async function sendCopiesAtOnce(double: ZgwDouble, targets: TestServer[]): Promise<void> {
  const id = newId();
  const msg = envelope(m.creeerZaak({ identificatie: id }, '1.2', `REF-RESEND-${id}`));
  const from = double.requests.length;
  // The original is mid-unit for a while: its zaak exists, its rollen are being added.
  const slow = double.faults.delay('POST', /\/zaken\/api\/v1\/rollen$/, 300);
  try {
    const answers = await Promise.all(targets.map((s) => s.post(msg)));
    for (const r of answers) {
      await assertSoapResponseValid(r.text);
      assert.equal(r.status, 200, r.text);
      assert.match(r.text, /Bv03Bericht/, r.text);
    }
    assert.equal(new Set(answers.map((r) => r.text)).size, 1, 'every copy gets the one original answer');
  } finally {
    double.faults.clear();
  }
  assert.ok(slow.fired > 0, 'the double was slowed down');
  const zaakPosts = double.requests.slice(from).filter((r) => r.method === 'POST' && r.path.endsWith('/zaken/api/v1/zaken'));
  assert.deepEqual(zaakPosts.map((r) => r.status), [201], 'one POST /zaken, and it was not refused');
  assert.equal((await zakenInZgw(double)).filter((z) => z === id).length, 1, 'exactly one zaak in ZGW');
}

describe('zgw backend: a resend in flight (local state in SQLite, one instance)', () => {
  let double: ZgwDouble;
  let srv: TestServer;
  before(async () => {
    double = await startZgwDouble();
    await double.seed(SEED);
    const backend: ZgwBackendConfig = { kind: 'zgw', ...settingsFor(double) };
    srv = await startServer({ backend });
  });
  afterEach(() => assert.deepEqual(double.violations, []));
  after(async () => {
    await srv?.close();
    await double?.close();
  });

  it('two copies of creeerZaak at once: both get the original Bv03, one zaak in ZGW', async () => {
    await sendCopiesAtOnce(double, [srv, srv]);
  });

  it('three copies at once, the same', async () => {
    await sendCopiesAtOnce(double, [srv, srv, srv]);
  });
});

describe('zgw backend: a resend in flight on another instance (local state in PostgreSQL, two instances)', { skip: url ? false : 'no PostgreSQL reachable (set ZAAKPOORT_TEST_DATABASE_URL)' }, () => {
  const schema = testSchemaName('zgwresend');
  let double: ZgwDouble;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    double = await startZgwDouble();
    await double.seed(SEED);
    const backend: ZgwBackendConfig = { kind: 'zgw', ...settingsFor(double), local: { kind: 'postgres', url: url!, schema } };
    // Each instance has its own data directory (and journal), as on two machines.
    a = await startServer({ backend });
    b = await startServer({ backend });
  });
  afterEach(() => assert.deepEqual(double.violations, []));
  after(async () => {
    await a?.close();
    await b?.close();
    await double?.close();
    await dropSchemas(url!, [schema]);
  });

  it('the same creeerZaak sent to both instances at once: both get the original Bv03, one zaak in ZGW', async () => {
    await sendCopiesAtOnce(double, [a, b]);
  });

  it('four copies, two on each instance, the same', async () => {
    await sendCopiesAtOnce(double, [a, b, a, b]);
  });
});
