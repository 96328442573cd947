/** StUF §4.4 over HTTP: resends get the original answer; a reused referentienummer for another message gets StUF016. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

describe('idempotent kennisgevingen', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
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
    for (const a of answers) {
      await assertSoapResponseValid(a.text);
      // Either the (original) Bv03, or — for a copy that raced the first — a fault asking to send it again.
      assert.ok(a.status === 200 || /tegelijkertijd al eens ontvangen/.test(a.text), a.text);
    }
    const zaak = await srv.zp.backend.store.getZaak(id);
    assert.equal(zaak!.statussen.filter((s) => s.statustype.volgnummer === '2').length, 1);
    const again = await srv.post(msg);
    assert.equal(again.status, 200, again.text);
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
