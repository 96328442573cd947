/**
 * Data a Bv03 must not lose: zaakobjecten (heeftBetrekkingOp) and the contact data of a rol (afwijkend
 * correspondentieadres, heeftAlsAanspreekpunt). Stored by creeerZaak, changed by updateZaak, answered by
 * geefZaakdetails / zakLa01; every answer XSD-validated. Also replays the real fixtures that carry them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Zaak } from '../../src/domain/model.js';
import { asRequest, readFixture, readIndex } from '../conformance/fixture-index.js';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid, schemas } from '../helpers/xsd.js';
import { NEEDS_FIXTURES, type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

const adres = (postcode: string, huisnummer: string) =>
  '<ZKN:heeftBetrekkingOp StUF:entiteittype="ZAKOBJ" StUF:verwerkingssoort="T"><ZKN:gerelateerde>' +
  '<ZKN:adres StUF:entiteittype="AOA" StUF:verwerkingssoort="I">' +
  `<BG:wpl.woonplaatsNaam>Haarlem</BG:wpl.woonplaatsNaam><BG:gor.openbareRuimteNaam>Grote Markt</BG:gor.openbareRuimteNaam>` +
  `<BG:huisnummer>${huisnummer}</BG:huisnummer><BG:postcode>${postcode}</BG:postcode>` +
  '</ZKN:adres></ZKN:gerelateerde><ZKN:omschrijving>Locatie van de aanvraag</ZKN:omschrijving></ZKN:heeftBetrekkingOp>';

const buurt = (soort: string, code = '01') =>
  `<ZKN:heeftBetrekkingOp StUF:entiteittype="ZAKOBJ" StUF:verwerkingssoort="${soort}"><ZKN:gerelateerde>` +
  `<ZKN:buurt StUF:entiteittype="BRT" StUF:verwerkingssoort="I"><BG:buurtCode>${code}</BG:buurtCode><BG:buurtNaam>Centrum</BG:buurtNaam>` +
  '<BG:gem.gemeenteCode>1234</BG:gem.gemeenteCode><BG:wyk.wijkCode>01</BG:wyk.wijkCode></ZKN:buurt></ZKN:gerelateerde></ZKN:heeftBetrekkingOp>';

const CONTACT =
  '<ZKN:afwijkendCorrespondentieAdres><BG:typering>Postadres</BG:typering><BG:wpl.woonplaatsNaam>Haarlem</BG:wpl.woonplaatsNaam>' +
  '<BG:postcode>2011AB</BG:postcode><BG:gor.openbareRuimteNaam>Zijlweg</BG:gor.openbareRuimteNaam><BG:aoa.huisnummer>7</BG:aoa.huisnummer>' +
  '</ZKN:afwijkendCorrespondentieAdres>' +
  '<ZKN:heeftAlsAanspreekpunt StUF:entiteittype="ZAKBTRINICTP" StUF:verwerkingssoort="T">' +
  '<ZKN:gerelateerde StUF:entiteittype="CTP" StUF:verwerkingssoort="T"><ZKN:naam>P. de Vries</ZKN:naam>' +
  '<ZKN:telefoonnummer>0231234567</ZKN:telefoonnummer><ZKN:emailadres>p.devries@example.org</ZKN:emailadres></ZKN:gerelateerde>' +
  '</ZKN:heeftAlsAanspreekpunt>';

/** creeerZaak with two zaakobjecten and an initiator with contact data. */
function creeerMetObjecten(id: string, d: m.Dialect): string {
  return m.creeerZaak({ identificatie: id }, d)
    .replace('</ZKN:isVan>', `</ZKN:isVan>${adres('2011RD', '1')}${buurt('T')}`)
    .replace('</ZKN:heeftAlsInitiator>', `${CONTACT}</ZKN:heeftAlsInitiator>`);
}

/** How many elements named ZKN:local the answer holds. */
const count = (xml: string, local: string) => (xml.match(new RegExp(`<ZKN:${local}[\\s/>]`, 'g')) ?? []).length;

let counter = 0;
const newId = () => `1234${String(Date.now() % 1e6).padStart(6, '0')}${++counter}`;

