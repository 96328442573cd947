import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { formatTijdstip, type Clock } from '../../src/stuf/dates.js';
import { NS } from '../../src/stuf/namespaces.js';
import { crossRefFor, newReferentienummer, replyAddressing, usableSysteem } from '../../src/stuf/reply.js';
import { parseStuurgegevens, systeemKey, writeStuurgegevens } from '../../src/stuf/stuurgegevens.js';
import type { XmlElement } from '../../src/xml/tree.js';
import { repoRoot } from '../helpers/xsd.js';

const fixturesDir = path.resolve(repoRoot, '..', 'shared', 'zds', 'fixtures');
const haveFixtures = existsSync(fixturesDir);

/** A minimal namespace-aware tree builder for tests (the production reader streams; this need not). */
function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.on('opentag', (tag: SaxesTagNS) => {
    const nsDecls: Record<string, string> = {};
    const attrs: XmlElement['attrs'] = [];
    for (const a of Object.values(tag.attributes)) {
      if (a.name === 'xmlns') nsDecls[''] = a.value;
      else if (a.prefix === 'xmlns') nsDecls[a.local] = a.value;
      else attrs.push({ ns: a.uri, local: a.local, qname: a.name, value: a.value });
    }
    const el: XmlElement = { ns: tag.uri, local: tag.local, qname: tag.name, attrs, nsDecls, children: [], line: parser.line };
    stack[stack.length - 1]?.children.push(el);
    root ??= el;
    stack.push(el);
  });
  parser.on('text', (t) => stack[stack.length - 1]?.children.push(t));
  parser.on('closetag', () => void stack.pop());
  parser.write(xml.replace(/^\uFEFF/, '').replace(/^\s+/, '')).close();
  return root!;
}

function find(el: XmlElement, local: string): XmlElement | undefined {
  if (el.local === local) return el;
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    const hit = find(c, local);
    if (hit) return hit;
  }
  return undefined;
}

const fixtureStuurgegevens = (file: string): XmlElement | undefined =>
  find(parseXml(readFileSync(path.join(fixturesDir, file), 'utf8')), 'stuurgegevens');

describe('parseStuurgegevens', { skip: !haveFixtures && 'shared fixtures not present' }, () => {
  test('ZDS 1.2 Lk01 (ZKN:stuurgegevens); empty <StUF:gebruiker/> counts as absent', () => {
    const el = fixtureStuurgegevens('creeerZaak_ZakLk01__haarlem-stp__2.xml');
    assert.equal(el?.ns, NS.zkn);
    assert.deepEqual(parseStuurgegevens(el), {
      berichtcode: 'Lk01',
      zender: { organisatie: 'KING', applicatie: 'STP' },
      ontvanger: { organisatie: '1234', applicatie: 'TTA' },
      referentienummer: 'STP0000007',
      tijdstipBericht: '20240110120000000',
      entiteittype: 'ZAK',
    });
  });

  test('ZDS 1.2 Di02 (ZDS:stuurgegevens) with functie and no referentienummer', () => {
    const el = fixtureStuurgegevens('genereerZaakIdentificatie_Di02__haarlem-stp__1.xml');
    assert.equal(el?.ns, NS.zds);
    assert.deepEqual(parseStuurgegevens(el), {
      berichtcode: 'Di02',
      zender: { organisatie: 'KING', applicatie: 'STP' },
      ontvanger: { organisatie: '1234', applicatie: 'TTA' },
      tijdstipBericht: '20240110120000000',
      functie: 'genereerZaakidentificatie',
    });
  });

  test('ZDS 1.1 zakLk01 from real traffic, with gebruiker', () => {
    const sg = parseStuurgegevens(fixtureStuurgegevens('actualiseerZaakstatus_ZakLk01__ozb-swfdump__1.xml'));
    assert.deepEqual(sg.zender, { organisatie: '1900', applicatie: 'GWS4all', gebruiker: 'Gebruiker' });
    assert.equal(sg.referentienummer, '8b107126-04b6-4bb5-8b20-f3c7a19fa8b0');
    assert.equal(sg.tijdstipBericht, '20200507075604416');
  });

  test('every schema-valid request fixture yields a berichtcode and no empty values', () => {
    const rows = readFileSync(path.join(fixturesDir, 'INDEX.tsv'), 'utf8').split('\n').slice(1).map((l) => l.split('\t'));
    let parsed = 0;
    for (const [file, , direction, , validates] of rows) {
      if (!file || direction !== 'request' || validates !== 'yes') continue;
      const el = fixtureStuurgegevens(file);
      if (!el) continue;
      const sg = parseStuurgegevens(el);
      assert.match(sg.berichtcode, /^[A-Z][a-z]\d\d$/, file);
      const json = JSON.stringify(sg);
      assert.ok(!json.includes('""') && !json.includes('{}'), `${file}: ${json}`);
      parsed++;
    }
    assert.ok(parsed > 50, `only ${parsed} fixtures parsed`);
  });

  test('a real message without berichtcode still gives its addressing (for the Fo03)', () => {
    const sg = parseStuurgegevens(fixtureStuurgegevens('voegZaakdocumentToe_EdcLk01__ozb-ladybug__1.xml'));
    assert.equal(sg.berichtcode, '');
    assert.equal(sg.zender?.applicatie, 'CLO');
    assert.equal(sg.referentienummer, 'f3d8badf-ed77-4a48-b06b-c6e80dfc4ba9');
  });
});

