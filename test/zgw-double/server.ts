/**
 * HTTP side of the ZGW TEST DOUBLE (an in-process stand-in for Open Zaak 1.12.4, NOT Open Zaak): routing by the
 * OAS paths, JWT checks, CRS headers, request and response validation against the OAS, fault injection and the
 * request log. The behaviour of each API lives in catalogi.ts, zaken.ts, documenten.ts and besluiten.ts.
 */
import { randomUUID } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Busboy from 'busboy';
import { decodeJwt, jwtVerify } from 'jose';
import type { Content } from './content.js';
import { ApiError, forbidden, methodNotAllowed, validationError } from './errors.js';
import { type Fault, type FaultSpec, FaultTable, type Faults } from './faults.js';
import { API_NAMES, API_VERSIONS, type ApiName, type InvalidParam, type Operation, matchRoute, servedOas, toInvalidParams, validatorFor, validateParam } from './oas.js';
import type { Ctx, Handler, Reply } from './resource.js';
import { type Client, Store } from './store.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One call the double received, as the backend's tests see it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. `/zaken/api/v1/zaken`. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** Status answered (0 when the response was lost or held by a fault). */
  status: number;
  /** The status the call was processed with when a `hold` fault keeps its answer back (it took effect). */
  processed?: number;
  clientId?: string;
  operationId?: string;
}

/** A request that breaks the OAS (the backend's bug) or a response that does (the double's bug). */
export interface Violation {
  kind: 'request' | 'response';
  method: string;
  path: string;
  operationId?: string;
  status?: number;
  errors: InvalidParam[];
}

/** JWT: iat older than this is expired (Open Zaak's JWT_EXPIRY default). */
const JWT_EXPIRY_SECONDS = 3600;

export interface ServerDeps {
  store: Store;
  clients: Map<string, Client>;
  handlers: Record<string, Handler>;
  chunkSize: () => number;
  /** OAS validation on (default). Off only for benchmarks: then nothing is checked or recorded as a violation. */
  validate: boolean;
}

const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function allowHeader(methods: string[]): string {
  const ms = METHOD_ORDER.filter((m) => methods.includes(m));
  if (ms.includes('GET')) ms.push('HEAD');
  ms.push('OPTIONS');
  return ms.join(', ');
}

function hasScope(expr: string | undefined, can: (s: string) => boolean): boolean {
  if (!expr) return true;
  // expressions look like `(a | b)` or `a & b`; no nesting beyond one level occurs in these OAS files
  const clean = expr.replace(/[()]/g, ' ');
  if (clean.includes('&')) return clean.split('&').every((p) => hasScope(p, can));
  return clean.split('|').some((p) => can(p.trim()));
}

/** Paths of the Zaak resource need the CRS headers (README "Required headers"). */
function isZaakResource(api: ApiName, template: string): boolean {
  return api === 'zaken' && (template === '/zaken' || template === '/zaken/{uuid}' || template === '/zaken/_zoek');
}

