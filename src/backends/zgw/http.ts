/**
 * The one HTTP client of the ZGW backend: undici with one keep-alive pool per origin, the JWT on every call,
 * the CRS headers the Zaken API demands, a timeout per call, retries with backoff for calls that are safe to
 * repeat (never a POST), paging, and a recordStep() for every call so the message browser shows what one
 * bericht did in the ZGW system. Calls only go to the four configured API roots: a URL found in an answer
 * that points elsewhere is refused, so the JWT never leaves for a host nobody configured.
 */
import type { Readable } from 'node:stream';
import type { Agent } from 'undici';
import { lazyRequire } from '../../lazy-require.js';
import { recordStep } from '../../observability/steps.js';
import type { ZgwJwt } from './jwt.js';

export type ZgwApi = 'zaken' | 'documenten' | 'catalogi' | 'besluiten';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export const API_LABEL: Record<ZgwApi, string> = {
  zaken: 'Zaken API',
  documenten: 'Documenten API',
  catalogi: 'Catalogi API',
  besluiten: 'Besluiten API',
};

export interface ZgwCall {
  api: ZgwApi;
  method: HttpMethod;
  /** An absolute resource URL (from an earlier answer), or a path under the API root such as "/zaken". */
  url: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Safe to send twice (GET always is; PUT and DELETE when the caller says so). POST and PATCH never are. */
  idempotent?: boolean;
  /** What the call is for, in Dutch ("zaak aanmaken"): fault texts and the step list use it. */
  purpose: string;
  /** Extra request headers (Accept for downloads, ...). */
  headers?: Record<string, string>;
  /**
   * A streamed request body instead of JSON (bestandsdelen): called once per attempt, so a retry gets a fresh
   * stream. Its bytes never reach the step list.
   */
  upload?: () => { body: Readable; contentType: string; length: number };
  /** Overrides the per-call timeout (an upload of a large part takes longer than a JSON call). */
  timeoutMs?: number;
}

/** The JSON problem body of a ZGW error answer. */
export interface ZgwProblem {
  code?: string;
  title?: string;
  detail?: string;
  invalidParams?: Array<{ name: string; code: string; reason: string }>;
}

/** The API answered with a status ≥ 400 (other than a 5xx that was retried away). */
export class ZgwHttpError extends Error {
  override name = 'ZgwHttpError';
  constructor(
    readonly call: Pick<ZgwCall, 'api' | 'method' | 'purpose'>,
    readonly path: string,
    readonly status: number,
    readonly problem: ZgwProblem,
  ) {
    super(`${call.method} ${API_LABEL[call.api]} ${path} → ${status} ${problem.code ?? ''} ${problem.title ?? ''}`.trim());
  }
}

/**
 * No usable answer: timeout, connection error or 5xx. `outcomeUnknown` says the request may have taken effect
 * (it was sent and the answer was lost), which matters for a POST: the unit of work must look before it undoes.
 */
export class ZgwUnreachableError extends Error {
  override name = 'ZgwUnreachableError';
  constructor(
    readonly call: Pick<ZgwCall, 'api' | 'method' | 'purpose'>,
    readonly path: string,
    readonly outcomeUnknown: boolean,
    readonly reason: string,
    readonly status?: number,
  ) {
    super(`${call.method} ${API_LABEL[call.api]} ${path}: ${reason}`);
  }
}

export interface ZgwResponse<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

export interface ZgwHttpOptions {
  roots: Record<ZgwApi, string>;
  jwt: ZgwJwt;
  timeoutMs: number;
  retries: number;
  /** Waits between attempts (ms, doubled each time with jitter); tests shorten it. */
  backoffMs?: number;
}

export interface Paged<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** Bodies in the step list are capped, and document content (base64 inhoud) is never included. */
const STEP_BODY_LIMIT = 2000;

function stepBody(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  const text = JSON.stringify(body, (k, v) => (k === 'inhoud' && typeof v === 'string' ? `<inhoud: ${v.length} tekens>` : v));
  return text.length > STEP_BODY_LIMIT ? `${text.slice(0, STEP_BODY_LIMIT)}…` : text;
}

/** undici loads with the first ZGW client: a SQLite or PostgreSQL instance never needs it. */
const loadUndici = lazyRequire<typeof import('undici')>('undici');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Errors raised before a byte of the request reached the server: a POST that failed this way did not happen. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

function errorCode(e: unknown): string {
  const err = e as { code?: string; cause?: { code?: string } };
  return err?.code ?? err?.cause?.code ?? '';
}

