/**
 * The HTTP face of Zaakpoort: POST /zds (+ per-port aliases) for SOAP, GET ?wsdl, the schema files, health
 * and metrics. Request bodies are never buffered or logged: the raw stream goes to readEnvelope, which counts
 * bytes itself (fastify's bodyLimit does not apply to stream parsers) and moves document content to temp
 * storage as it arrives.
 */
import type { IncomingMessage } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { fastify, LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Backend } from '../ports/index.js';
import { readEnvelope } from '../soap/envelope-reader.js';
import type { BodyValidator } from '../soap/whole-envelope.js';
import { SoapReadError, tooLargeError } from '../soap/read-error.js';
import { StufFault } from '../stuf/fault.js';
import type { ParsedRequest, TransportIdentity } from '../soap/parsed-request.js';
import type { DispatchResult } from '../zds/dispatch-result.js';
import { guessSoapVersion, soapMediaKind } from './content-type.js';
import type { Dispatcher } from '../zds/dispatcher.js';
import { describeError } from '../redact.js';
import { Authenticator, BASIC_CHALLENGE } from './auth.js';
import { checkHealth, VERSION } from './health.js';
import type { StorageProbe } from './storage-probe.js';
import { httpFaults } from './http-faults.js';
import { faultCode, Metrics, type Outcome } from './metrics.js';
import { acceptsMtom } from './mtom-writer.js';
import { sendResult } from './response.js';
import { baseUrlFor, PORTS, wantsWsdl, WsdlTemplates, type WsdlName } from './wsdl.js';
import { openXsd } from './xsd-files.js';
import { httpsOptions } from './tls.js';
import { limitConnections } from './connection-limits.js';
import { closeAfterAnswer } from './linger.js';
import { observeDispatch, type ObservedDispatch } from './observed-dispatch.js';

export interface ServerDeps {
  config: Config;
  dispatcher: Dispatcher;
  backend: Backend;
  /** The compiled schemas: a request read in one parse is validated on that parse by the reader. */
  schemas?: BodyValidator;
  /** True once the schemas are compiled (and false again while shutting down). */
  ready: () => boolean;
  /** The server's metrics; made here when not given (compose shares them with the message browser's replay). */
  metrics?: Metrics;
  /** Dispatch with the observers around it (observed-dispatch.ts); default: the metrics only. */
  dispatch?: ObservedDispatch;
  /** Told about each SOAP request that was answered without being dispatched (refused or unreadable). */
  onUndispatched?: (info: UndispatchedRequest) => void;
  /** Readiness also requires this to pass (the data directory, where documents live on disk). */
  storage?: StorageProbe;
  /** fastify logger option; default pino at config.logLevel. Pass false to silence; a stream captures (tests). */
  logger?: boolean | { level?: string; stream?: { write(line: string): void } };
  /** Extra sections for /health (the migration's outbox status); informational, they do not make it 503. */
  healthDetails?: () => Promise<Record<string, unknown>>;
}

/** A SOAP request answered before dispatch: 401, 413, 415, not well-formed, ... (no body is known). */
export interface UndispatchedRequest {
  at: number;
  path: string;
  operation: string;
  outcome: Outcome;
  code: string;
  httpStatus: number;
  durationMs: number;
  /** The authenticated caller, if any. */
  caller?: string;
}

/** What the metrics and the access log know about one SOAP request. */
interface Outcomes {
  operation: string;
  outcome: Outcome;
  code: string;
}

