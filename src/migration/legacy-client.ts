/**
 * Calls to the legacy ZDS zaaksysteem: SOAP 1.1 over HTTP(S), one endpoint per port if configured, with a
 * timeout. The answer is read with the same hardened reader as incoming requests (document content streamed
 * into the temp area), and every call is recorded as a backend step (kind 'legacy') of the bericht at hand.
 */
import { Readable } from 'node:stream';
import type { MigrationConfig } from '../config.js';
import { recordStep } from '../observability/steps.js';
import type { DocumentContentStore } from '../ports/document-content-store.js';
import { readEnvelope } from '../soap/envelope-reader.js';
import { SoapReadError } from '../soap/read-error.js';
import type { Port } from '../stuf/messages.js';
import { NS } from '../stuf/namespaces.js';
import { serializeWithContent } from '../xml/serialize.js';
import { type ExtractedContent, type XmlElement, child, elements, text } from '../xml/tree.js';

/** The legacy system could not be reached or gave no SOAP answer; the message is one line for a beheerder. */
export class LegacyError extends Error {
  override name = 'LegacyError';
}

/** XML text with document content (temp content of the local store) at the places it goes, as base64. */
export type BodyParts = Array<string | ExtractedContent>;

export type LegacyAnswer =
  | {
      kind: 'ok';
      httpStatus: number;
      /** The Body's child as a tree (document content extracted, see parts). */
      body: XmlElement;
      /** The Body's child as received: XML with its document content. */
      parts: BodyParts;
      contents: ExtractedContent[];
    }
  | {
      kind: 'fault';
      httpStatus: number;
      plek: 'client' | 'server';
      faultstring: string;
      /** The StUF Fo0x bericht from the fault's detail ('' when there was none). */
      detailXml: string;
      /** The Fo0x element, when there was one. */
      fo?: XmlElement;
      contents: ExtractedContent[];
    };

export interface LegacyClientOptions {
  legacy: MigrationConfig['legacy'];
  /** Where the answers' document content is streamed (the configured backend's content store). */
  content: DocumentContentStore;
  maxMessageBytes: number;
  maxDepth: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const STEP_BODY_CAP = 4000;
const ENVELOPE_OPEN = `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${NS.soap11}"><soap:Body>`;
const ENVELOPE_CLOSE = '</soap:Body></soap:Envelope>';

/** A body element as it was received, content included, ready to pass on. */
export function bodyParts(body: XmlElement): BodyParts {
  return serializeWithContent(body);
}

/** base64 of a temp content, in pieces (a multiple of 3 bytes each, so the pieces concatenate). */
async function* base64Of(content: DocumentContentStore, c: ExtractedContent): AsyncGenerator<string> {
  let rest = Buffer.alloc(0);
  for await (const chunk of content.openTemp(c.tempId)) {
    const buf = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    const whole = buf.length - (buf.length % 3);
    if (whole > 0) yield buf.subarray(0, whole).toString('base64');
    rest = Buffer.from(buf.subarray(whole));
  }
  if (rest.length) yield rest.toString('base64');
}

async function* partsText(content: DocumentContentStore, parts: BodyParts): AsyncGenerator<string> {
  for (const p of parts) {
    if (typeof p === 'string') yield p;
    else yield* base64Of(content, p);
  }
}

/** The parts as one string (document content in memory: used for answers and outbox entries). */
export async function partsToString(content: DocumentContentStore, parts: BodyParts): Promise<string> {
  let out = '';
  for await (const s of partsText(content, parts)) out += s;
  return out;
}

/** A SOAP 1.1 envelope around a body element's XML. */
export function soap11Envelope(bodyXml: string): string {
  return ENVELOPE_OPEN + bodyXml + ENVELOPE_CLOSE;
}

/** For step records: the XML with document content left out, capped. */
function stepText(parts: BodyParts): string {
  const s = parts.map((p) => (typeof p === 'string' ? p : `[inhoud ${p.size} bytes]`)).join('');
  return s.length > STEP_BODY_CAP ? `${s.slice(0, STEP_BODY_CAP)}…` : s;
}

function findFo(detail: XmlElement | undefined): XmlElement | undefined {
  return detail ? elements(detail).find((e) => e.ns === NS.stuf && /^Fo0[123]Bericht$/.test(e.local)) : undefined;
}

export class LegacyClient {
  constructor(private readonly opts: LegacyClientOptions) {}

