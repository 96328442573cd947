/** The generic StUF-ZKN zakLv01 vraag over HTTP: selections, paging, counting and the StUF selection faults. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

const KERN = '<ZKN:scope><ZKN:object StUF:entiteittype="ZAK" StUF:scope="kerngegevens"/></ZKN:scope>';
const gelijk = (inner: string) => `<ZKN:gelijk StUF:entiteittype="ZAK">${inner}</ZKN:gelijk>`;
const vanaf = (inner: string) => `<ZKN:vanaf StUF:entiteittype="ZAK">${inner}</ZKN:vanaf>`;
const totEnMet = (inner: string) => `<ZKN:totEnMet StUF:entiteittype="ZAK">${inner}</ZKN:totEnMet>`;
const code = (c: string) => `<ZKN:isVan StUF:entiteittype="ZAKZKT"><ZKN:gerelateerde StUF:entiteittype="ZKT"><ZKN:code>${c}</ZKN:code></ZKN:gerelateerde></ZKN:isVan>`;

describe('zakLv01 (generic StUF-ZKN vraag)', () => {
  let srv: TestServer;
  const ask = async (body: string) => {
    const res = await srv.post(envelope(body), { soapAction: m.ACTION_11 + 'zakLv01' });
    await assertSoapResponseValid(res.text);
    return res;
  };
  const ids = (xml: string) => m.extractAll(xml, 'identificatie');

  before(async () => {
    srv = await startServer();
    for (let i = 1; i <= 5; i++) {
      const res = await srv.post(envelope(m.creeerZaak({ identificatie: `1234LV0${i}`, zaaktype: 'LV01', bsn: i % 2 ? '999990001' : '999990002' }, '1.2')));
      assert.equal(res.status, 200, res.text);
    }
  });
  after(async () => {
    await srv.close();
  });

  it('selects on zaaktype code and initiator, answering zakLa01 in identificatie order', async () => {
    const byCode = await ask(m.zakLv01(gelijk(code('LV01')) + KERN));
    assert.equal(byCode.status, 200, byCode.text);
    assert.match(byCode.text, /<ZKN:zakLa01/);
    assert.deepEqual(ids(byCode.text), ['1234LV01', '1234LV02', '1234LV03', '1234LV04', '1234LV05']);
    assert.equal(m.extract(byCode.text, 'indicatorVervolgvraag'), 'false');
    const ini =
      '<ZKN:heeftAlsInitiator StUF:entiteittype="ZAKBTRINI"><ZKN:gerelateerde StUF:entiteittype="BTR">' +
      '<ZKN:identificatie>11999990002</ZKN:identificatie></ZKN:gerelateerde></ZKN:heeftAlsInitiator>';
    const byIni = await ask(m.zakLv01(gelijk(code('LV01') + ini) + KERN));
    assert.equal(byIni.status, 200, byIni.text);
    assert.deepEqual(ids(byIni.text), ['1234LV02', '1234LV04']);
  });

  it('selects open zaken (einddatum nil) and ranges on identificatie and startdatum', async () => {
    const open = await ask(m.zakLv01(gelijk('<ZKN:einddatum xsi:nil="true" StUF:noValue="geenWaarde"/>' + code('LV01')) + KERN));
    assert.equal(ids(open.text).length, 5, open.text);
    const range = await ask(m.zakLv01(vanaf('<ZKN:identificatie>1234LV02</ZKN:identificatie>') + totEnMet('<ZKN:identificatie>1234LV03</ZKN:identificatie>') + KERN));
    assert.deepEqual(ids(range.text), ['1234LV02', '1234LV03']);
    const none = await ask(m.zakLv01(gelijk(code('LV01')) + vanaf('<ZKN:startdatum>20270101</ZKN:startdatum>') + KERN));
    assert.equal(none.status, 200, none.text);
    assert.doesNotMatch(none.text, /antwoord/);
  });

  it('pages with maximumAantal and a vervolgvraag with start, and counts on request', async () => {
    const p1 = await ask(m.zakLv01(gelijk(code('LV01')) + KERN, { maximumAantal: 2, indicatorAantal: true }));
    assert.deepEqual(ids(p1.text), ['1234LV01', '1234LV02']);
    assert.equal(m.extract(p1.text, 'indicatorVervolgvraag'), 'true');
    assert.equal(m.extract(p1.text, 'aantalVoorkomens'), '5');
    const start = '<ZKN:start><ZKN:object StUF:entiteittype="ZAK"><ZKN:identificatie>1234LV04</ZKN:identificatie></ZKN:object></ZKN:start>';
    const p3 = await ask(m.zakLv01(gelijk(code('LV01')) + KERN + start, { maximumAantal: 2, vervolg: true }));
    assert.deepEqual(ids(p3.text), ['1234LV05']);
    assert.equal(m.extract(p3.text, 'indicatorVervolgvraag'), 'false');
  });

  it('answers the full scope schema-valid', async () => {
    const res = await ask(m.zakLv01(gelijk('<ZKN:identificatie>1234LV01</ZKN:identificatie>') + '<ZKN:scope><ZKN:object StUF:entiteittype="ZAK" StUF:scope="alles"/></ZKN:scope>'));
    assert.equal(res.status, 200, res.text);
    assert.equal(m.extract(res.text, 'inp.bsn'), '999990001');
  });

  const faultCases: Array<[string, string, Parameters<typeof m.zakLv01>[1]?]> = [
    ['StUF076', vanaf('<ZKN:startdatum>20260101</ZKN:startdatum>') + totEnMet('<ZKN:einddatum>20270101</ZKN:einddatum>')],
    ['StUF079', gelijk('<ZKN:startdatum>20261124</ZKN:startdatum>') + vanaf('<ZKN:startdatum>20260101</ZKN:startdatum>')],
    ['StUF082', vanaf('<ZKN:identificatie StUF:exact="true">1234L</ZKN:identificatie>')],
    ['StUF085', vanaf('<ZKN:startdatum StUF:indOnvolledigeDatum="D">20260100</ZKN:startdatum>')],
    ['StUF088', '<ZKN:gelijk StUF:entiteittype="ZAK" StUF:sleutelVerzendend="a" StUF:sleutelOntvangend="b"/>'],
    ['StUF091', '<ZKN:gelijk StUF:entiteittype="ZAK" StUF:sleutelVerzendend="a"><ZKN:identificatie>1234LV01</ZKN:identificatie></ZKN:gelijk>'],
    ['StUF097', '<ZKN:scope><ZKN:object StUF:entiteittype="ZAK" StUF:scope="alles"><ZKN:identificatie xsi:nil="true"/></ZKN:object></ZKN:scope>'],
    ['StUF103', gelijk(code('LV01')), { vervolg: true }],
    ['StUF133', gelijk(code('LV01')), { sortering: 5 }],
    ['StUF058', gelijk('<ZKN:omschrijving>x</ZKN:omschrijving>')],
  ];
  for (const [codeExpected, sel, params] of faultCases) {
    it(`answers Fo02 ${codeExpected}`, async () => {
      const res = await ask(m.zakLv01(sel, params));
      assert.equal(res.status, 500, res.text);
      assert.match(res.text, new RegExp(`Fo02Bericht[^]*${codeExpected}`));
    });
  }
});
