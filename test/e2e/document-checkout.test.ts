/**
 * The check-out family end to end over HTTP: geefZaakdocumentbewerken, updateZaakdocument, cancelCheckout and
 * ontkoppelZaakdocument, in ZDS 1.2 and (where the standard has it) ZDS 1.1. Every answer is validated against
 * the official XSDs.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import * as m from '../helpers/messages.js';
import { XOP_NS, mtomBody, mtomContentType } from '../helpers/streaming-client.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

type Res = { status: number; text: string };

async function send(srv: TestServer, body: string, soap: '1.1' | '1.2' = '1.1'): Promise<Res> {
  const res = await srv.post(envelope(body, soap), { soapVersion: soap });
  await assertSoapResponseValid(res.text);
  return res;
}

function assertOk(res: Res, root: RegExp): void {
  assert.equal(res.status, 200, res.text);
  assert.match(res.text, root);
}

function assertFault(res: Res, code: string, details?: RegExp): void {
  assert.equal(res.status, 500, res.text);
  assert.match(res.text, /Fo02Bericht/);
  assert.match(res.text, new RegExp(`<StUF:code>${code}</StUF:code>`), res.text);
  if (details) assert.match(res.text, details);
}

/** The bytes of inhoud in a geefZaakdocumentLezen / Bewerken answer. */
function inhoud(xml: string): Buffer {
  const b64 = /<ZKN:inhoud[^>]*>([^<]*)<\/ZKN:inhoud>/.exec(xml)?.[1];
  assert.notEqual(b64, undefined, `no inhoud in ${xml.slice(0, 500)}`);
  return Buffer.from(b64!, 'base64');
}

/** Every stored blob file (content moves from tmp/ to documents/ when persisted). */
async function blobCount(srv: TestServer): Promise<number> {
  const entries = await readdir(path.join(srv.dataDir, 'documents'), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).length;
}

/** A fresh zaak with a document made without content (maakZaakdocument). */
async function zaakMetPlaceholder(srv: TestServer, d: m.Dialect): Promise<{ zaakId: string; docId: string }> {
  const zaakId = m.extract((await send(srv, m.genereerIdentificatie('Zaak', d))).text, 'identificatie')!;
  assertOk(await send(srv, m.creeerZaak({ identificatie: zaakId }, d)), /Bv03Bericht/);
  const docId = m.extract((await send(srv, m.genereerIdentificatie('Document', d))).text, 'identificatie')!;
  assertOk(await send(srv, m.maakZaakdocumentZonderInhoud(docId, zaakId, d)), /Bv03Bericht/);
  return { zaakId, docId };
}

const DU02: Record<m.Dialect, RegExp> = { '1.2': /<ZDS:geefZaakdocumentBewerken_Du02/, '1.1': /<ZKN:geefZaakdocumentbewerken_Du02/ };
const LEZEN: Record<m.Dialect, RegExp> = { '1.2': /geefZaakdocumentLezen_EdcLa01/, '1.1': /edcLa01/ };

async function checkout(srv: TestServer, docId: string, d: m.Dialect): Promise<string> {
  const res = await send(srv, m.geefZaakdocumentBewerken(docId, d));
  assertOk(res, DU02[d]);
  const id = m.extract(res.text, 'checkedOutId');
  assert.ok(id && id.length >= 32, `checkedOutId ${id}`);
  return id!;
}

