/**
 * Streaming SOAP envelope reader. Bytes are decoded (fatal UTF-8), fed to saxes piece by piece and turned
 * into a small XmlElement tree of the Body's only child. The base64 text of every ZKN <inhoud> never reaches
 * saxes: the reader cuts it out of the character stream (out of the bytes, when a chunk starts inside it) and
 * decodes it straight into the document store's temp area, so a 50 MB document costs a few KB of memory. DOCTYPE is refused, entities are never expanded,
 * bytes, skeleton size and depth are capped. Every failure is a SoapReadError, and every temp content created
 * so far is aborted before it propagates.
 */
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { DocumentContentStore, TempContentWriter } from '../ports/document-content-store.js';
import { StufFault } from '../stuf/fault.js';
import { NS } from '../stuf/namespaces.js';
import { serializeStandalone } from '../xml/serialize.js';
import type { ExtractedContent, XmlAttr, XmlElement } from '../xml/tree.js';
import { Base64Decoder, Base64Error } from './base64-decoder.js';
import { MtomReader, parseContentType, type ContentType } from './mtom.js';
import type { ParsedRequest, SoapVersion } from './parsed-request.js';
import { readWholeEnvelope, WHOLE_ENVELOPE_MAX_BYTES, type BodyValidator } from './whole-envelope.js';
import {
  clientReadError,
  serverReadError,
  SoapReadError,
  tooLargeError,
  type ReadContext,
} from './read-error.js';

export interface ReadOptions {
  /** HTTP Content-Type; text/xml, application/soap+xml or multipart/related (MTOM). */
  contentType: string;
  /** HTTP SOAPAction header, quoted or not. */
  soapAction?: string;
  /** Limit on the whole HTTP body (including base64 / MTOM parts); over it: HTTP 413. */
  maxBytes: number;
  /** Limit on element nesting, counted from the Envelope (= depth 1). */
  maxDepth: number;
  /** Limit on the bytes outside <inhoud> (default 10 MiB): huge attributes or text elsewhere. */
  maxSkeletonBytes?: number;
  content: DocumentContentStore;
  /** Compiled schemas: a request read in one parse is validated on that parse (ParsedRequest.validation). */
  schemas?: BodyValidator;
}

export const DEFAULT_MAX_SKELETON_BYTES = 10 * 1024 * 1024;

/** What the body bytes are streamed into: the envelope parser itself, or the MTOM reader around it. */
export interface BodyConsumer {
  /** Best knowledge so far (SOAP version, Body child), for error answers. */
  readonly context: ReadContext;
  /** Returns a promise only when it has to wait (temp store, back-pressure): keeps small chunks cheap. */
  write(chunk: Uint8Array): Promise<void> | undefined;
  finish(): Promise<Omit<ParsedRequest, 'soapAction'>>;
  /** Remove every temp content created so far (idempotent). */
  abort(): Promise<void>;
}

/** An <inhoud> holding <xop:Include href="cid:...">; the MTOM reader binds it to a MIME part. */
export interface XopInclude {
  element: XmlElement;
  href: string;
  line: number;
}

export interface EnvelopeParserOptions {
  maxDepth: number;
  maxSkeletonBytes: number;
  content: DocumentContentStore;
  /** SOAP version guessed from the content type, until the Envelope says otherwise. */
  soapVersionHint: SoapVersion;
  /** TextDecoder label; 'utf-8' unless the content type names another charset. */
  encoding: string;
  /** xop:Include is only allowed when the envelope came as the root part of an MTOM message. */
  mtom: boolean;
}

