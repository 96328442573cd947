/**
 * Documents at constant memory, end to end: a real server process receives 100 MB inline base64 and hands it
 * back (inline and as MTOM) while its RSS is sampled; the client streams too, so nothing in the chain holds
 * the document. Plus the configurable maximum message size (HTTP 413, nothing stored).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ChildServer } from '../helpers/child-server.js';
import { MB, largeRoundTrip } from '../helpers/large-round-trip.js';
import * as m from '../helpers/messages.js';
import * as sc from '../helpers/streaming-client.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type TestServer, startServer } from '../helpers/zaakpoort.js';

/** What a 100 MB round trip may add to the server's RSS (it stays near +30 MB in practice). */
const MAX_GROWTH = 80 * MB;

const ZAAK = '12340000000001';

describe('100 MB document at constant memory (server as a child process)', () => {
  let dataDir: string;
  let srv: ChildServer;
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-large-'));
    srv = new ChildServer({ dataDir });
    await srv.start();
    const z = await sc.postText(`${srv.url}/zds`, sc.soapEnvelope(m.creeerZaak({ identificatie: ZAAK }, '1.2')));
    assert.equal(z.status, 200, z.text);
    await assertSoapResponseValid(z.text);
  });
  after(async () => {
    await srv.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('voegZaakdocumentToe (inline base64) and geefZaakdocumentLezen (inline and MTOM) keep RSS flat', async () => {
    // Warm up every code path with 1 MB first, so the baseline includes what any request costs once.
    const { baseline, peak, samples } = await largeRoundTrip(srv, ZAAK, { size: 100 * MB, warmSize: MB });
    const growth = peak - baseline;
    console.log(`server RSS: baseline ${(baseline / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB during 100 MB up + 2x down (+${(growth / MB).toFixed(1)} MB, ${samples} samples)`);
    assert.ok(growth < MAX_GROWTH, `RSS grew by ${(growth / MB).toFixed(1)} MB for a 100 MB document\n${srv.log}`);
    // No temp files are left behind.
    assert.deepEqual(await readdir(path.join(dataDir, 'tmp')), []);
  });
});

describe('maximum message size', () => {
  const LIMIT = 256 * 1024;
  let srv: TestServer;
  before(async () => {
    srv = await startServer({ maxMessageBytes: LIMIT });
    const z = await srv.post(sc.soapEnvelope(m.creeerZaak({ identificatie: ZAAK }, '1.2')));
    assert.equal(z.status, 200, z.text);
  });
  after(async () => {
    await srv.close();
  });

  const envelopeFor = (docId: string) => sc.soapEnvelope(m.voegZaakdocumentToe(docId, ZAAK, Buffer.alloc(0), '1.2'));

  async function assertNothingStored(docId: string): Promise<void> {
    const res = await srv.post(sc.soapEnvelope(m.geefZaakdocumentLezen(docId, '1.2')));
    await assertSoapResponseValid(res.text);
    assert.match(res.text, /StUF064/, 'the refused document must not exist');
    assert.deepEqual(await readdir(path.join(srv.dataDir, 'documents')), []);
    // The reader removes its temp file when it fails; give the abort a moment on a slow machine.
    for (let i = 0; i < 50 && (await readdir(path.join(srv.dataDir, 'tmp'))).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await readdir(path.join(srv.dataDir, 'tmp')), []);
  }

  it('refuses a Content-Length over the limit with 413 before reading the body', async () => {
    const res = await sc.uploadInline(srv.url, { envelopeXml: envelopeFor('TOOBIG1'), seed: 1, size: 2 * MB });
    assert.equal(res.status, 413, res.text);
    await assertSoapResponseValid(res.text);
    assert.match(res.text, /StUF058/);
    await assertNothingStored('TOOBIG1');
  });

  it('refuses a chunked upload (no Content-Length) with 413 once it passes the limit', async () => {
    const res = await sc.uploadInline(srv.url, { envelopeXml: envelopeFor('TOOBIG2'), seed: 2, size: 2 * MB }, { chunked: true });
    assert.equal(res.status, 413, res.text);
    await assertSoapResponseValid(res.text);
    await assertNothingStored('TOOBIG2');
  });

  it('accepts a message just under the limit, chunked', async () => {
    const size = 150 * 1024; // ~200 KB of base64 plus the XML
    const res = await sc.uploadInline(srv.url, { envelopeXml: envelopeFor('FITS1'), seed: 3, size }, { chunked: true });
    assert.equal(res.status, 200, res.text);
    await assertSoapResponseValid(res.text);
    const back = await sc.downloadInline(srv.url, sc.soapEnvelope(m.geefZaakdocumentLezen('FITS1', '1.2')));
    await assertSoapResponseValid(back.xml);
    assert.deepEqual(back.contents, [await sc.sha256Of(sc.patternBytes(3, size))]);
  });
});