export class ZgwHttp {
  private readonly agent: Agent;
  private readonly roots: Record<ZgwApi, URL>;

  constructor(private readonly opts: ZgwHttpOptions) {
    // undici's Agent keeps one keep-alive Pool per origin.
    this.agent = new (loadUndici().Agent)({
      keepAliveTimeout: 30_000,
      connections: 16,
      connect: { timeout: Math.min(opts.timeoutMs, 10_000) },
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
    const root = (u: string) => new URL(u.endsWith('/') ? u : `${u}/`);
    this.roots = {
      zaken: root(opts.roots.zaken),
      documenten: root(opts.roots.documenten),
      catalogi: root(opts.roots.catalogi),
      besluiten: root(opts.roots.besluiten),
    };
  }

  /** The API root URL (with a trailing slash). */
  root(api: ZgwApi): string {
    return this.roots[api].href;
  }

  /** The absolute URL of a call, refused when it is not under the API's configured root. */
  resolve(api: ZgwApi, url: string, query?: Record<string, string | undefined>): URL {
    const root = this.roots[api];
    const u = /^https?:\/\//.test(url) ? new URL(url) : new URL(url.replace(/^\//, ''), root);
    if (u.origin !== root.origin || !u.pathname.startsWith(root.pathname)) {
      throw new ZgwUnreachableError({ api, method: 'GET', purpose: 'adres controleren' }, '(buiten de API)', false,
        `URL ${u.origin}${u.pathname} valt buiten de geconfigureerde ${API_LABEL[api]}`);
    }
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, v);
    return u;
  }

  /** Which configured API a URL belongs to, if any. */
  apiOf(url: string): ZgwApi | undefined {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return undefined;
    }
    return (Object.keys(this.roots) as ZgwApi[]).find((a) => u.origin === this.roots[a].origin && u.pathname.startsWith(this.roots[a].pathname));
  }

  /** A JSON call. Resolves for 2xx (and 404 when allow404); throws ZgwHttpError / ZgwUnreachableError otherwise. */
  async json<T = unknown>(call: ZgwCall, opts: { allow404?: boolean } = {}): Promise<ZgwResponse<T>> {
    const res = await this.send(call, 'json', opts.allow404 === true);
    return res as ZgwResponse<T>;
  }

  /** A call whose answer body is streamed to the caller (downloads); the caller must consume or destroy it. */
  async stream(call: ZgwCall): Promise<ZgwResponse<Readable>> {
    return (await this.send(call, 'stream', false)) as ZgwResponse<Readable>;
  }

  /** Every result of a paginated list, following `next` through every page. */
  async listAll<T>(call: Omit<ZgwCall, 'method'>): Promise<T[]> {
    const out: T[] = [];
    let next: string | null = this.resolve(call.api, call.url, call.query).href;
    while (next) {
      const page: ZgwResponse<Paged<T> | T[]> = await this.json<Paged<T> | T[]>({ ...call, method: 'GET', url: next, query: {} });
      // Some lists are plain arrays (zaakinformatieobjecten, zaakeigenschappen, ...).
      if (Array.isArray(page.body)) return page.body;
      out.push(...page.body.results);
      next = page.body.next;
    }
    return out;
  }

