/**
 * Real clients as they are (config senders[].deviations, off by default), tested with the client's own message:
 * Open Forms' updateZaak for a payment status (zakLk01, mutatiesoort W, ONE object) recorded in
 * ../shared/zds/fixtures/updateZaak_ZakLk01__openforms-vcr__1.xml, and the same single-object form carrying a
 * rol with verwerkingssoort W, which has no counterpart in an old object. Every answer is XSD-validated.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SenderDeviations } from '../../src/config.js';
import { asRequest, readFixture, readIndex } from '../conformance/fixture-index.js';
import * as m from '../helpers/messages.js';
import { NEEDS_FIXTURES, type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

const row = (NEEDS_FIXTURES ? [] : readIndex()).find((r) => r.file === 'updateZaak_ZakLk01__openforms-vcr__1.xml')!;
const OPEN_FORMS = { organisatie: 'zender_organisatie-0', applicatie: 'zender_applicatie-0', administratie: 'zender_administratie-0' };

/** The recorded Open Forms message about zaak `id` (the recording's zaak "1234" is too short for the schema). */
function openFormsPayment(id: string, extraInNewObject = ''): { body: string; soapVersion: '1.1' | '1.2' } {
  const { body, soapVersion } = asRequest(row);
  const text = body
    .replace('<ZKN:identificatie>1234</ZKN:identificatie>', `<ZKN:identificatie>${id}</ZKN:identificatie>`)
    .replace('</StUF:extraElementen>', `</StUF:extraElementen>${extraInNewObject}`)
    .replace(/(<StUF:referentienummer>)[^<]*/, `$1OF-${id}-${extraInNewObject.length}`);
  return { body: text, soapVersion };
}

const INITIATOR_W =
  '<ZKN:heeftAlsInitiator StUF:entiteittype="ZAKBTRINI" StUF:verwerkingssoort="W"><ZKN:gerelateerde>' +
  '<ZKN:natuurlijkPersoon StUF:entiteittype="NPS" StUF:verwerkingssoort="I"><BG:inp.bsn xmlns:BG="http://www.egem.nl/StUF/sector/bg/0310">123456782</BG:inp.bsn></ZKN:natuurlijkPersoon>' +
  '</ZKN:gerelateerde><ZKN:toelichting>Betaald via iDEAL</ZKN:toelichting></ZKN:heeftAlsInitiator>';

let n = 0;
const newId = () => `1234${String(Date.now() % 1e6).padStart(6, '0')}${++n}`;

describe('client deviations, switchable per sender', { skip: NEEDS_FIXTURES }, () => {
  const servers: TestServer[] = [];
  const start = async (deviations?: SenderDeviations) => {
    const s = await startServer({ senders: [{ ...OPEN_FORMS, ...(deviations ? { deviations } : {}) }, { organisatie: '1234', applicatie: 'SHV' }] }, { validateAnswers: true });
    servers.push(s);
    return s;
  };
  let off: TestServer;
  let enkel: TestServer;
  let beide: TestServer;
  before(async () => {
    off = await start();
    enkel = await start({ updateZaakEnkelObject: true });
    beide = await start({ updateZaakEnkelObject: true, wijzigingZonderOudeRelatie: true });
  });
  after(async () => {
    for (const s of servers) await s.close();
  });

  const createOn = async (s: TestServer) => {
    const id = newId();
    assert.equal((await s.post(envelope(m.creeerZaak({ identificatie: id }, '1.2')))).status, 200);
    return id;
  };
  const send = (s: TestServer, msg: { body: string; soapVersion: '1.1' | '1.2' }) => s.post(msg.body, { soapVersion: msg.soapVersion });

  it('the recording is Open Forms’ single-object W', () => {
    const xml = readFixture(row);
    assert.match(xml, /<StUF:mutatiesoort>W<\/StUF:mutatiesoort>/);
    assert.equal((xml.match(/<ZKN:object\b/g) ?? []).length, 1);
  });

  it('off (default): the single-object W is refused and nothing changes', async () => {
    const id = await createOn(off);
    const res = await send(off, openFormsPayment(id));
    assert.equal(res.status, 400, res.text); // SOAP 1.2, plek client
    assert.match(res.text, /StUF055/);
    assert.equal((await off.zp.backend.store.getZaak(id))?.betalingsIndicatie, undefined);
  });

  it('updateZaakEnkelObject: the object is the new state; betalingsIndicatie, laatsteBetaaldatum and extraElementen are stored', async () => {
    const id = await createOn(enkel);
    const res = await send(enkel, openFormsPayment(id));
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /Bv03Bericht/);
    const z = (await enkel.zp.backend.store.getZaak(id))!;
    assert.equal(z.betalingsIndicatie, 'Geheel');
    assert.equal(z.laatsteBetaaldatum, '20260504000000000');
    assert.deepEqual(z.extraElementen?.map((x) => [x.naam, x.waarde]), [
      ['language_code', 'en'], ['payment_public_order_ids', 'foo,bar'], ['provider_payment_ids', '123456,654321'],
    ]);
    assert.equal(z.omschrijving, 'Aanvraag schuldhulpverlening', 'what the object does not mention is unchanged');
    // Only for that sender: the same single-object form from another application is still refused.
    const other = openFormsPayment(id);
    other.body = other.body.replace(/<StUF:zender>[\s\S]*?<\/StUF:zender>/, '<StUF:zender><StUF:organisatie>1234</StUF:organisatie><StUF:applicatie>SHV</StUF:applicatie></StUF:zender>');
    assert.match((await send(enkel, other)).text, /StUF055/);
  });

  it('wijzigingZonderOudeRelatie: a W on the initiator without old counterpart changes the stored rol; without the switch it is refused', async () => {
    const a = await createOn(enkel);
    const refused = await send(enkel, openFormsPayment(a, INITIATOR_W));
    assert.match(refused.text, /StUF058[\s\S]*bestaande relatie in het oude object/);
    const b = await createOn(beide);
    const res = await send(beide, openFormsPayment(b, INITIATOR_W));
    assert.equal(res.status, 200, res.text);
    const ini = (await beide.zp.backend.store.getZaak(b))!.rollen.filter((r) => r.rolType === 'heeftAlsInitiator' && !r.eindRelatie);
    assert.deepEqual(ini.map((r) => [r.betrokkene.key, r.toelichting]), [['123456782', 'Betaald via iDEAL']]);
  });
});