export class DoubleServer {
  readonly server: http.Server;
  readonly faults = new FaultTable();
  readonly requests: RecordedRequest[] = [];
  readonly violations: Violation[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly held = new Set<ServerResponse>();
  private port = 0;
  private listening = false;
  private readonly verified = new Set<string>();

  constructor(private readonly deps: ServerDeps) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        // a bug of the double: answer 500 (rather than hang) and record it, so the double's own tests fail on it
        const message = err instanceof Error ? err.message : String(err);
        this.violation('response', req.method ?? '', req.url ?? '', undefined, [{ name: 'double', code: 'internal-error', reason: message }], 500);
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ type: `${this.base}/ref/fouten/APIException/`, code: 'error', title: 'Er is een serverfout opgetreden.', status: 500, detail: `zgw-double internal error: ${message}`, instance: `urn:uuid:${randomUUID()}` }));
        } else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 5000;
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const addr = this.server.address();
    if (addr && typeof addr === 'object') this.port = addr.port;
    this.listening = true;
  }

  private dropConnections(): void {
    for (const r of this.held) r.destroy();
    this.held.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    if (!this.listening) {
      this.dropConnections();
      return;
    }
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.dropConnections();
    await closed;
  }

  get reachable(): boolean {
    return this.listening;
  }

  faultsApi(): Faults {
    const table = this.faults;
    const self = this;
    return {
      add: (spec: FaultSpec): Fault => table.add(spec),
      failNth: (method, path, nth, status, body) => table.add({ method, path, nth, action: { type: 'status', status, body } }),
      loseResponse: (method, path, nth = 1, mode = 'destroy') => table.add({ method, path, nth, action: { type: 'lose-response', mode } }),
      timeout: (method, path, nth = 1) => table.add({ method, path, nth, action: { type: 'timeout' } }),
      delay: (method, path, ms, opts = {}) => table.add({ method, path, nth: opts.nth ?? 1, times: opts.times ?? Infinity, action: { type: 'delay', ms } }),
      clear: () => {
        table.faults.length = 0;
      },
      get list() {
        return table.faults;
      },
      setReachable: async (reachable: boolean) => {
        if (reachable && !self.listening) await self.listen();
        else if (!reachable && self.listening) await self.stop();
      },
      get reachable() {
        return self.listening;
      },
    };
  }

  private async readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  /** Parse a multipart body as it streams in; files go straight to the double's temp folder. */
  private parseMultipart(headers: IncomingHttpHeaders, source: Readable): Promise<{ fields: Record<string, string>; files: Record<string, Content> }> {
    return new Promise((resolve, reject) => {
      const fields: Record<string, string> = {};
      const files: Record<string, Content> = {};
      const writes: Array<Promise<void>> = [];
      const bb = Busboy({ headers, limits: { fileSize: Number.MAX_SAFE_INTEGER, fieldSize: 1024 * 1024 } });
      bb.on('field', (name, value) => {
        fields[name] = value;
      });
      bb.on('file', (name, stream) => {
        writes.push(
          this.deps.store.files.write(stream).then((c) => {
            files[name] = c;
          }),
        );
      });
      bb.on('close', () => Promise.all(writes).then(() => resolve({ fields, files }), reject));
      bb.on('error', reject);
      source.pipe(bb);
    });
  }

  private async authenticate(req: IncomingMessage): Promise<Client> {
    const auth = req.headers.authorization;
    if (!auth || !auth.startsWith('Bearer ')) throw forbidden();
    const token = auth.slice(7).trim();
    let claims: Json;
    try {
      claims = decodeJwt(token);
    } catch {
      throw forbidden('Client credentials zijn niet geldig', 'PermissionDenied', 'invalid-jwt-signature');
    }
    const client = this.deps.clients.get(String(claims.client_id ?? ''));
    if (!client) throw forbidden('Client identifier bestaat niet', 'PermissionDenied', 'invalid-client-identifier');
    try {
      // a client reuses its token for many calls: verify the signature once per (token, secret)
      const key = `${client.secret}\u0000${token}`;
      if (!this.verified.has(key)) {
        await jwtVerify(token, new TextEncoder().encode(client.secret), { algorithms: ['HS256'], currentDate: new Date(this.deps.store.now()) });
        if (this.verified.size > 1000) this.verified.clear();
        this.verified.add(key);
      }
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' || code === 'ERR_JWS_INVALID' || code === 'ERR_JOSE_ALG_NOT_ALLOWED') {
        throw forbidden('Client credentials zijn niet geldig', 'PermissionDenied', 'invalid-jwt-signature');
      }
      // exp/nbf claims: Open Zaak checks iat itself; fall through to the iat checks
    }
    const now = Math.floor(this.deps.store.now() / 1000);
    const iat = typeof claims.iat === 'number' ? claims.iat : undefined;
    if (iat === undefined || iat > now) {
      throw forbidden('Het JWT is niet geldig, mogelijks zorgen de `nbf` en `iat` claims voor problemen.', 'PermissionDenied', 'jwt-immaturesignatureerror');
    }
    if (now - iat > JWT_EXPIRY_SECONDS) throw forbidden('Het JWT voor deze request is vervallen', 'PermissionDenied', 'jwt-expired');
    return client;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', this.base);
    const ctype = req.headers['content-type'] ?? '';
    // multipart bodies (bestandsdelen) are parsed as they stream in, never held in memory
    const streamed = ctype.startsWith('multipart/');
    const raw = streamed ? Buffer.alloc(0) : await this.readBody(req);
    const entry: RecordedRequest = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), body: undefined, status: 0 };
    this.requests.push(entry);
    if (raw.length && ctype.includes('json')) {
      try {
        entry.body = JSON.parse(raw.toString('utf8'));
      } catch {
        entry.body = raw.toString('utf8');
      }
    } else if (raw.length) entry.body = raw.toString('utf8');
    if (streamed) entry.body = '<multipart>';

    const fault = this.faults.match(method, url.pathname);
    if (fault?.type === 'timeout') {
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    if (fault?.type === 'status') {
      if (streamed) req.resume();
      entry.status = fault.status;
      const body = fault.body === undefined ? { type: `${this.base}/ref/fouten/APIException/`, code: 'error', title: 'Er is een serverfout opgetreden.', status: fault.status, detail: 'Injected fault', instance: `urn:uuid:${randomUUID()}` } : fault.body;
      res.writeHead(fault.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
      return;
    }

    if (fault?.type === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    const reply = await this.process(req, method, url, raw, entry);
    entry.status = reply.status;
    if (fault?.type === 'lose-response') {
      entry.status = 0;
      if (fault.mode === 'hold') {
        entry.processed = reply.status;
        this.held.add(res);
        res.on('close', () => this.held.delete(res));
        return;
      }
      if ((fault.mode ?? 'destroy') === 'destroy') {
        req.socket.destroy();
        return;
      }
      const status = fault.status ?? 500;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ type: `${this.base}/ref/fouten/APIException/`, code: 'error', title: 'Er is een serverfout opgetreden.', status, detail: 'Injected fault (the call took effect)', instance: `urn:uuid:${randomUUID()}` }));
      return;
    }
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    // a handler blanks a header to drop it (downloads have no API-version)
    for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
    if (method === 'HEAD') {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    if (reply.raw) {
      headers['Content-Type'] = reply.raw.contentType;
      if ('file' in reply.raw) {
        headers['Content-Length'] = String(reply.raw.size);
        res.writeHead(reply.status, headers);
        await pipeline(createReadStream(reply.raw.file), res).catch(() => res.destroy());
        return;
      }
      headers['Content-Length'] = String(reply.raw.data.length);
      res.writeHead(reply.status, headers);
      res.end(reply.raw.data);
      return;
    }
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    headers['Content-Type'] = headers['Content-Type'] ?? 'application/json';
    res.writeHead(reply.status, headers);
    res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
  }

  /** Route, authenticate, validate, run the handler, validate the answer. */
  private async process(req: IncomingMessage, method: string, url: URL, raw: Buffer, entry: RecordedRequest): Promise<Reply> {
    const api = API_NAMES.find((a) => url.pathname.startsWith(`/${a}/api/v1/`));
    const htmlNotFound: Reply = { status: 404, body: '<!doctype html><title>Not Found</title><h1>Not Found</h1>', headers: { 'Content-Type': 'text/html' } };
    if (!api) {
      this.violation('request', method, url.pathname, undefined, [{ name: 'path', code: 'unknown-path', reason: 'not in any OAS' }]);
      return htmlNotFound;
    }
    const sub = url.pathname.slice(`/${api}/api/v1`.length);
    if (sub === '/schema/openapi.yaml' && (method === 'GET' || method === 'HEAD')) {
      // the served specification (no authentication), `?format=json` as JSON (README of the recordings)
      const json = url.searchParams.get('format') === 'json';
      return { status: 200, raw: { data: Buffer.from(servedOas(api, json ? 'json' : 'yaml')), contentType: json ? 'application/json' : 'application/vnd.oai.openapi' }, headers: { 'API-version': API_VERSIONS[api] } };
    }
    const route = matchRoute(api, sub, method);
    if (!route) {
      this.violation('request', method, url.pathname, undefined, [{ name: 'path', code: 'unknown-path', reason: `not in the ${api} OAS` }]);
      return htmlNotFound;
    }
    const base: Record<string, string> = { 'API-version': API_VERSIONS[api], Allow: allowHeader(route.methods) };
    const op = route.op;
    const withBase = (r: Reply): Reply => ({ ...r, headers: { ...base, ...(r.headers ?? {}) } });
    const errorReply = (e: ApiError): Reply => withBase({ status: e.status, body: e.body(this.base) });
    if (isZaakResource(api, route.template)) base['Content-Crs'] = 'EPSG:4326';
    try {
      const client = await this.authenticate(req);
      entry.clientId = client.clientId;
      if (method === 'OPTIONS') throw forbidden();
      if (!op) {
        this.violation('request', method, url.pathname, undefined, [{ name: 'method', code: 'method_not_allowed', reason: `${method} not in the OAS` }]);
        throw methodNotAllowed(method);
      }
      entry.operationId = op.operationId;
      // Open Zaak answers a non-uuid id with a 500 (README §43)
      for (const v of Object.values(route.params)) {
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) throw new ApiError(500, 'APIException', 'error', 'Internal Server Error');
      }
      if (isZaakResource(api, route.template)) {
        const acceptCrs = req.headers['accept-crs'];
        if (!acceptCrs) throw new ApiError(412, 'PreconditionFailed', 'precondition_failed', "'Accept-Crs' header ontbreekt");
        if (acceptCrs !== 'EPSG:4326') throw new ApiError(406, 'NotAcceptable', 'not_acceptable', `CRS '${acceptCrs}' is niet ondersteund`);
        if (['POST', 'PUT', 'PATCH'].includes(method)) {
          const contentCrs = req.headers['content-crs'];
          if (!contentCrs) throw new ApiError(412, 'PreconditionFailed', 'precondition_failed', "'Content-Crs' header ontbreekt");
          if (contentCrs !== 'EPSG:4326') throw new ApiError(406, 'NotAcceptable', 'not_acceptable', `CRS '${contentCrs}' is niet ondersteund`);
        }
      }
      const reply = withBase(await this.core(api, op, route.params, method, url, raw, req.headers, client, req));
      this.checkResponse(api, op, method, url.pathname, reply);
      return reply;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const reply = errorReply(e);
      if (op) this.checkResponse(api, op, method, url.pathname, reply);
      return reply;
    }
  }

  /** Validate the request against the OAS, check scopes and run the handler (shared by HTTP and `invoke`). */
  private async core(
    api: ApiName,
    op: Operation,
    params: Record<string, string>,
    method: string,
    url: URL,
    raw: Buffer,
    headers: IncomingHttpHeaders,
    client: Client,
    stream?: Readable,
  ): Promise<Reply> {
      const can = (s: string): boolean => client.allScopes || client.scopes.has(s);
      // query parameters: unknown ones and bad values are refused as Open Zaak does (and are OAS violations)
      const known = new Map(op.parameters.filter((p) => p.in === 'query').map((p) => [p.name, p]));
      const unknown = [...new Set([...url.searchParams.keys()].filter((k) => !known.has(k)))];
      if (unknown.length) {
        this.violation('request', method, url.pathname, op.operationId, [{ name: 'query', code: 'unknown-parameters', reason: unknown.join(', ') }]);
        throw validationError([{ name: 'nonFieldErrors', code: 'unknown-parameters', reason: `Onbekende query parameters: ${unknown.join(', ')}` }]);
      }
      const badParams: InvalidParam[] = [];
      for (const [k, v] of url.searchParams) {
        const p = known.get(k)!;
        if (k === 'page' || k === 'expand') continue; // page errors are 404s, expand is checked by the zaken module
        if (!validateParam(api, p, v)) {
          const enumCheck = p.schema?.enum !== undefined;
          badParams.push({ name: k, code: enumCheck ? 'invalid_choice' : 'invalid', reason: enumCheck ? `Selecteer een geldige keuze. ${v} is geen beschikbare keuze.` : 'Voer een geldige waarde in.' });
        }
      }
      if (badParams.length) {
        this.violation('request', method, url.pathname, op.operationId, badParams);
        throw validationError(badParams);
      }
      let body: Json;
      let form: Ctx['form'];
      const ctype = String(headers['content-type'] ?? '');
      if (op.requestContentType?.startsWith('multipart/')) {
        if (!ctype.startsWith('multipart/form-data')) {
          this.violation('request', method, url.pathname, op.operationId, [{ name: 'Content-Type', code: 'unsupported', reason: ctype }]);
          throw new ApiError(415, 'UnsupportedMediaType', 'unsupported_media_type', `Ongeldige media type "${ctype}" in aanvraag.`);
        }
        form = await this.parseMultipart(headers, stream ?? Readable.from([raw]));
        body = form.fields;
      } else if (raw.length) {
        if (op.requestContentType === 'application/json' && !ctype.includes('application/json')) {
          this.violation('request', method, url.pathname, op.operationId, [{ name: 'Content-Type', code: 'unsupported', reason: ctype || '(none)' }]);
          throw new ApiError(415, 'UnsupportedMediaType', 'unsupported_media_type', `Ongeldige media type "${ctype}" in aanvraag.`);
        }
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch (e) {
          this.violation('request', method, url.pathname, op.operationId, [{ name: 'body', code: 'parse_error', reason: 'not JSON' }]);
          throw new ApiError(400, 'ParseError', 'parse_error', `JSON parse error - ${(e as Error).message}`);
        }
      }
      if (op.operationId === 'zaak__zoek' && typeof body?.expand === 'string') {
        // the OAS wants a list; Open Zaak silently ignores a string (README §29): note the violation, go on
        this.violation('request', method, url.pathname, op.operationId, [{ name: 'expand', code: 'invalid', reason: 'must be array (Open Zaak ignores it)' }]);
        delete body.expand;
      }
      if (op.requestSchema && op.requestContentType === 'application/json') {

        const validate = validatorFor(api, op.requestSchema);
        if (this.deps.validate && !validate(body ?? {})) {
          const params = toInvalidParams(validate.errors);
          this.violation('request', method, url.pathname, op.operationId, params);
          throw validationError(params);
        }
      }
      if (!hasScope(op.scopes, can)) throw forbidden();
      const handler = this.deps.handlers[`${api}:${op.operationId}`];
      if (!handler) throw new ApiError(501, 'APIException', 'error', `zgw-double: ${op.operationId} is not implemented by the test double`);
      const ctx: Ctx = {
        store: this.deps.store,
        api,
        op,
        method,
        params,
        url,
        query: url.searchParams,
        body,
        headers,
        client,
        chunkSize: this.deps.chunkSize(),
        form,
        can,
      };
      return handler(ctx);
  }

  /**
   * Run one call in process, without HTTP and authentication but with the same validation and rules (used by the
   * in-memory seeding so that seeded objects have exactly the API's shape).
   */
  async invoke(method: string, path: string, body: unknown, client: Client): Promise<Reply> {
    const url = new URL(path, this.base);
    const api = API_NAMES.find((a) => url.pathname.startsWith(`/${a}/api/v1/`))!;
    const route = matchRoute(api, url.pathname.slice(`/${api}/api/v1`.length), method);
    if (!route?.op) throw new Error(`zgw-double invoke: no operation for ${method} ${path}`);
    const raw = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    try {
      const reply = await this.core(api, route.op, route.params, method, url, raw, { 'content-type': 'application/json' }, client);
      this.checkResponse(api, route.op, method, url.pathname, reply);
      return reply;
    } catch (e) {
      if (e instanceof ApiError) return { status: e.status, body: e.body(this.base) };
      throw e;
    }
  }

  private checkResponse(api: ApiName, op: Operation, method: string, path: string, reply: Reply): void {
    if (!this.deps.validate) return;
    if (reply.raw || reply.body === undefined || typeof reply.body === 'string') return;
    // Open Zaak's parse error is a 400 without invalidParams, which its own ValidatieFout schema requires
    if (reply.body?.code === 'parse_error') return;
    const schema = op.responses[String(reply.status)];
    if (!schema) {
      if (reply.status >= 200 && reply.status < 300 && !(String(reply.status) in op.responses)) {
        this.violation('response', method, path, op.operationId, [{ name: 'status', code: 'undocumented', reason: `status ${reply.status} not in the OAS` }], reply.status);
      }
      return;
    }
    const validate = validatorFor(api, schema, 'response');
    if (!validate(reply.body)) this.violation('response', method, path, op.operationId, toInvalidParams(validate.errors), reply.status);
  }

  private violation(kind: Violation['kind'], method: string, path: string, operationId: string | undefined, errors: InvalidParam[], status?: number): void {
    this.violations.push({ kind, method, path, operationId, status, errors });
  }
}

