/**
 * With validation "warn" a sender's schema-invalid values are processed, but what Zaakpoort answers stays
 * schema-valid: a stored value the schema refuses is left out of the answer, with a melding that names it
 * (src/zds/answer-guard.ts). The answers are validated against the official XSDs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

let n = 0;
const newId = () => `1234${String(Date.now() % 1e6).padStart(6, '0')}${++n}`;

describe('validation warn: answers stay schema-valid', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer({ validation: 'warn' });
  });
  after(async () => {
    await srv.close();
  });

  it('an invalid geslachtsaanduiding and a too long toelichting are stored, and left out of the answer with a melding', async () => {
    const id = newId();
    const invalid = m.creeerZaak({ identificatie: id }, '1.2')
      .replace('<BG:geslachtsaanduiding>M</BG:geslachtsaanduiding>', '<BG:geslachtsaanduiding>X</BG:geslachtsaanduiding>')
      .replace('<ZKN:kenmerk>', `<ZKN:toelichting>${'t'.repeat(1200)}</ZKN:toelichting><ZKN:kenmerk>`);
    const created = await srv.post(envelope(invalid));
    assert.equal(created.status, 200, created.text);
    const z = (await srv.zp.backend.store.getZaak(id))!;
    assert.equal(z.toelichting?.length, 1200, 'processed and stored as sent (warn)');

    const res = await srv.post(envelope(m.geefZaakdetails(id, '1.2')));
    await assertSoapResponseValid(res.text);
    assert.equal(res.status, 200, res.text);
    assert.doesNotMatch(res.text, /<BG:geslachtsaanduiding>X</);
    assert.doesNotMatch(res.text, /t{1200}/);
    assert.match(res.text, /<ZKN:melding>BG:geslachtsaanduiding weggelaten: de opgeslagen waarde is niet valide/);
    assert.match(res.text, /<ZKN:melding>ZKN:toelichting weggelaten/);
    // The rest of the zaak is answered as stored.
    assert.match(res.text, /<BG:inp\.bsn>123456782<\/BG:inp\.bsn>/);
    assert.match(res.text, /<ZKN:omschrijving>Aanvraag schuldhulpverlening<\/ZKN:omschrijving>/);
  });

  it('a valid zaak is answered unchanged, without meldingen', async () => {
    const id = newId();
    await srv.post(envelope(m.creeerZaak({ identificatie: id }, '1.2')));
    const res = await srv.post(envelope(m.geefZaakdetails(id, '1.2')));
    await assertSoapResponseValid(res.text);
    assert.doesNotMatch(res.text, /<ZKN:melding>/);
  });
});
