/**
 * Issue #9 on the ZGW backend: nothing a vakapplicatie sends is lost when Zaakpoort stands in front of a ZGW
 * zaaksysteem. Runs on the ZGW TEST DOUBLE (test/zgw-double: an in-process stand-in for Open Zaak that validates
 * every request and response against the official OAS; it is not Open Zaak). Each test sends ZDS berichten over
 * HTTP, reads back with geefZaakdetails (scope alles) / geefBesluitdetails / geefZaakdocumentLezen, compares, and
 * looks at what ZGW itself holds; every answer is XSD-validated and every request to ZGW OAS-validated.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';
import { type Seeded, type ZgwDouble, startZgwDouble } from '../zgw-double/index.js';
import { RSIN, SHV01, authHeaders, listInZgw, settingsFor } from './helpers.js';

/** SHV01 with two eigenschappen and a deelzaaktype. */
const CATALOGUE = {
  catalogus: { domein: 'ZAAK', rsin: RSIN },
  zaaktypen: [
    { ...SHV01, eigenschappen: ['betaalstatus', 'Kenteken'], deelzaaktypen: ['SHV02'] },
    { identificatie: 'SHV02', omschrijving: 'Deelzaak schuldhulp', statustypen: ['Intake', 'Afgehandeld'], roltypen: ['initiator' as const, 'behandelaar' as const], resultaattypen: ['Afgerond'] },
  ],
};

/** The translation profile: StUF extraElement "kenteken" is the zaakeigenschap "Kenteken". */
const PROFILES = { SHV01: { eigenschappen: { kenteken: 'Kenteken' } } };

const ns = 'xmlns:gml="http://www.opengis.net/gml"';
/** A polygon in WGS84 (lat lon axis order of urn:ogc:def:crs:EPSG::4326). */
const POLYGON_4326 =
  '<gml:Polygon srsName="urn:ogc:def:crs:EPSG::4326"><gml:exterior><gml:LinearRing>' +
  '<gml:posList>52.36 4.88 52.36 4.9 52.38 4.9 52.36 4.88</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>';
/** A polygon in RD New (EPSG:28992), as Dutch vakapplicaties send it. */
const POLYGON_RD =
  '<gml:Polygon srsName="urn:ogc:def:crs:EPSG::28992"><gml:exterior><gml:LinearRing>' +
  '<gml:posList srsDimension="2">155000 463000 155100 463000 155100 463100 155000 463000</gml:posList>' +
  '</gml:LinearRing></gml:exterior></gml:Polygon>';
const SURFACE =
  '<gml:Surface srsName="urn:ogc:def:crs:EPSG::28992"><gml:patches><gml:PolygonPatch><gml:exterior><gml:LinearRing>' +
  '<gml:posList>1 2 3 4 5 6 1 2</gml:posList></gml:LinearRing></gml:exterior></gml:PolygonPatch></gml:patches></gml:Surface>';

const anderZaakObject = (oms: string, geo: string) =>
  `<ZKN:anderZaakObject><ZKN:omschrijving>${oms}</ZKN:omschrijving><ZKN:aanduiding>kavel</ZKN:aanduiding>` +
  `<ZKN:lokatie ${ns}>${geo}</ZKN:lokatie><ZKN:registratie>BRK</ZKN:registratie></ZKN:anderZaakObject>`;

const extra = (items: Array<[string, string | undefined]>) =>
  `<StUF:extraElementen>${items.map(([n, v]) => (v === undefined ? `<StUF:extraElement naam="${n}" xsi:nil="true" StUF:noValue="geenWaarde"/>` : `<StUF:extraElement naam="${n}">${v}</StUF:extraElement>`)).join('')}</StUF:extraElementen>`;

const tijdvakGeldigheid = (begin: string, eind?: string) =>
  `<StUF:tijdvakGeldigheid><StUF:beginGeldigheid>${begin}</StUF:beginGeldigheid>` +
  (eind ? `<StUF:eindGeldigheid>${eind}</StUF:eindGeldigheid>` : '<StUF:eindGeldigheid xsi:nil="true" StUF:noValue="geenWaarde"/>') + '</StUF:tijdvakGeldigheid>';

