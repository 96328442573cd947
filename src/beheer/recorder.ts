/**
 * The message browser's recorder: watches every dispatched bericht and queues what beheer.keep says to keep
 * (all, metadata or none) plus the read audit. It runs after the answer is known and never blocks it: the
 * store batches the writes, and a failure to record is logged, not answered.
 */
import type { BerichtStart, BerichtWatch, BerichtWatcher } from '../observability/bericht-watch.js';
import type { BackendStep } from '../observability/steps.js';
import type { DispatchResult } from '../zds/dispatch-result.js';
import type { UndispatchedRequest } from '../server/app.js';
import { faultCode } from '../server/metrics.js';
import { answerText, requestText } from './answer-text.js';
import type { BsnHasher } from './bsn-hash.js';
import { capText } from './keep.js';
import type { AuditEntry, BerichtRecord, BerichtStore } from './store.js';
import { type ObjectKind, scanBericht } from './xml-scan.js';
import { maskBsn } from './xml-view.js';

export interface RecorderOptions {
  keep: 'all' | 'metadata' | 'none';
  maxBodyBytes: number;
  readAudit: boolean;
  hashBsn: BsnHasher;
}

/** Vraag berichten (Lv01) read objects: their answer's identificaties go to the read audit. */
const READ_OPERATION = /Lv01$/;
const MAX_AUDIT_PER_BERICHT = 1000;
const KINDS: ObjectKind[] = ['zaak', 'document', 'besluit'];

export class BerichtRecorder implements BerichtWatcher {
  constructor(
    private readonly store: BerichtStore,
    private readonly opts: RecorderOptions,
    private readonly log: (msg: string, e: unknown) => void,
  ) {}

  private waiting = 0;
  private idleWaiters: Array<() => void> = [];

  start(b: BerichtStart): BerichtWatch {
    return {
      finish: (end) => {
        // After the answer: scanning and capping the bodies is no part of the bericht's response time.
        this.waiting++;
        setImmediate(() => {
          try {
            void this.record(b, end.result, end.durationMs, end.steps);
          } catch (e) {
            this.log('bericht niet vastgelegd', e);
          } finally {
            if (--this.waiting === 0) for (const w of this.idleWaiters.splice(0)) w();
          }
        });
      },
    };
  }

  /** A request refused or unreadable before dispatch: listed with what is known (no bodies were read). */
  recordUndispatched(r: UndispatchedRequest): void {
    if (this.opts.keep === 'none') return;
    void this.store.add({
      at: r.at,
      zender: r.caller ? `(aanroeper ${r.caller})` : '(onbekend)',
      operation: r.operation,
      outcome: r.outcome,
      ...(r.code ? { foutcode: r.code } : {}),
      durationMs: r.durationMs,
      bsnHashes: [],
      detail: {
        soapVersion: '1.1', soapAction: '', path: r.path, httpStatus: r.httpStatus, requestBytes: 0, responseBytes: 0,
        truncated: { request: false, response: false }, documents: [], steps: [],
        identificaties: { zaak: [], document: [], besluit: [] }, bsnsMasked: [],
        faultstring: 'Geweigerd of onleesbaar voordat het bericht werd verwerkt; het verzoek is niet bewaard.',
      },
    });
  }

  /** Resolves when every finished bericht is queued in the store (then store.flush() writes it). */
  idle(): Promise<void> {
    return this.waiting === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  private record(b: BerichtStart, result: DispatchResult, durationMs: number, steps: readonly BackendStep[]): Promise<number | undefined> {
    const { parsed } = b;
    const operation = parsed.body.local;
    const answer = answerText(result);
    const req = scanBericht(parsed.bodyXml);
    const res = scanBericht(answer.xml);
    const identificaties = Object.fromEntries(
      KINDS.map((k) => [k, [...new Set([...req.identificaties[k], ...res.identificaties[k]])]]),
    ) as Record<ObjectKind, string[]>;
    const bsns = [...new Set([...req.bsns, ...res.bsns])];
    const zender = req.zender ?? '(onbekend)';
    const ok = result.kind === 'ok';

    const audit: Omit<AuditEntry, 'berichtId'>[] = [];
    if (this.opts.readAudit && ok && READ_OPERATION.test(operation)) {
      for (const kind of KINDS) {
        for (const identificatie of res.identificaties[kind]) {
          if (audit.length < MAX_AUDIT_PER_BERICHT) audit.push({ at: b.startedAt, zender, ...(req.gebruiker ? { gebruiker: req.gebruiker } : {}), operation, kind, identificatie });
        }
      }
    }
    if (this.opts.keep === 'none') {
      this.store.addAudit(audit);
      return Promise.resolve(undefined);
    }

    const withBodies = this.opts.keep === 'all';
    const request = capText(requestText(parsed.bodyXml, parsed.soapVersion), this.opts.maxBodyBytes);
    const response = capText(answer.xml, this.opts.maxBodyBytes);
    const record: BerichtRecord = {
      at: b.startedAt,
      zender,
      ...(req.gebruiker ? { gebruiker: req.gebruiker } : {}),
      operation,
      outcome: ok ? 'ok' : 'fault',
      ...(ok ? {} : { foutcode: faultCode(result.detailXml) || 'onbekend' }),
      ...(req.referentienummer ? { referentienummer: req.referentienummer } : {}),
      ...(identificaties.zaak[0] ? { zaakId: identificaties.zaak[0] } : {}),
      ...(identificaties.document[0] ? { documentId: identificaties.document[0] } : {}),
      ...(identificaties.besluit[0] ? { besluitId: identificaties.besluit[0] } : {}),
      durationMs,
      ...(b.replayOf !== undefined ? { replayOf: b.replayOf } : {}),
      bsnHashes: bsns.map(this.opts.hashBsn),
      detail: {
        soapVersion: parsed.soapVersion,
        soapAction: parsed.soapAction,
        path: b.path,
        httpStatus: ok ? 200 : result.httpStatus,
        ...(withBodies ? { request: request.text, response: response.text } : {}),
        requestBytes: request.bytes,
        responseBytes: response.bytes,
        truncated: { request: withBodies && request.truncated, response: withBodies && response.truncated },
        documents: [
          ...parsed.contents.map((c) => ({ direction: 'in' as const, size: c.size, sha256: c.sha256 })),
          ...answer.documents.map((d) => ({ direction: 'out' as const, size: d.size })),
        ],
        steps: steps.map((s) => (withBodies ? capStep(s, this.opts.maxBodyBytes) : withoutBodies(s))),
        identificaties,
        bsnsMasked: bsns.map(maskBsn),
        ...(b.traceId ? { traceId: b.traceId } : {}),
        ...(ok ? {} : { faultstring: result.omschrijving }),
      },
    };
    return this.store.add(record, audit);
  }
}

function withoutBodies(s: BackendStep): BackendStep {
  const { requestBody: _q, responseBody: _r, ...rest } = s;
  return rest;
}

function capStep(s: BackendStep, max: number): BackendStep {
  const out: BackendStep = { ...s };
  if (s.requestBody !== undefined) out.requestBody = capText(s.requestBody, max).text;
  if (s.responseBody !== undefined) out.responseBody = capText(s.responseBody, max).text;
  return out;
}
