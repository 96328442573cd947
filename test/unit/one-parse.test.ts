/**
 * The one-parse path (src/soap/whole-envelope.ts) against the streaming reader it stands in for: on every shared
 * fixture it must give the same request (tree, body text, SOAP version) and the same schema verdict as reading
 * with saxes and validating the body text; whatever it declines must still get the streaming reader's fault.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { before, describe, test } from 'node:test';
import { schemaSetFor, type SchemaRegistry } from '../../src/schema/index.js';
import { EnvelopeParser, readEnvelope } from '../../src/soap/envelope-reader.js';
import type { ParsedRequest } from '../../src/soap/parsed-request.js';
import { SoapReadError } from '../../src/soap/read-error.js';
import { readWholeEnvelope } from '../../src/soap/whole-envelope.js';
import { isElement, type XmlElement } from '../../src/xml/tree.js';
import { readIndex, readFixture } from '../conformance/fixture-index.js';
import * as m from '../helpers/messages.js';
import { noContentStore as noContent } from '../helpers/no-content-store.js';
import { envelope, NEEDS_FIXTURES } from '../helpers/zaakpoort.js';
import { schemas as sharedSchemas } from '../helpers/xsd.js';

const MAX_DEPTH = 100;

/** The streaming reader on its own (what readEnvelope used for every request before the one-parse path). */
async function streamingRead(bytes: Buffer, soapVersionHint: '1.1' | '1.2'): Promise<Omit<ParsedRequest, 'soapAction'>> {
  const p = new EnvelopeParser({ maxDepth: MAX_DEPTH, maxSkeletonBytes: 10 * 1024 * 1024, content: noContent, soapVersionHint, encoding: 'utf-8', mtom: false });
  await p.write(bytes);
  return p.finish();
}

async function fault(bytes: Buffer, contentType = 'text/xml; charset=utf-8'): Promise<SoapReadError> {
  try {
    await readEnvelope(Readable.from([bytes]), { contentType, maxBytes: 1 << 24, maxDepth: MAX_DEPTH, content: noContent, schemas });
  } catch (e) {
    if (e instanceof SoapReadError) return e;
    throw e;
  }
  throw new Error('expected a SoapReadError');
}

let schemas: SchemaRegistry;
before(async () => {
  schemas = await sharedSchemas();
});

/** Fixture requests (wrapped in an envelope where they come bare), in SOAP 1.1 and 1.2. */
function fixtureEnvelopes(): Array<{ name: string; bytes: Buffer; version: '1.1' | '1.2' }> {
  const out: Array<{ name: string; bytes: Buffer; version: '1.1' | '1.2' }> = [];
  for (const row of readIndex()) {
    const xml = readFixture(row);
    if (row.envelope === 'soap11' || row.envelope === 'soap12') {
      out.push({ name: row.file, bytes: Buffer.from(xml), version: row.envelope === 'soap12' ? '1.2' : '1.1' });
    } else if (row.envelope === 'none') {
      const body = xml.replace(/^\uFEFF?\s*<\?xml[^>]*\?>\s*/, '');
      out.push({ name: `${row.file} (SOAP 1.1)`, bytes: Buffer.from(envelope(body, '1.1')), version: '1.1' });
      out.push({ name: `${row.file} (SOAP 1.2)`, bytes: Buffer.from(envelope(body, '1.2')), version: '1.2' });
    }
  }
  return out;
}

function withoutLines(el: XmlElement): unknown {
  return { ...el, line: 0, children: el.children.map((c) => (typeof c === 'string' ? c : withoutLines(c))) };
}

/**
 * Element lines agree, except where saxes counts a start tag on the next line because a line break follows its
 * name (`<ZKN:zakLk01⏎ xmlns:...`): the one-parse path gives the line of the '<'.
 */
function sameLines(source: string, whole: XmlElement, streamed: XmlElement, name: string): void {
  const lines = source.split(/\r\n|\r|\n/);
  const walk = (a: XmlElement, b: XmlElement): void => {
    if (a.line !== b.line) {
      assert.equal(b.line, a.line + 1, `${name}: ${a.qname} on line ${a.line}, streaming reader ${b.line}`);
      assert.match(lines[a.line - 1]!, new RegExp(`<${a.qname}\\s*$`), `${name}: ${a.qname} on line ${a.line}`);
    }
    const ka = a.children.filter(isElement);
    const kb = b.children.filter(isElement);
    ka.forEach((c, i) => walk(c, kb[i]!));
  };
  walk(whole, streamed);
}

