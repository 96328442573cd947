/** The was/wordt machinery on the Zaak model: attributes, relation pairing and T/W/V/E/R/I on rollen and statuses. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SaxesParser } from 'saxes';
import type { Zaak } from '../../src/domain/model.js';
import { rolInvariantFout } from '../../src/domain/zaak-rules.js';
import { StufFault } from '../../src/stuf/fault.js';
import { applyWasWordt, pairRelations } from '../../src/zds/kennisgeving/was-wordt.js';
import type { XmlElement } from '../../src/xml/tree.js';
import * as m from '../helpers/messages.js';

const DECLS =
  'xmlns:ZKN="http://www.egem.nl/StUF/sector/zkn/0310" xmlns:StUF="http://www.egem.nl/StUF/StUF0301" ' +
  'xmlns:BG="http://www.egem.nl/StUF/sector/bg/0310" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

/** Parse an object fragment into the reader's element tree. */
function parse(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.on('opentag', (t) => {
    const el: XmlElement = {
      ns: t.uri, local: t.local, qname: t.name, nsDecls: {}, children: [], line: 0,
      attrs: Object.values(t.attributes).map((a) => ({ ns: a.uri, local: a.local, qname: a.name, value: a.value })),
    };
    stack.at(-1)?.children.push(el);
    stack.push(el);
    root ??= el;
  });
  parser.on('text', (s) => stack.at(-1)?.children.push(s));
  parser.on('closetag', () => stack.pop());
  parser.write(xml).close();
  return root!;
}

const object = (inner: string, id = 'Z1') => parse(`<ZKN:object ${DECLS} StUF:entiteittype="ZAK" StUF:verwerkingssoort="W"><ZKN:identificatie>${id}</ZKN:identificatie>${inner}</ZKN:object>`);

function zaak(): Zaak {
  const subject = (key: string) => ({ kind: 'medewerker' as const, key, keyElement: 'identificatie', leaves: [] });
  return {
    identificatie: 'Z1',
    zaaktype: { code: 'ZT1' },
    omschrijving: 'oud',
    toelichting: 'weg ermee',
    kenmerken: [{ kenmerk: 'a', bron: 'x' }],
    anderZaakObjecten: [],
    startdatum: { value: '20260101' },
    registratiedatum: { value: '20260101' },
    zaakniveau: '1',
    deelzakenIndicatie: 'N',
    rollen: [
      { rolType: 'heeftAlsInitiator', betrokkene: subject('INI') },
      { rolType: 'heeftAlsBelanghebbende', betrokkene: subject('B1') },
      { rolType: 'heeftAlsBelanghebbende', betrokkene: subject('B2') },
    ],
    statussen: [{ statustype: { volgnummer: '1' }, datumStatusGezet: '20260101100000000' }],
    relaties: [],
  };
}

const fault = (code: string, text?: RegExp) => (e: unknown) => e instanceof StufFault && e.code === code && (!text || text.test(`${e.omschrijving} ${e.details}`));