export function buildServer(deps: ServerDeps): FastifyInstance {
  const { config, dispatcher, backend } = deps;
  const app = fastify({
    logger: loggerOptions(deps.logger, config.logLevel),
    // HTTPS (and client certificates) when configured. Node checks the header/request timeouts only every
    // connectionsCheckingInterval (default 30 s): a fraction of the timeout, so slow-loris clients are cut in time.
    ...(config.tls ? { https: { ...httpsOptions(config.tls), ...timeoutChecks(config) } } : { http: timeoutChecks(config) }),
    // One access line per SOAP request is written below (operation + outcome, never the body).
    logController: new LogController({ disableRequestLogging: true }),
    // Socket level: a whole request (headers + body) must arrive within the timeout (slow-loris).
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    return503OnClosing: true,
  });
  app.server.headersTimeout = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
  let refused = 0;
  let lastRefusalLog = 0;
  limitConnections(app.server, config, (address) => {
    // At most one line a minute, however many connections an attacker opens.
    refused++;
    if (Date.now() - lastRefusalLog < 60_000) return;
    app.log.warn({ address, refused }, 'verbindingen geweigerd: te veel verbindingen van één adres');
    lastRefusalLog = Date.now();
    refused = 0;
  });

  const wsdl = WsdlTemplates.load();
  const metrics = deps.metrics ?? new Metrics();
  const dispatch =
    deps.dispatch ??
    observeDispatch({ dispatcher, metrics, watchers: [], onError: (err, operation) => app.log.error({ err, operation }, 'dispatcher failed') });
  const outcomes = new WeakMap<FastifyRequest, Outcomes>();
  const authenticator = new Authenticator(config.senders, config.authLimits);
  const callersOf = new WeakMap<FastifyRequest, TransportIdentity[]>();
  const dispatched = new WeakSet<FastifyRequest>();
  const fallbackHost = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;

  // Every body is handed over as the raw stream; the SOAP route decides what it accepts.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  app.setErrorHandler((err, request, reply) => {
    request.log.error({ err }, 'unhandled error');
    if (request.method === 'POST' && request.url.startsWith('/zds')) {
      outcomes.set(request, { operation: outcomes.get(request)?.operation ?? 'unknown', outcome: 'error', code: 'StUF058' });
      return sendResult(reply, httpFaults.internal(guessSoapVersion(request.headers['content-type'])), backend.content);
    }
    const status = typeof err === 'object' && err && 'statusCode' in err ? Number(err.statusCode) : 500;
    return reply.code(status >= 400 && status < 600 ? status : 500).send({ error: 'request failed' });
  });

  /**
   * Refuse before reading anything: not SOAP, or announced as larger than we accept. Built as reader
   * errors so the fault looks exactly like one the reader raises itself.
   */
  const precheck = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const contentType = request.headers['content-type'];
    let err: SoapReadError | undefined;
    if (!soapMediaKind(contentType)) {
      err = unsupportedMediaType(contentType);
    } else if (Number(request.headers['content-length'] ?? 0) > config.maxMessageBytes) {
      err = tooLargeError({ soapVersion: guessSoapVersion(contentType) }, config.maxMessageBytes);
    }
    if (!err) return authenticate(request, reply);
    const result = withStatus(safeReadErrorResult(err, contentType ?? ''), err.httpStatus);
    outcomes.set(request, { operation: 'unknown', outcome: 'rejected', code: err.fault.code });
    // The unread body is not drained: the connection is closed after the answer instead.
    closeAfterAnswer(reply);
    return sendResult(reply, result, backend.content);
  };

  /** Transport identity (certificate, basic auth) before the body is read; 401 with a challenge when it fails. */
  const authenticate = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (authenticator.inactive) return undefined;
    const auth = await authenticator.authenticate(request.raw);
    if (auth.ok) {
      callersOf.set(request, auth.callers);
      return undefined;
    }
    const soapVersion = guessSoapVersion(request.headers['content-type']);
    // Throttled: 429 with Retry-After (the same StUF013 fault: the sender is not authenticated).
    const status = auth.retryAfterSeconds === undefined ? 401 : 429;
    const err = new SoapReadError(status, new StufFault('StUF013', 'client', auth.omschrijving, auth.details), { soapVersion });
    outcomes.set(request, { operation: 'unknown', outcome: 'rejected', code: 'StUF013' });
    if (status === 429) reply.header('retry-after', String(auth.retryAfterSeconds));
    else reply.header('www-authenticate', BASIC_CHALLENGE);
    closeAfterAnswer(reply);
    // Answered at once, a flood gets its 429s as fast as the server can send them, at the cost of every other
    // client (bench auth-flood: upload latency ×2.2 under 32 flooding connections, ×0.8–1.1 with it). Waiting
    // costs no CPU.
    if (status === 429 && config.authLimits.throttledAnswerDelayMs > 0) await delay(config.authLimits.throttledAnswerDelayMs);
    return sendResult(reply, withStatus(safeReadErrorResult(err, request.headers['content-type'] ?? ''), status), backend.content);
  };

  const soapHandler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const raw = request.raw;
    const input = (request.body as IncomingMessage | undefined) ?? raw;
    const contentType = request.headers['content-type'] ?? '';
    const soapAction = headerValue(request.headers.soapaction);

    // Application level: the upload must finish within the timeout. Destroying the input makes the reader
    // fail, and it removes the temp content it created.
    let timedOut = false;
    const timer = setTimeout(() => {
      if (!raw.complete) {
        timedOut = true;
        raw.destroy(new Error('request timeout'));
      }
    }, config.requestTimeoutMs);

    let parsed: ParsedRequest;
    try {
      parsed = await readEnvelope(input, {
        contentType,
        soapAction,
        maxBytes: config.maxMessageBytes,
        maxDepth: config.maxDepth,
        content: backend.content,
        ...(deps.schemas ? { schemas: deps.schemas } : {}),
      });
    } catch (err) {
      if (timedOut || raw.socket?.destroyed) {
        // Nobody to answer: the client went away or was cut off.
        outcomes.set(request, { operation: 'unknown', outcome: 'rejected', code: '' });
        recordAbandoned(request, reply);
        return reply.hijack();
      }
      const result = safeReadErrorResult(err, contentType);
      const operation = err instanceof SoapReadError && err.root ? err.root.local : 'unknown';
      outcomes.set(request, { operation, ...outcomeOf(result) });
      if (!raw.complete) closeAfterAnswer(reply);
      return sendResult(reply, result, backend.content);
    } finally {
      clearTimeout(timer);
    }

    const operation = parsed.body.local;
    dispatched.add(request);
    const callers = callersOf.get(request);
    const endpointPort = PORTS.find((p) => request.routeOptions.url === `/zds/${p}`);
    const result = await dispatch(
      // Assigned, not spread: a spread would make the request's lazily written bodyXml now.
      Object.assign(parsed, callers ? { callers } : {}, endpointPort ? { endpointPort } : {}),
      { path: request.routeOptions.url ?? '/zds', headers: request.headers },
    );
    outcomes.set(request, { operation, ...outcomeOf(result) });
    // MTOM in, MTOM out (also for a replayed answer); a plain SOAP client opts in with Accept: multipart/related.
    return sendResult(reply, result, backend.content, { mtom: parsed.mtom || acceptsMtom(request.headers.accept) });
  };

  function safeReadErrorResult(err: unknown, contentType: string): DispatchResult {
    try {
      return dispatcher.readErrorResult(err);
    } catch (e) {
      app.log.error({ err: e }, 'readErrorResult failed');
      return httpFaults.internal(guessSoapVersion(contentType));
    }
  }

  const record = (request: FastifyRequest, seconds: number, status: number): void => {
    const o = outcomes.get(request);
    if (!o) return;
    metrics.record({ ...o, seconds });
    const ms = Math.round(seconds * 1000);
    const caller = callersOf.get(request)?.map((c) => c.name).join('; ') || undefined;
    request.log.info({ operation: o.operation, outcome: o.outcome, code: o.code || undefined, status, ms, caller }, 'zds');
    if (!dispatched.has(request) && status > 0) {
      deps.onUndispatched?.({ at: Date.now() - ms, path: request.routeOptions.url ?? '/zds', ...o, httpStatus: status, durationMs: seconds * 1000, ...(caller ? { caller } : {}) });
    }
  };
  const recordAbandoned = (request: FastifyRequest, reply: FastifyReply): void => {
    record(request, reply.elapsedTime / 1000, 0);
  };

  const wsdlHandler = (name: WsdlName) => async (request: FastifyRequest, reply: FastifyReply) => {
    if (!wantsWsdl(request.query)) {
      return reply
        .type('text/plain; charset=utf-8')
        .send('Zaakpoort ZDS endpoint. POST SOAP messages here; GET ?wsdl for the service description.\n');
    }
    return reply
      .type('text/xml; charset=utf-8')
      .send(wsdl.render(name, baseUrlFor(request, config.publicUrl, fallbackHost)));
  };

  const soapPaths: Array<[string, WsdlName]> = [['/zds', 'all'], ...PORTS.map((p): [string, WsdlName] => [`/zds/${p}`, p])];
  for (const [url, name] of soapPaths) {
    app.route({
      method: 'POST',
      url,
      onRequest: precheck,
      onResponse: async (request, reply) => record(request, reply.elapsedTime / 1000, reply.statusCode),
      handler: soapHandler,
    });
    app.get(url, wsdlHandler(name));
  }

  app.get('/zds/xsd/*', async (request, reply) => {
    const rel = (request.params as { '*': string })['*'];
    const found = await openXsd(config.schemaDir, rel);
    if (!found.ok) return reply.code(found.status).type('text/plain; charset=utf-8').send('not found\n');
    return reply.type('application/xml; charset=utf-8').header('content-length', found.size).send(found.stream);
  });

  // Readiness (also the historic /health): may this instance get traffic? Liveness: is the process alive at all
  // (a restart would not fix a full disk or a database outage, so liveness does not look at them).
  const readiness = async (_request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const report = { ...(await checkHealth(deps.ready, backend, deps.storage)), ...(await deps.healthDetails?.()) };
    return reply.code(report.status === 'ok' ? 200 : 503).header('cache-control', 'no-store').send(report);
  };
  app.get('/health', readiness);
  app.get('/health/ready', readiness);
  app.get('/health/live', async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok', version: VERSION }));

  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.contentType).header('cache-control', 'no-store').send(await metrics.render()),
  );

  return app;
}