describe('document check-out, check-in and ontkoppelen', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
  });
  after(async () => {
    await srv.close();
  });

  for (const d of ['1.2', '1.1'] as const) {
    it(`ZDS ${d}: maak → bewerken → update with content → lezen, with the lock enforced`, async () => {
      const { docId } = await zaakMetPlaceholder(srv, d);

      // Check-out: the Du02 carries the metadata, an empty inhoud, an empty link, the checkedOutId and who.
      const co = await send(srv, m.geefZaakdocumentBewerken(docId, d), d === '1.2' ? '1.2' : '1.1');
      assertOk(co, DU02[d]);
      const checkedOutId = m.extract(co.text, 'checkedOutId')!;
      assert.match(checkedOutId, /^[0-9a-f]{32}$/);
      assert.equal(m.extract(co.text, 'checkedOutBy'), 'jdevries');
      assert.match(co.text, /<ZKN:link\/>/);
      assert.equal(m.extract(co.text, 'titel'), 'Besluit schuldhulp');
      assert.equal(inhoud(co.text).length, 0);

      // A second check-out is refused, naming who holds it.
      assertFault(await send(srv, m.geefZaakdocumentBewerken(docId, d, { gebruiker: 'pjansen' })), 'StUF058', /in bewerking[\s\S]*jdevries/);

      // Updates that do not bring the right checkedOutId are refused and change nothing, content included.
      const blobsBefore = await blobCount(srv);
      const poging = { content: Buffer.from('mag niet'), set: { titel: 'Gekaapt' } };
      assertFault(await send(srv, m.updateZaakdocument(docId, d, poging)), 'StUF058', /checkedOutId ontbreekt/);
      assertFault(await send(srv, m.updateZaakdocument(docId, d, { ...poging, checkedOutId: docId })), 'StUF058', /ander checkedOutId/);
      assertFault(await send(srv, m.updateZaakdocument(docId, d, { ...poging, checkedOutId, gebruiker: 'pjansen' })), 'StUF052', /jdevries/);
      assert.equal(await blobCount(srv), blobsBefore, 'refused content leaves no blob behind');
      const unchanged = await srv.zp.backend.store.getDocument(docId);
      assert.equal(unchanged?.meta.titel, 'Besluit schuldhulp');
      assert.equal(unchanged?.lock?.checkedOutId, checkedOutId);
      assert.equal((await srv.zp.backend.store.listDocumentVersions(docId)).length, 1);

      // Check-in with content: a new version, the lock released.
      const v1 = randomBytes(70_001);
      const ci = await send(srv, m.updateZaakdocument(docId, d, { checkedOutId, content: v1, bestandsnaam: 'besluit-v1.pdf', contentType: 'application/pdf', set: { titel: 'Besluit schuldhulp (definitief)', status: 'definitief' } }));
      assertOk(ci, /<StUF:Bv02Bericht/);
      const after1 = await srv.zp.backend.store.getDocument(docId);
      assert.equal(after1?.lock, undefined, 'check-in releases the lock');
      assert.equal(after1?.meta.versie, '1');

      const lezen = await send(srv, m.geefZaakdocumentLezen(docId, d));
      assertOk(lezen, LEZEN[d]);
      assert.ok(inhoud(lezen.text).equals(v1), 'lezen returns the checked-in bytes');
      assert.match(lezen.text, /StUF:bestandsnaam="besluit-v1.pdf"/);
      assert.equal(m.extract(lezen.text, 'titel'), 'Besluit schuldhulp (definitief)');
      assert.equal(m.extract(lezen.text, 'status'), 'definitief');
      assert.equal(m.extract(lezen.text, 'versie'), '1');

      // Checked in, it can be checked out again; the Du02 now streams the content.
      const again = await send(srv, m.geefZaakdocumentBewerken(docId, d));
      assertOk(again, DU02[d]);
      assert.ok(inhoud(again.text).equals(v1));
      assert.notEqual(m.extract(again.text, 'checkedOutId'), checkedOutId, 'every check-out gets a new id');
      assertOk(await send(srv, m.cancelCheckout(docId, m.extract(again.text, 'checkedOutId'), d)), /<StUF:Bv02Bericht/);
    });
  }

  it('keeps every version: minor, major and a caller-given versie; lezen returns the latest', async () => {
    const { docId } = await zaakMetPlaceholder(srv, '1.2');
    const v1 = Buffer.from('versie een');
    const v2 = Buffer.from('versie een punt een');
    const v3 = Buffer.from('versie twee');
    assertOk(await send(srv, m.updateZaakdocument(docId, '1.2', { checkedOutId: await checkout(srv, docId, '1.2'), content: v1 })), /Bv02Bericht/);
    assertOk(await send(srv, m.updateZaakdocument(docId, '1.2', { checkedOutId: await checkout(srv, docId, '1.2'), content: v2, versioningState: 'minor' })), /Bv02Bericht/);
    assert.equal((await srv.zp.backend.store.getDocument(docId))?.meta.versie, '1.1');
    // Not checked out: the STP sends the document id as checkedOutId; any (or none) is accepted.
    assertOk(await send(srv, m.updateZaakdocument(docId, '1.1', { checkedOutId: docId, content: v3 })), /Bv02Bericht/);

    const lezen = await send(srv, m.geefZaakdocumentLezen(docId, '1.2'));
    assert.ok(inhoud(lezen.text).equals(v3));
    assert.equal(m.extract(lezen.text, 'versie'), '2');

    const versions = await srv.zp.backend.store.listDocumentVersions(docId);
    assert.deepEqual(versions.map((v) => v.versionNo), [1, 2, 3, 4]);
    assert.equal(versions[0]?.blobRef, undefined, 'the placeholder had no content');
    const stored = await Promise.all(versions.slice(1).map((v) => text(srv.zp.backend.content.open(v.blobRef!))));
    assert.deepEqual(stored, ['versie een', 'versie een punt een', 'versie twee'], 'older blobs stay stored');

    // The caller's label wins over the derived one.
    assertOk(await send(srv, m.updateZaakdocument(docId, '1.2', { content: Buffer.from('vier'), set: { versie: 'v4' } })), /Bv02Bericht/);
    assert.equal((await srv.zp.backend.store.getDocument(docId))?.meta.versie, 'v4');
  });

  it('a check-in whose content arrives as an MTOM/XOP part', async () => {
    const { docId } = await zaakMetPlaceholder(srv, '1.1');
    const checkedOutId = await checkout(srv, docId, '1.1');
    const bytes = randomBytes(50_000);
    const xml = m.updateZaakdocument(docId, '1.1', { checkedOutId, content: Buffer.alloc(0), bestandsnaam: 'scan.pdf' })
      .replace(/(<ZKN:inhoud[^>]*>)<\/ZKN:inhoud>/, `$1<xop:Include xmlns:xop="${XOP_NS}" href="cid:inhoud-1"/></ZKN:inhoud>`);
    const chunks: Buffer[] = [];
    async function* once() {
      yield bytes;
    }
    for await (const c of mtomBody('grens', 'root', 'text/xml', envelope(xml), [{ cid: 'inhoud-1', contentType: 'application/pdf', content: once() }])) chunks.push(c);
    const res = await srv.post(Buffer.concat(chunks), { contentType: mtomContentType('grens', 'root') });
    assert.equal(res.status, 200, res.text);
    // The answer may itself be MTOM (like the request): validate its SOAP part.
    await assertSoapResponseValid(/<(?:\w+:)?Envelope[\s\S]*<\/(?:\w+:)?Envelope>/.exec(res.text)?.[0] ?? res.text);
    assert.match(res.text, /Bv02Bericht/);
    const lezen = await send(srv, m.geefZaakdocumentLezen(docId, '1.1'));
    assert.ok(inhoud(lezen.text).equals(bytes));
    assert.equal((await srv.zp.backend.store.getDocument(docId))?.lock, undefined);
  });

  it('an update without content changes metadata only, clears nil fields, refuses clearing mandatory ones', async () => {
    const { docId } = await zaakMetPlaceholder(srv, '1.2');
    assertOk(await send(srv, m.updateZaakdocument(docId, '1.2', { set: { beschrijving: 'Toelichting', link: 'https://dms.example/doc' } })), /Bv02Bericht/);
    let doc = await srv.zp.backend.store.getDocument(docId);
    assert.equal(doc?.meta.beschrijving, 'Toelichting');
    assert.equal(doc?.latest.versionNo, 1, 'no new version without inhoud');

    // The link, when set, is answered as is.
    const co = await send(srv, m.geefZaakdocumentBewerken(docId, '1.2'));
    assert.equal(m.extract(co.text, 'link'), 'https://dms.example/doc');
    const checkedOutId = m.extract(co.text, 'checkedOutId')!;

    for (const field of ['titel', 'auteur', 'creatiedatum', 'vertrouwelijkAanduiding']) {
      assertFault(await send(srv, m.updateZaakdocument(docId, '1.2', { checkedOutId, clear: [field] })), 'StUF058', new RegExp(`${field} is verplicht`));
    }
    assert.ok((await srv.zp.backend.store.getDocument(docId))?.lock, 'a refused check-in keeps the lock');
    assertOk(await send(srv, m.updateZaakdocument(docId, '1.2', { checkedOutId, clear: ['beschrijving', 'link'] })), /Bv02Bericht/);
    doc = await srv.zp.backend.store.getDocument(docId);
    assert.equal(doc?.meta.beschrijving, undefined);
    assert.equal(doc?.meta.link, undefined);
    assert.equal(doc?.meta.titel, 'Besluit schuldhulp');
    assert.equal(doc?.lock, undefined);

    // Only mutatiesoort W is a was/wordt pair.
    assertFault(await send(srv, m.updateZaakdocument(docId, '1.2', { mutatiesoort: 'T', set: { titel: 'x' } })), 'StUF058', /mutatiesoort/);
  });

  for (const d of ['1.2', '1.1'] as const) {
    it(`ZDS ${d}: cancelCheckout needs the matching checkedOutId and makes no new version`, async () => {
      const { docId } = await zaakMetPlaceholder(srv, d);
      assertFault(await send(srv, m.cancelCheckout(docId, 'iets', d)), 'StUF058', /niet in bewerking/);
      const checkedOutId = await checkout(srv, docId, d);
      assertFault(await send(srv, m.cancelCheckout(docId, 'verkeerd', d)), 'StUF058', /ander checkedOutId/);
      assertFault(await send(srv, m.cancelCheckout(docId, undefined, d)), 'StUF058', /checkedOutId ontbreekt/);
      assertFault(await send(srv, m.cancelCheckout(docId, checkedOutId, d, { gebruiker: 'pjansen' })), 'StUF052');
      assertOk(await send(srv, m.cancelCheckout(docId, checkedOutId, d)), /<StUF:Bv02Bericht/);
      const doc = await srv.zp.backend.store.getDocument(docId);
      assert.equal(doc?.lock, undefined);
      assert.equal(doc?.meta.titel, 'Besluit schuldhulp', 'the titel in document is ignored');
      assert.equal((await srv.zp.backend.store.listDocumentVersions(docId)).length, 1);
      assertFault(await send(srv, m.cancelCheckout(docId, checkedOutId, d)), 'StUF058', /niet in bewerking/);
    });
  }

  it('ontkoppelZaakdocument: refused while checked out, then removes only the link', async () => {
    const { zaakId, docId } = await zaakMetPlaceholder(srv, '1.2');
    const checkedOutId = await checkout(srv, docId, '1.2');
    assertFault(await send(srv, m.ontkoppelZaakdocument(docId, zaakId)), 'StUF058', /in bewerking/);
    assertOk(await send(srv, m.cancelCheckout(docId, checkedOutId, '1.2')), /Bv02Bericht/);

    assertFault(await send(srv, m.ontkoppelZaakdocument(docId, zaakId, { mutatiesoort: 'T' })), 'StUF058');
    assertFault(await send(srv, m.ontkoppelZaakdocument(docId, zaakId, { soort: 'W' })), 'StUF058');
    assertOk(await send(srv, m.ontkoppelZaakdocument(docId, zaakId)), /<StUF:Bv02Bericht/);

    const lijst = await send(srv, m.geefLijstZaakdocumenten(zaakId, '1.2'));
    assertOk(lijst, /geefLijstZaakdocumenten_ZakLa01/);
    assert.ok(!m.extractAll(lijst.text, 'identificatie').includes(docId), 'the document is no longer listed');
    const lezen = await send(srv, m.geefZaakdocumentLezen(docId, '1.2'));
    assertOk(lezen, /geefZaakdocumentLezen_EdcLa01/);
    assert.equal(m.extract(lezen.text, 'titel'), 'Besluit schuldhulp', 'the document itself stays');

    assertFault(await send(srv, m.ontkoppelZaakdocument(docId, zaakId)), 'StUF064', /niet gekoppeld/);
  });

  it('ontkoppelZaakdocument posted to OntvangAsynchroon (RN #488902) answers Bv03, and Fo03 when refused', async () => {
    const { zaakId, docId } = await zaakMetPlaceholder(srv, '1.2');
    const post = async (body: string) => {
      const res = await srv.post(envelope(body), { path: '/zds/OntvangAsynchroon' });
      await assertSoapResponseValid(res.text);
      return res;
    };
    await checkout(srv, docId, '1.2');
    const refused = await post(m.ontkoppelZaakdocument(docId, zaakId));
    assert.equal(refused.status, 500, refused.text);
    assert.match(refused.text, /Fo03Bericht[\s\S]*StUF058/);
    const checkedOut = (await srv.zp.backend.store.getDocument(docId))!.lock!.checkedOutId;
    assertOk(await send(srv, m.cancelCheckout(docId, checkedOut, '1.2')), /<StUF:Bv02Bericht/);
    const ok = await post(m.ontkoppelZaakdocument(docId, zaakId));
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.text, /<StUF:Bv03Bericht/);
    assert.deepEqual(await srv.zp.backend.store.listDocumentZaken(docId), []);
    // On the synchronous port (and the generic /zds) it stays Bv02.
    const other = await zaakMetPlaceholder(srv, '1.2');
    assertOk(await send(srv, m.ontkoppelZaakdocument(other.docId, other.zaakId)), /<StUF:Bv02Bericht/);
  });

  it('ontkoppelZaakdocument with functie updateZaakdocument (RN #488778) is accepted, also with strict validation', async () => {
    // The official schema only knows functie ontkoppelZaakdocument; the body is validated with the schema's
    // spelling (src/zds/errata.ts), so everything else in it is still checked.
    const { zaakId, docId } = await zaakMetPlaceholder(srv, '1.2');
    assertOk(await send(srv, m.ontkoppelZaakdocument(docId, zaakId, { functie: 'updateZaakdocument' })), /<StUF:Bv02Bericht/);
    assert.deepEqual(await srv.zp.backend.store.listDocumentZaken(docId), []);
    // Any other functie value is still refused.
    const other = await zaakMetPlaceholder(srv, '1.2');
    const bad = await send(srv, m.ontkoppelZaakdocument(other.docId, other.zaakId, { functie: 'cancelCheckout' }));
    assert.equal(bad.status, 500, bad.text);
    assert.match(bad.text, /StUF03[47]|StUF055/);
  });

  it('updateZaakdocument relation changes: T links another zaak (which must exist)', async () => {
    const { zaakId, docId } = await zaakMetPlaceholder(srv, '1.2');
    const tweede = m.extract((await send(srv, m.genereerIdentificatie('Zaak', '1.2'))).text, 'identificatie')!;
    const relatie = (zaak: string) => ({
      oud: '<ZKN:isRelevantVoor StUF:entiteittype="EDCZAK" StUF:verwerkingssoort="T" xsi:nil="true" StUF:noValue="geenWaarde"/>',
      nieuw: `<ZKN:isRelevantVoor StUF:entiteittype="EDCZAK" StUF:verwerkingssoort="T"><ZKN:gerelateerde StUF:entiteittype="ZAK" StUF:verwerkingssoort="I"><ZKN:identificatie>${zaak}</ZKN:identificatie></ZKN:gerelateerde></ZKN:isRelevantVoor>`,
    });
    assertFault(await send(srv, m.updateZaakdocument(docId, '1.2', { relatie: relatie(tweede) })), 'StUF064', /zaak/);
    assertOk(await send(srv, m.creeerZaak({ identificatie: tweede }, '1.2')), /Bv03Bericht/);
    assertOk(await send(srv, m.updateZaakdocument(docId, '1.2', { relatie: relatie(tweede) })), /Bv02Bericht/);
    const zaken = (await srv.zp.backend.store.listDocumentZaken(docId)).map((l) => l.zaakIdentificatie);
    assert.deepEqual(zaken, [zaakId, tweede]);

    // W on a link: the link must exist; changed link attributes are reported in a melding, not silently dropped.
    const w = `<ZKN:isRelevantVoor StUF:entiteittype="EDCZAK" StUF:verwerkingssoort="W"><ZKN:gerelateerde StUF:entiteittype="ZAK" StUF:verwerkingssoort="I"><ZKN:identificatie>${tweede}</ZKN:identificatie></ZKN:gerelateerde><ZKN:titel>Andere titel</ZKN:titel></ZKN:isRelevantVoor>`;
    const res = await send(srv, m.updateZaakdocument(docId, '1.2', { relatie: { oud: w, nieuw: w } }));
    assertOk(res, /Bv02Bericht/);
    assert.match(res.text, /<StUF:melding>Kenmerken van de koppeling met zaak/);
  });

  it('a ZDS 1.1 document without titel is checked out with the file name as titel; without auteur it is refused', async () => {
    const zaakId = m.extract((await send(srv, m.genereerIdentificatie('Zaak', '1.1'))).text, 'identificatie')!;
    assertOk(await send(srv, m.creeerZaak({ identificatie: zaakId }, '1.1')), /Bv03Bericht/);
    const zonderTitel = m.extract((await send(srv, m.genereerIdentificatie('Document', '1.1'))).text, 'identificatie')!;
    const body = m.voegZaakdocumentToe(zonderTitel, zaakId, Buffer.from('inhoud'), '1.1').replace(/<ZKN:titel>[^<]*<\/ZKN:titel>/, '');
    assertOk(await send(srv, body), /Bv03Bericht/);
    const out = await send(srv, m.geefZaakdocumentBewerken(zonderTitel, '1.1'));
    assertOk(out, DU02['1.1']);
    assert.equal(m.extract(out.text, 'titel'), 'aanvraag.pdf');

    const zonderAuteur = m.extract((await send(srv, m.genereerIdentificatie('Document', '1.1'))).text, 'identificatie')!;
    const body2 = m.voegZaakdocumentToe(zonderAuteur, zaakId, Buffer.from('inhoud'), '1.1').replace(/<ZKN:auteur>[^<]*<\/ZKN:auteur>/, '');
    assertOk(await send(srv, body2), /Bv03Bericht/);
    assertFault(await send(srv, m.geefZaakdocumentBewerken(zonderAuteur, '1.1')), 'StUF058', /geen auteur; vul die eerst aan met updateZaakdocument/);
    assert.equal((await srv.zp.backend.store.getDocument(zonderAuteur))?.lock, undefined, 'not checked out');
  });

  it('an unknown document gives Fo02 StUF064 for every operation', async () => {
    const id = '1234D9999999';
    for (const body of [
      m.geefZaakdocumentBewerken(id, '1.2'),
      m.geefZaakdocumentBewerken(id, '1.1'),
      m.updateZaakdocument(id, '1.2', { set: { titel: 'x' } }),
      m.updateZaakdocument(id, '1.1', { content: Buffer.from('x') }),
      m.cancelCheckout(id, 'x', '1.2'),
      m.cancelCheckout(id, 'x', '1.1'),
      m.ontkoppelZaakdocument(id, '1234000000001'),
    ]) {
      assertFault(await send(srv, body), 'StUF064', /1234D9999999/);
    }
    assert.equal(await srv.zp.backend.store.getDocument(id), undefined);
  });

  it('two simultaneous check-outs: exactly one wins', async () => {
    const { docId } = await zaakMetPlaceholder(srv, '1.2');
    const results = await Promise.all(Array.from({ length: 8 }, () => srv.post(envelope(m.geefZaakdocumentBewerken(docId, '1.2')))));
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    assert.equal(results.filter((r) => /StUF058/.test(r.text)).length, 7);
  });
});
