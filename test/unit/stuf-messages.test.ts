import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SaxesParser } from 'saxes';
import type { Clock } from '../../src/stuf/dates.js';
import { FOUTCODE_OMSCHRIJVING, StufFault, faults } from '../../src/stuf/fault.js';
import {
  DETAILS_MAX,
  MELDING_MAX,
  OMSCHRIJVING_MAX,
  faultForPort,
  fitText,
  writeBv02,
  writeBv03,
  writeFo,
} from '../../src/stuf/messages.js';
import { replyAddressing } from '../../src/stuf/reply.js';
import type { Stuurgegevens } from '../../src/stuf/stuurgegevens.js';
import { assertSchemaValid, validateBody } from '../helpers/xsd.js';

const clock: Clock = { now: () => new Date('2026-03-29T01:30:00.123Z') };
const self = { organisatie: '1234', applicatie: 'Zaakpoort' };
const request: Stuurgegevens = {
  berichtcode: 'Lk01',
  zender: { organisatie: 'KING', applicatie: 'STP', gebruiker: 'tester' },
  ontvanger: { organisatie: '1234', applicatie: 'TTA' },
  referentienummer: 'STP0000007',
  tijdstipBericht: '20240110120000000',
  entiteittype: 'ZAK',
};
const reply = replyAddressing(request, self, clock, 'Europe/Amsterdam');

/** Text content of every element with this local name, as an XML parser sees it (entities resolved). */
function texts(xml: string, local: string): string[] {
  const out: string[] = [];
  const parser = new SaxesParser({ xmlns: true });
  let depth = 0;
  let buf = '';
  parser.on('opentag', (t) => {
    if (t.local === local) {
      depth++;
      buf = '';
    }
  });
  parser.on('text', (t) => {
    if (depth) buf += t;
  });
  parser.on('closetag', (t) => {
    if (t.local === local) {
      depth--;
      out.push(buf);
    }
  });
  parser.write(xml).close();
  return out;
}

const cps = (s: string): number => [...s].length;

describe('the schema helper is not vacuous', () => {
  test('a Bv02 with addressing and a Fo02 without body are rejected', async () => {
    const bad = writeBv03(reply).replace(/Bv03/g, 'Bv02');
    assert.notDeepEqual(await validateBody(bad), []);
    const noBody = writeFo('Fo02', faults.schema('x')).replace(/<StUF:body>.*<\/StUF:body>/, '');
    assert.notDeepEqual(await validateBody(noBody), []);
  });
});

describe('writeBv03', () => {
  test('full swapped stuurgegevens in XSD order, schema-valid', async () => {
    const xml = writeBv03(reply);
    await assertSchemaValid(xml);
    assert.match(
      xml,
      /^<StUF:Bv03Bericht xmlns:StUF="http:\/\/www\.egem\.nl\/StUF\/StUF0301"><StUF:stuurgegevens><StUF:berichtcode>Bv03<\/StUF:berichtcode><StUF:zender><StUF:organisatie>1234<\/StUF:organisatie><StUF:applicatie>TTA<\/StUF:applicatie><\/StUF:zender><StUF:ontvanger><StUF:organisatie>KING<\/StUF:organisatie><StUF:applicatie>STP<\/StUF:applicatie><StUF:gebruiker>tester<\/StUF:gebruiker><\/StUF:ontvanger><StUF:referentienummer>zp-[0-9a-z]+-[0-9a-f]+<\/StUF:referentienummer><StUF:tijdstipBericht>20260329033000123<\/StUF:tijdstipBericht><StUF:crossRefnummer>STP0000007<\/StUF:crossRefnummer><\/StUF:stuurgegevens><\/StUF:Bv03Bericht>$/,
    );
  });

  test('still schema-valid when the request lacked zender and referentienummer', async () => {
    const xml = writeBv03(replyAddressing({ berichtcode: 'Lk01' }, self, clock, 'UTC'));
    await assertSchemaValid(xml);
    assert.deepEqual(texts(xml, 'crossRefnummer'), ['']);
  });

  test('a 64-character request referentienummer still gives a schema-valid answer', async () => {
    const long = 'Ladybug_Test_Tool-2.2-20210518.202847-60bb9916:17bd05c1e5b:-7fe9';
    await assertSchemaValid(writeBv03(replyAddressing({ ...request, referentienummer: long }, self, clock, 'UTC')));
  });
});

describe('writeBv02', () => {
  test('stuurgegevens with only berichtcode, no meldingen', async () => {
    const xml = writeBv02();
    assert.equal(
      xml,
      '<StUF:Bv02Bericht xmlns:StUF="http://www.egem.nl/StUF/StUF0301"><StUF:stuurgegevens><StUF:berichtcode>Bv02</StUF:berichtcode></StUF:stuurgegevens></StUF:Bv02Bericht>',
    );
    await assertSchemaValid(xml);
  });

  test('meldingen escaped and shortened to 250 characters', async () => {
    const long = 'x'.repeat(300);
    const xml = writeBv02(['document <1> & "twee" ingecheckt', long]);
    await assertSchemaValid(xml);
    const m = texts(xml, 'melding');
    assert.equal(m[0], 'document <1> & "twee" ingecheckt');
    assert.equal(cps(m[1]!), MELDING_MAX);
    assert.ok(m[1]!.endsWith('…'));
  });
});

