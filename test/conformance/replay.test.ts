/**
 * Replays every request fixture of the operations Zaakpoort serves. Each fixture runs against a fresh store
 * that holds what it refers to (a zaak for a document or a vraag, a document for geefZaakdocumentLezen), so
 * every message is judged on its own. A fixture passes when the answer is schema-valid and of the expected
 * kind: Du02/Bv03/La01 for schema-valid requests, a fault with StUF055 for schema-invalid ones.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SchemaRegistry } from '../../src/schema/index.js';
import { systeemKey } from '../../src/stuf/stuurgegevens.js';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid, schemas } from '../helpers/xsd.js';
import { NEEDS_FIXTURES, envelope, startServer } from '../helpers/zaakpoort.js';
import { EXPECTED } from './expected.js';
import { seedWijziging } from './seed-zaak.js';
import { type FixtureRow, asRequest, readFixture, readIndex } from './fixture-index.js';
import { type Node, bodyOf, missingFromAnswer, parseXml } from './stp-compare.js';

/** How each creating kennisgeving is read back, and where its object sits in the request. */
const READ_BACK: Record<string, { object: (body: Node) => Node | undefined; vraag: (id: string) => string }> = {
  creeerZaak_ZakLk01: { object: (b) => child(b, 'object'), vraag: (id) => m.geefZaakdetails(id, '1.2') },
  voegZaakdocumentToe_EdcLk01: { object: (b) => child(b, 'object'), vraag: (id) => m.geefZaakdocumentLezen(id, '1.2') },
  maakZaakdocument_EdcLk01: { object: (b) => child(b, 'object'), vraag: (id) => m.geefZaakdocumentLezen(id, '1.2') },
  voegBesluitToe_Di01: { object: (b) => child(child(b, 'object'), 'besluit'), vraag: (id) => m.geefBesluitdetails(id) },
};

/**
 * Elements a read-back answers differently from what was sent, on purpose: "<fixture> <path>" patterns with the
 * reason. Everything else a kennisgeving stored must come back field by field.
 */
const READ_BACK_DIFFERENCES: Array<{ where: RegExp; why: string }> = [
  { where: /^(voegZaakdocumentToe|maakZaakdocument)_EdcLk01__\S+ object\/isRelevantVoor\/gerelateerde\/(omschrijving|isVan\/gerelateerde\/(omschrijving|code|ingangsdatumObject)):/,
    why: 'the zaak is answered from the stored zaak (seeded by this test with its own omschrijving and zaaktype), not from the copy of its kerngegevens in the document message' },
  { where: /^voegBesluitToe_Di01__\S+ besluit\/isVastgelegdIn\/gerelateerde\/(titel|dct\.omschrijving):/,
    why: 'the document is answered from the stored document (seeded by this test), not from the copy in the besluit message' },
  { where: /^creeerZaak_ZakLk01__haarlem-stp__3\.xml object\/(heeftAlsDeelzaak|heeftBetrekkingOpAndere)\/gerelateerde\/(omschrijving|isVan): not answered$/,
    why: 'the related zaak 0123456789 is not in the store: kept and answered as a reference (testplatform), without details' },
  { where: /^creeerZaak_ZakLk01__haarlem-stp__3\.xml object\/leidtTot\/(tijdvakRelatie|tijdstipRegistratie): not answered$/,
    why: 'NOT KEPT (known gap): the metagegevens of the zaak–besluit relation itself; the besluit and its link are' },
];

function child(n: Node | undefined, local: string): Node | undefined {
  return n?.children.find((c) => c.local === local);
}



