/**
 * MTOM/XOP (multipart/related; type="application/xop+xml"). The multipart body is split as it streams: the
 * root part (the `start` Content-ID, else the first part) is fed to the envelope parser, every other part
 * goes straight into a temp content. At the end each <inhoud><xop:Include href="cid:..."/></inhoud> is bound
 * to its part; parts nobody refers to are discarded. Memory stays flat whatever the part sizes or order.
 */
import { once } from 'node:events';
import type { DocumentContentStore, TempContentWriter } from '../ports/document-content-store.js';
import type { ExtractedContent } from '../xml/tree.js';
import { Base64Decoder, Base64Error } from './base64-decoder.js';
import type { BodyConsumer, EnvelopeParser } from './envelope-reader.js';
import type { ParsedRequest } from './parsed-request.js';
import { clientReadError, serverReadError, SoapReadError, type ReadContext } from './read-error.js';

export interface ContentType {
  /** Lower-cased type/subtype, '' when absent. */
  mediaType: string;
  /** Parameters with lower-cased names and unquoted values. */
  params: Record<string, string>;
}

/** Lenient Content-Type parser (RFC 7231 media type with quoted-string parameters). */
export function parseContentType(value: string | undefined): ContentType {
  const s = value ?? '';
  const semi = s.indexOf(';');
  const mediaType = (semi < 0 ? s : s.slice(0, semi)).trim().toLowerCase();
  const params: Record<string, string> = {};
  let i = semi < 0 ? s.length : semi + 1;
  while (i < s.length) {
    const eq = s.indexOf('=', i);
    if (eq < 0) break;
    const name = s.slice(i, eq).replace(/^[\s;]+/, '').trim().toLowerCase();
    let j = eq + 1;
    while (j < s.length && (s[j] === ' ' || s[j] === '\t')) j++;
    let val = '';
    if (s[j] === '"') {
      for (j++; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length) j++;
        val += s[j];
      }
      j = s.indexOf(';', j);
    } else {
      const end = s.indexOf(';', j);
      val = (end < 0 ? s.slice(j) : s.slice(j, end)).trim();
      j = end;
    }
    if (name && !(name in params)) params[name] = val;
    if (j < 0) break;
    i = j + 1;
  }
  return { mediaType, params };
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

type State = 'preamble' | 'boundary' | 'headers' | 'body' | 'epilogue';

interface Part {
  write(bytes: Buffer): Promise<void>;
  end(): Promise<void>;
}

interface Attachment {
  cid: string;
  writer: TempContentWriter;
  content?: ExtractedContent;
  bound: boolean;
}

function stripAngles(s: string): string {
  return s.trim().replace(/^<(.*)>$/s, '$1').trim();
}

