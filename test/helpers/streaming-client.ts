/**
 * A SOAP client that never holds a document in memory: request bodies are generators (XML head, base64 or
 * binary chunks, XML tail), responses are read as streams with inline base64 <inhoud> text decoded and hashed
 * as it arrives, and MTOM answers are split into parts on the fly. Used for documents of 100 MB and more.
 */
import { createCipheriv, createHash } from 'node:crypto';
import http from 'node:http';
import { base64Encode } from '../../src/server/base64-stream.js';

const CHUNK = 1024 * 1024;

/**
 * Deterministic pseudo-random bytes (AES-128-CTR over zeros, keyed by the seed): incompressible, fast, and the
 * same for the same seed, so a test can regenerate content instead of keeping it.
 */
export async function* patternBytes(seed: number, size: number): AsyncGenerator<Buffer> {
  const key = createHash('sha256').update(`zaakpoort-${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  for (let left = size; left > 0; left -= CHUNK) {
    yield cipher.update(left >= CHUNK ? zeros : zeros.subarray(0, left));
  }
}

export async function sha256Of(source: AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const c of source) {
    h.update(c);
    size += c.byteLength;
  }
  return { sha256: h.digest('hex'), size };
}

/** Exact length of the base64 text for `size` bytes (with padding, no line breaks). */
export function base64Length(size: number): number {
  return 4 * Math.ceil(size / 3);
}

/** XML head, the content as base64, XML tail: an inline-base64 request that streams. */
export async function* inlineBody(head: string, content: AsyncIterable<Uint8Array>, tail: string): AsyncGenerator<Buffer> {
  yield Buffer.from(head);
  yield* base64Encode(content);
  yield Buffer.from(tail);
}

/** Split a message built with empty content ("...><\/ZKN:inhoud>...") around the place the base64 goes. */
export function splitAtInhoud(xml: string): { head: string; tail: string } {
  const at = xml.indexOf('</ZKN:inhoud>');
  if (at < 0) throw new Error('message has no empty <ZKN:inhoud>');
  return { head: xml.slice(0, at), tail: xml.slice(at) };
}

export const XOP_NS = 'http://www.w3.org/2004/08/xop/include';

export interface MtomPart {
  cid: string;
  contentType: string;
  content: AsyncIterable<Uint8Array>;
}

/** A multipart/related MTOM request body: the envelope as root part, then each binary part. */
export async function* mtomBody(boundary: string, rootCid: string, rootType: string, envelopeXml: string, parts: MtomPart[]): AsyncGenerator<Buffer> {
  yield Buffer.from(
    `--${boundary}\r\nContent-Type: application/xop+xml; charset=UTF-8; type="${rootType}"\r\n` +
      `Content-Transfer-Encoding: 8bit\r\nContent-ID: <${rootCid}>\r\n\r\n${envelopeXml}`,
  );
  for (const p of parts) {
    yield Buffer.from(`\r\n--${boundary}\r\nContent-Type: ${p.contentType}\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <${p.cid}>\r\n\r\n`);
    yield* toBuffers(p.content);
  }
  yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

async function* toBuffers(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  for await (const c of source) yield Buffer.from(c.buffer, c.byteOffset, c.byteLength);
}

export function mtomContentType(boundary: string, rootCid: string, soapVersion: '1.1' | '1.2' = '1.1'): string {
  const startInfo = soapVersion === '1.2' ? 'application/soap+xml' : 'text/xml';
  return `multipart/related; type="application/xop+xml"; boundary="${boundary}"; start="<${rootCid}>"; start-info="${startInfo}"`;
}

export interface StreamResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
}

export interface PostOptions {
  headers: Record<string, string>;
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** Sets Content-Length; without it the body goes chunked. */
  contentLength?: number;
}

/**
 * POST a streamed body with back-pressure. Resolves as soon as the response head arrives, which can be before
 * the body is sent (413): sending then stops and write errors from the closed connection are ignored.
 */
export function postStream(url: string, opts: PostOptions): Promise<StreamResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...opts.headers };
    if (opts.contentLength !== undefined) headers['content-length'] = opts.contentLength;
    else headers['transfer-encoding'] = 'chunked';
    const req = http.request(url, { method: 'POST', headers, agent: false });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
    });
    req.on('error', (e) => {
      // A server that refuses early (413) closes while we still write: EPIPE can beat its answer by a moment.
      if (!answered) setTimeout(() => answered || reject(e), 200);
    });
    (async () => {
      for await (const chunk of opts.body) {
        if (answered || req.destroyed) return;
        if (!req.write(chunk)) {
          await new Promise<void>((r) => {
            const done = (): void => {
              req.off('drain', done);
              req.off('close', done);
              r();
            };
            req.on('drain', done);
            req.on('close', done);
          });
        }
      }
      if (!req.destroyed) req.end();
    })().catch((e: unknown) => {
      req.destroy(e as Error);
      if (!answered) reject(e as Error);
    });
  });
}

export interface ReadContent {
  size: number;
  sha256: string;
}

export interface SoapAnswer {
  status: number;
  contentType: string;
  /** The answer with every inline <inhoud> base64 text cut out (still well-formed and schema-checkable). */
  xml: string;
  /** The decoded content of each <inhoud>, in order. */
  contents: ReadContent[];
}

/** Decodes base64 text that arrives in pieces of any length, hashing the bytes. */
class Base64Hasher {
  private readonly hash = createHash('sha256');
  private carry = '';
  size = 0;

  push(text: string): void {
    const s = this.carry + text.replace(/\s+/g, '');
    const usable = s.length - (s.length % 4);
    this.carry = s.slice(usable);
    if (usable > 0) this.update(Buffer.from(s.slice(0, usable), 'base64'));
  }

  private update(b: Buffer): void {
    this.hash.update(b);
    this.size += b.length;
  }

  end(): ReadContent {
    if (this.carry) throw new Error(`base64 text does not end on a 4-character group ("${this.carry}")`);
    return { size: this.size, sha256: this.hash.digest('hex') };
  }
}

const INHOUD_OPEN = /<(?:[A-Za-z_][\w.-]*:)?inhoud\b[^>]*>/;

/**
 * Read a text/xml or application/soap+xml answer as a stream. The XML outside <inhoud> is kept (it is small);
 * the base64 text inside is decoded and hashed chunk by chunk.
 */
export async function readSoapAnswer(res: StreamResponse): Promise<SoapAnswer> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let xml = '';
  /** Text not yet searched for an <inhoud> start tag. */
  let pending = '';
  let inside: Base64Hasher | undefined;
  const contents: ReadContent[] = [];

  const consume = (text: string): void => {
    let s = text;
    while (s.length > 0) {
      if (inside) {
        const lt = s.indexOf('<');
        inside.push(lt < 0 ? s : s.slice(0, lt));
        if (lt < 0) return;
        contents.push(inside.end());
        inside = undefined;
        s = s.slice(lt);
        continue;
      }
      pending += s;
      s = '';
      const m = INHOUD_OPEN.exec(pending);
      if (!m) {
        // Keep back what could be the start of a tag cut by the chunk boundary.
        const lt = pending.lastIndexOf('<');
        const keepFrom = lt >= 0 && pending.indexOf('>', lt) < 0 ? lt : pending.length;
        xml += pending.slice(0, keepFrom);
        pending = pending.slice(keepFrom);
        return;
      }
      const end = m.index + m[0].length;
      xml += pending.slice(0, end);
      s = pending.slice(end);
      pending = '';
      if (!m[0].endsWith('/>')) inside = new Base64Hasher();
    }
  };
  for await (const chunk of res.body) consume(decoder.decode(chunk as Buffer, { stream: true }));
  consume(decoder.decode());
  if (inside) throw new Error('answer ended inside <inhoud>');
  return { status: res.status, contentType: String(res.headers['content-type'] ?? ''), xml: xml + pending, contents };
}

export interface MultipartPart {
  headers: Record<string, string>;
  /** The part's text when it is the root part (kept), else undefined. */
  text?: string;
  size: number;
  sha256: string;
}

export interface MtomAnswer {
  status: number;
  contentType: string;
  params: Record<string, string>;
  parts: MultipartPart[];
}

/** Content-Type parameters (quoted values unquoted), names lower-cased. */
export function contentTypeParams(ct: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of ct.matchAll(/;\s*([\w-]+)\s*=\s*(?:"([^"]*)"|([^;\s]*))/g)) out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  return out;
}

/**
 * Read a multipart/related answer as a stream. Each part is hashed; parts whose Content-Type is
 * application/xop+xml (the root) are also kept as text.
 */
export async function readMtomAnswer(res: StreamResponse): Promise<MtomAnswer> {
  const contentType = String(res.headers['content-type'] ?? '');
  const params = contentTypeParams(contentType);
  if (!params['boundary']) throw new Error(`no boundary in ${contentType}`);
  const delimiter = Buffer.from(`\r\n--${params['boundary']}`);
  const parts: MultipartPart[] = [];
  // A virtual CRLF in front makes the first boundary look like every later one.
  let buf: Buffer = Buffer.from('\r\n');
  type State = 'preamble' | 'afterBoundary' | 'headers' | 'body' | 'done';
  let state = 'preamble' as State;
  let part: { headers: Record<string, string>; hash: ReturnType<typeof createHash>; size: number; keep?: Buffer[] } | undefined;

  const emit = (b: Buffer): void => {
    if (!part || b.length === 0) return;
    part.hash.update(b);
    part.size += b.length;
    part.keep?.push(Buffer.from(b));
  };
  const closePart = (): void => {
    if (!part) return;
    const p: MultipartPart = { headers: part.headers, size: part.size, sha256: part.hash.digest('hex') };
    if (part.keep) p.text = Buffer.concat(part.keep).toString('utf8');
    parts.push(p);
    part = undefined;
  };

  const step = (): boolean => {
    switch (state) {
      case 'preamble':
      case 'body': {
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          const safe = buf.length - delimiter.length + 1;
          if (safe > 0) {
            if (state === 'body') emit(buf.subarray(0, safe));
            buf = buf.subarray(safe);
          }
          return false;
        }
        if (state === 'body') {
          emit(buf.subarray(0, at));
          closePart();
        }
        buf = buf.subarray(at + delimiter.length);
        state = 'afterBoundary';
        return true;
      }
      case 'afterBoundary': {
        if (buf.length < 2) return false;
        if (buf[0] === 0x2d && buf[1] === 0x2d) {
          state = 'done';
          return false;
        }
        const eol = buf.indexOf('\r\n');
        if (eol < 0) return false;
        buf = buf.subarray(eol + 2);
        state = 'headers';
        return true;
      }
      case 'headers': {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return false;
        const headers: Record<string, string> = {};
        for (const line of buf.subarray(0, end).toString('latin1').split('\r\n')) {
          const c = line.indexOf(':');
          if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
        }
        buf = buf.subarray(end + 4);
        const isXml = (headers['content-type'] ?? '').toLowerCase().startsWith('application/xop+xml');
        part = { headers, hash: createHash('sha256'), size: 0, keep: isXml ? [] : undefined };
        state = 'body';
        return true;
      }
      case 'done':
        return false;
    }
  };

  for await (const chunk of res.body) {
    buf = buf.length === 0 ? (chunk as Buffer) : Buffer.concat([buf, chunk as Buffer]);
    while (step());
  }
  if (state !== 'done') throw new Error(`multipart answer ended in state ${state}`);
  return { status: res.status, contentType, params, parts };
}

/** Drain a response, returning its text (for small answers). */
export async function readText(res: StreamResponse): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res.body) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** POST a small string body and read the whole answer as text. */
export async function postText(url: string, xml: string, headers: Record<string, string> = {}): Promise<{ status: number; contentType: string; text: string }> {
  const body = Buffer.from(xml);
  const res = await postStream(url, {
    headers: { 'content-type': 'text/xml; charset=utf-8', ...headers },
    body: [body],
    contentLength: body.length,
  });
  return { status: res.status, contentType: String(res.headers['content-type'] ?? ''), text: await readText(res) };
}

// ---- ZDS operations with streamed documents ------------------------------------------------------------

const SOAP11_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';

/** A SOAP 1.1 envelope around a body element (ZDS 1.2 dialect throughout these helpers). */
export function soapEnvelope(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP11_ENV}"><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

export interface DocumentUpload {
  /** The whole SOAP envelope with an empty <ZKN:inhoud ...></ZKN:inhoud> where the content goes. */
  envelopeXml: string;
  seed: number;
  size: number;
}

/** Upload with the content inline as base64; Content-Length is exact, so the server's early check applies. */
export async function uploadInline(url: string, u: DocumentUpload, opts: { chunked?: boolean } = {}): Promise<{ status: number; text: string }> {
  const { head, tail } = splitAtInhoud(u.envelopeXml);
  const length = Buffer.byteLength(head) + base64Length(u.size) + Buffer.byteLength(tail);
  const res = await postStream(`${url}/zds`, {
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    body: inlineBody(head, patternBytes(u.seed, u.size), tail),
    contentLength: opts.chunked ? undefined : length,
  });
  return { status: res.status, text: await readText(res) };
}

/** Upload as MTOM/XOP: the envelope as root part with <xop:Include>, the content as a binary part. */
export async function uploadMtom(url: string, u: DocumentUpload): Promise<{ status: number; contentType: string; answer: MtomAnswer }> {
  const { head, tail } = splitAtInhoud(u.envelopeXml);
  const cid = `content-${u.seed}@test.zaakpoort`;
  const root = `${head}<xop:Include xmlns:xop="${XOP_NS}" href="cid:${cid}"/>${tail}`;
  const boundary = `test-boundary-${u.seed}-${Date.now()}`;
  const rootCid = `root-${u.seed}@test.zaakpoort`;
  const res = await postStream(`${url}/zds`, {
    headers: { 'content-type': mtomContentType(boundary, rootCid) },
    body: mtomBody(boundary, rootCid, 'text/xml', root, [{ cid, contentType: 'application/octet-stream', content: patternBytes(u.seed, u.size) }]),
  });
  const answer = await readMtomAnswer(res);
  return { status: res.status, contentType: answer.contentType, answer };
}

/** geefZaakdocumentLezen with the answer read as a stream: inline (default) or MTOM (Accept: multipart/related). */
export async function downloadInline(url: string, requestXml: string): Promise<SoapAnswer> {
  const body = Buffer.from(requestXml);
  const res = await postStream(`${url}/zds`, { headers: { 'content-type': 'text/xml; charset=utf-8' }, body: [body], contentLength: body.length });
  return readSoapAnswer(res);
}

export async function downloadMtom(url: string, requestXml: string): Promise<MtomAnswer> {
  const body = Buffer.from(requestXml);
  const res = await postStream(`${url}/zds`, {
    headers: { 'content-type': 'text/xml; charset=utf-8', accept: 'multipart/related, text/xml' },
    body: [body],
    contentLength: body.length,
  });
  return readMtomAnswer(res);
}

/**
 * The root part of an MTOM answer made checkable: each <xop:Include> is cut out (leaving an empty, valid
 * base64Binary <inhoud>), and the cids it named are returned in order.
 */
export function rootWithoutIncludes(rootXml: string): { xml: string; cids: string[] } {
  const cids: string[] = [];
  const xml = rootXml.replace(/<(?:[\w.-]+:)?Include\b[^>]*?href="cid:([^"]+)"[^>]*\/>/g, (_m, cid: string) => {
    cids.push(decodeURIComponent(cid));
    return '';
  });
  return { xml, cids };
}

/** The part of an MTOM answer with this Content-ID (angle brackets optional). */
export function partById(answer: MtomAnswer, cid: string): MultipartPart | undefined {
  return answer.parts.find((p) => (p.headers['content-id'] ?? '').replace(/^<|>$/g, '') === cid);
}