/** Deliberately wrong fixtures that are schema-valid: the fault they must get instead of success. */
const EXPECTED_FAULTS: Record<string, RegExp> = {
  // einddatumGepland "171215" fits the schema's 8-digit decimal but is no yyyymmdd date: schema-valid, not processable.
  'creeerZaak_ZakLk01__haarlem-maykin__5.xml': /StUF058[\s\S]*einddatumGepland/,
  // An empty gelijk: ZDS requires gelijk/identificatie (SPEC #2), the schema does not.
  'geefZaakdetails_ZakLv01__ozb-ladybug__2.xml': /StUF058[\s\S]*gelijk\/identificatie/,
  // overdragenZaak_Di01 is served by a zaakservice-consumer, not by a zaaksysteem (SPEC #22b): refused by design.
  'overdragenZaak_Di01__haarlem-stp__1.xml': /Fo03Bericht[\s\S]*StUF040/,
  // A recorded SOAP envelope with a blank line before its XML declaration, indexed without envelope type: the
  // replay wraps it, so the Body holds an Envelope, which no operation serves.
  'stufzkn_zakLv01__ozb-swfdump__2.xml': /Fo02Bericht[\s\S]*StUF040/,
  // maykin "does_not_exist": the zaak it changes is deliberately not seeded and must be reported as unknown.
  'updateZaak_ZakLk01__haarlem-maykin__3.xml': /Fo03Bericht[\s\S]*StUF064/,
  // maykin "mutatiesoort": mutatiesoort T on an updateZaak (must be W).
  'updateZaak_ZakLk01__haarlem-maykin__6.xml': /Fo03Bericht[\s\S]*StUF058[\s\S]*mutatiesoort/,
  // A scope object marked EDC (and its gerelateerde EDCZAK) where the schema fixes ZAK and EDC: libxml2 does not
  // check fixed attribute values, Zaakpoort does (rules derived from the XSD). validation "warn" accepts it.
  'geefLijstZaakdocumenten_ZakLv01__haarlem-maykin__1.xml': /Fo02Bericht[\s\S]*StUF055[\s\S]*entiteittype="EDC", het schema schrijft "ZAK" voor/,
  // maykin "verwerkingssoort": both objects with verwerkingssoort T (must be W or I).
  'updateZaak_ZakLk01__haarlem-maykin__8.xml': /Fo03Bericht[\s\S]*StUF058[\s\S]*verwerkingssoort/,
};

function firstMatch(xml: string, re: RegExp): string | undefined {
  return re.exec(xml)?.[1]?.trim();
}

/** Create what the fixture refers to, through the same SOAP interface a vakapplicatie uses. */
async function seed(srv: Awaited<ReturnType<typeof startServer>>, row: FixtureRow): Promise<void> {
  const xml = readFixture(row);
  const gelijkId = firstMatch(xml, /<(?:\w+:)?gelijk[^>]*>(?:\s|<!--[\s\S]*?-->)*<(?:\w+:)?identificatie>([^<]+)</);
  const relevantZaak = firstMatch(xml, /<(?:\w+:)?isRelevantVoor[\s\S]*?<(?:\w+:)?identificatie>([^<]+)</);
  const zaakIds: string[] = [];
  if (row.operation.endsWith('_ZakLv01') && gelijkId) zaakIds.push(gelijkId);
  if (row.operation.endsWith('_EdcLk01') && relevantZaak) zaakIds.push(relevantZaak);
  if (row.operation === 'geefZaakdocumentLezen_EdcLv01') zaakIds.push('1234ZAAKSEED');
  for (const id of zaakIds) {
    const res = await srv.post(envelope(m.creeerZaak({ identificatie: id.length < 5 ? id.padStart(5, '0') : id }, '1.2')));
    assert.equal(res.status, 200, `seed zaak ${id}: ${res.text}`);
  }
  await seedBesluiten(srv, row, xml, gelijkId);
  if (row.operation === 'geefZaakdocumentLezen_EdcLv01' && gelijkId) {
    const res = await srv.post(envelope(m.voegZaakdocumentToe(gelijkId, '1234ZAAKSEED', Buffer.from('seed document'), '1.2')));
    assert.equal(res.status, 200, `seed document ${gelijkId}: ${res.text}`);
  }
  await seedCheckoutDocument(srv, row, xml);
  await seedWijziging(srv, row, xml);
}

const CHECKOUT_OPERATIONS = new Set(['geefZaakdocumentbewerken_Di02', 'updateZaakdocument_Di02', 'cancelCheckout_Di02', 'ontkoppelZaakdocument_Di02']);

/**
 * The check-out family refers to a document linked to the zaak the fixture names (or a seed zaak); cancelCheckout
 * needs it checked out under the fixture's checkedOutId by the fixture's zender, which only the store can arrange.
 */
