/** Start a real Zaakpoort (SQLite in a temp folder) on a free loopback port for end-to-end tests. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Config, defaultConfig } from '../../src/config.js';
import { type Zaakpoort, type ZaakpoortOptions, createZaakpoort } from '../../src/compose.js';
import type { SchemaRegistry } from '../../src/schema/index.js';
import type { Clock } from '../../src/stuf/dates.js';
import type { TracingOptions } from '../../src/observability/tracing.js';
import { assertSoapResponseValid } from './xsd.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The project's shared folder beside the repository (ZAAKPOORT_TEST_SHARED_DIR overrides, e.g. to try a run without it). */
export const SHARED_DIR = path.resolve(REPO_ROOT, process.env.ZAAKPOORT_TEST_SHARED_DIR ?? '../shared');
export const FIXTURES_DIR = path.join(SHARED_DIR, 'zds/fixtures');
/** For `describe(name, { skip: NEEDS_FIXTURES }, ...)`: false when the shared fixtures are there, else why the suite is skipped. */
export const NEEDS_FIXTURES: string | false = existsSync(path.join(FIXTURES_DIR, 'INDEX.tsv'))
  ? false
  : `skipped: needs the shared fixtures (${path.join(FIXTURES_DIR, 'INDEX.tsv')} not found)`;
/** Same for suites that need the shared schema source folder (../shared/zds/schemas). */
export const NEEDS_SHARED_SCHEMAS: string | false = existsSync(path.join(SHARED_DIR, 'zds/schemas/SHA256SUMS'))
  ? false
  : `skipped: needs the shared schema folder (${path.join(SHARED_DIR, 'zds/schemas')} not found)`;

export interface TestServer {
  url: string;
  zp: Zaakpoort;
  dataDir: string;
  /** POST a SOAP request to /zds (or another path); returns status, content type and body text. */
  post(body: string | Buffer, opts?: { soapVersion?: '1.1' | '1.2'; soapAction?: string; path?: string; contentType?: string }): Promise<{ status: number; contentType: string; text: string }>;
  close(): Promise<void>;
}

/**
 * Every answer post() returns is kept and validated against the official XSDs (assertSoapResponseValid) when
 * the server is closed, so even a suite that sends many messages at once (multi-instance, idempotency) has all
 * of them checked without validating on the servers' event loop while they are under load; close() fails when
 * one is invalid. `validateAnswers: false` is only for a suite whose answers are deliberately not StUF (it
 * must say why). `logs` receives the JSON log lines (level info unless
 * overrides.logLevel says otherwise) instead of silence; `clock` replaces the system clock.
 */
export async function startServer(
  overrides: Partial<Config> = {},
  opts: { schemas?: SchemaRegistry; tracing?: TracingOptions; wrapBackend?: ZaakpoortOptions['wrapBackend']; validateAnswers?: boolean; logs?: string[]; clock?: Clock } = {},
): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-test-'));
  const config: Config = {
    ...defaultConfig(),
    dataDir,
    schemaDir: process.env.ZAAKPOORT_SCHEMA_DIR ?? path.join(REPO_ROOT, 'xsd'),
    gemeentecode: '1234',
    port: 0,
    logLevel: opts.logs ? 'info' : 'silent',
    ...overrides,
  };
  const logs = opts.logs;
  const zp = await createZaakpoort(config, {
    logger: logs ? { stream: { write: (line: string) => void logs.push(line) } } : false,
    schemas: opts.schemas,
    ...(opts.tracing ? { tracing: opts.tracing } : {}),
    ...(opts.wrapBackend ? { wrapBackend: opts.wrapBackend } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const validateAnswers = opts.validateAnswers !== false;
  const answers: Array<{ contentType: string; text: string }> = [];
  await zp.server.listen({ port: 0, host: '127.0.0.1' });
  const addr = zp.server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    zp,
    dataDir,
    async post(body, opts = {}) {
      const v = opts.soapVersion ?? '1.1';
      const headers: Record<string, string> = {};
      if (v === '1.1') {
        headers['content-type'] = opts.contentType ?? 'text/xml; charset=utf-8';
        if (opts.soapAction !== undefined) headers.soapaction = `"${opts.soapAction}"`;
      } else {
        headers['content-type'] = opts.contentType ?? `application/soap+xml; charset=utf-8${opts.soapAction ? `; action="${opts.soapAction}"` : ''}`;
      }
      const res = await fetch(url + (opts.path ?? '/zds'), { method: 'POST', headers, body });
      const answer = { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
      if (validateAnswers) answers.push(answer);
      return answer;
    },
    async close() {
      await zp.close();
      await rm(dataDir, { recursive: true, force: true });
      for (const answer of answers.splice(0)) {
        // SOAP 1.1 §4.4: a fault about a header block carries no detail, so there is no StUF body to validate.
        if (/<faultcode>\w+:MustUnderstand<\/faultcode>(?:(?!<detail>)[\s\S])*<\/soap:Fault>/.test(answer.text)) continue;
        await assertSoapResponseValid(soapEnvelopeOf(answer));
      }
    },
  };
}

/**
 * The SOAP envelope of an answer: the text itself, or for an MTOM answer (multipart/related) its root part
 * with the xop:Include elements cut out (the content parts are checked by the MTOM tests themselves).
 */
function soapEnvelopeOf(answer: { contentType: string; text: string }): string {
  if (!/^multipart\/related/i.test(answer.contentType)) return answer.text;
  const boundary = /;\s*boundary="?([^";]+)"?/i.exec(answer.contentType)?.[1];
  const root = boundary ? answer.text.split(`--${boundary}`)[1] : undefined;
  if (!root) return answer.text; // not multipart after all: assertSoapResponseValid says what is wrong
  return root.slice(root.indexOf('\r\n\r\n') + 4).replace(/<(?:[\w.-]+:)?Include\b[^>]*\/>/g, '');
}

const ENV = {
  '1.1': 'http://schemas.xmlsoap.org/soap/envelope/',
  '1.2': 'http://www.w3.org/2003/05/soap-envelope',
};

/** Wrap a body element in a SOAP envelope. */
export function envelope(body: string, v: '1.1' | '1.2' = '1.1'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="${ENV[v]}"><soap:Header/><soap:Body>${body}</soap:Body></soap:Envelope>`;
}