export async function readEnvelope(input: AsyncIterable<Uint8Array> | Readable, opts: ReadOptions): Promise<ParsedRequest> {
  const ct = parseContentType(opts.contentType);
  const ctx: ReadContext = { soapVersion: versionHint(ct) };
  const soapAction = chooseSoapAction(opts.soapAction, ct);
  const it = chunksOf(input);
  const maxSkeletonBytes = opts.maxSkeletonBytes ?? DEFAULT_MAX_SKELETON_BYTES;
  // A small UTF-8 body is held until it is complete, for one libxml2 parse (whole-envelope.ts); anything larger
  // or declined there goes through the streaming reader.
  const holdUpTo = ct.mediaType !== 'multipart/related' && isUtf8(ct) ? Math.min(WHOLE_ENVELOPE_MAX_BYTES, maxSkeletonBytes) : -1;
  let held: Buffer[] | undefined = holdUpTo > 0 ? [] : undefined;
  let consumer: BodyConsumer | undefined;
  let total = 0;
  try {
    if (!held) consumer = makeConsumer(ct, opts, ctx);
    for (;;) {
      let next: IteratorResult<Uint8Array | string>;
      try {
        next = await it.next();
      } catch (e) {
        throw clientReadError(consumer?.context ?? ctx, 'Bericht is niet volledig ontvangen',
          `de verbinding werd verbroken na ${total} bytes`, e);
      }
      if (next.done) break;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      total += chunk.byteLength;
      if (total > opts.maxBytes) throw tooLargeError(consumer?.context ?? ctx, opts.maxBytes);
      if (held && total <= holdUpTo) {
        held.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        continue;
      }
      if (held) {
        consumer = makeConsumer(ct, opts, ctx);
        await writeAll(consumer, held);
        held = undefined;
      }
      const wait = consumer!.write(chunk);
      if (wait) await wait;
    }
    if (held) {
      const bytes = held.length === 1 ? held[0]! : Buffer.concat(held);
      const whole = readWholeEnvelope(bytes, { maxDepth: opts.maxDepth, ...(opts.schemas ? { schemas: opts.schemas } : {}) });
      if (whole) return withLazyBodyXml({ ...whole, soapAction });
      consumer = makeConsumer(ct, opts, ctx);
      await writeAll(consumer, [bytes]);
    }
    const body = await consumer!.finish();
    return { ...body, soapAction };
  } catch (e) {
    const context = consumer?.context ?? ctx;
    if (consumer) await consumer.abort().catch(() => undefined);
    // Stop reading without destroying the input: the server still has to send the fault on it.
    await Promise.resolve(it.return?.()).catch(() => undefined);
    if (e instanceof SoapReadError) throw e;
    throw serverReadError(context, 'Interne fout bij het lezen van het bericht', e);
  }
}

async function writeAll(consumer: BodyConsumer, chunks: Buffer[]): Promise<void> {
  for (const c of chunks) {
    const wait = consumer.write(c);
    if (wait) await wait;
  }
}

/** No charset (UTF-8 is the default) or a label for UTF-8. */
function isUtf8(ct: ContentType): boolean {
  const label = ct.params['charset']?.trim().toLowerCase();
  return label === undefined || label === 'utf-8' || label === 'utf8';
}

/**
 * The request with `bodyXml` made when first read: the one-parse path needs no text of the body for validation,
 * and most requests never need it otherwise (the message browser and traces do).
 */
function withLazyBodyXml(r: Omit<ParsedRequest, 'bodyXml'>): ParsedRequest {
  let xml: string | undefined;
  return Object.defineProperty(r, 'bodyXml', {
    enumerable: true,
    configurable: true,
    get: () => (xml ??= serializeStandalone(r.body)),
  }) as ParsedRequest;
}

function makeConsumer(ct: ContentType, opts: ReadOptions, ctx: ReadContext): BodyConsumer {
  const base = {
    maxDepth: opts.maxDepth,
    maxSkeletonBytes: opts.maxSkeletonBytes ?? DEFAULT_MAX_SKELETON_BYTES,
    content: opts.content,
  };
  if (ct.mediaType === 'multipart/related') {
    return new MtomReader(ct, opts.content, ctx, (part) =>
      new EnvelopeParser({ ...base, mtom: true, soapVersionHint: versionHint(part), encoding: charsetOf(part, ctx) }));
  }
  return new EnvelopeParser({ ...base, mtom: false, soapVersionHint: ctx.soapVersion, encoding: charsetOf(ct, ctx) });
}

/** application/soap+xml anywhere in the content type (or an MTOM start-info/type) hints SOAP 1.2. */
function versionHint(ct: ContentType): SoapVersion {
  const all = [ct.mediaType, ct.params['type'], ct.params['start-info']].join(' ').toLowerCase();
  return all.includes('application/soap+xml') ? '1.2' : '1.1';
}

