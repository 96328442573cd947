/**
 * OpenTelemetry traces: one span per bericht (operation, zender, identificaties) with a child span per backend
 * call, exported over OTLP/HTTP as the standard OTEL_* variables say. Off unless an OTLP endpoint or
 * OTEL_TRACES_EXPORTER=otlp is set (and OTEL_SDK_DISABLED is not true); the SDK is then loaded on demand, so a
 * Zaakpoort without tracing pays nothing for it at start-up. An incoming W3C `traceparent` makes the bericht's
 * span a child of the caller's.
 */
import type { Span, Tracer } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { BerichtStart, BerichtWatch, BerichtWatcher } from './bericht-watch.js';
import type { BackendStep } from './steps.js';
import { scanBericht } from '../beheer/xml-scan.js';

type Env = Record<string, string | undefined>;

export interface Tracing extends BerichtWatcher {
  /** Export what is pending and stop. */
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

export function tracingWanted(env: Env): boolean {
  if ((env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((s) => s.trim().toLowerCase());
  if (exporters.includes('none')) return false;
  return exporters.includes('otlp') || Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

export interface TracingOptions {
  /** Use this exporter (tests: an in-memory one) with a simple processor instead of OTLP with batching. */
  exporter?: SpanExporter;
  version?: string;
}

/** The tracer when tracing is wanted (or an exporter is given), undefined otherwise. */
export async function startTracing(env: Env = process.env, opts: TracingOptions = {}): Promise<Tracing | undefined> {
  if (!opts.exporter && !tracingWanted(env)) return undefined;
  const [api, core, sdk, resources] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/core'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
  ]);
  const exporter = opts.exporter ?? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
  const processor = opts.exporter ? new sdk.SimpleSpanProcessor(exporter) : new sdk.BatchSpanProcessor(exporter);
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES come in through the env detector.
  const resource = resources
    .resourceFromAttributes({ 'service.name': 'zaakpoort', ...(opts.version ? { 'service.version': opts.version } : {}) })
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new sdk.BasicTracerProvider({ resource, spanProcessors: [processor] });
  const tracer = provider.getTracer('zaakpoort');
  const propagator = new core.W3CTraceContextPropagator();
  return {
    start: (b) => berichtSpan(api, tracer, propagator, b),
    shutdown: () => provider.shutdown(),
    forceFlush: () => provider.forceFlush(),
  };
}

type Api = typeof import('@opentelemetry/api');
type Propagator = InstanceType<typeof import('@opentelemetry/core').W3CTraceContextPropagator>;

function berichtSpan(api: Api, tracer: Tracer, propagator: Propagator, b: BerichtStart): BerichtWatch {
  const parent = propagator.extract(api.ROOT_CONTEXT, b.headers, {
    keys: (carrier) => Object.keys(carrier as object),
    get: (carrier, key) => (carrier as BerichtStart['headers'])[key],
  });
  const operation = b.parsed.body.local;
  const span = tracer.startSpan(
    `zds ${operation}`,
    {
      kind: api.SpanKind.SERVER,
      startTime: b.startedAt,
      attributes: {
        'zaakpoort.operation': operation,
        'zaakpoort.soap_version': b.parsed.soapVersion,
        'url.path': b.path,
        ...(b.replayOf !== undefined ? { 'zaakpoort.replay_of': b.replayOf } : {}),
      },
    },
    parent,
  );
  const ctx = api.trace.setSpan(parent, span);
  return {
    traceId: span.spanContext().traceId,
    onStep: (step) => stepSpan(api, tracer, ctx, step),
    finish: ({ result }) => {
      setBerichtAttributes(span, b);
      if (result.kind === 'fault') {
        const code = /<(?:[\w.-]+:)?code>\s*([^<\s]{1,16})\s*</.exec(result.detailXml)?.[1];
        span.setAttributes({ 'zaakpoort.outcome': 'fault', ...(code ? { 'zaakpoort.foutcode': code } : {}) });
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: result.omschrijving });
      } else {
        span.setAttribute('zaakpoort.outcome', 'ok');
      }
      span.end();
    },
  };
}

/** Zender and identificaties (the first of each kind) from the request. */
function setBerichtAttributes(span: Span, b: BerichtStart): void {
  const scanned = scanBericht(b.parsed.bodyXml);
  if (scanned.zender) span.setAttribute('zaakpoort.zender', scanned.zender);
  for (const kind of ['zaak', 'document', 'besluit'] as const) {
    const first = scanned.identificaties[kind][0];
    if (first) span.setAttribute(`zaakpoort.${kind}.identificatie`, first);
  }
}

function stepSpan(api: Api, tracer: Tracer, ctx: ReturnType<Api['trace']['setSpan']>, step: BackendStep): void {
  const span = tracer.startSpan(
    step.name,
    {
      kind: api.SpanKind.CLIENT,
      startTime: step.startedAt,
      attributes: {
        'zaakpoort.backend.kind': step.kind,
        ...(step.method ? { 'http.request.method': step.method } : {}),
        ...(step.url ? { 'url.full': step.url } : {}),
        ...(step.status !== undefined ? { 'http.response.status_code': step.status } : {}),
        ...(step.attributes ?? {}),
      },
    },
    ctx,
  );
  if (step.error) span.setStatus({ code: api.SpanStatusCode.ERROR, message: step.error });
  span.end(step.startedAt + step.durationMs);
}