describe('was/wordt', () => {
  it('absent = unchanged, nil = cleared, kenmerk set replaced, einddatum change is explicit', () => {
    const u = applyWasWordt(zaak(),
      object('<ZKN:omschrijving>oud</ZKN:omschrijving>'),
      object('<ZKN:omschrijving>nieuw</ZKN:omschrijving><ZKN:toelichting xsi:nil="true" StUF:noValue="geenWaarde"/>' +
        '<ZKN:kenmerk><ZKN:kenmerk>b</ZKN:kenmerk><ZKN:bron>y</ZKN:bron></ZKN:kenmerk><ZKN:einddatum>20260301</ZKN:einddatum>'), '20260201');
    assert.equal(u.zaak.omschrijving, 'nieuw');
    assert.equal(u.zaak.toelichting, undefined);
    assert.deepEqual(u.zaak.kenmerken, [{ kenmerk: 'b', bron: 'y' }]);
    assert.equal(u.zaak.startdatum.value, '20260101');
    assert.equal(u.zaak.einddatum?.value, '20260301');
    assert.equal(u.einddatumExpliciet, true);
  });

  it('does not touch the stored zaak', () => {
    const stored = zaak();
    applyWasWordt(stored, object(''), object('<ZKN:omschrijving>nieuw</ZKN:omschrijving>'), '20260201');
    assert.equal(stored.omschrijving, 'oud');
  });

  it('refuses a changed identificatie or zaaktype, and clearing a mandatory attribute', () => {
    assert.throws(() => applyWasWordt(zaak(), object(''), object('', 'Z2'), '20260201'), fault('StUF058', /identificatie/));
    assert.throws(() => applyWasWordt(zaak(), object(m.isVan('ZT2')), object(m.isVan('ZT2')), '20260201'), fault('StUF058', /Zaaktype/));
    assert.throws(() => applyWasWordt(zaak(), object(''), object('<ZKN:startdatum xsi:nil="true" StUF:noValue="geenWaarde"/>'), '20260201'), fault('StUF058', /startdatum/));
  });

  it('pairs relations by position per name and refuses differing verwerkingssoorten', () => {
    const pairs = pairRelations(
      object(m.rol('heeftAlsBelanghebbende', 'V', { medewerker: 'B1' }) + m.rol('heeftAlsBelanghebbende', 'T')),
      object(m.rol('heeftAlsBelanghebbende', 'V') + m.rol('heeftAlsBelanghebbende', 'T', { medewerker: 'B3' }) + m.heeft({ volgnummer: '2', omschrijving: 'x', datum: '20260102' })),
    );
    assert.deepEqual(pairs.map((p) => `${p.naam}[${p.positie}]${p.soort}${p.oud ? 'o' : ''}${p.nieuw ? 'n' : ''}`), ['heeftAlsBelanghebbende[1]Von', 'heeftAlsBelanghebbende[2]Ton', 'heeft[1]Tn']);
    assert.throws(() => pairRelations(object(m.rol('heeftAlsUitvoerende', 'V', { medewerker: 'U' })), object(m.rol('heeftAlsUitvoerende', 'E'))), fault('StUF058', /heeftAlsUitvoerende\[1\]/));
  });

  it('removes one gerelateerde and adds another on the same roltype', () => {
    const u = applyWasWordt(zaak(),
      object(m.rol('heeftAlsBelanghebbende', 'V', { medewerker: 'B1' }) + m.rol('heeftAlsBelanghebbende', 'T')),
      object(m.rol('heeftAlsBelanghebbende', 'V') + m.rol('heeftAlsBelanghebbende', 'T', { medewerker: 'B3' })), '20260201');
    assert.deepEqual(u.zaak.rollen.filter((r) => r.rolType === 'heeftAlsBelanghebbende').map((r) => r.betrokkene.key), ['B2', 'B3']);
  });

  it('E ends, R replaces (eindRelatie of the old = beginRelatie of the new), W changes attributes, I does nothing', () => {
    const u = applyWasWordt(zaak(),
      object(m.rol('heeftAlsBelanghebbende', 'E', { medewerker: 'B1' }, { eind: '20260115' }) + m.rol('heeftAlsBelanghebbende', 'I', { medewerker: 'B2' }) +
        m.rol('heeftAlsInitiator', 'R', { medewerker: 'INI' }, { eind: '20260120' })),
      object(m.rol('heeftAlsBelanghebbende', 'E') + m.rol('heeftAlsBelanghebbende', 'I', { medewerker: 'B2' }) + m.rol('heeftAlsInitiator', 'R', { bsn: '111222333' })),
      '20260201');
    const b1 = u.zaak.rollen.find((r) => r.betrokkene.key === 'B1')!;
    assert.equal(b1.eindRelatie, '20260115');
    assert.equal(u.zaak.rollen.find((r) => r.betrokkene.key === 'INI')!.eindRelatie, '20260120');
    const nieuw = u.zaak.rollen.find((r) => r.betrokkene.key === '111222333')!;
    assert.equal(nieuw.rolType, 'heeftAlsInitiator');
    assert.equal(nieuw.beginRelatie, '20260120');
    assert.equal(rolInvariantFout(u.zaak, zaak()), undefined);
    // E without an eindRelatie in the old object ends today.
    const e = applyWasWordt(zaak(), object(m.rol('heeftAlsBelanghebbende', 'E', { medewerker: 'B2' })), object(m.rol('heeftAlsBelanghebbende', 'E')), '20260201');
    assert.equal(e.zaak.rollen.find((r) => r.betrokkene.key === 'B2')!.eindRelatie, '20260201');
  });

  it('refuses V/E/R/W on a rol the zaak does not have, naming the relation', () => {
    assert.throws(() => applyWasWordt(zaak(), object(m.rol('heeftAlsUitvoerende', 'V', { medewerker: 'NOPE' })), object(m.rol('heeftAlsUitvoerende', 'V')), '20260201'),
      fault('StUF064', /heeftAlsUitvoerende\[1\].*NOPE/));
  });

  it('a T with an empty relation adds nothing; removing the only initiator is caught by the rol rules', () => {
    const u = applyWasWordt(zaak(), object(m.rol('heeftAlsGemachtigde', 'T')), object(m.rol('heeftAlsGemachtigde', 'T')), '20260201');
    assert.equal(u.zaak.rollen.length, 3);
    const v = applyWasWordt(zaak(), object(m.rol('heeftAlsInitiator', 'V', { medewerker: 'INI' })), object(m.rol('heeftAlsInitiator', 'V')), '20260201');
    assert.match(rolInvariantFout(v.zaak, zaak()) ?? '', /enige initiator/);
  });

  it('adds a status with T (reported as new), and a re-sent status replaces its twin', () => {
    const st = { volgnummer: '2', omschrijving: 'In behandeling', datum: '20260105' };
    const u = applyWasWordt(zaak(), object(m.heeft(undefined)), object(m.heeft(st)), '20260201');
    assert.equal(u.zaak.statussen.length, 2);
    assert.equal(u.nieuweStatussen[0]?.datumStatusGezet, '20260105000000000');
    const again = applyWasWordt(u.zaak, object(m.heeft(undefined)), object(m.heeft({ ...st, toelichting: 'opnieuw' })), '20260201');
    assert.equal(again.zaak.statussen.length, 2);
    assert.equal(again.zaak.statussen[1]?.toelichting, 'opnieuw');
  });
});
