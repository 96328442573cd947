/** A Zaakpoort with the message browser switched on (two accounts), and a small HTTP client for its pages. */
import type { BeheerConfig, Config } from '../../src/config.js';
import { hashPassword } from '../../src/server/passwords.js';
import { type TestServer, startServer } from './zaakpoort.js';

export const LEZER = { username: 'lezer', password: 'lezer-wachtwoord-1' };
export const BEHEERDER = { username: 'beheerder', password: 'beheer-wachtwoord-1' };

export async function beheerConfig(extra: Partial<BeheerConfig> = {}): Promise<BeheerConfig> {
  // logN 10: a real scrypt hash, cheap enough for tests.
  return {
    accounts: [
      { username: LEZER.username, passwordHash: await hashPassword(LEZER.password, 10), role: 'lezen' },
      { username: BEHEERDER.username, passwordHash: await hashPassword(BEHEERDER.password, 10), role: 'beheer' },
    ],
    keep: 'all',
    maxBodyBytes: 256 * 1024,
    readAudit: true,
    replayTargets: [],
    sessionMinutes: 480,
    ...extra,
  };
}

export async function startBeheerServer(extra: Partial<BeheerConfig> = {}, overrides: Partial<Config> = {}): Promise<TestServer> {
  return startServer({ beheer: await beheerConfig(extra), ...overrides });
}

export interface BeheerClient {
  get(path: string): Promise<{ status: number; text: string; headers: Headers }>;
  post(path: string, form: Record<string, string>): Promise<{ status: number; text: string; headers: Headers }>;
  csrf(): Promise<string>;
}

/** Log in over HTTP (as a browser would post the form) and keep the session cookie. */
export async function login(base: string, who: { username: string; password: string }): Promise<BeheerClient> {
  const res = await fetch(`${base}/beheer/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(who).toString(),
    redirect: 'manual',
  });
  if (res.status !== 303) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const client: BeheerClient = {
    async get(path) {
      const r = await fetch(base + path, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
      return { status: r.status, text: await r.text(), headers: r.headers };
    },
    async post(path, form) {
      const r = await fetch(base + path, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
        redirect: 'manual',
      });
      return { status: r.status, text: await r.text(), headers: r.headers };
    },
    async csrf() {
      const page = await client.get('/beheer');
      const m = /name="_csrf" value="([^"]+)"/.exec(page.text);
      if (!m) throw new Error('no csrf token on the page');
      return m[1]!;
    },
  };
  return client;
}

/** Wait until the recorder's queued berichten are in the database. */
export async function flushed(srv: TestServer): Promise<void> {
  await srv.zp.beheer!.flush();
}