async function seedCheckoutDocument(srv: Awaited<ReturnType<typeof startServer>>, row: FixtureRow, xml: string): Promise<void> {
  if (!CHECKOUT_OPERATIONS.has(row.operation)) return;
  const docId = row.operation === 'geefZaakdocumentbewerken_Di02'
    ? firstMatch(xml, /<(?:\w+:)?gelijk[^>]*>\s*<(?:\w+:)?identificatie>([^<]+)</)
    : firstMatch(xml, /<(?:\w+:)?(?:object|document)\b[^>]*>\s*<(?:\w+:)?identificatie>([^<]+)</);
  assert.ok(docId, `no document identificatie in ${row.file}`);
  const zaakId = firstMatch(xml, /<(?:\w+:)?isRelevantVoor[\s\S]*?<(?:\w+:)?identificatie>([^<]+)</) ?? '1234ZAAKSEED';
  const zaak = await srv.post(envelope(m.creeerZaak({ identificatie: zaakId }, '1.2')));
  assert.equal(zaak.status, 200, `seed zaak ${zaakId}: ${zaak.text}`);
  const doc = await srv.post(envelope(m.voegZaakdocumentToe(docId!, zaakId, Buffer.from('seed document'), '1.2')));
  assert.equal(doc.status, 200, `seed document ${docId}: ${doc.text}`);
  if (row.operation !== 'cancelCheckout_Di02') return;
  const zender = /<(?:\w+:)?zender\b[^>]*>([\s\S]*?)<\/(?:\w+:)?zender>/.exec(xml)?.[1] ?? '';
  const part = (name: string) => firstMatch(zender, new RegExp(`<(?:\\w+:)?${name}\\b[^>/]*>([^<]*)<`)) || undefined;
  const owner = systeemKey({ organisatie: part('organisatie'), applicatie: part('applicatie'), administratie: part('administratie'), gebruiker: part('gebruiker') });
  const checkedOutId = firstMatch(xml, /<(?:\w+:)?checkedOutId>([^<]+)</);
  assert.ok(checkedOutId, `no checkedOutId in ${row.file}`);
  await srv.zp.backend.store.transaction((tx) => tx.setDocumentLock(docId!, { checkedOutId: checkedOutId!, owner, at: new Date().toISOString() }));
}

/** Besluit fixtures: the zaak they name, the documents in isVastgelegdIn, and the besluit an update or vraag names. */
async function seedBesluiten(srv: Awaited<ReturnType<typeof startServer>>, row: FixtureRow, xml: string, gelijkId: string | undefined): Promise<void> {
  const ops = ['voegBesluitToe_Di01', 'updateBesluit_BslLk01', 'geefBesluitdetails_BslLv01'];
  if (!ops.includes(row.operation)) return;
  const zaakId = firstMatch(xml, /<(?:\w+:)?zaak[\s>][^]*?<(?:\w+:)?identificatie>([^<]+)</) ?? '1234ZAAKSEED';
  const post = async (body: string, what: string) => {
    const res = await srv.post(envelope(body));
    assert.equal(res.status, 200, `seed ${what}: ${res.text}`);
  };
  await post(m.creeerZaak({ identificatie: zaakId }, '1.2'), `zaak ${zaakId}`);
  const docs = [...xml.matchAll(/<(?:\w+:)?isVastgelegdIn[^>]*>\s*<(?:\w+:)?gerelateerde[^>]*>\s*<(?:\w+:)?identificatie>([^<]+)</g)].map((x) => x[1]!.trim());
  for (const d of new Set(docs)) await post(m.voegZaakdocumentToe(d, zaakId, Buffer.from('seed'), '1.2'), `document ${d}`);
  const besluitId = row.operation === 'updateBesluit_BslLk01' ? firstMatch(xml, /<(?:\w+:)?object[^>]*>\s*<(?:\w+:)?identificatie>([^<]+)</) : row.operation === 'geefBesluitdetails_BslLv01' ? gelijkId : undefined;
  if (besluitId) await post(m.voegBesluitToe(besluitId, zaakId), `besluit ${besluitId}`);
}

