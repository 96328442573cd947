/**
 * The HTTP layer on its own: a fake dispatcher, the real SOAP reader and writer, a real (temp) content store.
 * The real dispatcher is exercised end-to-end elsewhere.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { SaxesParser } from 'saxes';
import { FsContentStore } from '../../src/backends/fs-content-store.js';
import { defaultConfig, type Config } from '../../src/config.js';
import type { Backend, ZaakStore } from '../../src/ports/index.js';
import { SoapReadError } from '../../src/soap/read-error.js';
import { NS } from '../../src/stuf/namespaces.js';
import { buildServer } from '../../src/server/app.js';
import { base64Encode } from '../../src/server/base64-stream.js';
import type { Dispatcher } from '../../src/zds/dispatcher.js';
import type { DispatchResult } from '../../src/zds/dispatch-result.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOAP11_CT = 'text/xml; charset=utf-8';
const SOAP12_CT = 'application/soap+xml; charset=utf-8';
const MAX_BYTES = 2 * 1024 * 1024;

function envelope(v: '1.1' | '1.2', bodyXml: string): string {
  const ns = v === '1.2' ? NS.soap12 : NS.soap11;
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${ns}"><s:Body>${bodyXml}</s:Body></s:Envelope>`;
}

/** Throws on anything that is not well-formed XML. */
function assertWellFormed(xml: string): void {
  const parser = new SaxesParser({ xmlns: true });
  parser.on('error', (e) => {
    throw e;
  });
  parser.write(xml).close();
}

function faultDetail(code: string, v: '1.1' | '1.2', httpStatus: number): DispatchResult {
  return {
    kind: 'fault',
    soapVersion: v,
    httpStatus,
    plek: 'client',
    omschrijving: `fout ${code}`,
    detailXml:
      `<StUF:Fo02Bericht xmlns:StUF="${NS.stuf}"><StUF:stuurgegevens><StUF:berichtcode>Fo02</StUF:berichtcode>` +
      `</StUF:stuurgegevens><StUF:body><StUF:code>${code}</StUF:code><StUF:plek>client</StUF:plek>` +
      `<StUF:omschrijving>fout</StUF:omschrijving></StUF:body></StUF:Fo02Bericht>`,
  };
}

/** Answers by root element: echo, blob (attribute ref), throw, fault. */
function fakeDispatcher(blobs: Map<string, { ref: string; size: number }>): Dispatcher {
  return {
    async dispatch(req) {
      const root = req.body;
      switch (root.local) {
        case 'echo':
          return { kind: 'ok', soapVersion: req.soapVersion, mtom: false, pieces: ['<t:echoed xmlns:t="urn:test">', 'ok', '</t:echoed>'] };
        case 'blob': {
          const name = root.attrs.find((a) => a.local === 'name')?.value ?? '';
          const blob = blobs.get(name);
          assert.ok(blob, `unknown blob ${name}`);
          return {
            kind: 'ok',
            soapVersion: req.soapVersion,
            mtom: false,
            pieces: ['<t:inhoud xmlns:t="urn:test">', { blobRef: blob.ref, size: blob.size }, '</t:inhoud>'],
          };
        }
        case 'throw':
          throw new Error('secret internal detail');
        default:
          return faultDetail('StUF022', req.soapVersion, 500);
      }
    },
    readErrorResult(err) {
      if (err instanceof SoapReadError) return faultDetail(err.fault.code, err.soapVersion, err.httpStatus);
      return faultDetail('StUF058', '1.1', 500);
    },
  };
}

interface Harness {
  app: FastifyInstance;
  base: string;
  port: number;
  state: { ready: boolean; pingOk: boolean };
  content: FsContentStore;
  blobs: Map<string, { ref: string; size: number; data: Buffer }>;
}

const tmpRoots: string[] = [];

