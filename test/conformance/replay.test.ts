/**
 * Replays every request fixture of the operations Zaakpoort serves. Each fixture runs against a fresh store
 * that holds what it refers to (a zaak for a document or a vraag, a document for geefZaakdocumentLezen), so
 * every message is judged on its own. A fixture passes when the answer is schema-valid and of the expected
 * kind: Du02/Bv03/La01 for schema-valid requests, a fault with StUF055 for schema-invalid ones.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SchemaRegistry } from '../../src/schema/index.js';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid, schemas } from '../helpers/xsd.js';
import { envelope, startServer } from '../helpers/zaakpoort.js';
import { type FixtureRow, asRequest, readFixture, readIndex } from './fixture-index.js';

/** Operations in scope, with the answer a valid request must get. */
const EXPECTED: Record<string, RegExp> = {
  genereerZaakIdentificatie_Di02: /genereerZaakIdentificatie_Du02/,
  genereerDocumentIdentificatie_Di02: /genereerDocumentIdentificatie_Du02/,
  genereerBesluitIdentificatie_Di02: /genereerBesluitIdentificatie_Du02/,
  creeerZaak_ZakLk01: /Bv03Bericht/,
  voegZaakdocumentToe_EdcLk01: /Bv03Bericht/,
  maakZaakdocument_EdcLk01: /Bv03Bericht/,
  geefZaakdetails_ZakLv01: /(geefZaakdetails_ZakLa01|zakLa01)/,
  geefLijstZaakdocumenten_ZakLv01: /(geefLijstZaakdocumenten_ZakLa01|zakLa01)/,
  geefZaakdocumentLezen_EdcLv01: /(geefZaakdocumentLezen_EdcLa01|edcLa01)/,
};

/** Deliberately wrong fixtures that are schema-valid: the fault they must get instead of success. */
const EXPECTED_FAULTS: Record<string, RegExp> = {
  // einddatumGepland "171215" fits the schema's 8-digit decimal but is no yyyymmdd date.
  'creeerZaak_ZakLk01__haarlem-maykin__5.xml': /StUF055[\s\S]*einddatumGepland/,
  // An empty gelijk: ZDS requires gelijk/identificatie (SPEC #2), the schema does not.
  'geefZaakdetails_ZakLv01__ozb-ladybug__2.xml': /StUF055[\s\S]*gelijk\/identificatie/,
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
  if (row.operation === 'geefZaakdocumentLezen_EdcLv01' && gelijkId) {
    const res = await srv.post(envelope(m.voegZaakdocumentToe(gelijkId, '1234ZAAKSEED', Buffer.from('seed document'), '1.2')));
    assert.equal(res.status, 200, `seed document ${gelijkId}: ${res.text}`);
  }
}

describe('fixture replay (operations of the core flow)', () => {
  let compiled: SchemaRegistry;
  const table = new Map<string, { passed: number; total: number }>();
  before(async () => {
    compiled = await schemas();
  });
  after(() => {
    const rows = [...table.entries()].sort(([a], [b]) => a.localeCompare(b));
    const lines = rows.map(([op, r]) => `| ${op} | ${r.passed} / ${r.total} |`);
    console.log(['', '| operation | fixtures passed |', '|---|---|', ...lines].join('\n'));
  });

  const rows = readIndex().filter((r) => r.direction === 'request' && EXPECTED[r.operation]);
  for (const row of rows) {
    it(`${row.file} (${row.validatesOfficialXsd ? 'valid' : 'invalid'} per official XSD)`, async () => {
      const entry = table.get(row.operation) ?? { passed: 0, total: 0 };
      entry.total += 1;
      table.set(row.operation, entry);
      const srv = await startServer({}, { schemas: compiled });
      try {
        if (row.validatesOfficialXsd) await seed(srv, row);
        const req = asRequest(row);
        const res = await srv.post(req.body, { soapVersion: req.soapVersion, soapAction: req.soapAction });
        await assertSoapResponseValid(res.text);
        if (!row.validatesOfficialXsd) {
          assert.equal(res.status, 500, res.text);
          assert.match(res.text, /StUF055/, res.text);
        } else if (EXPECTED_FAULTS[row.file]) {
          assert.match(res.text, EXPECTED_FAULTS[row.file]!, res.text);
        } else {
          assert.equal(res.status, 200, res.text);
          assert.match(res.text, EXPECTED[row.operation]!, res.text);
        }
        entry.passed += 1;
      } finally {
        await srv.close();
      }
    });
  }
});