const ROL_KEPT =
  '<StUF:tijdvakRelatie><StUF:beginRelatie>20261120</StUF:beginRelatie><StUF:eindRelatie xsi:nil="true" StUF:noValue="geenWaarde"/></StUF:tijdvakRelatie>' +
  tijdvakGeldigheid('20261121') + extra([['telefoon', '0612345678']]);

const zaakRelatie = (naam: string, et: string, id: string, begin = '20261101') =>
  `<ZKN:${naam} StUF:entiteittype="${et}" StUF:verwerkingssoort="T"><ZKN:gerelateerde StUF:entiteittype="ZAK" StUF:verwerkingssoort="I">` +
  `<ZKN:identificatie>${id}</ZKN:identificatie></ZKN:gerelateerde>` +
  `<StUF:tijdvakRelatie><StUF:beginRelatie>${begin}</StUF:beginRelatie><StUF:eindRelatie xsi:nil="true" StUF:noValue="geenWaarde"/></StUF:tijdvakRelatie>` +
  `</ZKN:${naam}>`;

const leidtTot = (besluitId: string, bst = 'Toekenning') =>
  '<ZKN:leidtTot StUF:entiteittype="ZAKBSL" StUF:verwerkingssoort="T"><ZKN:gerelateerde StUF:entiteittype="BSL" StUF:verwerkingssoort="T">' +
  `<ZKN:identificatie>${besluitId}</ZKN:identificatie><ZKN:bst.omschrijving>${bst}</ZKN:bst.omschrijving>` +
  '<ZKN:datumBeslissing>20261124</ZKN:datumBeslissing></ZKN:gerelateerde></ZKN:leidtTot>';

interface Vol { anderZaakObjecten?: string; zaakExtra?: string; zaakobjecten?: string; rolExtra?: string; relaties?: string; leidtTot?: string }

/** A heeftBetrekkingOp (kerngegevens of a wijk) with its tijdvakRelatie. */
const WIJK =
  '<ZKN:heeftBetrekkingOp StUF:entiteittype="ZAKOBJ" StUF:verwerkingssoort="T"><ZKN:gerelateerde>' +
  '<ZKN:wijk StUF:entiteittype="WYK" StUF:verwerkingssoort="I"><BG:wijkCode>07</BG:wijkCode><BG:wijkNaam>Noord</BG:wijkNaam><BG:gem.gemeenteCode>1234</BG:gem.gemeenteCode></ZKN:wijk>' +
  '</ZKN:gerelateerde><ZKN:omschrijving>Werkgebied</ZKN:omschrijving>' +
  '<StUF:tijdvakRelatie><StUF:beginRelatie>20261103</StUF:beginRelatie><StUF:eindRelatie xsi:nil="true" StUF:noValue="geenWaarde"/></StUF:tijdvakRelatie></ZKN:heeftBetrekkingOp>';

/** creeerZaak of the shared message builder with the given additions at their XSD places. */
function creeer(id: string, add: Vol, z: { omschrijving?: string; zaaktype?: string } = {}): string {
  return m.creeerZaak({ identificatie: id, ...z }, '1.2')
    .replace('<ZKN:startdatum>', `${add.anderZaakObjecten ?? ''}<ZKN:startdatum>`)
    .replace('<ZKN:deelzakenIndicatie>N</ZKN:deelzakenIndicatie>', `<ZKN:deelzakenIndicatie>N</ZKN:deelzakenIndicatie>${add.zaakExtra ?? ''}`)
    .replace('</ZKN:isVan>', `</ZKN:isVan>${add.zaakobjecten ?? ''}`)
    .replace('<ZKN:omschrijving>Aanvrager</ZKN:omschrijving></ZKN:heeftAlsInitiator>', `<ZKN:omschrijving>Aanvrager</ZKN:omschrijving>${add.rolExtra ?? ''}</ZKN:heeftAlsInitiator>`)
    .replace('<ZKN:heeft StUF:entiteittype="ZAKSTT"', `${add.relaties ?? ''}<ZKN:heeft StUF:entiteittype="ZAKSTT"`)
    .replace('</ZKN:object>', `${add.leidtTot ?? ''}</ZKN:object>`);
}

let counter = 0;
const newId = (p = '') => `1234${p}${String(Date.now() % 1e6).padStart(6, '0')}${++counter}`;