async function start(overrides: Partial<Config> = {}): Promise<Harness> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'zaakpoort-server-'));
  tmpRoots.push(tmp);
  const schemaDir = path.join(tmp, 'schemas');
  mkdirSync(path.join(schemaDir, 'zds0120', 'berichten'), { recursive: true });
  writeFileSync(path.join(schemaDir, 'zds0120', 'berichten', 'a.xsd'), '<schema xmlns="http://www.w3.org/2001/XMLSchema"/>');
  writeFileSync(path.join(schemaDir, 'notes.txt'), 'not a schema');
  writeFileSync(path.join(tmp, 'secret.xsd'), 'SECRET');

  const content = new FsContentStore(path.join(tmp, 'data'));
  const blobs = new Map<string, { ref: string; size: number; data: Buffer }>();
  for (const size of [0, 1, 2, 3, 4, 65_537, 1024 * 1024]) {
    const data = randomBytes(size);
    const temp = await content.createTemp();
    temp.stream.end(data);
    await temp.finish();
    blobs.set(String(size), { ref: await content.persist(temp.tempId), size, data });
  }

  const state = { ready: true, pingOk: true };
  const store = {
    ping: async () => {
      if (!state.pingOk) throw new Error('down');
    },
  } as unknown as ZaakStore;
  const backend: Backend = { name: 'fake', store, content, ids: {} as Backend['ids'], close: async () => {} };
  const config: Config = { ...defaultConfig(), schemaDir, maxMessageBytes: MAX_BYTES, ...overrides };
  const app = buildServer({ config, dispatcher: fakeDispatcher(blobs), backend, ready: () => state.ready, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return { app, base: `http://127.0.0.1:${port}`, port, state, content, blobs };
}

/** A raw request, for headers fetch will not send (Host) or paths it would normalise (..). */
function rawRequest(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string | number>; body?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.end(opts.body);
    else if (opts.method === 'POST') req.flushHeaders();
    else req.end();
  });
}

function post(base: string, p: string, body: string | Uint8Array, contentType?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (contentType) headers['content-type'] = contentType;
  return fetch(base + p, { method: 'POST', body, headers });
}

after(() => {
  for (const dir of tmpRoots) rmSync(dir, { recursive: true, force: true });
});

describe('base64Encode', () => {
  test('equals Buffer.toString("base64") for every size and chunking', async () => {
    for (const size of [0, 1, 2, 3, 4, 5, 6, 7, 100, 1000, 65_537]) {
      const data = randomBytes(size);
      for (const chunk of [1, 2, 3, 4, 5, 7, 1024]) {
        const parts: Buffer[] = [];
        for (let i = 0; i < size; i += chunk) parts.push(data.subarray(i, i + chunk));
        const out: Buffer[] = [];
        for await (const b of base64Encode((async function* () { yield* parts; })())) out.push(b);
        assert.equal(Buffer.concat(out).toString('latin1'), data.toString('base64'), `size ${size} chunk ${chunk}`);
      }
    }
  });
});

