/** Start a real Zaakpoort (SQLite in a temp folder) on a free loopback port for end-to-end tests. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Config, defaultConfig } from '../../src/config.js';
import { type Zaakpoort, type ZaakpoortOptions, createZaakpoort } from '../../src/compose.js';
import type { SchemaRegistry } from '../../src/schema/index.js';
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
 * `validateAnswers`: every answer post() returns is kept and validated against the official XSDs
 * (assertSoapResponseValid) when the server is closed, so a suite that sends many messages at once
 * (multi-instance, idempotency) has all of them checked without validating on the servers' event loop while
 * they are under load. close() fails when one is invalid.
 */
export async function startServer(
  overrides: Partial<Config> = {},
  opts: { schemas?: SchemaRegistry; tracing?: TracingOptions; wrapBackend?: ZaakpoortOptions['wrapBackend']; validateAnswers?: boolean } = {},
): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-test-'));
  const config: Config = {
    ...defaultConfig(),
    dataDir,
    schemaDir: process.env.ZAAKPOORT_SCHEMA_DIR ?? path.join(REPO_ROOT, 'xsd'),
    gemeentecode: '1234',
    port: 0,
    logLevel: 'silent',
    ...overrides,
  };
  const zp = await createZaakpoort(config, {
    logger: false,
    schemas: opts.schemas,
    ...(opts.tracing ? { tracing: opts.tracing } : {}),
    ...(opts.wrapBackend ? { wrapBackend: opts.wrapBackend } : {}),
  });
  const validateAnswers = opts.validateAnswers === true;
  const answers: string[] = [];
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
      if (validateAnswers) answers.push(answer.text);
      return answer;
    },
    async close() {
      await zp.close();
      await rm(dataDir, { recursive: true, force: true });
      for (const text of answers.splice(0)) await assertSoapResponseValid(text);
    },
  };
}

const ENV = {
  '1.1': 'http://schemas.xmlsoap.org/soap/envelope/',
  '1.2': 'http://www.w3.org/2003/05/soap-envelope',
};

/** Wrap a body element in a SOAP envelope. */
export function envelope(body: string, v: '1.1' | '1.2' = '1.1'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="${ENV[v]}"><soap:Header/><soap:Body>${body}</soap:Body></soap:Envelope>`;
}