describe('writeFo', () => {
  // A sector-defined code (not in the StUF table) keeps its own omschrijving, so the shortening is exercised.
  const longFault = new StufFault(
    'ZKN0001',
    'client',
    'Omschrijving <met> & "tekens" ' + 'ö'.repeat(250),
    'Element {http://www.egem.nl/StUF/sector/zkn/0310}startdatum: ' + '😀'.repeat(1200),
  );

  test('Fo02: stuurgegevens with only berichtcode, body code/plek/omschrijving/details', async () => {
    const xml = writeFo('Fo02', faults.notFound('Zaak niet gevonden', 'identificatie 1234ABC'));
    await assertSchemaValid(xml);
    assert.equal(
      xml,
      '<StUF:Fo02Bericht xmlns:StUF="http://www.egem.nl/StUF/StUF0301"><StUF:stuurgegevens><StUF:berichtcode>Fo02</StUF:berichtcode></StUF:stuurgegevens>' +
        '<StUF:body><StUF:code>StUF064</StUF:code><StUF:plek>server</StUF:plek><StUF:omschrijving>Object niet gevonden</StUF:omschrijving>' +
        '<StUF:details>Zaak niet gevonden: identificatie 1234ABC</StUF:details></StUF:body></StUF:Fo02Bericht>',
    );
  });

  test('Fo02 ignores a reply and leaves out empty details', async () => {
    const xml = writeFo('Fo02', new StufFault('StUF058', 'server', FOUTCODE_OMSCHRIJVING.StUF058!), reply);
    await assertSchemaValid(xml);
    assert.ok(!xml.includes('zender') && !xml.includes('details'));
  });

  test('Fo03: full swapped stuurgegevens with crossRefnummer, schema-valid', async () => {
    const xml = writeFo('Fo03', faults.processing('Zaakidentificatie niet uniek', 'zaakidentificatie niet uniek'), reply);
    await assertSchemaValid(xml);
    assert.deepEqual(texts(xml, 'crossRefnummer'), ['STP0000007']);
    assert.deepEqual(texts(xml, 'applicatie'), ['TTA', 'STP']);
    assert.ok(xml.indexOf('</StUF:stuurgegevens><StUF:body>') > 0);
  });

  test('Fo03 for a request without usable stuurgegevens: self as zender, placeholder ontvanger', async () => {
    const xml = writeFo('Fo03', faults.schema('not a SOAP envelope'), replyAddressing(undefined, self, clock, 'UTC'));
    await assertSchemaValid(xml);
    assert.deepEqual(texts(xml, 'applicatie'), ['Zaakpoort', 'onbekend']);
    assert.deepEqual(texts(xml, 'crossRefnummer'), ['']);
  });

  test('Fo03 without any reply still comes out schema-valid', async () => {
    await assertSchemaValid(writeFo('Fo03', faults.processing('Interne fout')));
  });

  test('Fo03 when the request applicatie was too short (StUF055 case): placeholder ontvanger', async () => {
    const r = replyAddressing({ ...request, zender: { applicatie: 'AB' } }, self, clock, 'UTC');
    const xml = writeFo('Fo03', faults.invalid('Zender is ongeldig'), r);
    await assertSchemaValid(xml);
    assert.deepEqual(texts(xml, 'applicatie'), ['TTA', 'onbekend']);
  });

  for (const kind of ['Fo02', 'Fo03'] as const) {
    test(`${kind}: long texts shortened to 200 / 1000 characters with an ellipsis, special characters escaped`, async () => {
      const xml = writeFo(kind, longFault, reply);
      await assertSchemaValid(xml);
      const [omschrijving] = texts(xml, 'omschrijving');
      const [details] = texts(xml, 'details');
      assert.equal(cps(omschrijving!), OMSCHRIJVING_MAX);
      assert.equal(cps(details!), DETAILS_MAX);
      assert.ok(omschrijving!.startsWith('Omschrijving <met> & "tekens" ö'));
      assert.ok(omschrijving!.endsWith('ö…'));
      assert.ok(details!.endsWith('😀…'), 'a surrogate pair is never cut in half');
    });
  }

  test('characters XML cannot carry are replaced, so the fault stays well-formed', async () => {
    const xml = writeFo('Fo02', faults.schema('bad byte \u0000 and \u001b and \uFFFE and lone \uD800 and tab\tnewline\r\nend'));
    await assertSchemaValid(xml);
    const [details] = texts(xml, 'details');
    assert.equal(details, 'bad byte \uFFFD and \uFFFD and \uFFFD and lone \uFFFD and tab\tnewline\r\nend');
  });

  test('texts that fit are left exactly as they are', () => {
    const exact = 'a'.repeat(200);
    assert.equal(fitText(exact, 200), exact);
    assert.equal(fitText('a'.repeat(201), 200), `${'a'.repeat(199)}…`);
  });
});

describe('faultForPort', () => {
  test('OntvangAsynchroon answers Fo03, the synchronous ports Fo02', () => {
    assert.equal(faultForPort('OntvangAsynchroon'), 'Fo03');
    assert.equal(faultForPort('BeantwoordVraag'), 'Fo02');
    assert.equal(faultForPort('VerwerkSynchroonVrijBericht'), 'Fo02');
  });
});
