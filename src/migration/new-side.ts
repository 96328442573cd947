/**
 * The new side: Zaakpoort's configured backend, reached through a dispatcher without migration routing (every
 * bericht carried out in translate mode). Replicated kennisgevingen, outbox entries and shadow vragen all go
 * through it, so they get the same validation, idempotency and answers as a bericht sent to Zaakpoort directly.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Readable } from 'node:stream';
import type { Backend } from '../ports/index.js';
import { readEnvelope } from '../soap/envelope-reader.js';
import type { ParsedRequest } from '../soap/parsed-request.js';
import type { Port } from '../stuf/messages.js';
import type { DispatchResult } from '../zds/dispatch-result.js';
import type { Dispatcher } from '../zds/dispatcher.js';
import type { ResponsePiece } from '../zds/operation.js';
import { soap11Envelope } from './legacy-client.js';

export interface NewSide {
  /** A dispatcher whose log goes through newSideLog (so the outbox can say why the new side failed). */
  dispatcher: Dispatcher;
  backend: Backend;
  maxMessageBytes: number;
  maxDepth: number;
}

/** Read a SOAP 1.1 envelope held as text (an outbox entry, a vraag of our own) into a request. */
export async function parseEnvelope(side: NewSide, envelopeXml: string, soapAction = '', endpointPort?: Port): Promise<ParsedRequest> {
  const req = await readEnvelope(Readable.from([Buffer.from(envelopeXml)]), {
    contentType: 'text/xml; charset=utf-8',
    soapAction,
    maxBytes: Math.max(side.maxMessageBytes, Buffer.byteLength(envelopeXml)),
    maxDepth: side.maxDepth,
    content: side.backend.content,
  });
  return endpointPort ? { ...req, endpointPort } : req;
}

/** A body element (as text) read into a tree, its document content into temp content: call release() after. */
export async function parseBody(side: NewSide, bodyXml: string): Promise<ParsedRequest & { release(): Promise<void> }> {
  const req = await parseEnvelope(side, soap11Envelope(bodyXml));
  return { ...req, release: () => discardContents(side, req) };
}

export async function discardContents(side: NewSide, req: Pick<ParsedRequest, 'contents'>): Promise<void> {
  for (const c of req.contents) await side.backend.content.discardTemp(c.tempId).catch(() => undefined);
}

/** An answer's pieces as one string, document content as base64 (in memory). */
export async function piecesToString(side: NewSide, pieces: ResponsePiece[]): Promise<string> {
  let out = '';
  for (const p of pieces) {
    if (typeof p === 'string') {
      out += p;
      continue;
    }
    const chunks: Buffer[] = [];
    for await (const c of side.backend.content.open(p.blobRef)) chunks.push(c as Buffer);
    out += Buffer.concat(chunks).toString('base64');
  }
  return out;
}

/** Ask the new side a vraag given as body XML; the answer's body (or the Fo0x of a fault) as text. */
export async function askNewSide(side: NewSide, bodyXml: string, soapAction = ''): Promise<{ result: DispatchResult; xml: string }> {
  const req = await parseEnvelope(side, soap11Envelope(bodyXml), soapAction);
  const result = await side.dispatcher.dispatch(req);
  return { result, xml: result.kind === 'ok' ? await piecesToString(side, result.pieces) : result.detailXml };
}

/** The code and details of a Fo0x bericht, for the outbox's last error. */
export function faultText(detailXml: string): string {
  const code = /<(?:\w+:)?code>([^<]*)</.exec(detailXml)?.[1] ?? '';
  const details = /<(?:\w+:)?details>([^<]*)</.exec(detailXml)?.[1] ?? '';
  return [code, details].filter(Boolean).join(' ');
}

type Log = (level: 'debug' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

/** The internal error the new side logged while handling one piece of work (its answer only says "see the log"). */
const loggedError = new AsyncLocalStorage<{ error?: string }>();

/** The new side's dispatcher log: passed on, and an internal error remembered for the work it belongs to. */
export function newSideLog(log: Log | undefined): Log {
  return (level, msg, extra) => {
    const slot = loggedError.getStore();
    if (slot && level === 'error' && extra?.error && typeof extra.error === 'object') {
      const e = extra.error as { type?: string; message?: string };
      slot.error = [e.type, e.message].filter(Boolean).join(': ');
    }
    log?.(level, msg, extra);
  };
}

/** Run work on the new side; a fault is described with the (masked) internal error it logged, if any. */
export async function onNewSide(work: () => Promise<DispatchResult | undefined>): Promise<string | undefined> {
  const slot: { error?: string } = {};
  const r = await loggedError.run(slot, work);
  if (!r || r.kind === 'ok') return undefined;
  return `${r.omschrijving}: ${faultText(r.detailXml)}${slot.error ? ` (${slot.error})` : ''}`;
}
