/**
 * Hostile and broken input against the real server (SQLite, real schemas, real dispatcher): each gets a clear,
 * schema-valid fault where an answer is possible, nothing is stored, no temp content is left, and the server
 * keeps answering normal requests.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid, schemas } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

interface RawAnswer {
  status: number;
  text: string;
  /** The connection ended without an answer (cut off or reset). */
  noAnswer?: boolean;
  ms: number;
}

/**
 * POST with node:http, body written piece by piece (a generator may pause between pieces). Sending stops as
 * soon as the answer starts: the server may answer a hostile body before it has all of it.
 */
function rawPost(url: string, body: Iterable<Buffer | string> | AsyncIterable<Buffer | string>, headers: Record<string, string | number> = {}): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve) => {
    let answered = false;
    const done = (a: Omit<RawAnswer, 'ms'>) => resolve({ ...a, ms: Date.now() - started });
    const req = http.request(`${url}/zds`, { method: 'POST', agent: false, headers: { 'content-type': 'text/xml; charset=utf-8', ...headers } }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), noAnswer: true }));
    });
    req.on('error', () => {
      if (!answered) done({ status: 0, text: '', noAnswer: true });
    });
    void (async () => {
      try {
        for await (const piece of body) {
          if (answered || req.destroyed) return;
          if (!req.write(piece)) await new Promise((r) => req.once('drain', r).once('close', r));
        }
        if (!answered) req.end();
      } catch {
        // the request failed; reported through 'error'
      }
    })();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function expectFault(res: { status: number; text: string }, code: string, status = 500, about?: RegExp): Promise<void> {
  await assertSoapResponseValid(res.text);
  assert.equal(res.status, status, res.text);
  assert.equal(m.extract(res.text, 'code'), code, res.text);
  if (about) assert.match(res.text, about);
}

async function tempFiles(srv: TestServer): Promise<string[]> {
  return readdir(path.join(srv.dataDir, 'tmp'));
}

/** Temp content is removed asynchronously after a connection is cut: wait for it (bounded). */
async function expectTempEmpty(srv: TestServer): Promise<void> {
  for (let i = 0; i < 40 && (await tempFiles(srv)).length > 0; i++) await sleep(50);
  assert.deepEqual(await tempFiles(srv), [], 'no temp content left');
}

async function expectHealthy(srv: TestServer): Promise<void> {
  const res = await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')));
  await assertSoapResponseValid(res.text);
  assert.equal(res.status, 200, res.text);
  assert.equal((await fetch(`${srv.url}/health`)).status, 200);
}

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const ENV_OPEN = `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP}"><soap:Body>`;
const ENV_CLOSE = '</soap:Body></soap:Envelope>';
const GENEREER = m.genereerIdentificatie('Zaak', '1.2');

