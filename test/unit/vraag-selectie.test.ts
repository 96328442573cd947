/** Parsing zakLv01 selections and parameters into a ZaakQuery, without a server. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SaxesParser } from 'saxes';
import { NS } from '../../src/stuf/namespaces.js';
import { StufFault } from '../../src/stuf/fault.js';
import type { XmlElement } from '../../src/xml/tree.js';
import { parseVraagParameters, vervolgStart } from '../../src/zds/vraag/parameters.js';
import { flatten, parseZaakSelectie } from '../../src/zds/vraag/selectie.js';

/** A minimal XmlElement tree from XML text (enough for these tests). */
function parse(xml: string): XmlElement {
  const p = new SaxesParser({ xmlns: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  p.on('opentag', (t) => {
    const el: XmlElement = {
      ns: t.uri, local: t.local, qname: t.name, nsDecls: {}, children: [], line: 0,
      attrs: Object.values(t.attributes).filter((a) => a.prefix !== 'xmlns' && a.name !== 'xmlns').map((a) => ({ ns: a.uri, local: a.local, qname: a.name, value: a.value })),
    };
    stack[stack.length - 1]?.children.push(el);
    stack.push(el);
    root ??= el;
  });
  p.on('text', (t) => stack[stack.length - 1]?.children.push(t));
  p.on('closetag', () => stack.pop());
  p.write(xml).close();
  return root!;
}

const D = `xmlns:ZKN="${NS.zkn}" xmlns:StUF="${NS.stuf}" xmlns:BG="${NS.bg}" xmlns:xsi="${NS.xsi}"`;
const vraag = (inner: string) => parse(`<ZKN:zakLv01 ${D}>${inner}</ZKN:zakLv01>`);
const code = (err: unknown) => (err instanceof StufFault ? err.code : String(err));

describe('zakLv01 selectie', () => {
  it('flattens relations to paths', () => {
    const g = parse(`<ZKN:gelijk ${D}><ZKN:isVan><ZKN:gerelateerde><ZKN:code>A</ZKN:code></ZKN:gerelateerde></ZKN:isVan><ZKN:startdatum>20240101</ZKN:startdatum></ZKN:gelijk>`);
    assert.deepEqual(flatten(g).map((c) => c.path), ['isVan/gerelateerde/code', 'startdatum']);
  });

  it('builds conditions from gelijk, vanaf and totEnMet', () => {
    const q = parseZaakSelectie(vraag(
      '<ZKN:gelijk><ZKN:einddatum xsi:nil="true" StUF:noValue="geenWaarde"/><ZKN:heeftAlsInitiator><ZKN:gerelateerde><ZKN:natuurlijkPersoon><BG:inp.bsn>123</BG:inp.bsn></ZKN:natuurlijkPersoon></ZKN:gerelateerde></ZKN:heeftAlsInitiator></ZKN:gelijk>' +
      '<ZKN:vanaf><ZKN:startdatum>20240101</ZKN:startdatum></ZKN:vanaf><ZKN:totEnMet><ZKN:startdatum>20241231</ZKN:startdatum></ZKN:totEnMet>',
    ));
    assert.deepEqual(q, {
      einddatum: { gelijk: null },
      initiator: { kind: 'natuurlijkPersoon', keyElement: 'inp.bsn', key: '123' },
      startdatum: { vanaf: '20240101', totEnMet: '20241231' },
    });
  });

  it('reports the StUF selection faults', () => {
    const cases: Array<[string, string]> = [
      ['StUF076', '<ZKN:vanaf><ZKN:startdatum>20240101</ZKN:startdatum></ZKN:vanaf><ZKN:totEnMet><ZKN:einddatum>20240101</ZKN:einddatum></ZKN:totEnMet>'],
      ['StUF079', '<ZKN:gelijk><ZKN:identificatie>a</ZKN:identificatie></ZKN:gelijk><ZKN:vanaf><ZKN:identificatie>a</ZKN:identificatie></ZKN:vanaf>'],
      ['StUF082', '<ZKN:totEnMet><ZKN:identificatie StUF:exact="false">a</ZKN:identificatie></ZKN:totEnMet>'],
      ['StUF085', '<ZKN:vanaf><ZKN:einddatum StUF:indOnvolledigeDatum="M">20240000</ZKN:einddatum></ZKN:vanaf>'],
      ['StUF088', '<ZKN:gelijk StUF:sleutelVerzendend="1" StUF:sleutelGegevensbeheer="2"/>'],
      ['StUF091', '<ZKN:gelijk StUF:sleutelOntvangend="1"><ZKN:identificatie>a</ZKN:identificatie></ZKN:gelijk>'],
      ['StUF094', '<ZKN:gelijk StUF:sleutelOntvangend="1"/>'],
      ['StUF058', '<ZKN:vanaf><ZKN:heeftAlsInitiator><ZKN:gerelateerde><ZKN:natuurlijkPersoon><BG:inp.bsn>1</BG:inp.bsn></ZKN:natuurlijkPersoon></ZKN:gerelateerde></ZKN:heeftAlsInitiator></ZKN:vanaf>'],
    ];
    for (const [expected, xml] of cases) {
      assert.throws(() => parseZaakSelectie(vraag(xml)), (e) => code(e) === expected, expected);
    }
  });
});

describe('vraag parameters', () => {
  it('applies the schema defaults and reads start of a vervolgvraag', () => {
    const v = vraag('<ZKN:parameters><StUF:sortering>1</StUF:sortering><StUF:indicatorVervolgvraag>true</StUF:indicatorVervolgvraag></ZKN:parameters>' +
      '<ZKN:start><ZKN:object><ZKN:identificatie>X9</ZKN:identificatie></ZKN:object></ZKN:start>');
    const p = parseVraagParameters(v);
    assert.deepEqual(p, { sortering: 1, indicatorVervolgvraag: true, maximumAantal: 15, indicatorAantal: false });
    assert.equal(vervolgStart(v, p), 'X9');
    const noStart = vraag('<ZKN:parameters><StUF:sortering>0</StUF:sortering><StUF:indicatorVervolgvraag>true</StUF:indicatorVervolgvraag></ZKN:parameters>');
    assert.throws(() => vervolgStart(noStart, parseVraagParameters(noStart)), (e) => code(e) === 'StUF103');
  });
});
