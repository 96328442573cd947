/**
 * Data a Bv03 must not lose (issue 9): StUF:extraElementen on zaak, rol, document and besluit; GML geometry in
 * anderZaakObject/lokatie; tijdvakGeldigheid and tijdvakRelatie; zaak relations answered with the related
 * zaak's details; a besluit made through leidtTot in creeerZaak; actualiseerZaakstatus changing the status
 * only. Every answer is XSD-validated; what is stored is read back from the store as well as through answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

const POLYGON =
  '<gml:Polygon srsName="urn:ogc:def:crs:EPSG::28992"><gml:exterior><gml:LinearRing>' +
  '<gml:posList srsDimension="2">103000 488000 103100 488000 103100 488100 103000 488000</gml:posList>' +
  '</gml:LinearRing></gml:exterior></gml:Polygon>';
const SURFACE =
  '<gml:Surface srsName="urn:ogc:def:crs:EPSG::28992"><gml:patches><gml:PolygonPatch><gml:exterior><gml:LinearRing>' +
  '<gml:posList>1 2 3 4 5 6 1 2</gml:posList></gml:LinearRing></gml:exterior></gml:PolygonPatch></gml:patches></gml:Surface>';

const anderZaakObject = (oms: string, geo: string) =>
  `<ZKN:anderZaakObject><ZKN:omschrijving>${oms}</ZKN:omschrijving><ZKN:aanduiding>perceel</ZKN:aanduiding>` +
  `<ZKN:lokatie xmlns:gml="http://www.opengis.net/gml">${geo}</ZKN:lokatie><ZKN:registratie>BRK</ZKN:registratie></ZKN:anderZaakObject>`;

const EXTRA_ZAAK =
  '<StUF:extraElementen><StUF:extraElement naam="betaalstatus">betaald</StUF:extraElement>' +
  '<StUF:extraElement naam="formulier.veld &amp; meer">waarde met &lt;tekens&gt;</StUF:extraElement>' +
  '<StUF:extraElement naam="leeg" xsi:nil="true" StUF:noValue="geenWaarde"/></StUF:extraElementen>';
const TIJDVAK_ZAAK =
  '<StUF:tijdvakGeldigheid><StUF:beginGeldigheid>20261124</StUF:beginGeldigheid>' +
  '<StUF:eindGeldigheid xsi:nil="true" StUF:noValue="geenWaarde"/></StUF:tijdvakGeldigheid>';
const ROL_EXTRA =
  '<StUF:tijdvakRelatie><StUF:beginRelatie>20261124</StUF:beginRelatie><StUF:eindRelatie xsi:nil="true" StUF:noValue="geenWaarde"/></StUF:tijdvakRelatie>' +
  '<StUF:tijdvakGeldigheid><StUF:beginGeldigheid>20261124</StUF:beginGeldigheid><StUF:eindGeldigheid xsi:nil="true" StUF:noValue="geenWaarde"/></StUF:tijdvakGeldigheid>' +
  '<StUF:extraElementen><StUF:extraElement naam="emailadres">j.devries@example.org</StUF:extraElement>' +
  '<StUF:extraElement naam="telefoon">0612345678</StUF:extraElement></StUF:extraElementen>';

const relatie = (naam: string, et: string, id: string) =>
  `<ZKN:${naam} StUF:entiteittype="${et}" StUF:verwerkingssoort="T"><ZKN:gerelateerde StUF:entiteittype="ZAK" StUF:verwerkingssoort="I">` +
  `<ZKN:identificatie>${id}</ZKN:identificatie></ZKN:gerelateerde>` +
  '<StUF:tijdvakRelatie><StUF:beginRelatie>20261101</StUF:beginRelatie><StUF:eindRelatie xsi:nil="true" StUF:noValue="geenWaarde"/></StUF:tijdvakRelatie>' +
  `</ZKN:${naam}>`;

const leidtTot = (besluitId: string) =>
  '<ZKN:leidtTot StUF:entiteittype="ZAKBSL" StUF:verwerkingssoort="T"><ZKN:gerelateerde StUF:entiteittype="BSL" StUF:verwerkingssoort="T">' +
  `<ZKN:identificatie>${besluitId}</ZKN:identificatie><ZKN:bst.omschrijving>Toekenning</ZKN:bst.omschrijving>` +
  '<ZKN:datumBeslissing>20261124</ZKN:datumBeslissing></ZKN:gerelateerde></ZKN:leidtTot>';

/** creeerZaak carrying every kind of kept data; `related` is a stored zaak, `unknown` one that is not here. */
function creeerVol(id: string, related: string, unknown: string, besluitId: string): string {
  return m.creeerZaak({ identificatie: id }, '1.2')
    .replace('<ZKN:startdatum>', `${anderZaakObject('bouwkavel', POLYGON)}${anderZaakObject('tuin', SURFACE)}<ZKN:startdatum>`)
    .replace('<ZKN:deelzakenIndicatie>N</ZKN:deelzakenIndicatie>', `<ZKN:deelzakenIndicatie>J</ZKN:deelzakenIndicatie>${TIJDVAK_ZAAK}${EXTRA_ZAAK}`)
    .replace('<ZKN:omschrijving>Aanvrager</ZKN:omschrijving></ZKN:heeftAlsInitiator>', `<ZKN:omschrijving>Aanvrager</ZKN:omschrijving>${ROL_EXTRA}</ZKN:heeftAlsInitiator>`)
    .replace('<ZKN:heeft StUF:entiteittype="ZAKSTT"', `${relatie('heeftAlsDeelzaak', 'ZAKZAKDEL', related)}${relatie('heeftBetrekkingOpAndere', 'ZAKZAKBTR', unknown)}<ZKN:heeft StUF:entiteittype="ZAKSTT"`)
    .replace('</ZKN:object>', `${leidtTot(besluitId)}</ZKN:object>`);
}