function parseHeaders(raw: string): Record<string, string> {
  const headers: Record<string, string> = {};
  // Unfold continuation lines first.
  for (const line of raw.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

export class MtomReader implements BodyConsumer {
  private readonly delimiter: Buffer;
  private readonly start?: string;
  private state: State = 'preamble';
  /** Unprocessed bytes; starts with a virtual CRLF so the first boundary looks like every other one. */
  private buf: Buffer = CRLF;
  private part?: Part;
  private partCount = 0;
  private root?: EnvelopeParser;
  private rootResult?: Omit<ParsedRequest, 'soapAction'>;
  private readonly attachments = new Map<string, Attachment>();
  private readonly writers: TempContentWriter[] = [];
  private aborted = false;

  constructor(
    ct: ContentType,
    private readonly store: DocumentContentStore,
    private readonly ctx: ReadContext,
    private readonly newRoot: (partType: ContentType) => EnvelopeParser,
  ) {
    const boundary = ct.params['boundary'];
    if (!boundary) throw clientReadError(ctx, 'MTOM-bericht zonder boundary', 'het Content-Type multipart/related mist de parameter boundary');
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
    const start = ct.params['start'];
    if (start) this.start = stripAngles(start);
  }

  get context(): ReadContext {
    return this.root?.context ?? this.ctx;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.buf, chunk]);
    await this.process();
  }

  async finish(): Promise<Omit<ParsedRequest, 'soapAction'>> {
    if (this.state !== 'epilogue') {
      throw clientReadError(this.context, 'MTOM-bericht is onvolledig', 'de afsluitende MIME-boundary ontbreekt');
    }
    const result = this.rootResult;
    if (!result || !this.root) {
      throw clientReadError(this.context, 'MTOM-bericht bevat geen SOAP-deel',
        this.start ? `geen MIME-deel met Content-ID <${this.start}>` : 'het bericht bevat geen enkel MIME-deel');
    }
    const bound: ExtractedContent[] = [];
    for (const inc of this.root.includes) {
      const att = this.lookup(inc.href);
      if (!att?.content) {
        throw clientReadError(this.context, 'xop:Include verwijst naar een onbekend MIME-deel', `href="${inc.href}" op regel ${inc.line}`);
      }
      if (att.bound) {
        throw clientReadError(this.context, 'Meerdere xop:Include verwijzen naar hetzelfde MIME-deel', `href="${inc.href}" op regel ${inc.line}`);
      }
      att.bound = true;
      inc.element.content = att.content;
      bound.push(att.content);
    }
    // Parts nobody refers to are not kept.
    await Promise.all([...this.attachments.values()].filter((a) => !a.bound).map((a) => a.writer.abort().catch(() => undefined)));
    return { ...result, contents: [...result.contents, ...bound], mtom: true };
  }

  async abort(): Promise<void> {
    if (this.aborted) return;
    this.aborted = true;
    await Promise.all([
      this.root?.abort(),
      ...this.writers.map((w) => w.abort().catch(() => undefined)),
    ]);
  }

  private lookup(href: string): Attachment | undefined {
    const raw = href.trim().replace(/^cid:/i, '');
    let decoded = raw;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      // keep raw
    }
    return this.attachments.get(decoded) ?? this.attachments.get(raw);
  }

  /** Runs the multipart state machine over this.buf as far as it can. */
  private async process(): Promise<void> {
    for (;;) {
      switch (this.state) {
        case 'preamble': {
          const at = this.buf.indexOf(this.delimiter);
          if (at < 0) {
            this.keepTail();
            return;
          }
          this.buf = this.buf.subarray(at + this.delimiter.length);
          this.state = 'boundary';
          break;
        }
        case 'boundary': {
          if (this.buf.length < 2) return;
          if (this.buf[0] === 0x2d && this.buf[1] === 0x2d) { // "--": the closing boundary
            this.state = 'epilogue';
            this.buf = Buffer.alloc(0);
            return;
          }
          const eol = this.buf.indexOf(CRLF);
          if (eol < 0) {
            if (this.buf.length > 1024) throw this.malformed('regel na de boundary is te lang');
            return;
          }
          if (this.buf.subarray(0, eol).toString('latin1').trim() !== '') throw this.malformed('tekst na de boundary');
          this.buf = this.buf.subarray(eol + 2);
          this.state = 'headers';
          break;
        }
        case 'headers': {
          let raw: string;
          if (this.buf.length >= 2 && this.buf[0] === 0x0d && this.buf[1] === 0x0a) { // a part without headers
            raw = '';
            this.buf = this.buf.subarray(2);
          } else {
            const end = this.buf.indexOf(HEADER_END);
            if (end < 0) {
              if (this.buf.length > MAX_HEADER_BYTES) throw this.malformed('MIME-kopregels zijn te lang');
              return;
            }
            raw = this.buf.subarray(0, end).toString('latin1');
            this.buf = this.buf.subarray(end + HEADER_END.length);
          }
          this.part = await this.startPart(parseHeaders(raw));
          this.state = 'body';
          break;
        }
        case 'body': {
          const at = this.buf.indexOf(this.delimiter);
          if (at < 0) {
            // Keep what could be the start of a delimiter; the rest belongs to the part. Usually nothing is
            // kept, so the next chunk is taken as it is instead of being copied onto a kept tail.
            const safe = this.buf.length - this.partialDelimiterAtEnd();
            if (safe > 0) {
              const out = this.buf.subarray(0, safe);
              this.buf = this.buf.subarray(safe);
              await this.part!.write(out);
            }
            return;
          }
          const out = this.buf.subarray(0, at);
          this.buf = this.buf.subarray(at + this.delimiter.length);
          if (out.length > 0) await this.part!.write(out);
          await this.part!.end();
          this.part = undefined;
          this.state = 'boundary';
          break;
        }
        case 'epilogue':
          this.buf = Buffer.alloc(0);
          return;
      }
    }
  }

  /**
   * Length of the longest end of this.buf that is a start of the delimiter: only there can a delimiter begin
   * that the next chunk completes (one that begins earlier would lie wholly inside this.buf).
   */
  private partialDelimiterAtEnd(): number {
    const buf = this.buf;
    const d = this.delimiter;
    for (let k = Math.min(d.length - 1, buf.length); k > 0; k--) {
      const from = buf.length - k;
      if (buf[from] === d[0] && buf.compare(d, 0, k, from) === 0) return k;
    }
    return 0;
  }

  private keepTail(): void {
    const keep = this.delimiter.length - 1;
    if (this.buf.length > keep) this.buf = this.buf.subarray(this.buf.length - keep);
  }

  private async startPart(headers: Record<string, string>): Promise<Part> {
    const index = this.partCount++;
    const cid = headers['content-id'] !== undefined ? stripAngles(headers['content-id']) : undefined;
    const isRoot = !this.root && (this.start ? cid === this.start : index === 0);
    if (isRoot) return this.rootPart(parseContentType(headers['content-type']));

    const cte = (headers['content-transfer-encoding'] ?? 'binary').trim().toLowerCase();
    if (cte !== 'binary' && cte !== '8bit' && cte !== '7bit' && cte !== 'base64') {
      throw clientReadError(this.context, 'Niet ondersteunde Content-Transfer-Encoding in MTOM-deel',
        `deel ${index + 1}: ${cte}; verwacht binary, 8bit, 7bit of base64`);
    }
    if (cid === undefined || cid === '' || this.attachments.has(cid)) {
      // A part nobody can refer to (or a duplicate id) is read and dropped.
      return { write: async () => undefined, end: async () => undefined };
    }
    let writer: TempContentWriter;
    try {
      writer = await this.store.createTemp();
    } catch (e) {
      throw this.storeError(e);
    }
    this.writers.push(writer);
    let streamError: Error | undefined;
    writer.stream.on('error', (e: Error) => { streamError ??= e; });
    const att: Attachment = { cid, writer, bound: false };
    this.attachments.set(cid, att);
    const decoder = cte === 'base64' ? new Base64Decoder() : undefined;

    const put = async (bytes: Buffer): Promise<void> => {
      if (streamError) throw this.storeError(streamError);
      if (bytes.length === 0) return;
      if (!writer.stream.write(bytes)) {
        try {
          await once(writer.stream, 'drain');
        } catch (e) {
          throw this.storeError(e);
        }
      }
    };
    return {
      write: async (bytes) => put(decoder ? this.decode(() => decoder.pushBytes(bytes) ?? decoder.push(bytes.toString('latin1')), cid) : bytes),
      end: async () => {
        if (decoder) await put(this.decode(() => decoder.end(), cid));
        if (streamError) throw this.storeError(streamError);
        try {
          const { size, sha256 } = await writer.finish();
          att.content = { tempId: writer.tempId, size, sha256 };
        } catch (e) {
          throw this.storeError(e);
        }
      },
    };
  }

  private rootPart(type: ContentType): Part {
    const root = this.newRoot(type);
    this.root = root;
    return {
      write: (bytes) => root.write(bytes) ?? Promise.resolve(),
      end: async () => {
        this.rootResult = await root.finish();
      },
    };
  }

  private decode(run: () => Buffer, cid: string): Buffer {
    try {
      return run();
    } catch (e) {
      if (e instanceof Base64Error) {
        throw clientReadError(this.context, 'Ongeldige base64-inhoud in MTOM-deel', `Content-ID <${cid}>: ${e.message}`, e);
      }
      throw e;
    }
  }

  private malformed(details: string): SoapReadError {
    return clientReadError(this.context, 'MTOM-bericht is geen geldig multipart/related-bericht', details);
  }

  private storeError(e: unknown): SoapReadError {
    if (e instanceof SoapReadError) return e;
    return serverReadError(this.context, 'Documentinhoud kon niet tijdelijk worden opgeslagen', e);
  }
}
