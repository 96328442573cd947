/**
 * StUF §4.4 over HTTP: resends get the original answer; a reused referentienummer for another message gets
 * StUF016. A resend is recognised on its canonical form (prefixes, attribute order, whitespace and
 * tijdstipBericht do not matter), and a copy arriving while the original is processed waits for its answer.
 * Every answer is XSD-validated (validateAnswers). The PostgreSQL variant of the in-flight case, across two
 * instances, is in multi-instance.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

describe('idempotent kennisgevingen', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer({}, { validateAnswers: true });
  });
  after(async () => {
    await srv.close();
  });

  it('the same creeerZaak sent twice returns the original Bv03 and stores one zaak', async () => {
    const id = '1234000000501';
    const msg = envelope(m.creeerZaak({ identificatie: id }, '1.2', 'REF-IDEM-1'));
    const first = await srv.post(msg);
    const second = await srv.post(msg);
    assert.equal(first.status, 200, first.text);
    assert.equal(second.status, 200, second.text);
    await assertSoapResponseValid(second.text);
    assert.equal(second.text, first.text, 'the resend gets byte-for-byte the original answer');
    assert.ok(await srv.zp.backend.store.getZaak(id));
  });

  it('a different message with a reused referentienummer gets Fo03 StUF016 and changes nothing', async () => {
    await srv.post(envelope(m.creeerZaak({ identificatie: '1234000000502' }, '1.2', 'REF-IDEM-2')));
    const reuse = await srv.post(envelope(m.creeerZaak({ identificatie: '1234000000503' }, '1.2', 'REF-IDEM-2')));
    await assertSoapResponseValid(reuse.text);
    assert.equal(reuse.status, 500);
    assert.match(reuse.text, /Fo03Bericht/);
    assert.match(reuse.text, /StUF016/);
    assert.equal(await srv.zp.backend.store.getZaak('1234000000503'), undefined);
  });

  it('a message answered with a fault may be sent again with the same referentienummer', async () => {
    const bad = m.creeerZaak({ identificatie: '1234000000504' }, '1.2', 'REF-IDEM-3').replace('<ZKN:zaakniveau>1<', '<ZKN:zaakniveau>9<');
    assert.match((await srv.post(envelope(bad))).text, /StUF055/);
    const good = await srv.post(envelope(m.creeerZaak({ identificatie: '1234000000504' }, '1.2', 'REF-IDEM-3')));
    assert.equal(good.status, 200, good.text);
  });

  it('the same actualiseerZaakstatus sent five times at once is applied once', async () => {
    const id = '1234000000505';
    assert.equal((await srv.post(envelope(m.creeerZaak({ identificatie: id }, '1.2')))).status, 200);
    const msg = envelope(m.actualiseerZaakstatus(id, { volgnummer: '2', omschrijving: 'In behandeling', datum: '20261125100000000' }, '1.2'));
    const answers = await Promise.all(Array.from({ length: 5 }, () => srv.post(msg)));
    // Every copy waits for the first and gets its answer: never a fault for a bericht that was stored.
    for (const a of answers) assert.equal(a.status, 200, a.text);
    assert.equal(new Set(answers.map((a) => a.text)).size, 1, 'all copies get the one original Bv03');
    const zaak = await srv.zp.backend.store.getZaak(id);
    assert.equal(zaak!.statussen.filter((s) => s.statustype.volgnummer === '2').length, 1);
    const again = await srv.post(msg);
    assert.equal(again.status, 200, again.text);
  });

  it('five copies of one creeerZaak at once: one zaak, the original Bv03 for all (not "zaakidentificatie niet uniek")', async () => {
    const id = '1234000000506';
    const msg = envelope(m.creeerZaak({ identificatie: id }, '1.2', 'REF-IDEM-5'));
    const answers = await Promise.all(Array.from({ length: 5 }, () => srv.post(msg)));
    for (const a of answers) assert.equal(a.status, 200, a.text);
    assert.equal(new Set(answers.map((a) => a.text)).size, 1);
    assert.ok(await srv.zp.backend.store.getZaak(id));
  });

  it('a re-serialised resend (other prefixes, attribute order, indentation, new tijdstipBericht) gets the original answer', async () => {
    const id = '1234000000507';
    const original = m.creeerZaak({ identificatie: id }, '1.2', 'REF-IDEM-6');
    const first = await srv.post(envelope(original));
    assert.equal(first.status, 200, first.text);
    const reserialised = original
      .replaceAll('ZKN:', 'zkn:').replaceAll('xmlns:ZKN=', 'xmlns:zkn=')
      .replaceAll('<zkn:object StUF:entiteittype="ZAK" StUF:verwerkingssoort="T">', '<zkn:object StUF:verwerkingssoort="T" StUF:entiteittype="ZAK">')
      .replaceAll('><', '>\n    <')
      .replace(/<StUF:tijdstipBericht>\d+<\/StUF:tijdstipBericht>/, '<StUF:tijdstipBericht>20261124101600000</StUF:tijdstipBericht>');
    assert.notEqual(reserialised, original);
    const again = await srv.post(envelope(reserialised));
    assert.equal(again.status, 200, again.text);
    assert.equal(again.text, first.text, 'the original answer, byte for byte');
    // A real change in content is another bericht: StUF016.
    const changed = reserialised.replace('Aanvraag schuldhulpverlening', 'Andere omschrijving');
    assert.match((await srv.post(envelope(changed))).text, /StUF016/);
  });

  it('genereerZaakIdentificatie resent with the same referentienummer returns the same identificatie', async () => {
    const msg = envelope(m.genereerIdentificatie('Zaak', '1.2'));
    const a = m.extract((await srv.post(msg)).text, 'identificatie');
    const b = m.extract((await srv.post(msg)).text, 'identificatie');
    assert.ok(a);
    assert.equal(a, b);
    const c = m.extract((await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')))).text, 'identificatie');
    assert.notEqual(c, a);
  });
});