describe('zaakobjecten and rol contact data', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
  });
  after(async () => {
    await srv.close();
  });

  async function ok(body: string, soapAction?: string) {
    const res = await srv.post(envelope(body), { soapAction });
    await assertSoapResponseValid(res.text);
    assert.equal(res.status, 200, res.text);
    return res;
  }
  const stored = async (id: string): Promise<Zaak> => (await srv.zp.backend.store.getZaak(id))!;

  for (const d of ['1.2', '1.1'] as const) {
    it(`ZDS ${d}: creeerZaak stores them, geefZaakdetails answers them, updateZaak adds (T) and removes (V)`, async () => {
      const id = newId();
      await ok(creeerMetObjecten(id, d), d === '1.1' ? `${m.ACTION_11}creeerZaak_Lk01` : undefined);
      const z = await stored(id);
      assert.deepEqual(z.zaakobjecten?.map((o) => o.object.local), ['adres', 'buurt']);
      assert.equal(z.zaakobjecten?.[0]?.omschrijving, 'Locatie van de aanvraag');
      const ini = z.rollen.find((r) => r.rolType === 'heeftAlsInitiator')!;
      assert.equal(ini.afwijkendCorrespondentieAdres?.local, 'afwijkendCorrespondentieAdres');
      assert.equal(ini.aanspreekpunt?.children?.[0]?.children?.[0]?.value, 'P. de Vries');

      const details = (await ok(m.geefZaakdetails(id, d))).text;
      // In XSD order: isVan, heeftBetrekkingOp, then the rollen; contact data inside the rol in its place.
      assert.match(details, /<\/ZKN:isVan><ZKN:heeftBetrekkingOp StUF:entiteittype="ZAKOBJ"><ZKN:gerelateerde><ZKN:adres StUF:entiteittype="AOA">.*2011RD.*<\/ZKN:heeftBetrekkingOp><ZKN:heeftBetrekkingOp[^>]*><ZKN:gerelateerde><ZKN:buurt.*<\/ZKN:heeftBetrekkingOp><ZKN:heeftAlsInitiator/s);
      assert.match(details, /<ZKN:omschrijving>Aanvrager<\/ZKN:omschrijving><ZKN:afwijkendCorrespondentieAdres>.*2011AB.*<\/ZKN:afwijkendCorrespondentieAdres>/s);
      assert.match(details, /<ZKN:heeftAlsAanspreekpunt StUF:entiteittype="ZAKBTRINICTP">.*P\. de Vries.*<\/ZKN:heeftAlsAanspreekpunt><\/ZKN:heeftAlsInitiator>/s);
      assert.doesNotMatch(details, /verwerkingssoort/);

      // An explicit scope that asks for heeftBetrekkingOp only gets it; one that does not, does not.
      const explicit = await ok(m.geefZaakdetails(id, d, { explicit: '<ZKN:identificatie xsi:nil="true"/><ZKN:heeftBetrekkingOp StUF:entiteittype="ZAKOBJ" xsi:nil="true"/>' }));
      assert.equal(count(explicit.text, 'heeftBetrekkingOp'), 2);
      const zonder = await ok(m.geefZaakdetails(id, d, { explicit: '<ZKN:identificatie xsi:nil="true"/><ZKN:omschrijving xsi:nil="true"/>' }));
      assert.doesNotMatch(zonder.text, /heeftBetrekkingOp/);

      // V the buurt, T another buurt.
      const upd = d === '1.1' ? `${m.ACTION_11}updateZaak_Lk01` : undefined;
      await ok(m.updateZaak(id, buurt('V') + buurt('T', '02').replace(/<ZKN:gerelateerde>.*<\/ZKN:gerelateerde>/s, '<ZKN:gerelateerde/>'),
        buurt('V').replace(/<ZKN:gerelateerde>.*<\/ZKN:gerelateerde>/s, '<ZKN:gerelateerde/>') + buurt('T', '02'), d), upd);
      const na = await stored(id);
      assert.deepEqual(na.zaakobjecten?.map((o) => `${o.object.local}:${o.object.children?.[0]?.value}`), ['adres:Haarlem', 'buurt:02']);
      // The rol was not touched, so its contact data is still there.
      assert.ok(na.rollen.find((r) => r.rolType === 'heeftAlsInitiator')?.aanspreekpunt);
      const na2 = (await ok(m.geefZaakdetails(id, d))).text;
      assert.equal(count(na2, 'heeftBetrekkingOp'), 2);
    });
  }

  it('a W on the rol replaces the contact data it sends and clears what it sends as nil', async () => {
    const id = newId();
    await ok(creeerMetObjecten(id, '1.2'));
    const rol = (extra: string) =>
      '<ZKN:heeftAlsInitiator StUF:entiteittype="ZAKBTRINI" StUF:verwerkingssoort="W"><ZKN:gerelateerde>' +
      '<ZKN:natuurlijkPersoon StUF:entiteittype="NPS" StUF:verwerkingssoort="I"><BG:inp.bsn>123456782</BG:inp.bsn></ZKN:natuurlijkPersoon>' +
      `</ZKN:gerelateerde>${extra}</ZKN:heeftAlsInitiator>`;
    // New address, aanspreekpunt absent: the address is replaced, the aanspreekpunt kept.
    await ok(m.updateZaak(id, rol(''), rol('<ZKN:afwijkendBuitenlandsCorrespondentieAdres><BG:lnd.landcode>5010</BG:lnd.landcode>' +
      '<BG:lnd.landnaam>België</BG:lnd.landnaam><BG:sub.adresBuitenland1>Grote Markt 1</BG:sub.adresBuitenland1></ZKN:afwijkendBuitenlandsCorrespondentieAdres>')));
    let ini = (await stored(id)).rollen.find((r) => r.rolType === 'heeftAlsInitiator')!;
    assert.equal(ini.afwijkendCorrespondentieAdres?.local, 'afwijkendBuitenlandsCorrespondentieAdres');
    assert.ok(ini.aanspreekpunt);
    const details = (await ok(m.geefZaakdetails(id, '1.2'))).text;
    assert.match(details, /<ZKN:afwijkendBuitenlandsCorrespondentieAdres>.*Grote Markt 1/s);
    // nil clears.
    await ok(m.updateZaak(id, rol(''), rol('<ZKN:afwijkendCorrespondentieAdres xsi:nil="true"/>' +
      '<ZKN:heeftAlsAanspreekpunt StUF:entiteittype="ZAKBTRINICTP" StUF:verwerkingssoort="W" xsi:nil="true"/>')));
    ini = (await stored(id)).rollen.find((r) => r.rolType === 'heeftAlsInitiator')!;
    assert.equal(ini.afwijkendCorrespondentieAdres, undefined);
    assert.equal(ini.aanspreekpunt, undefined);
    await ok(m.geefZaakdetails(id, '1.2'));
  });
});