describe('parseStuurgegevens edge cases', () => {
  const wrap = (inner: string): XmlElement =>
    parseXml(`<ZKN:stuurgegevens xmlns:ZKN="${NS.zkn}" xmlns:StUF="${NS.stuf}" xmlns:xsi="${NS.xsi}">${inner}</ZKN:stuurgegevens>`);

  test('missing element or berichtcode gives berichtcode "" (checks decide)', () => {
    assert.deepEqual(parseStuurgegevens(undefined), { berichtcode: '' });
    assert.deepEqual(parseStuurgegevens(wrap('')), { berichtcode: '' });
  });

  test('a zender whose parts are all empty is absent; nil leaves are absent; whitespace is trimmed', () => {
    const sg = parseStuurgegevens(
      wrap(
        '<StUF:berichtcode> Lv01 </StUF:berichtcode><StUF:zender><StUF:applicatie/><StUF:gebruiker></StUF:gebruiker></StUF:zender>' +
          '<StUF:referentienummer xsi:nil="true"/><StUF:entiteittype>ZAK</StUF:entiteittype>',
      ),
    );
    assert.deepEqual(sg, { berichtcode: 'Lv01', entiteittype: 'ZAK' });
  });

  test('children outside the StUF namespace are ignored (they are not stuurgegevens)', () => {
    const sg = parseStuurgegevens(wrap('<ZKN:berichtcode>Lk01</ZKN:berichtcode><StUF:functie>x</StUF:functie>'));
    assert.deepEqual(sg, { berichtcode: '', functie: 'x' });
  });
});

describe('systeemKey', () => {
  test('joins the four parts with | and keeps absent parts empty', () => {
    assert.equal(systeemKey({ organisatie: '1234', applicatie: 'SHV' }), '1234|SHV||');
    assert.equal(systeemKey({ applicatie: 'SHV', gebruiker: 'jan' }), '|SHV||jan');
    assert.equal(systeemKey(undefined), '|||');
  });

  test('separators inside values cannot make two senders collide', () => {
    assert.notEqual(systeemKey({ organisatie: 'a|b', applicatie: 'c' }), systeemKey({ organisatie: 'a', applicatie: 'b|c' }));
  });
});

describe('writeStuurgegevens', () => {
  test('XSD order, escaping, empty systeem parts left out', () => {
    const xml = writeStuurgegevens({
      qname: 'ZKN:stuurgegevens',
      berichtcode: 'La01',
      reply: {
        zender: { organisatie: 'Gemeente <A&B>', applicatie: 'Zaakpoort', administratie: '', gebruiker: undefined },
        ontvanger: { applicatie: 'SHV', gebruiker: 'jan' },
        referentienummer: 'ref1',
        tijdstipBericht: '20240110120000000',
        crossRefnummer: 'req1',
      },
      entiteittype: 'ZAK',
    });
    assert.equal(
      xml,
      '<ZKN:stuurgegevens><StUF:berichtcode>La01</StUF:berichtcode>' +
        '<StUF:zender><StUF:organisatie>Gemeente &lt;A&amp;B&gt;</StUF:organisatie><StUF:applicatie>Zaakpoort</StUF:applicatie></StUF:zender>' +
        '<StUF:ontvanger><StUF:applicatie>SHV</StUF:applicatie><StUF:gebruiker>jan</StUF:gebruiker></StUF:ontvanger>' +
        '<StUF:referentienummer>ref1</StUF:referentienummer><StUF:tijdstipBericht>20240110120000000</StUF:tijdstipBericht>' +
        '<StUF:crossRefnummer>req1</StUF:crossRefnummer><StUF:entiteittype>ZAK</StUF:entiteittype></ZKN:stuurgegevens>',
    );
  });

  test('berichtcode only; functie last', () => {
    assert.equal(
      writeStuurgegevens({ qname: 'ZDS:stuurgegevens', berichtcode: 'Du02', functie: 'genereerZaakidentificatie' }),
      '<ZDS:stuurgegevens><StUF:berichtcode>Du02</StUF:berichtcode><StUF:functie>genereerZaakidentificatie</StUF:functie></ZDS:stuurgegevens>',
    );
  });

  test('a systeem without applicatie cannot be written and is left out', () => {
    const xml = writeStuurgegevens({
      qname: 'StUF:stuurgegevens',
      berichtcode: 'Bv03',
      reply: { zender: { organisatie: 'x' }, referentienummer: 'r', tijdstipBericht: '20240110' },
    });
    assert.ok(!xml.includes('zender'));
  });
});

