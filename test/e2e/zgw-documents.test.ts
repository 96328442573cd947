/**
 * The document operations of a Zaakpoort with `backend: zgw`, end to end over HTTP, in front of the ZGW TEST
 * DOUBLE (an in-process, OAS-validating stand-in for Open Zaak; not Open Zaak). Every answer is validated
 * against the official XSDs, every request Zaakpoort sent against the official OAS (double.violations), and
 * what ended up in the double is read back directly as a beheerder would see it in Open Zaak.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { ZgwBackendConfig } from '../../src/config.js';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';
import { type ZgwDouble, startZgwDouble } from '../zgw-double/index.js';
import { RSIN, authHeaders, listInZgw, settingsFor, translatorClient } from '../zgw/helpers.js';

const SHV = {
  catalogus: { domein: 'ZAAK', rsin: RSIN },
  zaaktypen: [{
    identificatie: 'SHV01',
    omschrijving: 'Schuldhulpverlening',
    statustypen: ['Intake', 'In behandeling', 'Afgehandeld'],
    roltypen: ['initiator' as const, 'behandelaar' as const],
    resultaattypen: ['Toegekend'],
    informatieobjecttypen: ['Aanvraagformulier', 'Besluitbrief'],
  }],
};

interface Eio { url: string; identificatie: string; versie: number; locked: boolean; titel: string; bestandsomvang: number | null; informatieobjecttype: string; vertrouwelijkheidaanduiding: string; integriteit: { algoritme: string; waarde: string } }

let n = 0;
const newId = (prefix: string) => `${prefix}${String(Date.now() % 1e7).padStart(7, '0')}${++n}`;

describe('Zaakpoort with backend zgw: documents (on the ZGW test double)', () => {
  let double: ZgwDouble;
  let srv: TestServer;
  let zaak: string;
  const send = async (body: string) => {
    const res = await srv.post(envelope(body));
    await assertSoapResponseValid(res.text);
    return res;
  };
  const eio = async (identificatie: string): Promise<Eio | undefined> =>
    (await listInZgw<Eio>(double, `${double.roots.documenten}/enkelvoudiginformatieobjecten?bronorganisatie=${RSIN}&identificatie=${identificatie}`))[0];
  const zios = (eioUrl: string) => listInZgw<{ zaak: string }>(double, `${double.roots.zaken}/zaakinformatieobjecten?informatieobject=${encodeURIComponent(eioUrl)}`);
  const download = async (url: string): Promise<Buffer> => {
    const res = await fetch(url, { headers: { ...(await authHeaders(double)), Accept: 'application/octet-stream' } });
    assert.equal(res.status, 200);
    return Buffer.from(await res.arrayBuffer());
  };
  const inhoudOf = (xml: string): Buffer => Buffer.from(m.extract(xml, 'inhoud') ?? '', 'base64');

  before(async () => {
    double = await startZgwDouble();
    await double.seed(SHV);
    const backend: ZgwBackendConfig = { kind: 'zgw', ...settingsFor(double, translatorClient(double)) };
    srv = await startServer({ backend });
    zaak = newId('1234');
    const c = await send(m.creeerZaak({ identificatie: zaak }, '1.2'));
    assert.equal(c.status, 200, c.text);
  });
  after(async () => {
    await srv?.close();
    await double?.close();
  });
  afterEach(() => {
    assert.deepEqual(double.violations, [], 'every request Zaakpoort sent is valid against the OAS');
  });

  it('voegZaakdocumentToe makes an EIO (informatieobjecttype from the zaaktype) and a ZIO; geefZaakdocumentLezen and geefLijstZaakdocumenten read them back', async () => {
    const id = newId('D');
    const content = Buffer.from('Aanvraag schuldhulp van J. de Vries\n');
    const r = await send(m.voegZaakdocumentToe(id, zaak, content, '1.2', { contentType: 'text/plain', bestandsnaam: 'aanvraag.txt' }));
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /Bv03Bericht/);

    const e = (await eio(id))!;
    assert.ok(e, 'the EIO exists in ZGW');
    assert.equal(e.titel, 'Aanvraag schuldhulp');
    assert.equal(e.vertrouwelijkheidaanduiding, 'vertrouwelijk');
    assert.equal(e.bestandsomvang, content.length);
    assert.equal(e.locked, false);
    assert.equal(e.integriteit.algoritme, 'sha_256');
    const iot = double.requests.find((q) => q.method === 'POST' && q.path.endsWith('/enkelvoudiginformatieobjecten'))!.body as { informatieobjecttype: string };
    assert.equal(iot.informatieobjecttype, e.informatieobjecttype);
    assert.deepEqual(await download(`${e.url}/download`), content);
    assert.equal((await zios(e.url)).length, 1);

    const l = await send(m.geefZaakdocumentLezen(id, '1.2'));
    assert.equal(l.status, 200, l.text);
    assert.deepEqual(inhoudOf(l.text), content);
    assert.equal(m.extract(l.text, 'dct.omschrijving'), 'Aanvraagformulier');
    assert.equal(m.extract(l.text, 'vertrouwelijkAanduiding'), 'VERTROUWELIJK');
    assert.equal(m.extract(l.text, 'auteur'), 'J. de Vries');

    const lijst = await send(m.geefLijstZaakdocumenten(zaak, '1.2'));
    assert.equal(lijst.status, 200, lijst.text);
    assert.ok(m.extractAll(lijst.text, 'identificatie').includes(id));
  });

  it('maakZaakdocument makes a metadata-only EIO; a duplicate identificatie is refused and nothing half-made stays', async () => {
    const id = newId('D');
    const r = await send(m.maakZaakdocumentZonderInhoud(id, zaak, '1.2'));
    assert.equal(r.status, 200, r.text);
    const e = (await eio(id))!;
    assert.equal(e.bestandsomvang, null);
    const l = await send(m.geefZaakdocumentLezen(id, '1.2'));
    assert.equal(l.status, 200, l.text);
    assert.equal(m.extract(l.text, 'dct.omschrijving'), 'Besluitbrief');

    const dup = await send(m.voegZaakdocumentToe(id, zaak, Buffer.from('x'), '1.2'));
    assert.equal(dup.status, 500, dup.text);
    assert.match(dup.text, /StUF058/);
    assert.match(dup.text, /niet uniek/);
    assert.equal((await zios(e.url)).length, 1, 'the existing document keeps its one link');
  });

  it('an unknown dct.omschrijving is refused with the documenttypen of the zaaktype; no EIO is made', async () => {
    const id = newId('D');
    const msg = m.voegZaakdocumentToe(id, zaak, Buffer.from('x'), '1.2').replace('<ZKN:dct.omschrijving>Aanvraagformulier<', '<ZKN:dct.omschrijving>Onbekend type<');
    const r = await send(msg);
    assert.equal(r.status, 500, r.text);
    assert.match(r.text, /StUF058/);
    assert.match(r.text, /Aanvraagformulier/);
    assert.doesNotMatch(r.text, /http:\/\/127\.0\.0\.1/, 'no ZGW URL reaches the sender');
    assert.equal(await eio(id), undefined);
  });

  it('geefZaakdocumentbewerken locks the EIO (checkedOutId = the ZGW lock), updateZaakdocument checks in a new versie, cancelCheckout unlocks', async () => {
    const id = newId('D');
    const v1 = Buffer.from('versie 1\n');
    assert.equal((await send(m.voegZaakdocumentToe(id, zaak, v1, '1.2', { contentType: 'text/plain' }))).status, 200);

    const b = await send(m.geefZaakdocumentBewerken(id, '1.2', { gebruiker: 'jdevries' }));
    assert.equal(b.status, 200, b.text);
    const checkedOutId = m.extract(b.text, 'checkedOutId')!;
    assert.match(checkedOutId, /^[0-9a-f]{32}$/);
    assert.equal((await eio(id))!.locked, true);
    const lockCall = double.requests.findLast((q) => q.method === 'POST' && q.path.endsWith('/lock'));
    assert.ok(lockCall, 'the check-out is a ZGW lock');

    // A second check-out is refused, naming who holds it.
    const again = await send(m.geefZaakdocumentBewerken(id, '1.2', { gebruiker: 'pietje' }));
    assert.equal(again.status, 500, again.text);
    assert.match(again.text, /jdevries/);

    // A wrong checkedOutId is refused; ZGW is not touched.
    const wrong = await send(m.updateZaakdocument(id, '1.2', { checkedOutId: '0'.repeat(32), gebruiker: 'jdevries', set: { titel: 'Fout' } }));
    assert.equal(wrong.status, 500, wrong.text);
    assert.equal((await eio(id))!.titel, 'Aanvraag schuldhulp');

    const v2 = Buffer.from('versie 2, ingecheckt\n');
    const u = await send(m.updateZaakdocument(id, '1.2', { checkedOutId, gebruiker: 'jdevries', content: v2, contentType: 'text/plain', bestandsnaam: 'v2.txt', set: { titel: 'Aanvraag (herzien)' } }));
    assert.equal(u.status, 200, u.text);
    const after = (await eio(id))!;
    assert.equal(after.locked, false, 'the check-in unlocked the EIO');
    assert.equal(after.titel, 'Aanvraag (herzien)');
    assert.equal(after.versie, 2, 'metadata and content in one PATCH: one new versie');
    assert.deepEqual(await download(`${after.url}/download`), v2);
    assert.deepEqual(await download(`${after.url}/download?versie=1`), v1);
    const l = await send(m.geefZaakdocumentLezen(id, '1.2'));
    assert.deepEqual(inhoudOf(l.text), v2);

    // Check out again and cancel: unlocked, nothing changed.
    const b2 = await send(m.geefZaakdocumentBewerken(id, '1.2', { gebruiker: 'jdevries' }));
    const id2 = m.extract(b2.text, 'checkedOutId')!;
    assert.notEqual(id2, checkedOutId);
    const c = await send(m.cancelCheckout(id, id2, '1.2', { gebruiker: 'jdevries' }));
    assert.equal(c.status, 200, c.text);
    const done = (await eio(id))!;
    assert.equal(done.locked, false);
    assert.equal(done.versie, 2);
  });

  it('updateZaakdocument without a check-out locks, PATCHes and unlocks by itself', async () => {
    const id = newId('D');
    assert.equal((await send(m.voegZaakdocumentToe(id, zaak, Buffer.from('x'), '1.2'))).status, 200);
    const u = await send(m.updateZaakdocument(id, '1.2', { set: { beschrijving: 'Toegevoegd' } }));
    assert.equal(u.status, 200, u.text);
    const e = (await eio(id))!;
    assert.equal(e.locked, false);
    assert.equal(e.versie, 2);
    const l = await send(m.geefZaakdocumentLezen(id, '1.2'));
    assert.equal(m.extract(l.text, 'beschrijving'), 'Toegevoegd');
  });

  it('ontkoppelZaakdocument deletes the ZIO and keeps the EIO', async () => {
    const id = newId('D');
    assert.equal((await send(m.voegZaakdocumentToe(id, zaak, Buffer.from('x'), '1.2'))).status, 200);
    const e = (await eio(id))!;
    const o = await send(m.ontkoppelZaakdocument(id, zaak));
    assert.equal(o.status, 200, o.text);
    assert.deepEqual(await zios(e.url), []);
    assert.ok(await eio(id), 'the document itself stays');
    const lijst = await send(m.geefLijstZaakdocumenten(zaak, '1.2'));
    assert.ok(!m.extractAll(lijst.text, 'identificatie').includes(id));
    const again = await send(m.ontkoppelZaakdocument(id, zaak));
    assert.match(again.text, /StUF064/);
  });
});