interface ZgwZaakRaw { url: string; identificatie: string; omschrijving: string; zaakgeometrie: unknown; relevanteAndereZaken: unknown[] }

describe('issue 9 on the ZGW backend (on the ZGW test double)', () => {
  let double: ZgwDouble;
  let seeded: Seeded;
  let srv: TestServer;

  before(async () => {
    double = await startZgwDouble();
    seeded = await double.seed(CATALOGUE);
    srv = await startServer({ backend: { kind: 'zgw', ...settingsFor(double, { profiles: PROFILES }) } });
  });
  after(async () => {
    await srv?.close();
    await double?.close();
  });
  afterEach(() => {
    assert.deepEqual(double.violations, [], 'every request Zaakpoort sent is valid against the OAS');
  });

  async function send(body: string): Promise<string> {
    const res = await srv.post(envelope(body));
    await assertSoapResponseValid(res.text);
    return res.text;
  }
  async function ok(body: string): Promise<string> {
    const text = await send(body);
    assert.match(text, /Bv0[23]Bericht|La01/, text);
    return text;
  }
  const zaakInZgw = async (id: string) => (await listInZgw<ZgwZaakRaw>(double, `${double.roots.zaken}/zaken?identificatie=${id}`))[0]!;
  const zaakeigenschappen = async (id: string) =>
    (await listInZgw<{ naam: string; waarde: string; eigenschap: string }>(double, `${(await zaakInZgw(id)).url}/zaakeigenschappen`)).map((e) => [e.naam, e.waarde]).sort();
  /** A change another application makes in ZGW (not through Zaakpoort). */
  async function changeInZgw(url: string, body: Record<string, unknown>): Promise<void> {
    const res = await fetch(url, { method: 'PATCH', headers: { ...(await authHeaders(double)), 'Content-Type': 'application/json', 'Content-Crs': 'EPSG:4326' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200, await res.text());
  }
  const mutations = (from: number) => double.requests.slice(from).filter((r) => r.method !== 'GET' && !r.path.includes('/catalogi/')).map((r) => `${r.method} ${r.path.replace(/^\/\w+\/api\/v1/, '').replace(/[0-9a-f-]{36}/g, '{uuid}')}`);

  it('zaak extraElementen become zaakeigenschappen by name (profile translates), the rest is kept beside ZGW; all answered in message order', async () => {
    const id = newId();
    const items: Array<[string, string | undefined]> = [['betaalstatus', 'betaald'], ['formulier.veld &amp; meer', 'waarde met &lt;tekens&gt;'], ['kenteken', 'AB-12-CD'], ['leeg', undefined]];
    await ok(creeer(id, { zaakExtra: extra(items) }));
    // ZGW holds what it has an eigenschap for (by name, "kenteken" through the profile); the rest is not dropped.
    assert.deepEqual(await zaakeigenschappen(id), [['Kenteken', 'AB-12-CD'], ['betaalstatus', 'betaald']]);
    const details = await ok(m.geefZaakdetails(id, '1.2'));
    assert.match(details, /<StUF:extraElementen><StUF:extraElement naam="betaalstatus">betaald<\/StUF:extraElement><StUF:extraElement naam="formulier.veld &amp; meer">waarde met &lt;tekens&gt;<\/StUF:extraElement><StUF:extraElement naam="kenteken">AB-12-CD<\/StUF:extraElement><StUF:extraElement naam="leeg" xsi:nil="true" StUF:noValue="geenWaarde"\/><\/StUF:extraElementen>/);
    // Only when the scope asks.
    const expliciet = await ok(m.geefZaakdetails(id, '1.2', { explicit: '<ZKN:identificatie xsi:nil="true"/><ZKN:omschrijving xsi:nil="true"/>' }));
    assert.doesNotMatch(expliciet, /extraElement/);
    const gevraagd = await ok(m.geefZaakdetails(id, '1.2', { explicit: '<ZKN:identificatie xsi:nil="true"/><StUF:extraElementen><StUF:extraElement naam="kenteken" xsi:nil="true"/></StUF:extraElementen>' }));
    assert.match(gevraagd, /<StUF:extraElementen><StUF:extraElement naam="kenteken">AB-12-CD<\/StUF:extraElement><\/StUF:extraElementen>/);
  });

  it('updateZaak changes zaakeigenschappen with the minimal calls (PATCH a changed waarde, DELETE a dropped one, POST a new one); ZGW wins when changed there', async () => {
    const id = newId();
    await ok(creeer(id, { zaakExtra: extra([['betaalstatus', 'open'], ['kenteken', 'AB-12-CD']]) }));
    const mark = double.requests.length;
    await ok(m.updateZaak(id, extra([['betaalstatus', 'open'], ['kenteken', 'AB-12-CD']]), extra([['betaalstatus', 'betaald'], ['vrij', 'tekst']])));
    assert.deepEqual(await zaakeigenschappen(id), [['betaalstatus', 'betaald']]);
    assert.deepEqual(mutations(mark).sort(), ['DELETE /zaken/{uuid}/zaakeigenschappen/{uuid}', 'PATCH /zaken/{uuid}/zaakeigenschappen/{uuid}']);
    const details = await ok(m.geefZaakdetails(id, '1.2'));
    assert.match(details, /<StUF:extraElementen><StUF:extraElement naam="betaalstatus">betaald<\/StUF:extraElement><StUF:extraElement naam="vrij">tekst<\/StUF:extraElement><\/StUF:extraElementen>/);
    const mark2 = double.requests.length;
    await ok(m.updateZaak(id, extra([['betaalstatus', 'betaald'], ['vrij', 'tekst']]), extra([['betaalstatus', 'betaald'], ['vrij', 'tekst'], ['kenteken', 'XY-99-ZZ']])));
    assert.deepEqual(mutations(mark2), ['POST /zaken/{uuid}/zaakeigenschappen']);
    assert.deepEqual(await zaakeigenschappen(id), [['Kenteken', 'XY-99-ZZ'], ['betaalstatus', 'betaald']]);
    // A zaakeigenschap another application changed in ZGW: ZGW wins.
    const ze = (await listInZgw<{ url: string; naam: string }>(double, `${(await zaakInZgw(id)).url}/zaakeigenschappen`)).find((z) => z.naam === 'betaalstatus');
    await changeInZgw(ze!.url, { waarde: 'terugbetaald' });
    assert.match(await ok(m.geefZaakdetails(id, '1.2')), /<StUF:extraElement naam="betaalstatus">terugbetaald<\/StUF:extraElement><StUF:extraElement naam="vrij">tekst<\/StUF:extraElement>/);
  });

  it('creeerZaak keeps tijdvakken (zaak, rol, relations, zaakobject), rol extras, relations with their details, a reference to an unknown zaak, the leidtTot besluit and GML; scope alles answers all', async () => {
    const related = newId();
    await ok(creeer(related, {}, { omschrijving: 'Deelaanvraag', zaaktype: 'SHV02' }));
    const id = newId();
    const unknown = '9999000000001';
    const besluitId = newId('B');
    await ok(creeer(id, {
      anderZaakObjecten: anderZaakObject('bouwkavel', POLYGON_RD) + anderZaakObject('tuin', SURFACE),
      zaakExtra: tijdvakGeldigheid('20261124'),
      zaakobjecten: WIJK,
      rolExtra: ROL_KEPT,
      relaties: zaakRelatie('heeftAlsDeelzaak', 'ZAKZAKDEL', related) + zaakRelatie('heeftBetrekkingOpAndere', 'ZAKZAKBTR', unknown, '20261102'),
      leidtTot: leidtTot(besluitId),
    }));
    // In ZGW: the deelzaak names its hoofdzaak, the besluit is a Besluiten API besluit of the zaak.
    const zgw = await zaakInZgw(id);
    assert.equal((await listInZgw<{ hoofdzaak: string }>(double, `${double.roots.zaken}/zaken?identificatie=${related}`))[0]!.hoofdzaak, zgw.url);
    const besluiten = await listInZgw<{ identificatie: string; zaak: string; besluittype: string }>(double, `${double.roots.besluiten}/besluiten?identificatie=${besluitId}`);
    assert.deepEqual(besluiten.map((b) => [b.zaak, b.besluittype]), [[zgw.url, seeded.zaaktypen.SHV01!.besluittypen.Toekenning]]);
    assert.deepEqual(zgw.relevanteAndereZaken, [], 'the unknown zaak cannot be a relevanteAndereZaak URL');
    // Of the two lokaties only the RD polygon converts cleanly (a gml:Surface with patches does not): it is the zaakgeometrie.
    const geo = zgw.zaakgeometrie as { type: string; coordinates: number[][][] };
    assert.equal(geo.type, 'Polygon');
    assert.ok(Math.abs(geo.coordinates[0]![0]![1]! - 52.155174) < 2e-5 && Math.abs(geo.coordinates[0]![0]![0]! - 5.387206) < 3e-5, JSON.stringify(geo));

    const details = await ok(m.geefZaakdetails(id, '1.2'));
    assert.match(details, /<ZKN:deelzakenIndicatie>J<\/ZKN:deelzakenIndicatie><StUF:tijdvakGeldigheid><StUF:beginGeldigheid>20261124000000000<\/StUF:beginGeldigheid><StUF:eindGeldigheid xsi:nil="true" StUF:noValue="geenWaarde"\/><\/StUF:tijdvakGeldigheid>/);
    assert.match(details, /<ZKN:heeftAlsInitiator [^>]*>.*<StUF:tijdvakRelatie><StUF:beginRelatie>20261120<\/StUF:beginRelatie>.*<StUF:tijdvakGeldigheid><StUF:beginGeldigheid>20261121000000000<\/StUF:beginGeldigheid>.*<StUF:extraElement naam="telefoon">0612345678<\/StUF:extraElement>.*<\/ZKN:heeftAlsInitiator>/s);
    // The known related zaak with its omschrijving and zaaktype (read from ZGW), the unknown one as a reference; both with their tijdvakRelatie.
    assert.match(details, new RegExp(`<ZKN:heeftAlsDeelzaak StUF:entiteittype="ZAKZAKDEL"><ZKN:gerelateerde StUF:entiteittype="ZAK"><ZKN:identificatie>${related}</ZKN:identificatie><ZKN:omschrijving>Deelaanvraag</ZKN:omschrijving><ZKN:isVan StUF:entiteittype="ZAKZKT"><ZKN:gerelateerde StUF:entiteittype="ZKT"><ZKN:omschrijving>Deelzaak schuldhulp</ZKN:omschrijving><ZKN:code>SHV02</ZKN:code>.*?</ZKN:gerelateerde><StUF:tijdvakRelatie><StUF:beginRelatie>20261101000000000</StUF:beginRelatie>`));
    assert.match(details, new RegExp(`<ZKN:heeftBetrekkingOpAndere StUF:entiteittype="ZAKZAKBTR"><ZKN:gerelateerde StUF:entiteittype="ZAK"><ZKN:identificatie>${unknown}</ZKN:identificatie></ZKN:gerelateerde><StUF:tijdvakRelatie><StUF:beginRelatie>20261102000000000</StUF:beginRelatie>`));
    assert.match(details, new RegExp(`<ZKN:leidtTot StUF:entiteittype="ZAKBSL"><ZKN:gerelateerde StUF:entiteittype="BSL"><ZKN:identificatie>${besluitId}</ZKN:identificatie><ZKN:bst.omschrijving>Toekenning</ZKN:bst.omschrijving>`));
    assert.match(details, /<ZKN:heeftBetrekkingOp StUF:entiteittype="ZAKOBJ"><ZKN:gerelateerde><ZKN:wijk StUF:entiteittype="WYK"><BG:wijkCode>07<\/BG:wijkCode>.*?<\/ZKN:gerelateerde><ZKN:omschrijving>Werkgebied<\/ZKN:omschrijving><StUF:tijdvakRelatie><StUF:beginRelatie>20261103000000000<\/StUF:beginRelatie>/);
    // GML as sent, any surface type.
    assert.match(details, /<ZKN:lokatie><gml:Polygon srsName="urn:ogc:def:crs:EPSG::28992"><gml:exterior><gml:LinearRing><gml:posList srsDimension="2">155000 463000 155100 463000 155100 463100 155000 463000<\/gml:posList>/);
    assert.match(details, /<ZKN:lokatie><gml:Surface srsName="urn:ogc:def:crs:EPSG::28992"><gml:patches><gml:PolygonPatch>/);
    // The hoofdzaak answers its deelzaak relation from ZGW.
    assert.match(await ok(m.geefZaakdetails(related, '1.2')), new RegExp(`<ZKN:heeftAlsHoofdzaak StUF:entiteittype="ZAKZAKHFD"><ZKN:gerelateerde StUF:entiteittype="ZAK"><ZKN:identificatie>${id}</ZKN:identificatie>`));
  });

  it('a leidtTot besluit is part of the creeerZaak unit of work: when the bericht fails after it, besluit and zaak are undone', async () => {
    const id = newId();
    const [eerste, tweede] = [newId('B'), newId('B')];
    // The second besluit's POST fails (a 500): everything the bericht made in ZGW is removed again.
    const fault = double.faults.failNth('POST', /\/besluiten\/api\/v1\/besluiten$/, 2, 500);
    const text = await send(creeer(id, { leidtTot: leidtTot(eerste) + leidtTot(tweede) }));
    double.faults.clear();
    assert.equal(fault.fired, 1);
    assert.match(text, /Fo03Bericht/);
    assert.deepEqual(await listInZgw(double, `${double.roots.zaken}/zaken?identificatie=${id}`), []);
    assert.deepEqual(await listInZgw(double, `${double.roots.besluiten}/besluiten?identificatie=${eerste}`), [], 'the first besluit was undone');
    // The same bericht again goes through, with both besluiten linked to the zaak.
    await ok(creeer(id, { leidtTot: leidtTot(eerste) + leidtTot(tweede) }));
    const zaakUrl = (await zaakInZgw(id)).url;
    const besluiten = await listInZgw<{ identificatie: string; zaak: string }>(double, `${double.roots.besluiten}/besluiten?zaak=${encodeURIComponent(zaakUrl)}`);
    assert.deepEqual(besluiten.map((b) => b.identificatie).sort(), [eerste, tweede].sort());
  });

  it('actualiseerZaakstatus changes the status and nothing else: other fields of the new object do not PATCH the zaak', async () => {
    const id = newId();
    await ok(creeer(id, { zaakExtra: tijdvakGeldigheid('20261124') + extra([['betaalstatus', 'open'], ['vrij', 'x']]) }, { omschrijving: 'Oorspronkelijk' }));
    const before = await ok(m.geefZaakdetails(id, '1.2'));
    const mark = double.requests.length;
    const nieuw = `<ZKN:omschrijving>Gewijzigd</ZKN:omschrijving>${tijdvakGeldigheid('20261201')}`;
    await ok(m.actualiseerZaakstatus(id, { volgnummer: '2', omschrijving: 'In behandeling', datum: '20261125120000000' }, '1.2', nieuw));
    assert.deepEqual(mutations(mark), ['POST /statussen']);
    assert.equal((await zaakInZgw(id)).omschrijving, 'Oorspronkelijk');
    const afterText = await ok(m.geefZaakdetails(id, '1.2'));
    // Only the statussen differ in the answer (the object up to the first heeft, and the rest after them, are equal).
    const zonderStatussen = (x: string) => x.slice(x.indexOf('<ZKN:antwoord>')).replace(/<ZKN:heeft StUF:entiteittype="ZAKSTT">.*?<\/ZKN:heeft>/g, '');
    assert.equal(zonderStatussen(afterText), zonderStatussen(before));
    assert.match(afterText, /<ZKN:omschrijving>In behandeling<\/ZKN:omschrijving>/);
  });

  it('updateZaak: a new initiator with verwerkingssoort T replaces the one the zaak has (DELETE the old rol, POST the new one; the old one kept as ended)', async () => {
    const id = newId();
    await ok(creeer(id, {}));
    const mark = double.requests.length;
    const nieuwe = '<ZKN:heeftAlsInitiator StUF:entiteittype="ZAKBTRINI" StUF:verwerkingssoort="T"><ZKN:gerelateerde>' +
      '<ZKN:natuurlijkPersoon StUF:entiteittype="NPS" StUF:verwerkingssoort="T"><BG:inp.bsn>111222333</BG:inp.bsn><BG:geslachtsnaam>Bakker</BG:geslachtsnaam></ZKN:natuurlijkPersoon>' +
      '</ZKN:gerelateerde><StUF:tijdvakRelatie><StUF:beginRelatie>20261126</StUF:beginRelatie><StUF:eindRelatie xsi:nil="true" StUF:noValue="geenWaarde"/></StUF:tijdvakRelatie></ZKN:heeftAlsInitiator>';
    await ok(m.updateZaak(id, m.rol('heeftAlsInitiator', 'T'), nieuwe));
    assert.deepEqual(mutations(mark), ['DELETE /rollen/{uuid}', 'POST /rollen']);
    const rollen = await listInZgw<{ omschrijvingGeneriek: string; betrokkeneIdentificatie: { inpBsn?: string } }>(double, `${double.roots.zaken}/rollen?zaak=${encodeURIComponent((await zaakInZgw(id)).url)}`);
    assert.deepEqual(rollen.filter((r) => r.omschrijvingGeneriek === 'initiator').map((r) => r.betrokkeneIdentificatie.inpBsn), ['111222333']);
    const details = await ok(m.geefZaakdetails(id, '1.2'));
    const initiators = [...details.matchAll(/<ZKN:heeftAlsInitiator [^>]*>(.*?)<\/ZKN:heeftAlsInitiator>/gs)].map((x) => x[1]!);
    const actief = initiators.filter((x) => !/<StUF:eindRelatie>/.test(x));
    assert.equal(actief.length, 1);
    assert.match(actief[0]!, /<BG:inp\.bsn>111222333<\/BG:inp\.bsn>/);
    // The replaced one is history (answers show active rollen, as on the embedded backend), kept beside ZGW.
    const z = (await srv.zp.backend.store.getZaak(id))!;
    assert.deepEqual(z.rollen.filter((r) => r.rolType === 'heeftAlsInitiator').map((r) => [r.betrokkene.key, r.eindRelatie]), [['111222333', undefined], ['123456782', '20261126']]);
  });

  it('besluiten keep tijdvakGeldigheid and extraElementen beside the Besluiten API; updateBesluit replaces them without a PATCH', async () => {
    const zaakId = newId();
    await ok(creeer(zaakId, {}));
    const besluitId = newId('B');
    const kept = tijdvakGeldigheid('20261201', '20271201') + extra([['kanaal', 'e-mail']]);
    await ok(m.voegBesluitToe(besluitId, zaakId).replace('</ZKN:ingangsdatumWerking>', `</ZKN:ingangsdatumWerking>${kept}`));
    const details = await ok(m.geefBesluitdetails(besluitId));
    assert.match(details, /<StUF:tijdvakGeldigheid><StUF:beginGeldigheid>20261201000000000<\/StUF:beginGeldigheid><StUF:eindGeldigheid>20271201000000000<\/StUF:eindGeldigheid><\/StUF:tijdvakGeldigheid>/);
    assert.match(details, /<StUF:extraElementen><StUF:extraElement naam="kanaal">e-mail<\/StUF:extraElement><\/StUF:extraElementen>/);
    const mark = double.requests.length;
    await ok(m.updateBesluit(besluitId, extra([['kanaal', 'e-mail']]), extra([['kanaal', 'post'], ['kenmerk', 'BR-7']])));
    assert.deepEqual(mutations(mark), [], 'nothing the Besluiten API holds changed');
    const na = await ok(m.geefBesluitdetails(besluitId));
    assert.match(na, /<StUF:extraElementen><StUF:extraElement naam="kanaal">post<\/StUF:extraElement><StUF:extraElement naam="kenmerk">BR-7<\/StUF:extraElement><\/StUF:extraElementen>/);
    assert.match(na, /<StUF:beginGeldigheid>20261201000000000<\/StUF:beginGeldigheid>/, 'what the bericht left out stays');
    // The zaak answers it under leidtTot.
    assert.match(await ok(m.geefZaakdetails(zaakId, '1.2')), new RegExp(`<ZKN:leidtTot StUF:entiteittype="ZAKBSL"><ZKN:gerelateerde StUF:entiteittype="BSL"><ZKN:identificatie>${besluitId}</ZKN:identificatie>`));
  });

  it('documents keep extraElementen beside the Documenten API; updateZaakdocument replaces them', async () => {
    const zaakId = newId();
    await ok(creeer(zaakId, {}));
    const docId = newId('D');
    await ok(m.voegZaakdocumentToe(docId, zaakId, Buffer.from('inhoud'), '1.2').replace('</ZKN:inhoud>', `</ZKN:inhoud>${extra([['kanaal', 'e-mail']])}`));
    const lezen = await ok(m.geefZaakdocumentLezen(docId, '1.2'));
    assert.match(lezen, /<\/ZKN:inhoud><StUF:extraElementen><StUF:extraElement naam="kanaal">e-mail<\/StUF:extraElement><\/StUF:extraElementen><ZKN:isRelevantVoor/);
    let n = 0;
    const update = m.updateZaakdocument(docId, '1.2', { set: { titel: 'Nieuwe titel' } })
      .replace(/<\/ZKN:object>/g, (end) => `${++n === 1 ? extra([['kanaal', 'e-mail']]) : extra([['kanaal', 'post']])}${end}`);
    await ok(update);
    const na = await ok(m.geefZaakdocumentLezen(docId, '1.2'));
    assert.match(na, /<ZKN:titel>Nieuwe titel<\/ZKN:titel>/);
    assert.match(na, /<StUF:extraElementen><StUF:extraElement naam="kanaal">post<\/StUF:extraElement><\/StUF:extraElementen><ZKN:isRelevantVoor/);
  });

  it('updateZaak keeps a relation to a zaak ZGW does not hold as a reference (Bv03, as the testplatform expects), and removes it again', async () => {
    const id = newId();
    await ok(creeer(id, {}));
    const leeg = '<ZKN:heeftAlsDeelzaak StUF:entiteittype="ZAKZAKDEL" StUF:verwerkingssoort="T" xsi:nil="true" StUF:noValue="geenWaarde"/>';
    const mark = double.requests.length;
    await ok(m.updateZaak(id, leeg, zaakRelatie('heeftAlsDeelzaak', 'ZAKZAKDEL', '9999000000002')));
    assert.deepEqual(mutations(mark), [], 'nothing to change in ZGW: the reference lives beside it');
    const details = await ok(m.geefZaakdetails(id, '1.2'));
    assert.match(details, /<ZKN:heeftAlsDeelzaak StUF:entiteittype="ZAKZAKDEL"><ZKN:gerelateerde StUF:entiteittype="ZAK"><ZKN:identificatie>9999000000002<\/ZKN:identificatie><\/ZKN:gerelateerde><StUF:tijdvakRelatie>/);
    const weg = zaakRelatie('heeftAlsDeelzaak', 'ZAKZAKDEL', '9999000000002').replace('StUF:verwerkingssoort="T"', 'StUF:verwerkingssoort="V"');
    await ok(m.updateZaak(id, weg, weg));
    assert.doesNotMatch(await ok(m.geefZaakdetails(id, '1.2')), /9999000000002/);
  });

  it('a lokatie that converts cleanly becomes zaak.zaakgeometrie in ZGW; an update that does not change it does not send it', async () => {
    const id = newId();
    await ok(creeer(id, { anderZaakObjecten: anderZaakObject('meldpunt', POLYGON_4326) }));
    assert.deepEqual((await zaakInZgw(id)).zaakgeometrie, { type: 'Polygon', coordinates: [[[4.88, 52.36], [4.9, 52.36], [4.9, 52.38], [4.88, 52.36]]] });
    const mark = double.requests.length;
    await ok(m.updateZaak(id, '<ZKN:omschrijving>Aanvraag schuldhulpverlening</ZKN:omschrijving>', '<ZKN:omschrijving>Melding verplaatst</ZKN:omschrijving>'));
    const patches = double.requests.slice(mark).filter((r) => r.method === 'PATCH');
    assert.deepEqual(patches.map((r) => Object.keys(r.body as object)), [['omschrijving']]);
    assert.match(await ok(m.geefZaakdetails(id, '1.2')), /<ZKN:lokatie><gml:Polygon srsName="urn:ogc:def:crs:EPSG::4326"><gml:exterior><gml:LinearRing><gml:posList>52.36 4.88 52.36 4.9 52.38 4.9 52.36 4.88<\/gml:posList>/);
  });
});