  private async send(call: ZgwCall, mode: 'json' | 'stream', allow404: boolean): Promise<ZgwResponse> {
    const url = this.resolve(call.api, call.url, call.query);
    const path = url.pathname.slice(this.roots[call.api].pathname.length - 1) + url.search;
    const safe = call.method === 'GET' || call.idempotent === true;
    const attempts = safe ? Math.max(1, this.opts.retries) : 1;
    let last: ZgwUnreachableError | undefined;
    let resigned = false;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        const base = (this.opts.backoffMs ?? 200) * 2 ** (attempt - 2);
        await sleep(base / 2 + Math.random() * base);
      }
      try {
        return await this.once(call, url, path, mode, allow404);
      } catch (e) {
        // A refused token was not acted upon: one more try with a freshly signed one (clocks may differ).
        if (e instanceof ZgwHttpError && e.status === 403 && !resigned && /^jwt-/.test(e.problem.code ?? '')) {
          resigned = true;
          attempt--;
          continue;
        }
        if (!(e instanceof ZgwUnreachableError)) throw e;
        last = e;
      }
    }
    throw last!;
  }

  private async once(call: ZgwCall, url: URL, path: string, mode: 'json' | 'stream', allow404: boolean): Promise<ZgwResponse> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${await this.opts.jwt.bearer()}`,
      Accept: 'application/json',
      ...call.headers,
    };
    // The Zaken API demands the CRS headers on the zaak resource; sent on all of its paths, as is harmless.
    if (call.api === 'zaken') {
      headers['Accept-Crs'] = 'EPSG:4326';
      if (call.body !== undefined) headers['Content-Crs'] = 'EPSG:4326';
    }
    let payload: string | Readable | undefined;
    let uploadLength: number | undefined;
    if (call.upload) {
      const u = call.upload();
      payload = u.body;
      uploadLength = u.length;
      headers['Content-Type'] = u.contentType;
      headers['Content-Length'] = String(u.length);
    } else if (call.body !== undefined) {
      payload = JSON.stringify(call.body);
      headers['Content-Type'] = 'application/json';
    }
    // The whole call must answer within the timeout; a streamed download only until its headers arrive (after
    // that the agent's bodyTimeout ends a stalled transfer), so a large document is not cut off half-way.
    const timeoutMs = call.timeoutMs ?? this.opts.timeoutMs;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new DOMException('geen antwoord binnen de tijdslimiet', 'TimeoutError')), timeoutMs);
    const started = Date.now();
    const step = (status: number | undefined, responseBody: string | undefined, error?: string) =>
      recordStep({
        kind: 'zgw',
        name: `${call.method} ${call.api} ${path.split('?')[0]!.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{uuid}')}`,
        method: call.method,
        url: url.href,
        ...(status !== undefined ? { status } : {}),
        startedAt: started,
        durationMs: Date.now() - started,
        ...(uploadLength !== undefined ? { requestBody: `<multipart: ${uploadLength} bytes>` } : call.body !== undefined ? { requestBody: stepBody(call.body)! } : {}),
        ...(responseBody !== undefined ? { responseBody } : {}),
        ...(error ? { error } : {}),
        attributes: { api: call.api, purpose: call.purpose },
      });
    let res: Awaited<ReturnType<typeof import('undici').request>>;
    try {
      res = await loadUndici().request(url, {
        method: call.method,
        headers,
        ...(payload !== undefined ? { body: payload } : {}),
        dispatcher: this.agent,
        signal: abort.signal,
        ...(call.timeoutMs !== undefined ? { headersTimeout: timeoutMs, bodyTimeout: timeoutMs } : {}),
      });
    } catch (e) {
      clearTimeout(timer);
      const code = errorCode(e);
      const reason = code === 'UND_ERR_HEADERS_TIMEOUT' || (e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError' ? 'geen antwoord binnen de tijdslimiet' : `verbinding mislukt (${code || (e as Error).name})`;
      step(undefined, undefined, reason);
      throw new ZgwUnreachableError(call, path, !NOT_SENT.has(code), reason);
    }
    if (mode === 'stream' && res.statusCode < 300) {
      clearTimeout(timer);
      step(res.statusCode, '<inhoud>');
      return { status: res.statusCode, body: res.body, headers: res.headers };
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (e) {
      clearTimeout(timer);
      step(res.statusCode, undefined, 'antwoord afgebroken');
      throw new ZgwUnreachableError(call, path, true, `antwoord afgebroken (${errorCode(e) || (e as Error).name})`, res.statusCode);
    }
    clearTimeout(timer);
    step(res.statusCode, text.length > STEP_BODY_LIMIT ? `${text.slice(0, STEP_BODY_LIMIT)}…` : text);
    const ct = String(res.headers['content-type'] ?? '');
    let body: unknown = text;
    if (text && ct.includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        // A 2xx took effect even if its body is unreadable (a POST's resource exists); a 4xx did not.
        throw new ZgwUnreachableError(call, path, res.statusCode < 300 || res.statusCode >= 500, 'antwoord is geen geldige JSON', res.statusCode);
      }
    }
    if (res.statusCode >= 500) throw new ZgwUnreachableError(call, path, true, `HTTP ${res.statusCode}`, res.statusCode);
    if (res.statusCode === 404 && allow404) return { status: 404, body: undefined, headers: res.headers };
    if (res.statusCode >= 400) {
      const problem = (typeof body === 'object' && body !== null ? body : { detail: text.slice(0, 200) }) as ZgwProblem;
      if (res.statusCode === 403 && problem.code === 'jwt-expired') this.opts.jwt.invalidate();
      throw new ZgwHttpError(call, path, res.statusCode, problem);
    }
    return { status: res.statusCode, body, headers: res.headers };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
