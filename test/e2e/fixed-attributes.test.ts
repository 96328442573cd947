/**
 * Fixed attribute values of the schema (StUF:entiteittype per element, StUF:verwerkingssoort on creeerZaak's
 * object, ...) are enforced: libxml2 does not check `fixed` on attribute references, so the rules are derived
 * from the XSDs at start-up (src/schema/fixed-attributes.ts). A violation is a schema violation: StUF055 naming
 * the element, the attribute, the value sent and the value the schema prescribes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

let n = 0;
const newId = () => `1234${String(Date.now() % 1e6).padStart(6, '0')}${++n}`;

describe('fixed attribute values from the XSD', () => {
  let srv: TestServer;
  let warn: TestServer;
  before(async () => {
    srv = await startServer();
    warn = await startServer({ validation: 'warn' });
  });
  after(async () => {
    await srv.close();
    await warn.close();
  });

  async function post(s: TestServer, body: string) {
    const res = await s.post(envelope(body));
    await assertSoapResponseValid(res.text);
    return res;
  }

  const cases: Array<[string, (b: string) => string, RegExp]> = [
    ['object with entiteittype EDC in creeerZaak', (b) => b.replace('<ZKN:object StUF:entiteittype="ZAK"', '<ZKN:object StUF:entiteittype="EDC"'),
      /ZKN:object heeft StUF:entiteittype="EDC", het schema schrijft "ZAK" voor/],
    ['initiator relation with the uitvoerende entiteittype', (b) => b.replace('StUF:entiteittype="ZAKBTRINI"', 'StUF:entiteittype="ZAKBTRUTV"'),
      /ZKN:heeftAlsInitiator heeft StUF:entiteittype="ZAKBTRUTV", het schema schrijft "ZAKBTRINI" voor/],
    ['creeerZaak object with verwerkingssoort W', (b) => b.replace('<ZKN:object StUF:entiteittype="ZAK" StUF:verwerkingssoort="T">', '<ZKN:object StUF:entiteittype="ZAK" StUF:verwerkingssoort="W">'),
      /ZKN:object heeft StUF:verwerkingssoort="W", het schema schrijft "T" voor/],
    ['zaaktype (isVan gerelateerde) with verwerkingssoort T', (b) => b.replace('<ZKN:gerelateerde StUF:entiteittype="ZKT" StUF:verwerkingssoort="I">', '<ZKN:gerelateerde StUF:entiteittype="ZKT" StUF:verwerkingssoort="T">'),
      /ZKN:gerelateerde heeft StUF:verwerkingssoort="T", het schema schrijft "I" voor/],
  ];
  for (const [what, mutate, detail] of cases) {
    it(`refuses ${what} with StUF055 and stores nothing`, async () => {
      const id = newId();
      const res = await post(srv, mutate(m.creeerZaak({ identificatie: id }, '1.2')));
      assert.equal(res.status, 500, res.text);
      assert.match(res.text, /<StUF:code>StUF055<\/StUF:code>/);
      assert.match(res.text, detail);
      assert.equal(await srv.zp.backend.store.getZaak(id), undefined);
    });
  }

  it('accepts the correct values (and a geefZaakdetails scope, whose object is also fixed to ZAK)', async () => {
    const id = newId();
    assert.equal((await post(srv, m.creeerZaak({ identificatie: id }, '1.2'))).status, 200);
    assert.equal((await post(srv, m.geefZaakdetails(id, '1.2'))).status, 200);
    const wrongScope = m.geefZaakdetails(id, '1.2').replace('<ZKN:object StUF:entiteittype="ZAK" StUF:scope', '<ZKN:object StUF:entiteittype="BSL" StUF:scope');
    assert.match((await post(srv, wrongScope)).text, /Fo02Bericht[\s\S]*StUF055[\s\S]*"BSL", het schema schrijft "ZAK" voor/);
  });

  it('with validation warn the message is processed (and logged), as any other schema violation', async () => {
    const id = newId();
    const res = await post(warn, cases[1]![1](m.creeerZaak({ identificatie: id }, '1.2')));
    assert.equal(res.status, 200, res.text);
  });
});