describe('hostile input over HTTP', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer({}, { schemas: await schemas() });
  });
  after(async () => srv.close());
  afterEach(async () => {
    await expectTempEmpty(srv);
    await expectHealthy(srv);
  });

  it('DOCTYPE with XXE is refused before any entity is read', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><soap:Envelope xmlns:soap="${SOAP}"><soap:Body><x>&xxe;</x>${ENV_CLOSE}`;
    const res = await srv.post(xxe);
    await expectFault(res, 'StUF055', 500, /DOCTYPE/);
    assert.doesNotMatch(res.text, /root:/);
  });

  it('billion laughs and quadratic blow-up answer with StUF055 without expanding (no hang)', async () => {
    const lol = Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
    const laughs = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY l0 "lol">${lol}]>${ENV_OPEN}<x>&l9;</x>${ENV_CLOSE}`;
    const quadratic = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "${'a'.repeat(50_000)}">]>${ENV_OPEN}<x>${'&a;'.repeat(50_000)}</x>${ENV_CLOSE}`;
    for (const body of [laughs, quadratic]) {
      const res = await rawPost(srv.url, [body]);
      await expectFault(res, 'StUF055', 500, /DOCTYPE/);
      // A hang guard, not a speed target (those live in `npm run bench`): generous for a loaded CI machine.
      assert.ok(res.ms < 10_000, `answered in ${res.ms} ms`);
    }
  });

  it('an undeclared entity is a fault, not an expansion', async () => {
    await expectFault(await srv.post(`${ENV_OPEN}<x>&xxe;</x>${ENV_CLOSE}`), 'StUF055', 500, /goed gevormde XML/);
  });

  it('100k-deep nesting is refused at the depth limit without hanging', async () => {
    const depth = 100_000;
    const res = await rawPost(srv.url, [ENV_OPEN, '<a>'.repeat(depth), '</a>'.repeat(depth), ENV_CLOSE]);
    await expectFault(res, 'StUF055', 500, /te diep genest/);
    assert.ok(res.ms < 10_000, `answered in ${res.ms} ms (a hang guard, not a speed target)`);
  });

  it('a 20 MB attribute is refused by the skeleton limit', async () => {
    const mb = 'x'.repeat(1024 * 1024);
    const body = function* () {
      yield `${ENV_OPEN}<a x="`;
      for (let i = 0; i < 20; i++) yield mb;
      yield `"/>${ENV_CLOSE}`;
    };
    const res = await rawPost(srv.url, body());
    // The answer comes before the body is complete; the server then closes the connection.
    if (res.noAnswer) assert.fail('no answer to a 20 MB attribute');
    await expectFault(res, 'StUF055', 500, /buiten de documentinhoud|buiten &lt;inhoud&gt;/);
  });

  it('a truncated body is a fault naming where it ended', async () => {
    const full = envelope(GENEREER);
    await expectFault(await srv.post(full.slice(0, Math.floor(full.length * 0.6))), 'StUF055', 500, /regel \d+/);
  });

  it('invalid UTF-8 is a fault', async () => {
    const full = Buffer.from(envelope(GENEREER));
    const at = full.indexOf('Di02</StUF:berichtcode>');
    const broken = Buffer.concat([full.subarray(0, at), Buffer.from([0xc3, 0x28, 0xff]), full.subarray(at)]);
    await expectFault(await srv.post(broken), 'StUF055', 500, /ongeldige tekens/);
  });

  it('a wrong content type is HTTP 415 with a SOAP fault', async () => {
    for (const contentType of ['application/json', 'text/plain; charset=utf-8']) {
      await expectFault(await srv.post(envelope(GENEREER), { contentType }), 'StUF055', 415, /geen SOAP-bericht/);
    }
  });

  it('an envelope without Body, with two Body children, two Bodies or an empty Body is a fault', async () => {
    await expectFault(await srv.post(`<soap:Envelope xmlns:soap="${SOAP}"><soap:Header/></soap:Envelope>`), 'StUF055', 500, /geen Body/);
    await expectFault(await srv.post(envelope(GENEREER + GENEREER)), 'StUF055', 500, /meer dan één element/);
    await expectFault(await srv.post(`${ENV_OPEN}${ENV_CLOSE}`), 'StUF055', 500, /geen element/);
    // Two Body elements (WS-I forbids it): one message must not hide behind another.
    const twoBodies = envelope(GENEREER).replace('</soap:Envelope>', `<soap:Body>${GENEREER}</soap:Body></soap:Envelope>`);
    await expectFault(await srv.post(twoBodies), 'StUF055', 500, /meer dan één Body/);
  });

  it('an unknown operation is StUF040', async () => {
    const unknown = GENEREER.replaceAll('genereerZaakIdentificatie_Di02', 'verwijderAlleZaken_Di02');
    await expectFault(await srv.post(envelope(unknown)), 'StUF040', 500, /verwijderAlleZaken_Di02/);
  });

  it('base64 with garbage characters is StUF055 and nothing is stored', async () => {
    const docId = '1234D0000000555';
    const body = m.voegZaakdocumentToe(docId, '1234000000555', Buffer.alloc(200_000, 7), '1.2');
    const start = body.indexOf('">', body.indexOf('<ZKN:inhoud')) + 2;
    // Valid base64 for the first 150 kB (a temp file is already being written), then garbage.
    const garbage = body.slice(0, start + 150_000) + '$$%%**!!' + body.slice(start + 150_000);
    await expectFault(await srv.post(envelope(garbage)), 'StUF055', 500, /base64/);
    assert.equal(await srv.zp.backend.store.getDocument(docId), undefined);
  });

  it('a client that disconnects mid-upload leaves nothing behind', async () => {
    const docId = '1234D0000000556';
    const body = envelope(m.voegZaakdocumentToe(docId, '1234000000556', Buffer.alloc(3_000_000, 9), '1.2'));
    let tempSeen = false;
    await new Promise<void>((resolve) => {
      const req = http.request(`${srv.url}/zds`, { method: 'POST', agent: false, headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) } });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write(body.slice(0, 1_500_000), async () => {
        await sleep(150);
        tempSeen = (await tempFiles(srv)).length > 0;
        req.destroy();
      });
    });
    assert.ok(tempSeen, 'the upload was being stored when the client went away');
    await expectTempEmpty(srv);
    assert.equal(await srv.zp.backend.store.getDocument(docId), undefined);
  });
});

describe('slow uploads (slow-loris) against a short request timeout', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer({ requestTimeoutMs: 800 }, { schemas: await schemas() });
  });
  after(async () => srv.close());

  it('a body trickling in is cut off at the timeout; its temp content is removed', async () => {
    const full = envelope(m.voegZaakdocumentToe('1234D0000000557', '1234000000557', Buffer.alloc(300_000, 1), '1.2'));
    const cut = full.indexOf('">', full.indexOf('<ZKN:inhoud')) + 2 + 200_000;
    const trickle = async function* () {
      yield full.slice(0, cut); // a temp file exists from here on
      for (let i = cut; i < full.length; i += 4) {
        await sleep(100);
        yield full.slice(i, i + 4);
      }
    };
    const res = await rawPost(srv.url, trickle(), { 'content-length': Buffer.byteLength(full) });
    assert.ok(res.ms < 3000, `cut off after ${res.ms} ms`);
    assert.ok(res.ms >= 700, `not before the timeout (${res.ms} ms)`);
    if (!res.noAnswer) assert.notEqual(res.status, 200);
    await expectTempEmpty(srv);
    await expectHealthy(srv);
  });

  it('headers trickling in are cut off too', async () => {
    const net = await import('node:net');
    const port = new URL(srv.url).port;
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write('POST /zds HTTP/1.1\r\nHost: x\r\n');
        const timer = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
        socket.on('close', () => {
          clearInterval(timer);
          resolve();
        });
      });
      socket.on('error', () => undefined);
      socket.resume();
    });
    assert.ok(Date.now() - started < 5000, 'connection closed by the server');
    await expectHealthy(srv);
  });
});