describe('one parse per bericht', { skip: NEEDS_FIXTURES }, () => {
  test('references, CDATA, comments and line breaks read the same as the streaming reader does', async () => {
    const base = envelope(m.creeerZaak({ identificatie: '1234Zrefs' }, '1.2'));
    // Text and attribute values with predefined entities and character references, a CDATA section next to
    // text, a comment between elements, CR LF and lone CR line breaks.
    const xml = base
      .replace('<ZKN:omschrijving>', '<!-- c --><ZKN:omschrijving>a &amp; b &lt;c&gt; &#x20AC;&#10;<![CDATA[<d> & e]]> f\r\ng\rh')
      .replace('StUF:entiteittype="ZAK"', 'StUF:entiteittype="ZAK" xmlns:extra="urn:x" extra:note="1 &amp; 2 &quot;3&quot; &#233;"');
    assert.notEqual(xml, base);
    const bytes = Buffer.from(xml);
    const whole = readWholeEnvelope(bytes, { maxDepth: MAX_DEPTH, schemas });
    assert.ok(whole, 'read in one parse');
    const streamed = await streamingRead(bytes, '1.1');
    assert.deepEqual(withoutLines(whole.body), withoutLines(streamed.body));
    sameLines(xml, whole.body, streamed.body, 'references');
    const texts = JSON.stringify(whole.body);
    assert.ok(texts.includes('a & b <c> €\\n<d> & e f'), 'entities, references and CDATA decoded');
    assert.ok(texts.includes('1 & 2 \\"3\\" é'), 'attribute value decoded');
  });

  test('every fixture without document content: the same request and schema verdict as saxes + validating the text', async () => {
    let compared = 0;
    let invalid = 0;
    for (const f of fixtureEnvelopes()) {
      if (f.bytes.includes('inhoud') || f.bytes.length > 256 * 1024) {
        assert.equal(readWholeEnvelope(f.bytes, { maxDepth: MAX_DEPTH, schemas }), undefined, `${f.name}: must be left to the streaming reader`);
        continue;
      }
      let streamed: Omit<ParsedRequest, 'soapAction'>;
      try {
        streamed = await streamingRead(f.bytes, f.version);
      } catch (e) {
        // Not a readable request at all: the one-parse path must decline it, so the same fault follows.
        assert.ok(e instanceof SoapReadError, f.name);
        assert.equal(readWholeEnvelope(f.bytes, { maxDepth: MAX_DEPTH, schemas }), undefined, f.name);
        continue;
      }
      const whole = readWholeEnvelope(f.bytes, { maxDepth: MAX_DEPTH, schemas });
      assert.ok(whole, `${f.name}: an ordinary request must be read in one parse`);
      assert.equal(whole.soapVersion, streamed.soapVersion, f.name);
      assert.equal(whole.mtom, false);
      assert.deepEqual(whole.contents, []);
      assert.deepEqual(withoutLines(whole.body), withoutLines(streamed.body), `${f.name}: element tree`);
      sameLines(f.bytes.toString('utf8'), whole.body, streamed.body, f.name);

      const set = schemaSetFor(whole.body.ns, whole.body.local);
      assert.equal(whole.validation?.set, set, f.name);
      const fromText = schemas.validate(set, streamed.bodyXml);
      assert.deepEqual(whole.validation.result, fromText, `${f.name}: schema verdict and issues`);
      if (!fromText.valid) invalid++;
      compared++;
    }
    // The fixtures hold both dialects, both SOAP versions, and messages that are off the schema.
    assert.ok(compared >= 100, `only ${compared} fixtures compared`);
    assert.ok(invalid >= 5, `only ${invalid} schema-invalid fixtures compared`);
  });

  test('readEnvelope takes the one parse for an ordinary bericht, with the body text made on demand', async () => {
    const xml = envelope(m.creeerZaak({ identificatie: '1234Z0001' }, '1.2'), '1.2');
    const req = await readEnvelope(Readable.from([Buffer.from(xml)]), { contentType: 'application/soap+xml; charset=utf-8', maxBytes: 1 << 20, maxDepth: MAX_DEPTH, content: noContent, schemas });
    assert.deepEqual(req.validation, { set: 'zds-1.2', result: { valid: true } });
    assert.equal(req.soapVersion, '1.2');
    const streamed = await streamingRead(Buffer.from(xml), '1.2');
    assert.equal(req.bodyXml, streamed.bodyXml);
    // Spread copies keep the text (the server assigns instead, so that it is not made when nobody reads it).
    assert.equal({ ...req }.bodyXml, streamed.bodyXml);
  });

  test('a schema violation found on the one parse names the element and the line counted from the body element', async () => {
    const body = m.creeerZaak({ identificatie: '1234Z0001' }, '1.2').replace(/<ZKN:omschrijving>/, '<ZKN:bestaatNiet>x</ZKN:bestaatNiet><ZKN:omschrijving>');
    const xml = `\n\n${envelope(body.replace(/></g, '>\n<'), '1.1')}`;
    const whole = readWholeEnvelope(Buffer.from(xml), { maxDepth: MAX_DEPTH, schemas });
    assert.ok(whole?.validation && !whole.validation.result.valid);
    const streamed = await streamingRead(Buffer.from(xml), '1.1');
    assert.deepEqual(whole.validation.result, schemas.validate('zds-1.2', streamed.bodyXml));
    assert.match(whole.validation.result.issues[0]!.message, /bestaatNiet/);
  });

  test('declined, and answered by the streaming reader with its own fault', async () => {
    const ok = envelope(m.geefZaakdetails('1234Z0001', '1.2'));
    const cases: Array<{ what: string; xml: string; omschrijving: RegExp }> = [
      { what: 'DOCTYPE', xml: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>${ok.replace(/^<\?xml[^>]*\?>/, '')}`, omschrijving: /DOCTYPE is niet toegestaan/ },
      { what: 'not well-formed', xml: ok.replace('</soap:Body>', '</soap:Bdy>'), omschrijving: /geen goed gevormde XML/ },
      { what: 'two Body elements', xml: ok.replace('</soap:Body>', '</soap:Body><soap:Body/>'), omschrijving: /meer dan één Body/ },
      { what: 'two body children', xml: ok.replace('</soap:Body>', '<x/></soap:Body>'), omschrijving: /meer dan één element/ },
      { what: 'no Envelope', xml: m.geefZaakdetails('1234Z0001', '1.2'), omschrijving: /geen SOAP-envelope/ },
      { what: 'too deep', xml: ok.replace(/(<\/[\w:]*geefZaakdetails_ZakLv01>)/, `${'<a>'.repeat(120)}${'</a>'.repeat(120)}$1`), omschrijving: /te diep genest/ },
    ];
    for (const c of cases) {
      const bytes = Buffer.from(c.xml);
      assert.equal(readWholeEnvelope(bytes, { maxDepth: MAX_DEPTH, schemas }), undefined, c.what);
      const e = await fault(bytes);
      assert.equal(e.fault.code, 'StUF055', c.what);
      assert.match(e.fault.omschrijving, c.omschrijving, c.what);
    }
    const mustUnderstand = ok.replace('<soap:Header/>', '<soap:Header><h:x xmlns:h="urn:h" soap:mustUnderstand="1"/></soap:Header>');
    assert.equal(readWholeEnvelope(Buffer.from(mustUnderstand), { maxDepth: MAX_DEPTH, schemas }), undefined);
    assert.equal((await fault(Buffer.from(mustUnderstand))).soapCode, 'MustUnderstand');
  });

  test('another charset than UTF-8 is left to the streaming reader', async () => {
    const xml = envelope(m.geefZaakdetails('1234Z0001', '1.2')).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"');
    const req = await readEnvelope(Readable.from([Buffer.from(xml, 'latin1')]), { contentType: 'text/xml; charset=iso-8859-1', maxBytes: 1 << 20, maxDepth: MAX_DEPTH, content: noContent, schemas });
    assert.equal(req.validation, undefined);
    assert.equal(req.body.local, 'geefZaakdetails_ZakLv01');
  });
});
