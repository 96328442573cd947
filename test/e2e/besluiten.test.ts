/**
 * Besluiten end to end over HTTP: voegBesluitToe, updateBesluit, geefBesluitdetails, geefLijstBesluiten,
 * leidtTot in geefZaakdetails, and overdragenZaak. Every answer is validated against the official XSDs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { asRequest, readIndex } from '../conformance/fixture-index.js';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { NEEDS_FIXTURES, type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

describe('besluiten', () => {
  let srv: TestServer;
  const send = async (body: string, soapAction?: string) => {
    const res = await srv.post(envelope(body), soapAction ? { soapAction } : {});
    await assertSoapResponseValid(res.text);
    return res;
  };
  const ZAAK = '1234BSLZAAK01';
  const DOC1 = '1234BSLDOC1';
  const DOC2 = '1234BSLDOC2';

  before(async () => {
    srv = await startServer();
    assert.equal((await send(m.creeerZaak({ identificatie: ZAAK }, '1.2'))).status, 200);
    for (const d of [DOC1, DOC2]) assert.equal((await send(m.voegZaakdocumentToe(d, ZAAK, Buffer.from(d), '1.2'))).status, 200);
  });
  after(async () => {
    await srv.close();
  });

  it('adds a besluit with a document and answers it in details, list and zaakdetails', async () => {
    const add = await send(m.voegBesluitToe('1234B0001', ZAAK, { documenten: [DOC1], toelichting: 'Eerste' }), m.ACTION_12 + 'voegBesluitToe_Di01');
    assert.equal(add.status, 200, add.text);
    assert.match(add.text, /Bv03Bericht/);

    const details = await send(m.geefBesluitdetails('1234B0001'));
    assert.equal(details.status, 200, details.text);
    assert.match(details.text, /geefBesluitdetails_BslLa01/);
    assert.equal(m.extract(details.text, 'datumBeslissing'), '20261201');
    assert.equal(m.extract(details.text, 'beginGeldigheid'), '20261202');
    assert.match(details.text, /<ZKN:isUitkomstVan StUF:entiteittype="BSLZAK"><ZKN:gerelateerde StUF:entiteittype="ZAK"><ZKN:identificatie>1234BSLZAAK01</);
    assert.match(details.text, /isVastgelegdIn[^]*1234BSLDOC1/);
    // The SPEC spelling geefBesluitDetails in the SOAPAction reaches the same operation.
    const alias = await send(m.geefBesluitdetails('1234B0001'), m.ACTION_12 + 'geefBesluitDetails_BslLv01');
    assert.equal(alias.status, 200, alias.text);
    // ... and so does a body root in that spelling, validated as the schema spells it (src/zds/errata.ts).
    const rootAlias = await send(m.geefBesluitdetails('1234B0001', 'geefBesluitDetails_BslLv01'));
    assert.equal(rootAlias.status, 200, rootAlias.text);
    assert.match(rootAlias.text, /geefBesluitdetails_BslLa01/);

    assert.equal((await send(m.voegBesluitToe('1234B0000', ZAAK))).status, 200);
    for (const d of ['1.2', '1.1'] as const) {
      const lijst = await send(m.geefLijstBesluiten(ZAAK, d));
      assert.equal(lijst.status, 200, lijst.text);
      assert.match(lijst.text, d === '1.2' ? /geefLijstBesluiten_ZakLa01/ : /zakLa01/);
      // Sorted on gerelateerde/identificatie.
      assert.deepEqual(m.extractAll(lijst.text, 'identificatie'), [ZAAK, '1234B0000', '1234B0001']);
    }
    const zd = await send(m.geefZaakdetails(ZAAK, '1.2'));
    assert.match(zd.text, /<ZKN:leidtTot StUF:entiteittype="ZAKBSL">[^]*1234B0001/);
  });

  it('refuses a duplicate besluit, an unknown zaak and an unknown document, storing nothing', async () => {
    const dup = await send(m.voegBesluitToe('1234B0001', ZAAK));
    assert.equal(dup.status, 500);
    assert.match(dup.text, /Fo03Bericht[^]*StUF058/);
    const noZaak = await send(m.voegBesluitToe('1234B0099', '1234GEENZAAK'));
    assert.match(noZaak.text, /Fo03Bericht[^]*StUF064/);
    const noDoc = await send(m.voegBesluitToe('1234B0098', ZAAK, { documenten: ['1234GEENDOC'] }));
    assert.match(noDoc.text, /Fo03Bericht[^]*StUF064/);
    assert.equal(await srv.zp.backend.store.getBesluit('1234B0099'), undefined);
    assert.equal(await srv.zp.backend.store.getBesluit('1234B0098'), undefined);
  });

  it('updates: absent = unchanged, nil = cleared, document links replaced', async () => {
    const res = await send(
      m.updateBesluit(
        '1234B0001',
        '<ZKN:bst.omschrijving>Toekenning</ZKN:bst.omschrijving><ZKN:toelichting>Eerste</ZKN:toelichting>' +
          `<ZKN:isVastgelegdIn StUF:entiteittype="BSLEDC" StUF:verwerkingssoort="V"><ZKN:gerelateerde StUF:entiteittype="EDC" StUF:verwerkingssoort="I"><ZKN:identificatie>${DOC1}</ZKN:identificatie></ZKN:gerelateerde></ZKN:isVastgelegdIn>` +
          '<ZKN:isVastgelegdIn StUF:entiteittype="BSLEDC" StUF:verwerkingssoort="T" xsi:nil="true"/>',
        '<ZKN:bst.omschrijving xsi:nil="true" StUF:noValue="geenWaarde"/><ZKN:toelichting>Herzien</ZKN:toelichting>' +
          '<ZKN:isVastgelegdIn StUF:entiteittype="BSLEDC" StUF:verwerkingssoort="V" xsi:nil="true"/>' +
          `<ZKN:isVastgelegdIn StUF:entiteittype="BSLEDC" StUF:verwerkingssoort="T"><ZKN:gerelateerde StUF:entiteittype="EDC" StUF:verwerkingssoort="I"><ZKN:identificatie>${DOC2}</ZKN:identificatie></ZKN:gerelateerde></ZKN:isVastgelegdIn>`,
      ),
    );
    assert.equal(res.status, 200, res.text);
    const b = await srv.zp.backend.store.getBesluit('1234B0001');
    assert.equal(b?.toelichting, 'Herzien');
    assert.equal(b?.bstOmschrijving, undefined);
    assert.deepEqual(b?.datumBeslissing, { value: '20261201' });
    assert.deepEqual(b?.documenten, [DOC2]);
  });

  it('refuses clearing a mandatory date and updating an unknown besluit', async () => {
    const clear = await send(m.updateBesluit('1234B0001', '<ZKN:datumBeslissing>20261201</ZKN:datumBeslissing>', '<ZKN:datumBeslissing xsi:nil="true" StUF:noValue="geenWaarde"/>'));
    assert.match(clear.text, /Fo03Bericht[^]*StUF058/);
    assert.deepEqual((await srv.zp.backend.store.getBesluit('1234B0001'))?.datumBeslissing, { value: '20261201' });
    const unknown = await send(m.updateBesluit('1234B0404', '', '<ZKN:toelichting>x</ZKN:toelichting>'));
    assert.match(unknown.text, /Fo03Bericht[^]*StUF064/);
  });

  it('unknown besluit in geefBesluitdetails and unknown zaak in geefLijstBesluiten give Fo02 StUF064', async () => {
    for (const body of [m.geefBesluitdetails('1234B0404'), m.geefLijstBesluiten('1234GEENZAAK', '1.2')]) {
      const res = await send(body);
      assert.equal(res.status, 500);
      assert.match(res.text, /Fo02Bericht[^]*StUF064/);
    }
  });

  it('overdragenZaak_Du01 for an overdracht we never sent gets Fo03 StUF043; a Di01 gets StUF040', async () => {
    const du = await send(m.overdragenZaakDu01(ZAAK, 'ONBEKEND-1'));
    assert.equal(du.status, 500);
    assert.match(du.text, /Fo03Bericht[^]*StUF043/);
  });

  it('an incoming overdragenZaak_Di01 is refused with Fo03 StUF040 (served by a ZSC, not a zaaksysteem)', { skip: NEEDS_FIXTURES }, async () => {
    const row = readIndex().find((r) => r.operation === 'overdragenZaak_Di01' && r.direction === 'request');
    assert.ok(row, 'fixture overdragenZaak_Di01');
    const req = asRequest(row);
    const res = await srv.post(req.body, { soapVersion: req.soapVersion });
    await assertSoapResponseValid(res.text);
    assert.equal(res.status, 500);
    assert.match(res.text, /Fo03Bericht[^]*StUF040[^]*zaaksysteem niet ontvangen/);
  });
});