  get timeoutMs(): number {
    return this.opts.legacy.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  endpoint(port: Port): string {
    return this.opts.legacy.ports?.[port] ?? this.opts.legacy.url;
  }

  /** Release the temp content an answer holds (idempotent; content persisted since is gone from temp anyway). */
  async release(answer: LegacyAnswer): Promise<void> {
    for (const c of answer.contents) await this.opts.content.discardTemp(c.tempId).catch(() => undefined);
  }

  /** The answer's Body child as one string, document content included. */
  answerXml(answer: Extract<LegacyAnswer, { kind: 'ok' }>): Promise<string> {
    return partsToString(this.opts.content, answer.parts);
  }

  /** POST one bericht. Throws LegacyError when there is no SOAP answer (unreachable, timeout, not SOAP). */
  async call(port: Port, operation: string, parts: BodyParts, soapAction: string): Promise<LegacyAnswer> {
    const url = this.endpoint(port);
    const startedAt = Date.now();
    const signal = AbortSignal.timeout(this.timeoutMs);
    const hasContent = parts.some((p) => typeof p !== 'string');
    const body = hasContent
      ? Readable.from((async function* (content) {
          yield ENVELOPE_OPEN;
          yield* partsText(content, parts);
          yield ENVELOPE_CLOSE;
        })(this.opts.content))
      : soap11Envelope((parts as string[]).join(''));
    const step = { kind: 'legacy', name: `legacy ${operation}`, method: 'POST', url, startedAt, requestBody: stepText(parts) };
    let status: number | undefined;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${soapAction}"` },
        body: body as unknown as string,
        signal,
        ...(hasContent ? { duplex: 'half' } : {}),
      } as RequestInit);
      status = res.status;
      const answer = await this.read(res, signal);
      recordStep({
        ...step,
        status,
        durationMs: Date.now() - startedAt,
        responseBody: answer.kind === 'ok' ? stepText(answer.parts) : answer.detailXml.slice(0, STEP_BODY_CAP),
        ...(answer.kind === 'fault' ? { error: answer.faultstring.slice(0, 200) } : {}),
      });
      return answer;
    } catch (e) {
      const error = this.describe(e, url, signal, status);
      recordStep({ ...step, ...(status !== undefined ? { status } : {}), durationMs: Date.now() - startedAt, error: error.message });
      throw error;
    }
  }

  private async read(res: Response, signal: AbortSignal): Promise<LegacyAnswer> {
    const contentType = res.headers.get('content-type') ?? 'text/xml';
    if (!res.body) throw new LegacyError(`legacy zaaksysteem gaf een leeg antwoord (HTTP ${res.status})`);
    let parsed;
    try {
      parsed = await readEnvelope(res.body as unknown as AsyncIterable<Uint8Array>, {
        contentType,
        maxBytes: this.opts.maxMessageBytes,
        maxDepth: this.opts.maxDepth,
        content: this.opts.content,
      });
    } catch (e) {
      if (signal.aborted) throw e;
      const why = e instanceof SoapReadError ? `${e.fault.omschrijving}${e.fault.details ? ` (${e.fault.details})` : ''}` : String(e);
      throw new LegacyError(`legacy zaaksysteem gaf geen leesbaar SOAP-antwoord (HTTP ${res.status}): ${why}`);
    }
    const body = parsed.body;
    if (body.local === 'Fault' && (body.ns === NS.soap11 || body.ns === NS.soap12)) {
      const soap12 = body.ns === NS.soap12;
      const code = soap12 ? text(child(child(body, NS.soap12, 'Code'), NS.soap12, 'Value')) : text(child(body, '', 'faultcode'));
      const faultstring = soap12 ? text(child(child(body, NS.soap12, 'Reason'), NS.soap12, 'Text')) : text(child(body, '', 'faultstring'));
      const fo = findFo(soap12 ? child(body, NS.soap12, 'Detail') : child(body, '', 'detail'));
      return {
        kind: 'fault',
        httpStatus: res.status,
        plek: /(Client|Sender)$/.test(code ?? '') ? 'client' : 'server',
        faultstring: faultstring ?? '',
        detailXml: fo ? (await partsToString(this.opts.content, bodyParts(fo))) : '',
        ...(fo ? { fo } : {}),
        contents: parsed.contents,
      };
    }
    return { kind: 'ok', httpStatus: res.status, body, parts: bodyParts(body), contents: parsed.contents };
  }

  private describe(e: unknown, url: string, signal: AbortSignal, status: number | undefined): LegacyError {
    if (e instanceof LegacyError) return e;
    if (signal.aborted) return new LegacyError(`legacy zaaksysteem ${url} antwoordde niet binnen ${this.timeoutMs / 1000} s`);
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const what = cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
    return new LegacyError(`legacy zaaksysteem ${url} is niet bereikbaar${status !== undefined ? ` (HTTP ${status})` : ''}: ${what}`);
  }
}
