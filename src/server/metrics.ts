/**
 * Prometheus metrics through prom-client. Each server has its own registry for Zaakpoort's metrics (tests run
 * many servers in one process); the process metrics (memory, event-loop lag, GC, handles) are collected once per
 * process and rendered with them. Label values that come from client input (operation names) or backends
 * (step names) are checked and capped, so a hostile client cannot grow the series without bound.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { BackendStep } from '../observability/steps.js';

/** ok = normal answer; fault = SOAP Fault with a StUF code; rejected = refused before dispatch (415/413). */
export type Outcome = 'ok' | 'fault' | 'rejected' | 'error';

export interface RequestSample {
  operation: string;
  outcome: Outcome;
  /** StUF foutcode of a fault, '' otherwise. */
  code: string;
  seconds: number;
}

const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BACKEND_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Caps label cardinality: operation names come from client input. */
const MAX_OPERATIONS = 100;
const MAX_BACKEND_OPERATIONS = 200;
const NAME_RE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const CODE_RE = /^StUF\d{3}$/;
const LABEL_RE = /^[\w ./:{}-]{1,100}$/;

let processRegistry: Registry | undefined;
/** The process metrics, started on first use (not at import: a CLI that never serves needs no GC observer). */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** A bounded set of label values: new ones are admitted until the cap, then mapped to 'other'. */
class LabelSet {
  private readonly seen = new Set<string>();
  constructor(private readonly max: number) {}
  admit(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(value);
    return value;
  }
}

export class Metrics {
  readonly registry = new Registry();
  private readonly operations = new LabelSet(MAX_OPERATIONS);
  private readonly backendOperations = new LabelSet(MAX_BACKEND_OPERATIONS);
  private readonly apis = new LabelSet(MAX_OPERATIONS);
  private readonly requests = new Counter({
    name: 'zaakpoort_requests_total',
    help: 'SOAP requests handled, by operation, outcome and StUF foutcode.',
    labelNames: ['operation', 'outcome', 'code'] as const,
    registers: [this.registry],
  });
  private readonly durations = new Histogram({
    name: 'zaakpoort_request_duration_seconds',
    help: 'Time from request start to the end of the answer, by operation, outcome and StUF foutcode.',
    labelNames: ['operation', 'outcome', 'code'] as const,
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });
  private readonly backendCalls = new Counter({
    name: 'zaakpoort_backend_calls_total',
    help: 'Backend calls (SQL transaction, ZGW HTTP call, legacy call) by kind, operation, ZGW API and HTTP status.',
    labelNames: ['kind', 'operation', 'api', 'status'] as const,
    registers: [this.registry],
  });
  private readonly backendDurations = new Histogram({
    name: 'zaakpoort_backend_call_duration_seconds',
    help: 'Duration of backend calls by kind, operation, ZGW API and HTTP status.',
    labelNames: ['kind', 'operation', 'api', 'status'] as const,
    buckets: BACKEND_BUCKETS,
    registers: [this.registry],
  });
  private readonly documentBytes = new Counter({
    name: 'zaakpoort_document_bytes_total',
    help: 'Document content bytes received (in) and sent (out), decoded (not base64).',
    labelNames: ['direction'] as const,
    registers: [this.registry],
  });

  private readonly idleCollections = new Counter({
    name: 'zaakpoort_idle_collections_total',
    help: 'Full V8 heap collections run after a quiet period (idleCollectAfterMs), which give emptied heap pages back.',
    registers: [this.registry],
  });
  private readonly idleCollectionSeconds = new Counter({
    name: 'zaakpoort_idle_collection_seconds_total',
    help: 'Time spent in those collections (the main thread waits for them).',
    registers: [this.registry],
  });

  constructor() {
    processMetrics();
    // Series that exist from the start, so a dashboard shows 0 rather than nothing.
    this.documentBytes.inc({ direction: 'in' }, 0);
    this.documentBytes.inc({ direction: 'out' }, 0);
  }

  record(sample: RequestSample): void {
    const labels = {
      operation: this.operationLabel(sample.operation),
      outcome: sample.outcome,
      code: CODE_RE.test(sample.code) ? sample.code : sample.code ? 'other' : '',
    };
    this.requests.inc(labels);
    this.durations.observe(labels, sample.seconds);
  }

  /** One backend call, from the step recorder. ZGW calls are labelled by API (zaken, documenten, ...) and status. */
  recordStep(step: BackendStep): void {
    // A ZGW call names its API (zaken, documenten, catalogi, besluiten, ...), else it is read from the URL.
    const api = step.attributes?.api ?? (step.kind === 'zgw' && step.url ? /\/([a-z]+)\/api\/v\d+\//.exec(step.url)?.[1] : undefined);
    const operation = step.attributes?.operation ?? step.name;
    const labels = {
      kind: LABEL_RE.test(step.kind) ? step.kind.slice(0, 20) : 'other',
      operation: typeof operation === 'string' && LABEL_RE.test(operation) ? this.backendOperations.admit(operation) : 'other',
      api: typeof api === 'string' && LABEL_RE.test(api) ? this.apis.admit(api) : '',
      status: step.status !== undefined ? String(step.status) : step.error ? 'error' : '',
    };
    this.backendCalls.inc(labels);
    this.backendDurations.observe(labels, Math.max(0, step.durationMs) / 1000);
  }

  /** One full collection after a quiet period, and how long it took. */
  idleCollected(seconds: number): void {
    this.idleCollections.inc();
    this.idleCollectionSeconds.inc(seconds);
  }

  documents(direction: 'in' | 'out', bytes: number): void {
    if (bytes > 0) this.documentBytes.inc({ direction }, bytes);
  }

  /** Prometheus text format: Zaakpoort's metrics, then the process metrics. */
  async render(): Promise<string> {
    return (await this.registry.metrics()) + (await processMetrics().metrics());
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private operationLabel(name: string): string {
    return NAME_RE.test(name) ? this.operations.admit(name) : 'unknown';
  }
}

/** The StUF foutcode inside a fault's Fo0xBericht (for the metrics label only). */
export function faultCode(detailXml: string): string {
  return /<(?:[\w.-]+:)?code>\s*([^<\s]{1,16})\s*</.exec(detailXml)?.[1] ?? '';
}
