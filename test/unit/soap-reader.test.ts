import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SaxesParser } from 'saxes';
import type { DocumentContentStore, TempContentWriter } from '../../src/ports/document-content-store.js';
import { readEnvelope, type ReadOptions } from '../../src/soap/envelope-reader.js';
import { SoapReadError } from '../../src/soap/read-error.js';
import { NS } from '../../src/stuf/namespaces.js';
import { attr, child, text, type XmlElement } from '../../src/xml/tree.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = resolve(REPO, '..', 'shared', 'zds', 'fixtures');

/** A tiny temp-content store on a mkdtemp folder; a small highWaterMark makes back-pressure happen. */
class DirStore implements DocumentContentStore {
  constructor(readonly dir: string, private readonly highWaterMark = 1024) {}

  async createTemp(): Promise<TempContentWriter> {
    const tempId = randomUUID();
    const file = join(this.dir, tempId);
    const stream = createWriteStream(file, { highWaterMark: this.highWaterMark });
    return {
      tempId,
      stream,
      finish: async () => {
        stream.end();
        if (!stream.closed) await once(stream, 'close');
        const bytes = await readFile(file);
        return { size: bytes.length, sha256: sha256(bytes) };
      },
      abort: async () => {
        if (!stream.closed) {
          // A destroy with a write in flight emits ERR_STREAM_DESTROYED; only 'close' matters here.
          const closed = new Promise<void>((res) => stream.once('close', () => res()));
          stream.on('error', () => undefined);
          stream.destroy();
          await closed;
        }
        await rm(file, { force: true });
      },
    };
  }
  async persist(tempId: string): Promise<string> { return tempId; }
  async discardTemp(tempId: string): Promise<void> { await rm(join(this.dir, tempId), { force: true }); }
  open(blobRef: string): Readable { return createReadStream(join(this.dir, blobRef)); }
  openTemp(tempId: string): Readable { return createReadStream(join(this.dir, tempId)); }
  async remove(blobRef: string): Promise<void> { await rm(join(this.dir, blobRef), { force: true }); }
  async sweepTemp(): Promise<number> { return 0; }
}

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function store(highWaterMark?: number): Promise<DirStore> {
  const dir = await mkdtemp(join(tmpdir(), 'zaakpoort-soap-'));
  dirs.push(dir);
  return new DirStore(dir, highWaterMark);
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Feeds bytes in chunks whose sizes cycle through `sizes`. */
async function* chunked(bytes: Uint8Array, sizes: number[] = [4096]): AsyncGenerator<Uint8Array> {
  let i = 0;
  for (let n = 0; i < bytes.length; n++) {
    const size = sizes[n % sizes.length]!;
    yield bytes.subarray(i, i + size);
    i += size;
  }
}

async function read(body: string | Uint8Array, s: DirStore, extra: Partial<ReadOptions> = {}, sizes?: number[]) {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return readEnvelope(chunked(bytes, sizes), {
    contentType: 'text/xml; charset=utf-8',
    maxBytes: 200 * 1024 * 1024,
    maxDepth: 100,
    content: s,
    ...extra,
  });
}

async function readError(body: string | Uint8Array | AsyncIterable<Uint8Array>, s: DirStore, extra: Partial<ReadOptions> = {}): Promise<SoapReadError> {
  const input = typeof body === 'string' || body instanceof Uint8Array ? chunked(typeof body === 'string' ? Buffer.from(body) : body) : body;
  try {
    await readEnvelope(input, { contentType: 'text/xml', maxBytes: 200 * 1024 * 1024, maxDepth: 100, content: s, ...extra });
  } catch (e) {
    assert.ok(e instanceof SoapReadError, `expected SoapReadError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a SoapReadError');
}

async function tempFiles(s: DirStore): Promise<string[]> {
  return readdir(s.dir);
}

const ENV11 = (body: string, decls = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenv="${NS.soap11}"${decls}>\n<soapenv:Header/>\n<soapenv:Body>${body}</soapenv:Body>\n</soapenv:Envelope>\n`;

const ZKN_DECLS = ` xmlns:ZKN="${NS.zkn}" xmlns:StUF="${NS.stuf}" xmlns:xmime="${NS.xmime}" xmlns:xsi="${NS.xsi}"`;

function edcLk01(inhoud: string): string {
  return ENV11(
    `<ZKN:edcLk01><ZKN:object StUF:entiteittype="EDC" StUF:verwerkingssoort="T"><ZKN:identificatie>1234D00001</ZKN:identificatie>` +
      `<ZKN:inhoud StUF:bestandsnaam="brief.pdf" xmime:contentType="application/pdf">${inhoud}</ZKN:inhoud>` +
      `<ZKN:titel>na de inhoud</ZKN:titel></ZKN:object></ZKN:edcLk01>`,
    ZKN_DECLS,
  );
}

function base64Lines(bytes: Buffer, eol = '\r\n'): string {
  const b64 = bytes.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join(eol);
}

function inhoudOf(body: XmlElement): XmlElement {
  const el = child(child(body, NS.zkn, 'object'), NS.zkn, 'inhoud');
  assert.ok(el, 'inhoud element present');
  return el;
}

function assertWellFormed(xml: string): void {
  const p = new SaxesParser({ xmlns: true });
  p.write(xml).close();
}

// ---------------------------------------------------------------------------------------------------------

describe('shared fixtures', { skip: existsSync(join(FIXTURES, 'INDEX.tsv')) ? false : 'shared fixtures not found' }, () => {
  const rows = existsSync(join(FIXTURES, 'INDEX.tsv'))
    ? readFileSync(join(FIXTURES, 'INDEX.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'))
    : [];
  const PREFIX: Record<string, string> = { ZDS: NS.zds, ZKN: NS.zkn, StUF: NS.stuf };

  test('every request with an envelope parses to the indexed root element', async () => {
    const s = await store();
    let n = 0;
    for (const r of rows) {
      const [file, , direction, , , , , rootElement, envelope] = r;
      if (direction !== 'request' || (envelope !== 'soap11' && envelope !== 'soap12')) continue;
      const [prefix, local] = rootElement!.split(':');
      const bytes = readFileSync(join(FIXTURES, file!));
      const req = await read(bytes, s, { contentType: envelope === 'soap12' ? 'application/soap+xml' : 'text/xml' }, [1000, 7, 3]);
      assert.equal(req.body.local, local, file);
      assert.equal(req.body.ns, PREFIX[prefix!], file);
      assert.equal(req.soapVersion, envelope === 'soap11' ? '1.1' : '1.2', file);
      assertWellFormed(req.bodyXml);
      n++;
    }
    assert.ok(n >= 60, `only ${n} request fixtures found`);
  });

  test('every fixture either parses or gives a StUF055 read error; files without an envelope are refused', async () => {
    const s = await store();
    for (const r of rows) {
      const [file, , , , , , , , envelope] = r;
      const bytes = readFileSync(join(FIXTURES, file!));
      if (envelope === 'none') {
        const e = await readError(bytes, s);
        assert.equal(e.fault.code, 'StUF055', file);
        assert.match(e.fault.omschrijving, /geen SOAP-envelope/, file);
      } else {
        await read(bytes, s);
      }
    }
  });

  test('the fixture with a blank line before the XML declaration is accepted', async () => {
    const s = await store();
    const req = await read(readFileSync(join(FIXTURES, 'stufzkn_zakLv01__ozb-swfdump__2.xml')), s);
    assert.equal(req.body.ns, NS.zkn);
    assert.equal(req.body.local, 'zakLk01');
  });

  test('inline inhoud of a fixture arrives decoded in the temp store', async () => {
    const s = await store();
    const file = 'updateZaakdocument_Di02__zaakbrug-soapui__1.xml';
    const xml = readFileSync(join(FIXTURES, file), 'utf8');
    const b64 = /<ZKN:inhoud[^>]*>([^<]*)<\/ZKN:inhoud>/.exec(xml)![1]!;
    const req = await read(xml, s, {}, [3]);
    assert.equal(req.contents.length, 1);
    const c = req.contents[0]!;
    assert.equal(c.sha256, sha256(Buffer.from(b64, 'base64')));
    assert.deepEqual(readFileSync(join(s.dir, c.tempId)), Buffer.from(b64, 'base64'));
  });
});

describe('inline base64 <inhoud>', () => {
  test('a 5 MB document arrives byte-identical when fed in 1, 3, 7 and 4096-byte chunks', async () => {
    const doc = randomBytes(5 * 1024 * 1024);
    const body = Buffer.from(edcLk01(base64Lines(doc)));
    // Cycling 1/3/7/4096 puts chunk boundaries at every offset of tags, base64 quads and CRLFs; a pure
    // 1-byte run over 5 MB would only measure promise overhead (see the 1-byte test below).
    for (const sizes of [[1, 3, 7, 4096], [7], [4096]]) {
      const s = await store();
      const req = await read(body, s, {}, sizes);
      const inhoud = inhoudOf(req.body);
      assert.ok(inhoud.content, `content set (${sizes.join(',')})`);
      assert.equal(inhoud.content.size, doc.length);
      assert.equal(inhoud.content.sha256, sha256(doc));
      assert.deepEqual(req.contents, [inhoud.content]);
      assert.equal(sha256(readFileSync(join(s.dir, inhoud.content.tempId))), sha256(doc));
      assert.deepEqual(inhoud.children, []);
      // The element after <inhoud> is still in the tree, with the right line number.
      const titel = child(child(req.body, NS.zkn, 'object'), NS.zkn, 'titel');
      assert.equal(text(titel), 'na de inhoud');
      const xml = body.toString();
      assert.equal(titel!.line, xml.slice(0, xml.indexOf('<ZKN:titel>')).split('\n').length);
    }
  });

  test('1-byte chunks across multi-byte UTF-8 characters and base64', async () => {
    const s = await store();
    const doc = Buffer.from('Zaakpoort € ✓ 🚀 '.repeat(50));
    const xml = edcLk01(base64Lines(doc, '\n')).replace('na de inhoud', 'café € 🚀');
    const req = await read(xml, s, {}, [1]);
    assert.equal(inhoudOf(req.body).content?.sha256, sha256(doc));
    assert.equal(text(child(child(req.body, NS.zkn, 'object'), NS.zkn, 'titel')), 'café € 🚀');
  });

  test('bodyXml is standalone, keeps the attributes and leaves inhoud empty', async () => {
    const s = await store();
    const req = await read(edcLk01(Buffer.from('hallo').toString('base64')), s);
    assertWellFormed(req.bodyXml);
    assert.match(req.bodyXml, /^<ZKN:edcLk01 /);
    assert.match(req.bodyXml, /<ZKN:inhoud StUF:bestandsnaam="brief.pdf" xmime:contentType="application\/pdf"\/>/);
    for (const uri of [NS.zkn, NS.stuf, NS.xmime]) assert.ok(req.bodyXml.includes(`"${uri}"`), uri);
    assert.equal(attr(inhoudOf(req.body), NS.stuf, 'bestandsnaam'), 'brief.pdf');
  });

  test('empty, whitespace-only and self-closing inhoud create no temp content', async () => {
    const s = await store();
    for (const inhoud of ['', '\r\n   \n']) {
      const req = await read(edcLk01(inhoud), s);
      assert.equal(inhoudOf(req.body).content, undefined);
      assert.deepEqual(req.contents, []);
    }
    const req = await read(edcLk01('x').replace(/<ZKN:inhoud([^>]*)>x<\/ZKN:inhoud>/, '<ZKN:inhoud$1/>'), s);
    assert.equal(inhoudOf(req.body).content, undefined);
    assert.deepEqual(await tempFiles(s), []);
  });

  test('character references, comments and CDATA inside inhoud', async () => {
    const s = await store();
    const b64 = Buffer.from('Hallo wereld, dit is een test').toString('base64');
    const mixed = `${b64.slice(0, 8)}&#13;&#10;${b64.slice(8, 12)}<!-- c -->${b64.slice(12, 20)}<![CDATA[${b64.slice(20, 28)}]]>${b64.slice(28)}`;
    const req = await read(edcLk01(mixed), s, {}, [5]);
    assert.equal(readFileSync(join(s.dir, inhoudOf(req.body).content!.tempId), 'utf8'), 'Hallo wereld, dit is een test');
  });

  test('inhoud in another namespace is ordinary text', async () => {
    const s = await store();
    const req = await read(ENV11(`<x:a xmlns:x="urn:x"><x:inhoud>abc</x:inhoud></x:a>`), s);
    assert.equal(text(child(req.body, 'urn:x', 'inhoud')), 'abc');
    assert.deepEqual(req.contents, []);
  });

  test('base64 with garbage characters is a fault and leaves no temp files', async () => {
    const s = await store();
    const doc = randomBytes(200_000);
    const b64 = base64Lines(doc);
    const bad = `${b64.slice(0, 150_000)}*${b64.slice(150_000)}`;
    const e = await readError(edcLk01(bad), s);
    assert.equal(e.fault.code, 'StUF055');
    assert.equal(e.fault.plek, 'client');
    assert.match(e.fault.omschrijving, /base64/);
    assert.match(e.fault.details ?? '', /ZKN:inhoud op regel \d+: ongeldig teken '\*'/);
    assert.deepEqual(e.root, { ns: NS.zkn, local: 'edcLk01' });
    assert.deepEqual(await tempFiles(s), []);
  });

  test('a non-ASCII character in the base64 is named, also when a chunk boundary splits its UTF-8 bytes', async () => {
    const b64 = base64Lines(randomBytes(30_000));
    const bad = `${b64.slice(0, 20_001)}é${b64.slice(20_001)}`;
    // Chunks that start inside <inhoud> take the byte path; the one holding the character falls back to text.
    for (const sizes of [[1], [2, 4096], [4096], [1000, 3]]) {
      const s = await store();
      const e = await readError(chunked(Buffer.from(edcLk01(bad)), sizes), s);
      assert.equal(e.fault.code, 'StUF055', sizes.join(','));
      assert.match(e.fault.details ?? '', /ZKN:inhoud op regel \d+: ongeldig teken U\+00E9/, sizes.join(','));
      assert.deepEqual(await tempFiles(s), [], sizes.join(','));
    }
  });

  test('bad padding and data after padding are faults', async () => {
    for (const bad of ['QQ=', 'Q===', 'QQ==QQ==', 'QUJD=', 'QUJDRA']) {
      const s = await store();
      const e = await readError(edcLk01(bad), s);
      assert.equal(e.fault.code, 'StUF055', bad);
      assert.deepEqual(await tempFiles(s), [], bad);
    }
  });

  test('element or xop:Include inside inhoud of a non-MTOM message is a fault', async () => {
    const s = await store();
    let e = await readError(edcLk01('QUJD<x/>'), s);
    assert.match(e.fault.omschrijving, /geen elementen/);
    e = await readError(edcLk01(`<xop:Include xmlns:xop="${NS.xop}" href="cid:a"/>`), s);
    assert.match(e.fault.omschrijving, /geen MTOM/);
    assert.deepEqual(await tempFiles(s), []);
  });
});

describe('envelope shape and lenient input', () => {
  const ok = ENV11(`<ZKN:zakLv01 xmlns:ZKN="${NS.zkn}"><ZKN:x>1</ZKN:x></ZKN:zakLv01>`);

  test('BOM, CRLF and blank lines before the XML declaration are accepted; line numbers stay true', async () => {
    const s = await store();
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`\r\n\r\n  \r\n${ok.replace(/\n/g, '\r\n')}`)]);
    const req = await read(body, s, {}, [1]);
    assert.equal(req.body.local, 'zakLv01');
    assert.equal(req.body.line, 7);
  });

  test('SOAP 1.2 and SOAPAction from header or content type', async () => {
    const s = await store();
    const env12 = `<e:Envelope xmlns:e="${NS.soap12}"><e:Body><z:a xmlns:z="${NS.zkn}"/></e:Body></e:Envelope>`;
    let req = await read(env12, s, { contentType: 'application/soap+xml; charset=utf-8; action="urn:doe"' });
    assert.equal(req.soapVersion, '1.2');
    assert.equal(req.soapAction, 'urn:doe');
    req = await read(ok, s, { soapAction: '"http://www.egem.nl/StUF/sector/zkn/0310/creeerZaak_Lk01"' });
    assert.equal(req.soapVersion, '1.1');
    assert.equal(req.soapAction, 'http://www.egem.nl/StUF/sector/zkn/0310/creeerZaak_Lk01');
    req = await read(ok, s, { contentType: '' });
    assert.equal(req.soapAction, '');
    assert.equal(req.mtom, false);
  });

  test('namespaces are matched by URI, not by prefix', async () => {
    const s = await store();
    const req = await read(`<S:Envelope xmlns:S="${NS.soap11}"><S:Body><a xmlns="${NS.zds}"><b/></a></S:Body></S:Envelope>`, s);
    assert.equal(req.body.ns, NS.zds);
    assert.equal(req.body.qname, 'a');
    assert.equal(req.body.nsDecls[''], NS.zds);
    const wrong = await readError(`<soap:Envelope xmlns:soap="urn:not-soap"><soap:Body><a/></soap:Body></soap:Envelope>`, s);
    assert.match(wrong.fault.omschrijving, /geen SOAP-envelope/);
  });

  test('body with two children, no children, text, no Body, or not SOAP at all is a fault', async () => {
    const s = await store();
    const cases: Array<[string, RegExp]> = [
      [ENV11('<a/><b/>'), /meer dan één element/],
      [ENV11(''), /geen element/],
      [ENV11('  tekst <a/>'), /bevat tekst/],
      [`<soap:Envelope xmlns:soap="${NS.soap11}"><soap:Header/></soap:Envelope>`, /geen Body/],
      [`<soap:Envelope xmlns:soap="${NS.soap11}"><soap:Foo/><soap:Body><a/></soap:Body></soap:Envelope>`, /Onverwacht element/],
      [`<ZKN:zakLk01 xmlns:ZKN="${NS.zkn}"/>`, /geen SOAP-envelope/],
      ['', /goed gevormde XML/],
      ['niet eens xml', /goed gevormde XML/],
    ];
    for (const [xml, re] of cases) {
      const e = await readError(xml, s);
      assert.equal(e.fault.code, 'StUF055', xml);
      assert.match(e.fault.omschrijving, re, xml);
    }
    const two = await readError(ENV11('<a/><b/>'), s);
    assert.deepEqual(two.root, { ns: '', local: 'a' });
    assert.equal(two.httpStatus, 500);
  });

  test('truncated body is a fault with line and column', async () => {
    const s = await store();
    const e = await readError(edcLk01('QUJD').slice(0, 400), s);
    assert.equal(e.fault.code, 'StUF055');
    assert.match(e.fault.details ?? '', /regel \d+, kolom \d+/);
    const mid = await readError(edcLk01(base64Lines(randomBytes(50_000))).slice(0, 30_000), s);
    assert.equal(mid.fault.code, 'StUF055');
    assert.deepEqual(await tempFiles(s), []);
  });

  test('invalid UTF-8 is a fault', async () => {
    const s = await store();
    const bytes = Buffer.from(ok.replace('>1<', '>XX<'));
    const at = bytes.indexOf('XX');
    bytes[at] = 0xc3;
    bytes[at + 1] = 0x28;
    const e = await readError(bytes, s);
    assert.equal(e.fault.code, 'StUF055');
    assert.match(e.fault.omschrijving, /ongeldige tekens/);
    const cut = await readError(Buffer.concat([Buffer.from(ok), Buffer.from([0xe2, 0x82])]), s);
    assert.equal(cut.fault.code, 'StUF055');
  });

  test('a SOAP 1.2 client fault answers HTTP 400', async () => {
    const s = await store();
    const e = await readError(`<e:Envelope xmlns:e="${NS.soap12}"><e:Body/></e:Envelope>`, s, { contentType: 'application/soap+xml' });
    assert.equal(e.soapVersion, '1.2');
    assert.equal(e.httpStatus, 400);
  });
});

describe('hostile input', () => {
  test('DOCTYPE, XXE and billion laughs are refused; undefined entities are faults', async () => {
    const s = await store();
    const xxe = `<?xml version="1.0"?><!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + ENV11('<a>&xxe;</a>').replace(/^<\?xml[^>]*>/, '');
    const laughs =
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">` +
      Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('') +
      `]>` + ENV11('<a>&lol9;</a>').replace(/^<\?xml[^>]*>/, '');
    for (const xml of [xxe, laughs, `<!DOCTYPE soapenv:Envelope>${ENV11('<a/>').replace(/^<\?xml[^>]*>/, '')}`]) {
      const e = await readError(xml, s);
      assert.equal(e.fault.code, 'StUF055');
      assert.match(e.fault.omschrijving, /DOCTYPE/);
      assert.ok(!JSON.stringify(e).includes('root:'), 'nothing from /etc/passwd');
    }
    const undef = await readError(ENV11('<a>&xxe;</a>'), s);
    assert.equal(undef.fault.code, 'StUF055');
    assert.match(undef.fault.details ?? '', /undefined entity/);
  });

  test('100k-deep nesting is refused without a stack overflow', async () => {
    const s = await store();
    const deep = ENV11(`${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`);
    const e = await readError(deep, s, { maxDepth: 100 });
    assert.match(e.fault.omschrijving, /te diep/);
    assert.match(e.fault.details ?? '', /meer dan 100 niveaus/);
    // An unclosed 100k-deep document is refused just the same (no recursion anywhere).
    const open = await readError(ENV11('<a>'.repeat(100_000)), s, { maxDepth: 100 });
    assert.match(open.fault.omschrijving, /te diep/);
  });

  test('a 20 MB attribute is refused by the skeleton limit', async () => {
    const s = await store();
    async function* huge(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(ENV11('<a x="').split('<a x="')[0] + '<a x="');
      const block = Buffer.alloc(1024 * 1024, 'x');
      for (let i = 0; i < 20; i++) yield block;
      yield Buffer.from('"/></soapenv:Body></soapenv:Envelope>');
    }
    const e = await readError(huge(), s);
    assert.equal(e.fault.code, 'StUF055');
    assert.match(e.fault.omschrijving, /buiten de documentinhoud/);
    const small = await readError(ENV11(`<a>${'y'.repeat(5000)}</a>`), s, { maxSkeletonBytes: 4096 });
    assert.match(small.fault.omschrijving, /buiten de documentinhoud/);
  });

  test('over maxBytes: HTTP 413 with StUF058, and no temp files left', async () => {
    const s = await store();
    const body = Buffer.from(edcLk01(base64Lines(randomBytes(3 * 1024 * 1024))));
    const e = await readError(body, s, { maxBytes: 2 * 1024 * 1024 });
    assert.equal(e.httpStatus, 413);
    assert.equal(e.fault.code, 'StUF058');
    assert.equal(e.fault.plek, 'server');
    assert.equal(e.fault.omschrijving, `Bericht is groter dan de ingestelde limiet van ${2 * 1024 * 1024} bytes`);
    assert.deepEqual(await tempFiles(s), []);
  });

  test('client aborting mid-upload: read error, no temp files, input not destroyed by the reader', async () => {
    const s = await store();
    const body = Buffer.from(edcLk01(base64Lines(randomBytes(500_000))));
    const input = new Readable({ read() {} });
    input.push(body.subarray(0, 300_000));
    setTimeout(() => input.destroy(new Error('aborted')), 20);
    const e = await readError(input, s);
    assert.equal(e.fault.code, 'StUF055');
    assert.match(e.fault.omschrijving, /niet volledig ontvangen/);
    assert.deepEqual(await tempFiles(s), []);

    // A fault mid-stream leaves the Readable usable for the response side (not destroyed). Bodies up to 256 KB
    // are read to their end before parsing (one parse), so the fault has to come from a larger one.
    const s2 = await store();
    const r2 = Readable.from([Buffer.from(ENV11('<a/><b/>')), Buffer.alloc(300_000, ' '), Buffer.from('rest')], { objectMode: false });
    await readError(r2, s2);
    assert.equal(r2.destroyed, false);
  });
});

describe('MTOM/XOP', () => {
  const boundary = 'MIMEBoundary_zaakpoort';
  function mtomBody(parts: Array<{ cid: string; type: string; body: Buffer; cte?: string }>): Buffer {
    const out: Buffer[] = [Buffer.from('preamble\r\n')];
    for (const p of parts) {
      out.push(Buffer.from(`--${boundary}\r\nContent-Type: ${p.type}\r\n` +
        (p.cte ? `Content-Transfer-Encoding: ${p.cte}\r\n` : '') + `Content-ID: <${p.cid}>\r\n\r\n`));
      out.push(p.body, Buffer.from('\r\n'));
    }
    out.push(Buffer.from(`--${boundary}--\r\n`));
    return Buffer.concat(out);
  }
  const ct = `multipart/related; type="application/xop+xml"; boundary="${boundary}"; start="<root@zaakpoort>"; start-info="text/xml"`;
  const include = (cid: string) => `<xop:Include xmlns:xop="${NS.xop}" href="cid:${encodeURIComponent(cid)}"/>`;
  const rootPart = (inner: string) => ({
    cid: 'root@zaakpoort', type: 'application/xop+xml; charset=UTF-8; type="text/xml"', body: Buffer.from(edcLk01(inner)),
  });

  test('a binary part after the root part arrives byte-identical', async () => {
    // Bytes that contain CRLF and "--" to tempt the boundary scanner.
    const doc = Buffer.concat([randomBytes(1_000_000), Buffer.from(`\r\n--${boundary.slice(0, 10)}`), randomBytes(1000)]);
    const body = mtomBody([rootPart(include('doc1@zaakpoort')), { cid: 'doc1@zaakpoort', type: 'application/pdf', body: doc, cte: 'binary' }]);
    for (const sizes of [[1, 3, 7, 4096], [65536]]) {
      const s = await store();
      const req = await read(body, s, { contentType: ct }, sizes);
      assert.equal(req.mtom, true);
      const inhoud = inhoudOf(req.body);
      assert.equal(inhoud.content?.sha256, sha256(doc));
      assert.equal(inhoud.content?.size, doc.length);
      assert.deepEqual(inhoud.children, []);
      assert.deepEqual(req.contents, [inhoud.content]);
      assert.match(req.bodyXml, /<ZKN:inhoud StUF:bestandsnaam="brief.pdf" xmime:contentType="application\/pdf"\/>/);
      assert.deepEqual(await tempFiles(s), [inhoud.content!.tempId]);
    }
  });

  test('a delimiter split at any place between chunks, and content ending in its first bytes, are found exactly', async () => {
    const near = ['\r', '\r\n', '\r\n-', '\r\n--', ...[1, 5, boundary.length - 1].map((k) => `\r\n--${boundary.slice(0, k)}`)];
    const doc = Buffer.concat([...near.map((t, i) => Buffer.from(`${'x'.repeat(i + 1)}${t}`)), Buffer.from(`\r\n--${boundary.slice(0, -1)}`)]);
    const body = mtomBody([rootPart(include('doc1@zaakpoort')), { cid: 'doc1@zaakpoort', type: 'application/pdf', body: doc, cte: 'binary' }]);
    for (let size = 1; size <= 90; size++) {
      const s = await store();
      const req = await read(body, s, { contentType: ct }, [size]);
      const inhoud = inhoudOf(req.body);
      assert.equal(inhoud.content?.sha256, sha256(doc), `chunks of ${size}`);
      assert.equal(inhoud.content?.size, doc.length, `chunks of ${size}`);
    }
  });

  test('a part before the root part, a base64 part, and unreferenced parts are dropped', async () => {
    const s = await store();
    const doc = randomBytes(10_000);
    const body = mtomBody([
      { cid: 'extra', type: 'application/octet-stream', body: randomBytes(100) },
      { cid: 'doc', type: 'application/pdf', body: Buffer.from(base64Lines(doc)), cte: 'base64' },
      rootPart(include('doc')),
    ]);
    const req = await read(body, s, { contentType: ct, soapAction: 'urn:x' });
    assert.equal(inhoudOf(req.body).content?.sha256, sha256(doc));
    assert.equal(req.soapAction, 'urn:x');
    assert.deepEqual(await tempFiles(s), [inhoudOf(req.body).content!.tempId]);
  });

  test('an Include naming no part, or a missing closing boundary, is a fault with no temp files left', async () => {
    const s = await store();
    const missing = mtomBody([rootPart(include('nope')), { cid: 'doc', type: 'application/pdf', body: randomBytes(5000) }]);
    let e = await readError(missing, s, { contentType: ct });
    assert.match(e.fault.omschrijving, /onbekend MIME-deel/);
    assert.deepEqual(await tempFiles(s), []);
    const cut = mtomBody([rootPart(include('doc')), { cid: 'doc', type: 'application/pdf', body: randomBytes(5000) }]);
    e = await readError(cut.subarray(0, cut.length - 30), s, { contentType: ct });
    assert.match(e.fault.omschrijving, /onvolledig/);
    assert.deepEqual(await tempFiles(s), []);
    e = await readError(cut, s, { contentType: 'multipart/related; type="application/xop+xml"' });
    assert.match(e.fault.omschrijving, /boundary/);
  });
});
