import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { readEnvelope } from '../../src/soap/envelope-reader.js';
import { NS } from '../../src/stuf/namespaces.js';
import type { XmlElement } from '../../src/xml/tree.js';
import { canonicalForm } from '../../src/zds/idempotency.js';
import { readFixture, readIndex } from '../conformance/fixture-index.js';
import { noContentStore as noContent } from '../helpers/no-content-store.js';
import { envelope, NEEDS_FIXTURES } from '../helpers/zaakpoort.js';

/**
 * The canonical form as it was first written (array of pieces, JSON.stringify for every text): the definition the
 * hashes in existing message logs were made with. The faster build in src must give exactly this text.
 */
function referenceForm(body: XmlElement): string {
  const out: string[] = [];
  const walk = (el: XmlElement, parent: XmlElement | undefined): void => {
    if (el.ns === NS.stuf && el.local === 'tijdstipBericht' && parent?.local === 'stuurgegevens') return;
    if (el.attrs.length === 0) out.push(`<{${el.ns}}${el.local}>`);
    else {
      const attrs = el.attrs.map((a) => `{${a.ns}}${a.local}=${JSON.stringify(a.value)}`);
      if (attrs.length > 1) attrs.sort();
      out.push(`<{${el.ns}}${el.local} ${attrs.join(' ')}>`);
    }
    if (el.content) out.push(`#content:${el.content.sha256}:${el.content.size}`);
    for (const c of el.children) {
      if (typeof c === 'string') {
        const t = c.trim();
        if (t) out.push(JSON.stringify(t));
      } else walk(c, el);
    }
    out.push('</>');
  };
  walk(body, undefined);
  return out.join('');
}

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

describe('canonicalForm equals the form existing log hashes were made with', () => {
  it('on texts and attribute values that JSON escapes, and on those it does not', () => {
    const texts = ['plain', 'a"b', 'back\\slash', 'tab\there', 'nl\nin', '\u0001ctl', '\u007fdel', 'é ü ß', 'emoji \ud83d\ude00',
      'lone \ud800 high', 'lone \udc00 low', '\u2028sep\u2029', '  padded  ', '', '<&>'];
    for (const t of texts) {
      const body = el(NS.zkn, 'object', [[NS.stuf, 'entiteittype', t], ['', 'x', t]], [t, el(NS.zkn, 'leeg', [[NS.stuf, 'noValue', t]], [t])]);
      assert.equal(canonicalForm(body), referenceForm(body), JSON.stringify(t));
    }
  });

  it('on every fixture bericht', { skip: NEEDS_FIXTURES }, async () => {
    let compared = 0;
    for (const row of readIndex()) {
      if (row.envelope !== 'soap11' && row.envelope !== 'soap12' && row.envelope !== 'none') continue;
      const xml = readFixture(row);
      const bytes = Buffer.from(row.envelope === 'none' ? envelope(xml.replace(/^\uFEFF?\s*<\?xml[^>]*\?>\s*/, ''), '1.1') : xml);
      const contentType = row.envelope === 'soap12' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8';
      let body: XmlElement;
      try {
        body = (await readEnvelope(Readable.from([bytes]), { contentType, maxBytes: 1 << 24, maxDepth: 100, content: noContent })).body;
      } catch {
        continue; // fixtures that are not well-formed berichten (fault cases) have no canonical form
      }
      assert.equal(canonicalForm(body), referenceForm(body), row.file);
      compared++;
    }
    assert.ok(compared > 50, `compared ${compared} fixtures`);
  });
});
