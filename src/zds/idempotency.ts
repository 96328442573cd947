/**
 * StUF §4.4: (zender, referentienummer) identifies a message. A resend of the same message gets the original
 * answer and changes nothing; a different message with a reused referentienummer gets StUF016. Only
 * successfully processed messages are remembered, so a message answered with a fault may be sent again.
 * Vragen (BeantwoordVraag) change nothing and are not logged.
 *
 * "The same message" is judged on a canonical form, not the bytes: a client or ESB that re-serialises on retry
 * (other prefixes, attribute order, indentation, a new tijdstipBericht) sends the same bericht. A resend that
 * arrives while the original is still being processed waits for it and gets its answer: on one instance
 * through an in-process wait, across instances because a copy that loses the race looks in the log again.
 */
import { createHash } from 'node:crypto';
import type { Backend } from '../ports/index.js';
import { DuplicateError, type LoggedMessage, type StoreWriter, type ZaakStore } from '../ports/zaak-store.js';
import type { ParsedRequest } from '../soap/parsed-request.js';
import { NS } from '../stuf/namespaces.js';
import type { XmlAttr, XmlElement } from '../xml/tree.js';
import type { Clock } from '../stuf/dates.js';
import { faults } from '../stuf/fault.js';
import { type Stuurgegevens, systeemKey } from '../stuf/stuurgegevens.js';
import type { DispatchResult } from './dispatch-result.js';
import type { Operation } from './operation.js';
import { withOverrides } from './with-overrides.js';
import { describeError } from '../redact.js';