let counter = 0;
const newId = (p = '') => `1234${p}${String(Date.now() % 1e6).padStart(6, '0')}${++counter}`;

describe('kept and answered: extraElementen, GML, tijdvakken, relations, leidtTot', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
  });
  after(async () => {
    await srv.close();
  });

  async function ok(body: string): Promise<string> {
    const res = await srv.post(envelope(body));
    await assertSoapResponseValid(res.text);
    assert.equal(res.status, 200, res.text);
    return res.text;
  }

  it('creeerZaak keeps everything and geefZaakdetails (scope alles) answers it, schema-valid', async () => {
    const related = newId();
    await ok(m.creeerZaak({ identificatie: related, omschrijving: 'Hoofdaanvraag' }, '1.2'));
    const id = newId();
    const unknown = '9999000000001';
    const besluitId = newId('B');
    await ok(creeerVol(id, related, unknown, besluitId));

    const z = (await srv.zp.backend.store.getZaak(id))!;
    assert.deepEqual(z.extraElementen, [
      { naam: 'betaalstatus', waarde: 'betaald' },
      { naam: 'formulier.veld & meer', waarde: 'waarde met <tekens>' },
      { naam: 'leeg', noValue: 'geenWaarde' },
    ]);
    assert.deepEqual(z.tijdvakGeldigheid, { begin: '20261124000000000' });
    assert.equal(z.anderZaakObjecten[0]?.lokatie?.local, 'Polygon');
    assert.equal(z.anderZaakObjecten[1]?.lokatie?.local, 'Surface');
    const ini = z.rollen.find((r) => r.rolType === 'heeftAlsInitiator')!;
    assert.deepEqual(ini.extraElementen?.map((x) => x.naam), ['emailadres', 'telefoon']);
    assert.equal(ini.emailadres, 'j.devries@example.org');
    assert.deepEqual(ini.tijdvakGeldigheid, { begin: '20261124000000000' });
    assert.deepEqual(z.relaties.map((r) => [r.soort, r.identificatie, r.tijdvakRelatie?.begin]), [
      ['heeftAlsDeelzaak', related, '20261101000000000'],
      ['heeftBetrekkingOpAndere', unknown, '20261101000000000'],
    ]);
    const besluit = await srv.zp.backend.store.getBesluit(besluitId);
    assert.equal(besluit?.zaakIdentificatie, id, 'the leidtTot besluit is linked to the zaak');
    assert.equal(besluit?.bstOmschrijving, 'Toekenning');

    const details = await ok(m.geefZaakdetails(id, '1.2'));
    assert.match(details, /<ZKN:lokatie><gml:Polygon srsName="urn:ogc:def:crs:EPSG::28992"><gml:exterior><gml:LinearRing><gml:posList srsDimension="2">103000 488000 103100 488000 103100 488100 103000 488000<\/gml:posList>/);
    assert.match(details, /<ZKN:lokatie><gml:Surface[^>]*><gml:patches><gml:PolygonPatch>/);
    assert.match(details, /<\/ZKN:deelzakenIndicatie><StUF:tijdvakGeldigheid><StUF:beginGeldigheid>20261124000000000<\/StUF:beginGeldigheid><StUF:eindGeldigheid xsi:nil="true" StUF:noValue="geenWaarde"\/><\/StUF:tijdvakGeldigheid>/);
    assert.match(details, /<StUF:extraElement naam="betaalstatus">betaald<\/StUF:extraElement><StUF:extraElement naam="formulier.veld &amp; meer">waarde met &lt;tekens&gt;<\/StUF:extraElement><StUF:extraElement naam="leeg" xsi:nil="true" StUF:noValue="geenWaarde"\/>/);
    assert.match(details, /<ZKN:heeftAlsInitiator[^>]*>.*<StUF:tijdvakGeldigheid>.*<StUF:extraElement naam="emailadres">j\.devries@example\.org<\/StUF:extraElement><StUF:extraElement naam="telefoon">0612345678<\/StUF:extraElement>.*<\/ZKN:heeftAlsInitiator>/s);
    // The known related zaak is answered with its omschrijving and zaaktype, the unknown one as a reference.
    assert.match(details, new RegExp(`<ZKN:heeftAlsDeelzaak StUF:entiteittype="ZAKZAKDEL"><ZKN:gerelateerde StUF:entiteittype="ZAK"><ZKN:identificatie>${related}</ZKN:identificatie><ZKN:omschrijving>Hoofdaanvraag</ZKN:omschrijving><ZKN:isVan StUF:entiteittype="ZAKZKT"><ZKN:gerelateerde StUF:entiteittype="ZKT"><ZKN:omschrijving>Schuldhulpverlening</ZKN:omschrijving><ZKN:code>SHV01</ZKN:code>`));
    assert.match(details, new RegExp(`<ZKN:heeftBetrekkingOpAndere StUF:entiteittype="ZAKZAKBTR"><ZKN:gerelateerde StUF:entiteittype="ZAK"><ZKN:identificatie>${unknown}</ZKN:identificatie></ZKN:gerelateerde><StUF:tijdvakRelatie>`));
    assert.match(details, new RegExp(`<ZKN:leidtTot StUF:entiteittype="ZAKBSL"><ZKN:gerelateerde StUF:entiteittype="BSL"><ZKN:identificatie>${besluitId}</ZKN:identificatie><ZKN:bst.omschrijving>Toekenning</ZKN:bst.omschrijving>`));

    // allesZonderMetagegevens: no tijdvakken; extraElementen are data, not metagegevens, so they stay.
    const zonder = await ok(m.geefZaakdetails(id, '1.2', { keyword: 'allesZonderMetagegevens' }));
    assert.doesNotMatch(zonder, /tijdvakGeldigheid|tijdvakRelatie/);
    assert.match(zonder, /naam="betaalstatus"/);
    // An explicit scope that does not ask for extraElementen does not get them.
    const expliciet = await ok(m.geefZaakdetails(id, '1.2', { explicit: '<ZKN:identificatie xsi:nil="true"/><ZKN:omschrijving xsi:nil="true"/>' }));
    assert.doesNotMatch(expliciet, /extraElement|lokatie/);
    const gevraagd = await ok(m.geefZaakdetails(id, '1.2', { explicit: '<ZKN:identificatie xsi:nil="true"/><StUF:extraElementen><StUF:extraElement naam="betaalstatus" xsi:nil="true"/></StUF:extraElementen>' }));
    assert.match(gevraagd, /<StUF:extraElementen><StUF:extraElement naam="betaalstatus">betaald<\/StUF:extraElement><\/StUF:extraElementen>/, 'only the extraElement asked for');
  });

  it('updateZaak replaces extraElementen and keeps a relation to an unknown zaak as a reference (Bv03, as the testplatform expects)', async () => {
    const id = newId();
    await ok(m.creeerZaak({ identificatie: id }, '1.2'));
    const nieuweExtra = '<StUF:extraElementen><StUF:extraElement naam="betaalstatus">geannuleerd</StUF:extraElement></StUF:extraElementen>';
    const leeg = '<ZKN:heeftAlsDeelzaak StUF:entiteittype="ZAKZAKDEL" StUF:verwerkingssoort="T" xsi:nil="true" StUF:noValue="geenWaarde"/>';
    await ok(m.updateZaak(id, leeg, `${nieuweExtra}${relatie('heeftAlsDeelzaak', 'ZAKZAKDEL', '9999000000002')}`));
    const z = (await srv.zp.backend.store.getZaak(id))!;
    assert.deepEqual(z.extraElementen, [{ naam: 'betaalstatus', waarde: 'geannuleerd' }]);
    assert.deepEqual(z.relaties.map((r) => r.identificatie), ['9999000000002']);
  });

  it('documents and besluiten keep extraElementen (and a besluit its tijdvakGeldigheid)', async () => {
    const zaakId = newId();
    await ok(m.creeerZaak({ identificatie: zaakId }, '1.2'));
    const docId = newId('D');
    const extra = '<StUF:extraElementen><StUF:extraElement naam="kanaal">e-mail</StUF:extraElement></StUF:extraElementen>';
    await ok(m.voegZaakdocumentToe(docId, zaakId, Buffer.from('x'), '1.2').replace('</ZKN:inhoud>', `</ZKN:inhoud>${extra}`));
    assert.deepEqual((await srv.zp.backend.store.getDocument(docId))?.meta.extraElementen, [{ naam: 'kanaal', waarde: 'e-mail' }]);
    const lezen = await ok(m.geefZaakdocumentLezen(docId, '1.2'));
    assert.match(lezen, /<\/ZKN:inhoud><StUF:extraElementen><StUF:extraElement naam="kanaal">e-mail<\/StUF:extraElement><\/StUF:extraElementen><ZKN:isRelevantVoor/);

    const besluitId = newId('B');
    const tijdvak = '<StUF:tijdvakGeldigheid><StUF:beginGeldigheid>20261201</StUF:beginGeldigheid><StUF:eindGeldigheid>20271201</StUF:eindGeldigheid></StUF:tijdvakGeldigheid>';
    await ok(m.voegBesluitToe(besluitId, zaakId).replace('</ZKN:ingangsdatumWerking>', `</ZKN:ingangsdatumWerking>${tijdvak}${extra}`));
    const b = (await srv.zp.backend.store.getBesluit(besluitId))!;
    assert.deepEqual(b.tijdvakGeldigheid, { begin: '20261201000000000', eind: '20271201000000000' });
    assert.deepEqual(b.extraElementen, [{ naam: 'kanaal', waarde: 'e-mail' }]);
    const details = await ok(m.geefBesluitdetails(besluitId));
    assert.match(details, /<StUF:tijdvakGeldigheid><StUF:beginGeldigheid>20261201000000000<\/StUF:beginGeldigheid><StUF:eindGeldigheid>20271201000000000<\/StUF:eindGeldigheid><\/StUF:tijdvakGeldigheid>/);
    assert.match(details, /<StUF:extraElement naam="kanaal">e-mail<\/StUF:extraElement>/);
  });

  it('scope exactness: asked and without value is nil with the right noValue (nietOndersteund for what Zaakpoort does not keep), not asked is absent', async () => {
    const zaakId = newId();
    await ok(m.creeerZaak({ identificatie: zaakId }, '1.2'));
    // Asked for explicitly, not in the zaak: geenWaarde.
    const zaak = await ok(m.geefZaakdetails(zaakId, '1.2', { explicit: '<ZKN:identificatie xsi:nil="true"/><ZKN:toelichting xsi:nil="true"/><ZKN:einddatum xsi:nil="true"/>' }));
    assert.match(zaak, /<ZKN:identificatie>[^<]+<\/ZKN:identificatie><ZKN:toelichting xsi:nil="true" StUF:noValue="geenWaarde"\/><ZKN:einddatum xsi:nil="true" StUF:noValue="geenWaarde"\/><\/ZKN:object>/);
    const docId = newId('D');
    await ok(m.voegZaakdocumentToe(docId, zaakId, Buffer.from('x'), '1.2'));
    const explicit = '<ZKN:object StUF:entiteittype="EDC"><ZKN:identificatie xsi:nil="true"/><ZKN:dct.categorie xsi:nil="true"/><ZKN:titel xsi:nil="true"/></ZKN:object>';
    const lezen = await ok(m.geefZaakdocumentLezen(docId, '1.2').replace('<ZKN:object StUF:entiteittype="EDC" StUF:scope="alles"/>', explicit));
    assert.match(lezen, /<ZKN:dct\.categorie xsi:nil="true" StUF:noValue="nietOndersteund"\/>/);
    assert.doesNotMatch(lezen, /dct\.omschrijving|dct\.omschrijvingGeneriek|isRelevantVoor|beschrijving/, 'not asked, so absent');
    const besluitId = newId('B');
    await ok(m.voegBesluitToe(besluitId, zaakId));
    const bscope = '<ZKN:object StUF:entiteittype="BSL"><ZKN:identificatie xsi:nil="true"/><ZKN:bst.categorie xsi:nil="true"/><ZKN:datumBeslissing xsi:nil="true"/><ZKN:ingangsdatumWerking xsi:nil="true"/></ZKN:object>';
    const besluit = await ok(m.geefBesluitdetails(besluitId).replace('<ZKN:object StUF:entiteittype="BSL" StUF:scope="alles"/>', bscope));
    assert.match(besluit, /<ZKN:identificatie>[^<]+<\/ZKN:identificatie><ZKN:bst\.categorie xsi:nil="true" StUF:noValue="nietOndersteund"\/><ZKN:datumBeslissing>20261201<\/ZKN:datumBeslissing>/);
    assert.doesNotMatch(besluit, /bst\.omschrijving>|toelichting/, 'not asked, so absent');
  });

  it('actualiseerZaakstatus changes the status and nothing else', async () => {
    const id = newId();
    await ok(m.creeerZaak({ identificatie: id, omschrijving: 'Oorspronkelijk' }, '1.2'));
    const before = (await srv.zp.backend.store.getZaak(id))!;
    const body = m.actualiseerZaakstatus(id, { volgnummer: '2', omschrijving: 'In behandeling', datum: '20261125120000000' }, '1.2', '<ZKN:omschrijving>Gewijzigd</ZKN:omschrijving>');
    await ok(body);
    const after = (await srv.zp.backend.store.getZaak(id))!;
    assert.equal(after.statussen.length, before.statussen.length + 1);
    assert.deepEqual({ ...after, statussen: [] }, { ...before, statussen: [] }, 'only the statuses differ');
  });
});