function timeoutChecks(config: Config): { connectionsCheckingInterval: number } {
  const shortest = Math.min(config.requestTimeoutMs, config.headersTimeoutMs);
  return { connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(shortest / 4))) };
}

/**
 * pino at the configured level. Errors are logged as type + masked message: an error may quote request
 * content (a BSN), and a stack trace is no use to a beheerder reading an access log.
 */
function loggerOptions(opt: ServerDeps['logger'], level: string): false | Record<string, unknown> {
  if (opt === false) return false;
  const extra = typeof opt === 'object' ? opt : {};
  return { level, ...extra, serializers: { err: describeError } };
}

function unsupportedMediaType(contentType: string | undefined): SoapReadError {
  const got = contentType ? `Content-Type "${contentType.slice(0, 100)}"` : 'geen Content-Type';
  const fault = new StufFault('StUF055', 'client', 'Bericht is geen SOAP-bericht',
    `${got}; verwacht text/xml (SOAP 1.1), application/soap+xml (SOAP 1.2) of multipart/related (MTOM)`);
  return new SoapReadError(415, fault, { soapVersion: '1.1' });
}

/** The HTTP status decided here wins over whatever the fault builder chose. */
function withStatus(result: DispatchResult, httpStatus: number): DispatchResult {
  return result.kind === 'fault' ? { ...result, httpStatus } : result;
}

function outcomeOf(result: DispatchResult): { outcome: Outcome; code: string } {
  return result.kind === 'ok' ? { outcome: 'ok', code: '' } : { outcome: 'fault', code: faultCode(result.detailXml) };
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
