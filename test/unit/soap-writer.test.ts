import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { envelopeClose, envelopeOpen, faultEnvelope, soapContentType } from '../../src/soap/envelope-writer.js';
import { NS } from '../../src/stuf/namespaces.js';
import { serializeStandalone } from '../../src/xml/serialize.js';
import type { XmlElement } from '../../src/xml/tree.js';

interface Seen {
  tags: Array<{ uri: string; local: string; attrs: Record<string, string> }>;
  text: string[];
}

/** Parses with namespaces on: proves well-formedness and that every prefix is declared. */
function parse(xml: string): Seen {
  const seen: Seen = { tags: [], text: [] };
  const p = new SaxesParser({ xmlns: true });
  p.on('opentag', (t: SaxesTagNS) => {
    const attrs: Record<string, string> = {};
    for (const a of Object.values(t.attributes)) attrs[`{${a.uri}}${a.local}`] = a.value;
    seen.tags.push({ uri: t.uri, local: t.local, attrs });
  });
  p.on('text', (t) => seen.text.push(t));
  p.write(xml).close();
  return seen;
}

function el(qname: string, ns: string, extra: Partial<XmlElement> = {}): XmlElement {
  const local = qname.includes(':') ? qname.slice(qname.indexOf(':') + 1) : qname;
  return { ns, local, qname, attrs: [], nsDecls: {}, children: [], line: 1, ...extra };
}

describe('envelope writer', () => {
  test('content types', () => {
    assert.equal(soapContentType('1.1'), 'text/xml; charset=utf-8');
    assert.equal(soapContentType('1.2'), 'application/soap+xml; charset=utf-8');
  });

  test('envelope around a body, both versions', () => {
    for (const [v, ns] of [['1.1', NS.soap11], ['1.2', NS.soap12]] as const) {
      const xml = envelopeOpen(v) + `<ZKN:x xmlns:ZKN="${NS.zkn}"/>` + envelopeClose(v);
      const seen = parse(xml);
      assert.deepEqual(seen.tags.map((t) => `{${t.uri}}${t.local}`), [`{${ns}}Envelope`, `{${ns}}Body`, `{${NS.zkn}}x`]);
    }
  });

  test('SOAP 1.1 fault: faultcode, escaped faultstring, detail', () => {
    const detail = `<StUF:Fo02Bericht xmlns:StUF="${NS.stuf}"><StUF:code>x</StUF:code></StUF:Fo02Bericht>`;
    const xml = faultEnvelope('1.1', 'client', 'Fout <a> & "b"', detail);
    const seen = parse(xml);
    const names = seen.tags.map((t) => `{${t.uri}}${t.local}`);
    assert.deepEqual(names.slice(0, 6), [
      `{${NS.soap11}}Envelope`, `{${NS.soap11}}Body`, `{${NS.soap11}}Fault`, '{}faultcode', '{}faultstring', '{}detail',
    ]);
    assert.equal(names[6], `{${NS.stuf}}Fo02Bericht`);
    assert.ok(seen.text.includes('soap:Client'));
    assert.ok(seen.text.includes('Fout <a> & "b"'));
    assert.match(faultEnvelope('1.1', 'server', 'x', ''), /<faultcode>soap:Server<\/faultcode><faultstring>x<\/faultstring><\/soap:Fault>/);
  });

  test('SOAP 1.2 fault: Code/Value, Reason/Text xml:lang="nl", Detail', () => {
    const xml = faultEnvelope('1.2', 'server', 'Interne fout & meer', '<d/>');
    const seen = parse(xml);
    assert.deepEqual(seen.tags.map((t) => t.local), ['Envelope', 'Body', 'Fault', 'Code', 'Value', 'Reason', 'Text', 'Detail', 'd']);
    assert.ok(seen.tags.slice(0, 8).every((t) => t.uri === NS.soap12));
    assert.equal(seen.tags[6]!.attrs[`{${NS.xml}}lang`], 'nl');
    assert.ok(seen.text.includes('soap:Receiver'));
    assert.ok(seen.text.includes('Interne fout & meer'));
    assert.match(faultEnvelope('1.2', 'client', 'x', ''), /<soap:Value>soap:Sender<\/soap:Value>/);
  });
});

describe('serializeStandalone', () => {
  test('declares used prefixes that have no declaration, escapes text and attributes', () => {
    const inhoud = el('ZKN:inhoud', NS.zkn, {
      attrs: [{ ns: NS.stuf, local: 'bestandsnaam', qname: 'StUF:bestandsnaam', value: 'a "b" <c> & d\n' }],
      content: { tempId: 't', size: 1, sha256: 'x' },
    });
    const root = el('ZKN:edcLk01', NS.zkn, {
      children: [el('ZKN:titel', NS.zkn, { children: ['x < y & z > w\r'] }), inhoud, el('plain', '')],
    });
    const xml = serializeStandalone(root);
    const seen = parse(xml);
    assert.equal(seen.tags[0]!.uri, NS.zkn);
    assert.equal(seen.tags[2]!.attrs[`{${NS.stuf}}bestandsnaam`], 'a "b" <c> & d\n');
    assert.ok(seen.text.includes('x < y & z > w\r'));
    assert.equal(seen.tags[3]!.uri, '');
    assert.match(xml, /<ZKN:inhoud xmlns:StUF="[^"]+" StUF:bestandsnaam="[^"]*"\/>/);
  });

  test('keeps declarations (for xsi:type values), undeclares the default namespace when needed', () => {
    const root = el('x', 'urn:a', {
      nsDecls: { '': 'urn:a', StUF: NS.stuf, xsi: NS.xsi },
      attrs: [{ ns: NS.xsi, local: 'type', qname: 'xsi:type', value: 'StUF:BinaireInhoud-vraag' }],
      children: [el('y', '')],
    });
    const xml = serializeStandalone(root);
    assert.match(xml, /xmlns:StUF=/);
    const seen = parse(xml);
    assert.equal(seen.tags[1]!.uri, '');
    assert.match(xml, /<y xmlns=""\/>/);
  });

  test('a 200k-deep tree does not overflow the stack', () => {
    const root = el('a', '');
    let cur = root;
    for (let i = 0; i < 200_000; i++) {
      const next = el('a', '');
      cur.children.push(next);
      cur = next;
    }
    const xml = serializeStandalone(root);
    assert.equal(xml.length, 200_000 * 7 + 4);
  });
});