/**
 * Content, not only the kind of answer: a creating kennisgeving is read back (geefZaakdetails scope alles,
 * geefZaakdocumentLezen, geefBesluitdetails) and compared with the request field by field; an La01 to a vraag
 * must be about the object asked for.
 */
async function checkContent(srv: Awaited<ReturnType<typeof startServer>>, row: FixtureRow, request: string, answer: string): Promise<void> {
  const body = bodyOf(parseXml(request));
  const rb = READ_BACK[row.operation];
  if (rb) {
    const sent = rb.object(body);
    const id = child(sent, 'identificatie')?.text;
    assert.ok(sent && id, `${row.file}: no object identificatie`);
    const read = await srv.post(envelope(rb.vraag(id)));
    await assertSoapResponseValid(read.text);
    assert.equal(read.status, 200, read.text);
    const got = child(child(bodyOf(parseXml(read.text)), 'antwoord'), 'object');
    const missing = missingFromAnswer(sent, got).filter((d) => !READ_BACK_DIFFERENCES.some((x) => x.where.test(`${row.file} ${d}`)));
    assert.deepEqual(missing, [], `${row.file}: stored and answered differently from what was sent`);
  }
  const asked = child(child(body, 'gelijk'), 'identificatie')?.text;
  if (asked && /La01/.test(answer)) {
    const object = child(child(bodyOf(parseXml(answer)), 'antwoord'), 'object');
    if (object) assert.equal(child(object, 'identificatie')?.text, asked, `${row.file}: the answer is about another object`);
  }
}

describe('fixture replay (operations of the core flow)', { skip: NEEDS_FIXTURES }, () => {
  let compiled: SchemaRegistry;
  /** Per operation: answered (Du02/Bv02/Bv03/La01 with the content checked) and refused as expected, by reason. */
  const table = new Map<string, { passed: number; total: number; answered: number; refused: Map<string, number> }>();
  before(async () => {
    compiled = await schemas();
  });
  after(() => {
    const rows = [...table.entries()].sort(([a], [b]) => a.localeCompare(b));
    const lines = rows.map(([op, r]) => {
      const refused = [...r.refused.entries()].map(([why, n]) => `${n} ${why}`).join('; ');
      return `| ${op} | ${r.passed} / ${r.total} | ${r.answered} | ${refused || '–'} |`;
    });
    console.log(['', '| operation | passed | answered | refused as expected |', '|---|---|---|---|', ...lines].join('\n'));
  });

  const rows = readIndex().filter((r) => r.direction === 'request' && EXPECTED[r.operation]);
  for (const row of rows) {
    it(`${row.file} (${row.validatesOfficialXsd ? 'valid' : 'invalid'} per official XSD)`, async () => {
      const entry = table.get(row.operation) ?? { passed: 0, total: 0, answered: 0, refused: new Map<string, number>() };
      const refuse = (why: string) => entry.refused.set(why, (entry.refused.get(why) ?? 0) + 1);
      entry.total += 1;
      table.set(row.operation, entry);
      const srv = await startServer({}, { schemas: compiled });
      try {
        if (row.validatesOfficialXsd) await seed(srv, row);
        const req = asRequest(row);
        const res = await srv.post(req.body, { soapVersion: req.soapVersion, soapAction: req.soapAction });
        await assertSoapResponseValid(res.text);
        if (EXPECTED_FAULTS[row.file]) {
          assert.match(res.text, EXPECTED_FAULTS[row.file]!, res.text);
          refuse(`${/<StUF:code>([^<]+)</.exec(res.text)?.[1]} (deliberately wrong, see EXPECTED_FAULTS)`);
        } else if (!row.validatesOfficialXsd) {
          // A schema error is the sender's fault: HTTP 500 in SOAP 1.1, 400 in SOAP 1.2.
          assert.equal(res.status, req.soapVersion === '1.2' ? 400 : 500, res.text);
          assert.match(res.text, /StUF055/, res.text);
          refuse('StUF055 (invalid per the official XSD)');
        } else {
          assert.equal(res.status, 200, res.text);
          assert.match(res.text, EXPECTED[row.operation]!, res.text);
          await checkContent(srv, row, req.body, res.text);
          entry.answered += 1;
        }
        entry.passed += 1;
      } finally {
        await srv.close();
      }
    });
  }
});