type Log = (level: 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

/** Hashes of this form start with this tag; older log entries hold the hash of the raw body. */
const CANONICAL = 'c1:';

/** The hash Zaakpoort logged before the canonical form: the body bytes as received. */
export function rawRequestHash(req: ParsedRequest): string {
  const h = createHash('sha256').update(req.bodyXml);
  for (const c of req.contents) h.update(`\u0000${c.sha256}:${c.size}`);
  return h.digest('hex');
}

/**
 * The bericht in a form that ignores what carries no meaning: namespace prefixes (URIs are written), attribute
 * order, whitespace around elements and text, comments, and stuurgegevens/tijdstipBericht (a retry gets a new
 * one). Document content counts by its hash (it was decoded while streaming, so base64 line breaks do not matter).
 *
 * Logged hashes are compared with this form after an upgrade, so its text must never change (the unit test pins
 * it). It is built as one string by appending (no array of pieces to join) from cached start tags: about a fifth
 * of what a creeerZaak allocated was this form before (V8's sampling heap profiler, issue 14).
 */
export function canonicalForm(body: XmlElement): string {
  let out = '';
  const walk = (el: XmlElement, parent: XmlElement | undefined): void => {
    if (el.ns === NS.stuf && el.local === 'tijdstipBericht' && parent?.local === 'stuurgegevens') return;
    const attrs = el.attrs;
    if (attrs.length === 0) out += EMPTY_START.get(el.ns, el.local);
    else if (attrs.length === 1) out += START_WITH_ATTRS.get(el.ns, el.local) + attributeText(attrs[0]!) + '>';
    else if (attrs.length === 2) out += START_WITH_ATTRS.get(el.ns, el.local) + sortedPair(attributeText(attrs[0]!), attributeText(attrs[1]!)) + '>';
    else out += START_WITH_ATTRS.get(el.ns, el.local) + attrs.map(attributeText).sort().join(' ') + '>';
    if (el.content) out += `#content:${el.content.sha256}:${el.content.size}`;
    for (const c of el.children) {
      if (typeof c === 'string') {
        const t = c.trim();
        if (t) out += jsonString(t);
      } else walk(c, el);
    }
    out += '</>';
  };
  walk(body, undefined);
  return out;
}

/** Two attributes in the order sort() gives them (UTF-16 code units), without the array sort() needs. */
function sortedPair(a: string, b: string): string {
  return b < a ? `${b} ${a}` : `${a} ${b}`;
}

function attributeText(a: XmlAttr): string {
  return ATTRIBUTE_NAME.get(a.ns, a.local) + jsonString(a.value);
}

/** What JSON.stringify escapes in a string: quote, backslash, control characters and (lone) surrogates. */
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify(s) without its work for the usual text that needs no escape. */
function jsonString(s: string): string {
  return JSON_ESCAPED.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * One kind of piece (`<{ns}local>`, `<{ns}local ` or `{ns}local=`) by namespace and local name: a bericht repeats
 * a few hundred names. Names come from validated berichten; the bound only limits what open schema parts could add.
 */
class TagPieces {
  private static total = 0;
  private static readonly MAX = 20_000;
  private readonly byNs = new Map<string, Map<string, string>>();

  constructor(
    private readonly open: string,
    private readonly close: string,
  ) {}

  get(ns: string, local: string): string {
    let byLocal = this.byNs.get(ns);
    let piece = byLocal?.get(local);
    if (piece !== undefined) return piece;
    piece = `${this.open}${ns}}${local}${this.close}`;
    if (TagPieces.total < TagPieces.MAX) {
      if (!byLocal) this.byNs.set(ns, (byLocal = new Map()));
      byLocal.set(local, piece);
      TagPieces.total++;
    }
    return piece;
  }
}

const EMPTY_START = new TagPieces('<{', '>');
const START_WITH_ATTRS = new TagPieces('<{', ' ');
const ATTRIBUTE_NAME = new TagPieces('{', '=');

/** Hash of the canonical form plus every document part: equal hashes mean the same message. */
export function requestHash(req: ParsedRequest): string {
  const h = createHash('sha256').update(canonicalForm(req.body));
  for (const c of req.contents) h.update(`\u0000${c.sha256}:${c.size}`);
  return CANONICAL + h.digest('hex');
}

/** Whether a logged message is this request (canonical hash, or the raw hash of entries logged before it). */
function sameMessage(logged: LoggedMessage, req: ParsedRequest): boolean {
  return logged.requestHash.startsWith(CANONICAL) ? logged.requestHash === requestHash(req) : logged.requestHash === rawRequestHash(req);
}

export class IdempotencyLog {
  /** Messages being processed on this instance, by zender + referentienummer: a copy waits for the first. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly store: ZaakStore,
    private readonly clock: Clock,
    private readonly log: Log,
  ) {}

  private key(op: Operation, sg: Stuurgegevens): { zenderKey: string; referentienummer: string } | undefined {
    if (op.port === 'BeantwoordVraag' || !sg.referentienummer || !sg.zender?.applicatie) return undefined;
    return { zenderKey: systeemKey(sg.zender), referentienummer: sg.referentienummer };
  }

  /**
   * Run `process` as the only handler of this (zender, referentienummer) on this instance: a copy that arrives
   * meanwhile waits until the first is done, then finds its answer in the log (or, if the first failed,
   * processes itself: a message answered with a fault may be sent again).
   */
  async singleFlight<T>(op: Operation, sg: Stuurgegevens, process: () => Promise<T>): Promise<T> {
    const key = this.key(op, sg);
    if (!key) return process();
    const id = `${key.zenderKey}\u0000${key.referentienummer}`;
    for (let running = this.inFlight.get(id); running; running = this.inFlight.get(id)) await running;
    let done!: () => void;
    this.inFlight.set(id, new Promise<void>((resolve) => (done = resolve)));
    try {
      return await process();
    } finally {
      this.inFlight.delete(id);
      done();
    }
  }

  /** The original answer for a resend, or a StUF016 fault for a reused referentienummer; undefined for a new message. */
  async lookup(op: Operation, req: ParsedRequest, sg: Stuurgegevens): Promise<DispatchResult | undefined> {
    const key = this.key(op, sg);
    if (!key) return undefined;
    const logged = await this.store.getLoggedMessage(key.zenderKey, key.referentienummer);
    if (!logged) return undefined;
    if (!sameMessage(logged, req)) {
      throw faults.duplicateReference(
        `referentienummer "${key.referentienummer}" is op ${logged.at} al gebruikt voor een ander bericht van deze zender`,
      );
    }
    return { kind: 'ok', soapVersion: req.soapVersion, pieces: [logged.responseXml], mtom: false };
  }

  /**
   * A kennisgeving's answer is a Bv03 known before it is processed, so it is logged inside the operation's own
   * transaction: one commit (one fsync) per message, and after a crash the log holds the message exactly when
   * its changes were committed. This relies on a kennisgeving doing all its work in one transaction; a second
   * one is refused loudly rather than risk logging a message whose later work failed.
   * Returns the backend to give the operation, and whether it logged.
   */
  withinTransaction(op: Operation, req: ParsedRequest, sg: Stuurgegevens, backend: Backend, answerXml: string): { backend: Backend; logged: () => boolean } {
    const key = op.port === 'OntvangAsynchroon' ? this.key(op, sg) : undefined;
    if (!key) return { backend, logged: () => false };
    const entry: LoggedMessage = { ...key, requestHash: requestHash(req), responseXml: answerXml, at: this.clock.now().toISOString() };
    let logged = false;
    const inner = backend.store;
    const store = withOverrides<ZaakStore>(inner, {
      transaction: <T>(fn: (tx: StoreWriter) => Promise<T>) => {
        if (logged) throw new Error(`${op.name}: een kennisgeving moet haar werk in één transactie doen`);
        // The intent names the bericht up front (the ZGW backend journals it and holds off a copy in flight elsewhere).
        return inner.transaction(async (tx) => {
          const result = await fn(tx);
          await tx.logMessage(entry).catch((e: unknown) => {
            // The same message arrived twice at once and the other copy committed first: undo this one.
            // The dispatcher then finds the other copy's answer in the log and gives that (see lookup).
            if (e instanceof DuplicateError) {
              throw faults.processing('Dit bericht is tegelijkertijd al eens ontvangen en verwerkt',
                `referentienummer "${key.referentienummer}"; stuur het opnieuw voor het oorspronkelijke antwoord`);
            }
            throw e;
          });
          logged = true;
          return result;
        }, { operation: op.name, messageKey: key });
      },
    });
    return { backend: withOverrides<Backend>(backend, { store }), logged: () => logged };
  }

  async remember(op: Operation, req: ParsedRequest, sg: Stuurgegevens, result: DispatchResult): Promise<void> {
    const key = this.key(op, sg);
    if (!key || result.kind !== 'ok' || result.pieces.some((p) => typeof p !== 'string')) return;
    const entry: LoggedMessage = { ...key, requestHash: requestHash(req), responseXml: (result.pieces as string[]).join(''), at: this.clock.now().toISOString() };
    try {
      await (this.store.logMessageAlone ? this.store.logMessageAlone(entry) : this.store.transaction((tx) => tx.logMessage(entry)));
    } catch (e) {
      // Two identical messages processed at the same moment: the first one's answer is already kept.
      if (!(e instanceof DuplicateError)) this.log('warn', 'bericht kon niet in het berichtenlog worden vastgelegd', { error: describeError(e) });
    }
  }
}
