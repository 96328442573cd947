import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NS } from '../../src/stuf/namespaces.js';
import type { XmlElement } from '../../src/xml/tree.js';
import { canonicalForm } from '../../src/zds/idempotency.js';

const el = (ns: string, local: string, attrs: Array<[string, string, string]>, children: Array<XmlElement | string>): XmlElement => ({
  ns, local, qname: local, attrs: attrs.map(([ans, alocal, value]) => ({ ns: ans, local: alocal, qname: alocal, value })), nsDecls: {}, children, line: 1,
});

describe('canonicalForm (the idempotency hash input: must stay the same across versions, logged hashes compare with it)', () => {
  it('writes URIs, sorts attributes, trims text, drops tijdstipBericht in stuurgegevens', () => {
    const body = el(NS.zkn, 'zakLk01', [], [
      '\n  ',
      el(NS.zkn, 'stuurgegevens', [], [el(NS.stuf, 'tijdstipBericht', [], ['20260101120000000']), el(NS.stuf, 'referentienummer', [], [' R1 '])]),
      el(NS.zkn, 'object', [[NS.stuf, 'verwerkingssoort', 'T'], [NS.stuf, 'entiteittype', 'ZAK'], ['', 'x', 'a"b']], [el(NS.zkn, 'leeg', [], [])]),
    ]);
    assert.equal(
      canonicalForm(body),
      `<{${NS.zkn}}zakLk01><{${NS.zkn}}stuurgegevens><{${NS.stuf}}referentienummer>"R1"</></>` +
        `<{${NS.zkn}}object {${NS.stuf}}entiteittype="ZAK" {${NS.stuf}}verwerkingssoort="T" {}x="a\\"b"><{${NS.zkn}}leeg></></></>`,
    );
  });

  it('does not depend on attribute order', () => {
    const a = el(NS.zkn, 'object', [[NS.stuf, 'verwerkingssoort', 'T'], [NS.stuf, 'entiteittype', 'ZAK']], []);
    const b = el(NS.zkn, 'object', [[NS.stuf, 'entiteittype', 'ZAK'], [NS.stuf, 'verwerkingssoort', 'T']], []);
    assert.equal(canonicalForm(a), canonicalForm(b));
  });
});