function charsetOf(ct: ContentType, ctx: ReadContext): string {
  const label = (ct.params['charset'] ?? 'utf-8').trim();
  try {
    new TextDecoder(label);
    return label;
  } catch {
    throw clientReadError(ctx, 'Onbekende tekenset in het Content-Type', `charset=${label}`);
  }
}

/** SOAPAction header first (quotes stripped), else the action parameter of a SOAP 1.2 (MTOM) content type. */
function chooseSoapAction(header: string | undefined, ct: ContentType): string {
  const unquote = (s: string | undefined): string => (s ?? '').trim().replace(/^"(.*)"$/s, '$1').trim();
  const fromHeader = unquote(header);
  if (fromHeader) return fromHeader;
  const direct = unquote(ct.params['action']);
  if (direct) return direct;
  const startInfo = ct.params['start-info'];
  return startInfo ? unquote(parseContentType(startInfo).params['action']) : '';
}

function chunksOf(input: AsyncIterable<Uint8Array> | Readable): AsyncIterator<Uint8Array | string> {
  if (input instanceof Readable) return input.iterator({ destroyOnReturn: false });
  return input[Symbol.asyncIterator]();
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Decoded bytes are gathered up to this size before a write, so that the content store (sha256, a write
 * syscall, a stream callback) is called once per 256 KB rather than per input chunk. Pieces the decoder cut
 * side by side from one slab are joined without copying.
 */
const WRITE_BATCH = 256 * 1024;

const DECLINED = Symbol('declined');

/** One <inhoud> being extracted: base64 text in, decoded bytes out to a temp content (created lazily). */
class InhoudSink {
  private readonly decoder = new Base64Decoder();
  private writer?: TempContentWriter;
  private streamError?: Error;
  private batch: Buffer[] = [];
  private batchSize = 0;
  include?: { href: string; line: number };

  constructor(
    readonly element: XmlElement,
    private readonly store: DocumentContentStore,
    private readonly track: (w: TempContentWriter) => void,
  ) {}

  /** Synchronous unless a batch is due; returns the promise to wait for then. */
  write(text: string): Promise<void> | undefined {
    return this.put(this.decoder.push(text));
  }

  /** The same for raw bytes of the base64 text; DECLINED (nothing taken) when they must go as text. */
  writeBytes(bytes: Uint8Array): Promise<void> | undefined | typeof DECLINED {
    const decoded = this.decoder.pushBytes(bytes);
    return decoded ? this.put(decoded) : DECLINED;
  }

  /** Line feeds in the bytes writeBytes() took. */
  get lineFeeds(): number {
    return this.decoder.lineFeeds;
  }

  private put(bytes: Buffer): Promise<void> | undefined {
    if (bytes.length === 0) return undefined;
    const last = this.batch.length - 1;
    const prev = this.batch[last];
    if (prev && prev.buffer === bytes.buffer && prev.byteOffset + prev.length === bytes.byteOffset) {
      this.batch[last] = Buffer.from(prev.buffer, prev.byteOffset, prev.length + bytes.length);
    } else {
      this.batch.push(bytes);
    }
    this.batchSize += bytes.length;
    return this.batchSize >= WRITE_BATCH ? this.flush() : undefined;
  }

  /** Ends the base64 text; resolves with the temp content, or undefined when it was empty. */
  async finish(): Promise<ExtractedContent | undefined> {
    const rest = this.decoder.end();
    if (rest.length > 0) this.batch.push(rest);
    await this.flush();
    if (!this.writer) return undefined;
    if (this.streamError) throw this.streamError;
    const { size, sha256 } = await this.writer.finish();
    return { tempId: this.writer.tempId, size, sha256 };
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const pieces = this.batch;
    this.batch = [];
    this.batchSize = 0;
    if (!this.writer) {
      const w = await this.store.createTemp();
      this.track(w);
      // A stream error while nobody waits must not crash the process; it surfaces on the next write.
      w.stream.on('error', (e: Error) => { this.streamError ??= e; });
      this.writer = w;
    }
    if (this.streamError) throw this.streamError;
    // Several pieces are written one by one, not copied together: the stream hands them on in one writev.
    let ready = true;
    for (const piece of pieces) ready = this.writer.stream.write(piece);
    if (!ready) await once(this.writer.stream, 'drain');
  }
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The envelope parser proper. Feed it bytes with write(), then finish(). Markup goes to saxes one piece
 * (up to and including a '>') at a time, so that right after an <inhoud> start tag the reader can take over
 * the character stream itself until the next '<'.
 */
export class EnvelopeParser implements BodyConsumer {
  readonly context: ReadContext;
  /** Filled by finish(): the <inhoud> elements that name an MTOM part. */
  readonly includes: XopInclude[] = [];

  private readonly sax = new SaxesParser({ xmlns: true, position: true });
  private readonly text: TextDecoder;
  /** UTF-8 input: base64 text can be taken from the bytes without decoding them to a string first. */
  private readonly utf8: boolean;
  private bytesIn = 0;
  private started = false;
  private skeletonBytes = 0;
  /** Newlines the reader consumed itself (leading blank lines, base64 text): saxes never saw them. */
  private lineOffset = 0;
  private tagLine = 1;

  private depth = 0;
  private envNs = '';
  private headerSeen = false;
  private bodySeen = false;
  private bodyOpen = false;
  private envelopeClosed = false;
  private inherited: Record<string, string> = {};
  private bodyChild?: XmlElement;
  private readonly tree: XmlElement[] = [];

  /** The <inhoud> whose text is being extracted (its element is in the tree stack). */
  private sink?: InhoudSink;
  /** True while the reader, not saxes, consumes the characters (inside an <inhoud>). */
  private bypass = false;
  private enterBypass = false;
  private refCarry = '';
  /** Where feedInhoud() stopped in the current string. */
  private cursor = 0;
  private pendingText: Array<[InhoudSink, string]> = [];
  private closing: InhoudSink[] = [];

  private readonly writers: TempContentWriter[] = [];
  private readonly contents: ExtractedContent[] = [];
  private aborted = false;

  constructor(private readonly opts: EnvelopeParserOptions) {
    this.context = { soapVersion: opts.soapVersionHint };
    this.text = new TextDecoder(opts.encoding, { fatal: true });
    this.utf8 = this.text.encoding === 'utf-8';
    this.sax.on('opentagstart', () => { this.tagLine = this.sax.line + this.lineOffset; });
    this.sax.on('opentag', (t) => this.onOpen(t));
    this.sax.on('closetag', () => this.onClose());
    this.sax.on('text', (t) => this.onText(t));
    this.sax.on('cdata', (t) => this.onText(t));
    this.sax.on('comment', () => this.afterMarkup());
    this.sax.on('processinginstruction', () => this.afterMarkup());
    this.sax.on('doctype', () => {
      throw this.fail('DOCTYPE is niet toegestaan in een SOAP-bericht',
        `regel ${this.line()}: een SOAP-bericht mag geen DTD bevatten; entiteiten worden nooit verwerkt`);
    });
  }

  write(chunk: Uint8Array): Promise<void> | undefined {
    if (this.bypass && this.utf8 && this.refCarry === '') {
      const done = this.inhoudBytes(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if (done !== DECLINED) return done;
    }
    return this.feedBytes(chunk);
  }

  private feedBytes(chunk: Uint8Array): Promise<void> | undefined {
    let s: string;
    try {
      s = this.text.decode(chunk, { stream: true });
    } catch (e) {
      throw this.badEncoding(e);
    }
    this.bytesIn += chunk.byteLength;
    return this.feed(s);
  }

  /**
   * The chunk starts inside <inhoud> (the usual case for every chunk of a large document): its base64 bytes
   * up to the next '<' go to the sink as bytes, skipping UTF-8 decoding and the text path's regexes, and the
   * rest of the chunk takes the text path. DECLINED when the sink does not take them (not plain base64): the
   * whole chunk then takes the text path, which says what is wrong.
   */
  private inhoudBytes(chunk: Buffer): Promise<void> | undefined | typeof DECLINED {
    const lt = chunk.indexOf(0x3c); // '<'
    const end = lt < 0 ? chunk.length : lt;
    if (end === 0) return DECLINED;
    const sink = this.sink!;
    const base64 = chunk.subarray(0, end);
    const lineFeeds = sink.lineFeeds;
    let wait: Promise<void> | undefined | typeof DECLINED;
    try {
      wait = sink.writeBytes(base64);
    } catch (e) {
      throw this.sinkError(sink, e);
    }
    if (wait === DECLINED) return DECLINED;
    this.bytesIn += end;
    this.lineOffset += sink.lineFeeds - lineFeeds;
    const waited = wait?.catch((e: unknown) => {
      throw this.sinkError(sink, e);
    });
    if (lt < 0) return waited;
    this.bypass = false;
    const rest = chunk.subarray(lt);
    return waited ? waited.then(() => this.feedBytes(rest)) : this.feedBytes(rest);
  }

  async finish(): Promise<Omit<ParsedRequest, 'soapAction'>> {
    let rest: string;
    try {
      rest = this.text.decode();
    } catch (e) {
      throw this.badEncoding(e);
    }
    await this.feed(rest);
    if (this.refCarry) throw this.fail('Onvolledige entiteit in inhoud', `"${this.refCarry}" aan het einde van het bericht`);
    try {
      this.sax.close();
    } catch (e) {
      throw this.wrapSax(e);
    }
    await this.settle();
    if (!this.envelopeClosed) throw this.fail('Bericht is geen SOAP-envelope', 'het bericht bevat geen Envelope-element');
    if (!this.bodySeen) throw this.fail('SOAP-envelope bevat geen Body', `Envelope in ${this.envNs} zonder Body`);
    const body = this.bodyChild;
    if (!body) throw this.fail('SOAP Body bevat geen element', 'de Body moet precies één element bevatten');
    return {
      soapVersion: this.context.soapVersion,
      body,
      bodyXml: serializeStandalone(body),
      contents: [...this.contents],
      mtom: this.opts.mtom,
    };
  }

  async abort(): Promise<void> {
    if (this.aborted) return;
    this.aborted = true;
    await Promise.all(this.writers.map((w) => w.abort().catch(() => undefined)));
  }

  // ---- character stream ------------------------------------------------------------------------------

  /**
   * Runs synchronously as far as it can; when a sink has to wait, returns a promise that continues from
   * there. Per-chunk promises would make small chunks (and the test runner) many times slower.
   */
  private feed(input: string): Promise<void> | undefined {
    let s = input;
    if (!this.started) {
      // A BOM, CRLF and blank lines before the XML declaration are common; XML itself forbids them.
      const lead = /^[\uFEFF\s]*/.exec(s)![0];
      this.lineOffset += countNewlines(lead);
      s = s.slice(lead.length);
      if (s.length === 0) return undefined;
      this.started = true;
    }
    return this.run(s, 0);
  }

  private run(s: string, from: number): Promise<void> | undefined {
    let i = from;
    while (i < s.length) {
      let wait: Promise<void> | undefined;
      if (this.bypass) {
        wait = this.feedInhoud(s, i);
        i = this.cursor;
      } else {
        const end = this.saxPieceEnd(s, i);
        this.feedSax(i === 0 && end === s.length ? s : s.slice(i, end));
        i = end;
        if (this.enterBypass) {
          this.enterBypass = false;
          this.bypass = true;
        }
        if (this.pendingText.length > 0 || this.closing.length > 0) wait = this.settle();
      }
      if (wait) {
        const next = i;
        return wait.then(() => this.run(s, next));
      }
    }
    return undefined;
  }

  /**
   * Where the next piece for saxes ends. saxes must stop right after an <inhoud> start tag (its text is taken
   * over by feedInhoud), so near an "inhoud" the input goes to saxes one tag at a time; elsewhere it goes in
   * one piece, because every write into saxes has a cost. A tag cut off at the end of the chunk may still
   * become an inhoud tag, so the text from the last '<' on is also fed tag by tag.
   */
  private saxPieceEnd(s: string, i: number): number {
    const k = s.indexOf('inhoud', i);
    const stop = k < 0 ? s.lastIndexOf('<') : s.lastIndexOf('<', k);
    if (stop > i) return stop;
    const gt = s.indexOf('>', i);
    return gt < 0 ? s.length : gt + 1;
  }

  private feedSax(piece: string): void {
    this.skeletonBytes += Buffer.byteLength(piece);
    if (this.skeletonBytes > this.opts.maxSkeletonBytes) {
      throw this.fail('Bericht bevat te veel gegevens buiten de documentinhoud',
        `meer dan ${this.opts.maxSkeletonBytes} bytes buiten <inhoud> (regel ${this.line()}); ` +
        'bijvoorbeeld een zeer groot attribuut of tekstelement');
    }
    try {
      this.sax.write(piece);
    } catch (e) {
      throw this.wrapSax(e);
    }
  }

  /** Inside <inhoud>: everything up to the next '<' is base64 text for the sink. Returns the new index. */
  private feedInhoud(s: string, i: number): Promise<void> | undefined {
    const lt = s.indexOf('<', i);
    const end = lt < 0 ? s.length : lt;
    this.cursor = end;
    let wait: Promise<void> | undefined;
    if (end > i) {
      const seg = s.slice(i, end);
      this.lineOffset += countNewlines(seg);
      wait = this.toSink(this.sink!, this.resolveRefs(seg));
    }
    if (lt >= 0) {
      if (this.refCarry) throw this.fail('Onvolledige entiteit in inhoud', `"${this.refCarry}" op regel ${this.line()}`);
      this.bypass = false;
    }
    return wait;
  }

  /** Character references in base64 text (some clients write &#13; for line breaks). */
  private resolveRefs(input: string): string {
    let seg = this.refCarry + input;
    this.refCarry = '';
    if (!seg.includes('&')) return seg;
    const amp = seg.lastIndexOf('&');
    if (!seg.includes(';', amp)) {
      if (seg.length - amp > 12) throw this.fail('Ongeldige entiteit in inhoud', `regel ${this.line()}: "${seg.slice(amp, amp + 12)}..."`);
      this.refCarry = seg.slice(amp);
      seg = seg.slice(0, amp);
    }
    return seg.replace(/&([^;&]*);?/g, (_m, name: string) => this.resolveRef(name));
  }

  private resolveRef(name: string): string {
    const num = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(name);
    if (num) {
      const cp = num[1] !== undefined ? parseInt(num[1], 16) : parseInt(num[2]!, 10);
      if (cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) return String.fromCodePoint(cp);
    } else if (PREDEFINED[name] !== undefined) {
      return PREDEFINED[name]!;
    }
    throw this.fail('Ongeldige of onbekende entiteit in inhoud', `regel ${this.line()}: &${name.slice(0, 20)};`);
  }

  private toSink(sink: InhoudSink, text: string): Promise<void> | undefined {
    let wait: Promise<void> | undefined;
    try {
      wait = sink.write(text);
    } catch (e) {
      throw this.sinkError(sink, e);
    }
    return wait?.catch((e: unknown) => {
      throw this.sinkError(sink, e);
    });
  }

  /** Async work the synchronous saxes handlers queued: text for a sink, sinks that were closed. */
  private async settle(): Promise<void> {
    const texts = this.pendingText;
    this.pendingText = [];
    for (const [sink, t] of texts) await this.toSink(sink, t);
    const closing = this.closing;
    this.closing = [];
    for (const sink of closing) {
      let content: ExtractedContent | undefined;
      try {
        content = await sink.finish();
      } catch (e) {
        throw this.sinkError(sink, e);
      }
      if (sink.include) {
        if (content) {
          throw this.fail('inhoud bevat zowel base64-tekst als xop:Include', `element op regel ${sink.element.line}`);
        }
        this.includes.push({ element: sink.element, href: sink.include.href, line: sink.include.line });
      } else if (content) {
        sink.element.content = content;
        this.contents.push(content);
      }
    }
  }

  // ---- saxes handlers (synchronous; they throw SoapReadError, which leaves saxes through write()) ------

  private onOpen(tag: SaxesTagNS): void {
    const depth = ++this.depth;
    if (depth > this.opts.maxDepth) {
      throw this.fail('Bericht is te diep genest', `meer dan ${this.opts.maxDepth} niveaus op regel ${this.tagLine}`);
    }
    const ns = tag.uri;
    const local = tag.local;
    if (depth === 1) {
      if (local !== 'Envelope' || (ns !== NS.soap11 && ns !== NS.soap12)) {
        throw this.fail('Bericht is geen SOAP-envelope',
          `het eerste element is {${ns}}${local}; verwacht Envelope in ${NS.soap11} (SOAP 1.1) of ${NS.soap12} (SOAP 1.2)`);
      }
      this.envNs = ns;
      this.context.soapVersion = ns === NS.soap12 ? '1.2' : '1.1';
      Object.assign(this.inherited, tag.ns);
      return;
    }
    if (depth === 2) {
      if (ns === this.envNs && local === 'Header' && !this.headerSeen && !this.bodySeen) {
        this.headerSeen = true;
      } else if (ns === this.envNs && local === 'Header') {
        // SOAP 1.1 §4.1.1 and 1.2 §5.1: one Header, and only as the first child of the Envelope.
        throw this.fail('SOAP Header op een verkeerde plaats',
          `Header op regel ${this.tagLine}; een Header mag alleen één keer en alleen vóór de Body staan`);
      } else if (ns === this.envNs && local === 'Body' && !this.bodySeen) {
        this.bodySeen = true;
        this.bodyOpen = true;
        Object.assign(this.inherited, tag.ns);
      } else if (ns === this.envNs && local === 'Body') {
        // WS-I Basic Profile: one Body. A second one could smuggle a message past whoever looked at the first.
        throw this.fail('SOAP-envelope bevat meer dan één Body', `tweede Body op regel ${this.tagLine}`);
      } else if (!this.bodySeen) {
        throw this.fail('Onverwacht element in de SOAP-envelope',
          `{${ns}}${local} op regel ${this.tagLine}; verwacht Header of Body`);
      } // other elements after the Body (SOAP 1.1 allows them) are ignored
      return;
    }
    if (!this.bodyOpen) {
      // Inside the Header: Zaakpoort understands no header block, so one it must understand is a fault.
      if (depth === 3 && this.mustUnderstand(tag)) throw this.notUnderstood(tag);
      return;
    }

    const el = toElement(tag, this.tagLine);
    if (depth === 3) {
      if (this.bodyChild) {
        throw this.fail('SOAP Body bevat meer dan één element',
          `tweede element {${ns}}${local} op regel ${this.tagLine}; de Body moet precies één element bevatten`);
      }
      // The body element carries every in-scope declaration, so it can be serialised on its own.
      el.nsDecls = { ...this.inherited, ...el.nsDecls };
      this.bodyChild = el;
      this.context.root = { ns, local };
      this.tree.push(el);
      return;
    }
    const parent = this.tree[this.tree.length - 1]!;
    if (this.sink) {
      if (parent === this.sink.element) this.openInsideInhoud(el);
      this.tree.push(el); // detached: an extracted <inhoud> keeps no children
      return;
    }
    parent.children.push(el);
    this.tree.push(el);
    if (ns === NS.zkn && local === 'inhoud' && !tag.isSelfClosing) {
      this.sink = new InhoudSink(el, this.opts.content, (w) => this.writers.push(w));
      this.enterBypass = true;
    }
  }

  private openInsideInhoud(el: XmlElement): void {
    if (el.ns !== NS.xop || el.local !== 'Include') {
      throw this.fail('inhoud mag geen elementen bevatten',
        `element ${el.qname} in inhoud op regel ${el.line}; verwacht base64-tekst`);
    }
    if (!this.opts.mtom) {
      throw this.fail('xop:Include in een bericht dat geen MTOM is',
        `regel ${el.line}: xop:Include is alleen toegestaan in een multipart/related (MTOM/XOP) bericht`);
    }
    const href = el.attrs.find((a) => a.ns === '' && a.local === 'href')?.value;
    if (!href) throw this.fail('xop:Include zonder href', `regel ${el.line}`);
    if (this.sink!.include) throw this.fail('inhoud bevat meer dan één xop:Include', `regel ${el.line}`);
    this.sink!.include = { href, line: el.line };
  }

  private onClose(): void {
    const depth = this.depth--;
    if (depth === 1) {
      this.envelopeClosed = true;
      return;
    }
    if (depth === 2) {
      if (this.bodyOpen) {
        this.bodyOpen = false;
        if (!this.bodyChild) throw this.fail('SOAP Body bevat geen element', `regel ${this.line()}: de Body moet precies één element bevatten`);
      }
      return;
    }
    if (!this.bodyOpen) return;
    const el = this.tree.pop()!;
    const sink = this.sink;
    if (!sink) return;
    if (el === sink.element) {
      this.closing.push(sink);
      this.sink = undefined;
    } else {
      this.afterMarkup(); // e.g. </xop:Include>: back to text inside <inhoud>
    }
  }

  private onText(t: string): void {
    const top = this.tree[this.tree.length - 1];
    if (this.sink) {
      // Only CDATA (or text right after it) inside <inhoud> reaches saxes; text inside xop:Include is ignored.
      if (top === this.sink.element) this.pendingText.push([this.sink, t]);
      this.afterMarkup();
      return;
    }
    if (this.bodyOpen && top) {
      const last = top.children.length - 1;
      if (last >= 0 && typeof top.children[last] === 'string') top.children[last] += t;
      else top.children.push(t);
    } else if (this.bodyOpen && this.depth === 2 && t.trim() !== '') {
      throw this.fail('SOAP Body bevat tekst', `regel ${this.line()}: de Body mag alleen één element bevatten`);
    }
  }

  /** A comment, PI, CDATA or child end tag inside <inhoud> ended: the reader takes the text over again. */
  private afterMarkup(): void {
    if (this.sink && this.tree[this.tree.length - 1] === this.sink.element) this.enterBypass = true;
  }

  // ---- errors -------------------------------------------------------------------------------------------

  private line(): number {
    return this.sax.line + this.lineOffset;
  }

  /** A header block marked mustUnderstand that is meant for us (no actor/role, or next / ultimateReceiver). */
  private mustUnderstand(tag: SaxesTagNS): boolean {
    const attr = (local: string) => Object.values(tag.attributes).find((a) => a.uri === this.envNs && a.local === local)?.value.trim();
    const must = attr('mustUnderstand');
    if (must !== '1' && !(this.envNs === NS.soap12 && must === 'true')) return false;
    const target = attr(this.envNs === NS.soap12 ? 'role' : 'actor');
    return target === undefined || target === `${this.envNs === NS.soap12 ? NS.soap12 + '/role/' : 'http://schemas.xmlsoap.org/soap/actor/'}next` ||
      target === `${NS.soap12}/role/ultimateReceiver`;
  }

  private notUnderstood(tag: SaxesTagNS): SoapReadError {
    // HTTP 500 in both SOAP versions (SOAP 1.2 maps only Sender faults to 400).
    const fault = new StufFault('StUF055', 'client', `SOAP-headerblok {${tag.uri}}${tag.local} wordt niet begrepen`,
      `regel ${this.tagLine}: het blok heeft mustUnderstand en Zaakpoort verwerkt geen SOAP-headerblokken`);
    const err = new SoapReadError(500, fault, this.context);
    err.soapCode = 'MustUnderstand';
    return err;
  }

  private fail(omschrijving: string, details: string): SoapReadError {
    return clientReadError(this.context, omschrijving, details);
  }

  private wrapSax(e: unknown): SoapReadError {
    if (e instanceof SoapReadError) return e;
    const msg = errorText(e).replace(/^\d+:\d+: /, '');
    return clientReadError(this.context, 'Bericht is geen goed gevormde XML',
      `regel ${this.line()}, kolom ${this.sax.column}: ${msg}`, e);
  }

  private badEncoding(e: unknown): SoapReadError {
    return clientReadError(this.context, `Bericht bevat ongeldige tekens voor tekenset ${this.opts.encoding}`,
      `ongeldige bytereeks rond byte ${this.bytesIn} (regel ${this.line()})`, e);
  }

  private sinkError(sink: InhoudSink, e: unknown): SoapReadError {
    if (e instanceof SoapReadError) return e;
    if (e instanceof Base64Error) {
      return clientReadError(this.context, 'Ongeldige base64-inhoud',
        `${sink.element.qname} op regel ${sink.element.line}: ${e.message}`, e);
    }
    return serverReadError(this.context, 'Documentinhoud kon niet tijdelijk worden opgeslagen', e);
  }
}

function toElement(tag: SaxesTagNS, line: number): XmlElement {
  const attrs: XmlAttr[] = [];
  for (const a of Object.values(tag.attributes)) {
    if (a.uri === NS.xmlns) continue; // declarations live in nsDecls
    attrs.push({ ns: a.uri, local: a.local, qname: a.name, value: a.value });
  }
  return { ns: tag.uri, local: tag.local, qname: tag.name, attrs, nsDecls: { ...tag.ns }, children: [], line };
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