const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });

describe('replyAddressing', () => {
  const self = { organisatie: '1234', applicatie: 'Zaakpoort' };
  const request = {
    berichtcode: 'Lk01',
    zender: { organisatie: 'KING', applicatie: 'STP', gebruiker: 'tester' },
    ontvanger: { organisatie: '1234', applicatie: 'TTA' },
    referentienummer: 'STP0000007',
    tijdstipBericht: '20240110120000000',
    entiteittype: 'ZAK',
  };

  test('swaps zender and ontvanger, new referentienummer, crossRefnummer = request referentienummer', () => {
    const r = replyAddressing(request, self, fixedClock('2026-07-01T10:00:00.250Z'), 'Europe/Amsterdam');
    assert.deepEqual(r.zender, request.ontvanger);
    assert.deepEqual(r.ontvanger, request.zender);
    assert.equal(r.crossRefnummer, 'STP0000007');
    assert.equal(r.tijdstipBericht, '20260701120000250');
    assert.notEqual(r.referentienummer, request.referentienummer);
    assert.ok(r.referentienummer.length <= 40);
  });

  test('no request ontvanger: zender is self; no request referentienummer: no crossRefnummer', () => {
    const r = replyAddressing({ berichtcode: 'Di02', zender: { applicatie: 'SHV' } }, self, fixedClock('2026-01-01T00:00:00Z'), 'UTC');
    assert.deepEqual(r.zender, self);
    assert.deepEqual(r.ontvanger, { applicatie: 'SHV' });
    assert.equal('crossRefnummer' in r, false);
  });

  test('no usable request at all: zender self, no ontvanger', () => {
    const r = replyAddressing(undefined, self, fixedClock('2026-01-01T00:00:00Z'), 'UTC');
    assert.deepEqual(r.zender, self);
    assert.equal(r.ontvanger, undefined);
    assert.equal(r.tijdstipBericht, '20260101000000000');
  });

  test('request systemen that would make our answer schema-invalid are not echoed', () => {
    const r = replyAddressing(
      {
        berichtcode: 'Lk01',
        zender: { applicatie: 'AB' },
        ontvanger: { applicatie: 'TTA', gebruiker: 'g'.repeat(101), organisatie: 'o'.repeat(200) },
      },
      self,
      fixedClock('2026-01-01T00:00:00Z'),
      'UTC',
    );
    assert.equal(r.ontvanger, undefined);
    assert.deepEqual(r.zender, { applicatie: 'TTA', organisatie: 'o'.repeat(200) });
    assert.equal(usableSysteem({ applicatie: 'x'.repeat(51) }), undefined);
    assert.deepEqual(usableSysteem({ applicatie: 'abc' }), { applicatie: 'abc' });
  });

  test('a too long request referentienummer keeps its last 40 characters as crossRefnummer', () => {
    const long = 'Ladybug_Test_Tool-2.2-20210518.202847-60bb9916:17bd05c1e5b:-7fe9';
    assert.equal(crossRefFor(long), long.slice(-40));
    assert.equal(crossRefFor('x'.repeat(40)), 'x'.repeat(40));
    assert.equal(crossRefFor(undefined), undefined);
  });

  test('referentienummers are unique, at most 40 characters and sort by creation time', () => {
    const seen = new Set<string>();
    let prev = '';
    for (let i = 0; i < 1000; i++) {
      const ref = newReferentienummer(fixedClock(new Date(Date.UTC(2026, 0, 1) + i * 7).toISOString()));
      assert.ok(ref.length <= 40);
      assert.ok(ref > prev, `${ref} should sort after ${prev}`);
      seen.add(ref);
      prev = ref;
    }
    assert.equal(seen.size, 1000);
    const sameMs = fixedClock('2026-01-01T00:00:00Z');
    assert.notEqual(newReferentienummer(sameMs), newReferentienummer(sameMs));
  });

  test('tijdstipBericht is the 17-digit wall clock of the configured zone', () => {
    const now = new Date('2026-10-25T01:30:00Z');
    const r = replyAddressing(request, self, fixedClock(now.toISOString()), 'Europe/Amsterdam');
    assert.equal(r.tijdstipBericht, formatTijdstip(now, 'Europe/Amsterdam'));
    assert.equal(r.tijdstipBericht, '20261025023000000');
  });
});