describe('HTTP server', () => {
  let h: Harness;
  before(async () => {
    h = await start();
  });
  after(async () => {
    await h.app.close();
  });

  test('POST /zds and the three port aliases route by content', async () => {
    for (const p of ['/zds', '/zds/BeantwoordVraag', '/zds/OntvangAsynchroon', '/zds/VerwerkSynchroonVrijBericht']) {
      const res = await post(h.base, p, envelope('1.1', '<t:echo xmlns:t="urn:test"/>'), SOAP11_CT);
      assert.equal(res.status, 200, p);
      const text = await res.text();
      assertWellFormed(text);
      assert.match(text, /<soap:Body><t:echoed xmlns:t="urn:test">ok<\/t:echoed><\/soap:Body>/);
    }
  });

  test('SOAP 1.1 answers text/xml, SOAP 1.2 answers application/soap+xml', async () => {
    const r11 = await post(h.base, '/zds', envelope('1.1', '<t:echo xmlns:t="urn:test"/>'), SOAP11_CT);
    assert.match(r11.headers.get('content-type') ?? '', /^text\/xml/);
    assert.ok((await r11.text()).includes(NS.soap11));
    const r12 = await post(h.base, '/zds', envelope('1.2', '<t:echo xmlns:t="urn:test"/>'), SOAP12_CT);
    assert.match(r12.headers.get('content-type') ?? '', /^application\/soap\+xml/);
    assert.ok((await r12.text()).includes(NS.soap12));
  });

  test('415 with a SOAP fault for application/json and for no content type', async () => {
    for (const ct of ['application/json', undefined]) {
      const body = ct ? '{"a":1}' : new TextEncoder().encode(envelope('1.1', '<t:echo xmlns:t="urn:test"/>'));
      const res = await post(h.base, '/zds', body, ct);
      assert.equal(res.status, 415, String(ct));
      assert.match(res.headers.get('content-type') ?? '', /^text\/xml/);
      const text = await res.text();
      assertWellFormed(text);
      assert.match(text, /<soap:Fault>/);
      assert.match(text, /StUF055/);
    }
  });

  test('413 for a Content-Length above maxMessageBytes, before the body is sent', async () => {
    const res = await rawRequest(h.port, {
      method: 'POST',
      path: '/zds',
      headers: { 'content-type': SOAP11_CT, 'content-length': MAX_BYTES + 1 },
    });
    assert.equal(res.status, 413);
    assertWellFormed(res.body);
    assert.match(res.body, /<soap:Fault>/);
  });

  test('a read error (not XML) becomes the dispatcher\'s fault answer', async () => {
    const res = await post(h.base, '/zds', 'this is not xml', SOAP11_CT);
    assert.ok(res.status >= 400);
    const text = await res.text();
    assertWellFormed(text);
    assert.match(text, /<soap:Fault>/);
  });

  test('document content is streamed as base64 (0, 1, 2, 3, 4, 65537 bytes and 1 MB)', async () => {
    for (const [name, blob] of h.blobs) {
      const res = await post(h.base, '/zds', envelope('1.1', `<t:blob xmlns:t="urn:test" name="${name}"/>`), SOAP11_CT);
      assert.equal(res.status, 200, name);
      const text = await res.text();
      const m = /<t:inhoud xmlns:t="urn:test">([^<]*)<\/t:inhoud>/.exec(text);
      assert.ok(m, `inhoud in answer for ${name}`);
      assert.equal(m[1], blob.data.toString('base64'), `size ${name}`);
      assertWellFormed(text);
    }
  });

  test('a client that disconnects mid-answer does not take the server down', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: h.port, method: 'POST', path: '/zds', headers: { 'content-type': SOAP11_CT } },
        (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
          res.on('error', () => {});
        },
      );
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
      req.end(envelope('1.1', `<t:blob xmlns:t="urn:test" name="${1024 * 1024}"/>`));
    });
    await new Promise((r) => setTimeout(r, 50));
    const res = await post(h.base, '/zds', envelope('1.1', '<t:echo xmlns:t="urn:test"/>'), SOAP11_CT);
    assert.equal(res.status, 200);
  });

  test('a failing dispatcher gives StUF058 without a stack trace', async () => {
    const res = await post(h.base, '/zds', envelope('1.1', '<t:throw xmlns:t="urn:test"/>'), SOAP11_CT);
    assert.equal(res.status, 500);
    const text = await res.text();
    assertWellFormed(text);
    assert.match(text, /StUF058/);
    assert.doesNotMatch(text, /secret internal detail|\bat \S+ \(/);
  });

  test('?wsdl returns our WSDL with soap:address from the Host header', async () => {
    const cases: Array<[string, string]> = [
      ['/zds?wsdl', 'zds/BeantwoordVraag'],
      ['/zds/VerwerkSynchroonVrijBericht?wsdl', 'zds/VerwerkSynchroonVrijBericht'],
      ['/zds/BeantwoordVraag?WSDL', 'zds/BeantwoordVraag'],
      ['/zds/OntvangAsynchroon?wsdl', 'zds/OntvangAsynchroon'],
    ];
    for (const [p, address] of cases) {
      const res = await rawRequest(h.port, { path: p, headers: { host: 'zaken.example.nl:8443' } });
      assert.equal(res.status, 200, p);
      assert.match(String(res.headers['content-type']), /xml/);
      assertWellFormed(res.body);
      assert.ok(res.body.includes(`<soap:address location="http://zaken.example.nl:8443/${address}"/>`), p);
      assert.ok(res.body.includes(`<soap12:address location="http://zaken.example.nl:8443/${address}"/>`), p);
      assert.ok(res.body.includes('schemaLocation="http://zaken.example.nl:8443/zds/xsd/zds0120/berichten/zds0120_msg_zs-dms.xsd"'));
      assert.ok(!res.body.includes('{{BASE_URL}}'));
    }
    // A Host header that is not a host name is not echoed into the document.
    const bad = await rawRequest(h.port, { path: '/zds?wsdl', headers: { host: 'evil"><x' } });
    assert.ok(!bad.body.includes('evil'));
    assertWellFormed(bad.body);
  });

  test('/zds/xsd serves .xsd files from schemaDir and refuses everything else', async () => {
    const ok = await rawRequest(h.port, { path: '/zds/xsd/zds0120/berichten/a.xsd' });
    assert.equal(ok.status, 200);
    assert.match(ok.body, /<schema/);
    for (const p of [
      '/zds/xsd/../secret.xsd',
      '/zds/xsd/zds0120/../../secret.xsd',
      '/zds/xsd/%2e%2e/secret.xsd',
      '/zds/xsd/..%2fsecret.xsd',
      '/zds/xsd/%2Ftmp%2Fsecret.xsd',
      '/zds/xsd/..%5csecret.xsd',
      '/zds/xsd/notes.txt',
      '/zds/xsd/missing.xsd',
    ]) {
      const res = await rawRequest(h.port, { path: p });
      assert.notEqual(res.status, 200, p);
      assert.ok(!res.body.includes('SECRET'), p);
    }
  });

  test('/health is 200 when ready and reachable, 503 naming what is wrong otherwise', async () => {
    const ok = await fetch(`${h.base}/health`);
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as Record<string, string>;
    assert.deepEqual({ ...body, version: 'x' }, { status: 'ok', schemas: 'compiled', backend: 'reachable', version: 'x' });
    assert.ok(body.version);

    h.state.pingOk = false;
    const down = await fetch(`${h.base}/health`);
    assert.equal(down.status, 503);
    assert.equal(((await down.json()) as Record<string, string>).backend, 'unreachable');
    h.state.pingOk = true;

    h.state.ready = false;
    const loading = await fetch(`${h.base}/health`);
    assert.equal(loading.status, 503);
    const lb = (await loading.json()) as Record<string, string>;
    assert.equal(lb.schemas, 'not compiled');
    assert.equal(lb.backend, 'reachable');
    h.state.ready = true;
  });

  test('/metrics counts requests by operation and outcome', async () => {
    await post(h.base, '/zds', envelope('1.1', '<t:echo xmlns:t="urn:test"/>'), SOAP11_CT);
    await post(h.base, '/zds', envelope('1.1', '<t:other xmlns:t="urn:test"/>'), SOAP11_CT);
    await new Promise((r) => setTimeout(r, 20));
    const res = await fetch(`${h.base}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /zaakpoort_requests_total\{operation="echo",outcome="ok",code=""\} \d+/);
    assert.match(text, /zaakpoort_requests_total\{operation="other",outcome="fault",code="StUF022"\} \d+/);
    assert.match(text, /zaakpoort_requests_total\{operation="unknown",outcome="rejected",code="StUF055"\} \d+/);
    assert.match(text, /zaakpoort_request_duration_seconds_count\{operation="echo",outcome="ok",code=""\} \d+/);
    assert.match(text, /zaakpoort_request_duration_seconds_bucket\{le="0\.005",operation="other",outcome="fault",code="StUF022"\} \d+/);
    // Process metrics from prom-client's default collectors.
    assert.match(text, /^process_resident_memory_bytes \d+/m);
    assert.match(text, /^nodejs_eventloop_lag_seconds /m);
    assert.match(text, /^# TYPE nodejs_gc_duration_seconds histogram/m);
    assert.match(text, /^zaakpoort_document_bytes_total\{direction="in"\} 0/m);
  });
});

describe('HTTP server with publicUrl and a short request timeout', () => {
  let h: Harness;
  before(async () => {
    h = await start({ publicUrl: 'https://gemeente.example/zaakpoort/', requestTimeoutMs: 300 });
  });
  after(async () => {
    await h.app.close();
  });

  test('publicUrl wins over the Host header', async () => {
    const res = await rawRequest(h.port, { path: '/zds/OntvangAsynchroon?wsdl', headers: { host: 'other:1' } });
    assert.ok(res.body.includes('<soap:address location="https://gemeente.example/zaakpoort/zds/OntvangAsynchroon"/>'));
  });

  test('a stalled upload is cut off and its temp content removed', async () => {
    const full = envelope('1.1', `<t:doc xmlns:t="urn:test"><ZKN:inhoud xmlns:ZKN="${NS.zkn}">QUJD</ZKN:inhoud></t:doc>`);
    const head = full.slice(0, full.indexOf('QUJD'));
    const startedAt = Date.now();
    let tempSeen = false;
    const closed = await new Promise<boolean>((resolve) => {
      const req = http.request({
        host: '127.0.0.1',
        port: h.port,
        method: 'POST',
        path: '/zds',
        headers: { 'content-type': SOAP11_CT, 'content-length': MAX_BYTES - 1 },
      });
      req.on('error', () => resolve(true));
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(true));
        res.on('error', () => resolve(true));
      });
      req.on('close', () => resolve(true));
      // 300 kB decoded: more than the reader's 64 kB write batch, so a temp file must exist while it stalls.
      req.write(head + 'QUJD'.repeat(100_000));
      // While the upload stalls, the reader is writing the decoded content to a temp file.
      setTimeout(() => {
        tempSeen = readdirSync(h.content.tempDir).length > 0;
      }, 150).unref();
      setTimeout(() => resolve(false), 5000).unref();
    });
    assert.ok(closed, 'connection closed by the server');
    assert.ok(Date.now() - startedAt >= 250, 'cut off by the timeout, not earlier');
    assert.ok(tempSeen, 'temp content existed during the upload');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(readdirSync(h.content.tempDir), []);
  });
});

const realSchemaDir = process.env.ZAAKPOORT_SCHEMA_DIR || path.join(repoRoot, 'xsd');
const haveSchemas = existsSync(path.join(realSchemaDir, 'zds0120', 'berichten', 'zds0120_msg_zs-dms.xsd'));

describe('WSDL documents', () => {
  test('every wsdl/*.wsdl is well-formed and lists the operations of its port', () => {
    const expected: Record<string, number> = {
      'BeantwoordVraag.wsdl': 6,
      'OntvangAsynchroon.wsdl': 12,
      'VerwerkSynchroonVrijBericht.wsdl': 7,
      'zaakpoort.wsdl': 25,
    };
    for (const [file, ops] of Object.entries(expected)) {
      const xml = readFileSync(path.join(repoRoot, 'wsdl', file), 'utf8');
      assertWellFormed(xml);
      // Each operation once in the portType and once in each of the two bindings.
      const count = (xml.match(/<wsdl:operation name=/g) ?? []).length;
      assert.equal(count, ops * 3, file);
      assert.equal((xml.match(/<soap:operation soapAction=/g) ?? []).length, ops, file);
      assert.equal((xml.match(/<soap12:operation soapAction=/g) ?? []).length, ops, file);
    }
    const oa = readFileSync(path.join(repoRoot, 'wsdl', 'OntvangAsynchroon.wsdl'), 'utf8');
    assert.ok(oa.includes('soapAction="http://www.egem.nl/StUF/StUF0301/Bv01"'));
    assert.ok(oa.includes('soapAction="http://www.stufstandaarden.nl/koppelvlak/zds0120/ontkoppelZaakdocument_Di02"'));
    assert.ok(oa.includes('message="ZDS:Fo03Bericht"'));
  });

  test('node-soap loads /zds/VerwerkSynchroonVrijBericht?wsdl and /zds?wsdl from the running server', { skip: !haveSchemas && 'official schemas not provisioned' }, async () => {
    const h = await start({ schemaDir: realSchemaDir });
    try {
      const soap = await import('soap');
      const client = await soap.createClientAsync(`${h.base}/zds/VerwerkSynchroonVrijBericht?wsdl`);
      const description = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
      const ops = Object.keys(description.Zaakpoort?.VerwerkSynchroonVrijBerichtSoap11 ?? {});
      assert.ok(ops.includes('genereerZaakIdentificatie_Di02'), ops.join(','));
      assert.ok(ops.includes('geefZaakdocumentbewerken_Di02'));
      assert.equal(ops.length, 7);
      // The combined document (all three ports) loads too.
      const all = await soap.createClientAsync(`${h.base}/zds?wsdl`);
      const ports = Object.keys((all.describe() as Record<string, Record<string, unknown>>).Zaakpoort ?? {});
      assert.equal(ports.length, 6, ports.join(','));
    } finally {
      await h.app.close();
    }
  });
});