describe('real creeerZaak fixtures with zaakobjecten or rol contact data', { skip: NEEDS_FIXTURES }, () => {
  const rows = readIndex().filter((r) => r.direction === 'request' && r.operation === 'creeerZaak_ZakLk01' && r.validatesOfficialXsd)
    .filter((r) => /heeftBetrekkingOp[\s>]|heeftAlsAanspreekpunt|afwijkend\w*CorrespondentieAdres/.test(readFixture(r)));
  it('there are such fixtures', () => assert.ok(rows.length >= 3, `${rows.length} fixtures`));
  for (const row of rows) {
    it(`${row.file}: geefZaakdetails scope alles is schema-valid and echoes them`, async () => {
      const srv = await startServer({}, { schemas: await schemas() });
      try {
        const req = asRequest(row);
        const res = await srv.post(req.body, { soapVersion: req.soapVersion, soapAction: req.soapAction });
        await assertSoapResponseValid(res.text);
        assert.equal(res.status, 200, res.text);
        const id = /<(?:\w+:)?object\b[^>]*>\s*<(?:\w+:)?identificatie>([^<]+)</.exec(readFixture(row))![1]!.trim();
        const zaak = (await srv.zp.backend.store.getZaak(id))!;
        for (const d of ['1.2', '1.1'] as const) {
          const details = await srv.post(envelope(m.geefZaakdetails(id, d)));
          await assertSoapResponseValid(details.text);
          assert.equal(details.status, 200, details.text);
          assert.equal(count(details.text, 'heeftBetrekkingOp'), zaak.zaakobjecten?.length ?? 0);
          const aanspreekpunten = zaak.rollen.filter((r) => r.aanspreekpunt && !r.eindRelatie).length;
          assert.equal(count(details.text, 'heeftAlsAanspreekpunt'), aanspreekpunten);
        }
      } finally {
        await srv.close();
      }
    });
  }
});
