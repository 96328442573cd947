/**
 * Graceful stop: SIGTERM/SIGINT to the process the operator started (`zaakpoort start`, or `npm start`) lets the
 * request in flight finish, refuses new connections, and exits 0.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cliArgs } from '../helpers/built-server.js';
import { ChildServer, freePort } from '../helpers/child-server.js';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { REPO_ROOT, envelope } from '../helpers/zaakpoort.js';

const dirs: string[] = [];
async function dataDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-signals-'));
  dirs.push(d);
  return d;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

/** The body of a raw HTTP/1.1 answer (the server sends it with a content-length, not chunked). */
function bodyOf(answer: string): string {
  return answer.slice(answer.indexOf('\r\n\r\n') + 4);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A SOAP request whose body is sent in two parts, so it is in flight while the signal arrives. `Expect:
 * 100-continue` makes the server say when it has taken the request on (Node answers 100 Continue and hands
 * the request to fastify in the same step), so the signal never races the request's arrival.
 */
async function startSlowRequest(port: number): Promise<{ finish(): Promise<string> }> {
  const body = Buffer.from(envelope(m.genereerIdentificatie('Zaak', '1.2')));
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let answer = '';
  socket.on('data', (c: Buffer) => (answer += c.toString()));
  const ended = once(socket, 'close');
  socket.write(
    `POST /zds HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`,
  );
  await until('100 Continue', () => answer.startsWith('HTTP/1.1 100 Continue\r\n\r\n'));
  answer = '';
  socket.write(body.subarray(0, 100));
  return {
    async finish() {
      socket.write(body.subarray(100));
      await until('the answer', () => /\r\n\r\n[\s\S]*Envelope>\s*$/.test(answer) || socket.destroyed);
      socket.end();
      await ended;
      return answer;
    },
  };
}

describe('graceful stop on SIGTERM / SIGINT', () => {
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`zaakpoort start: ${signal} finishes the request in flight, refuses new connections, exits 0`, async () => {
      const server = new ChildServer({ dataDir: await dataDir(), nodeArgs: [...cliArgs(), 'start'], env: { ZAAKPOORT_LOG_LEVEL: 'info' } });
      await server.start();
      const pid = server.pid;
      const inFlight = await startSlowRequest(server.port);
      process.kill(pid, signal);
      await until('the server to announce the stop', () => server.log.includes(`${signal} received`));
      await until('new connections refused', () => refusesConnections(server.port));
      const answer = await inFlight.finish();
      assert.match(answer, /^HTTP\/1\.1 200/, answer);
      assert.match(answer, /genereerZaakIdentificatie_Du02/);
      await assertSoapResponseValid(bodyOf(answer));
      await until('the process to exit', () => server.exitCode !== null || !alive(pid));
      assert.equal(server.exitCode, 0, server.log);
    });
  }

  it('a doubled SIGINT (Ctrl-C under npm reaches node twice at once) still stops gracefully with exit 0', async () => {
    const server = new ChildServer({ dataDir: await dataDir(), nodeArgs: [...cliArgs(), 'start'], env: { ZAAKPOORT_LOG_LEVEL: 'info' } });
    await server.start();
    const pid = server.pid;
    const inFlight = await startSlowRequest(server.port);
    process.kill(pid, 'SIGINT');
    process.kill(pid, 'SIGINT');
    await until('the server to announce the stop', () => server.log.includes('SIGINT received'));
    const answer = await inFlight.finish();
    assert.match(answer, /^HTTP\/1\.1 200/, answer);
    await assertSoapResponseValid(bodyOf(answer));
    await until('the process to exit', () => server.exitCode !== null || !alive(pid));
    assert.equal(server.exitCode, 0, server.log);
    assert.doesNotMatch(server.log, /received again/);
  });

  it('npm start: SIGTERM to npm stops the node server too (port released, process gone)', async () => {
    const port = await freePort();
    const npm: ChildProcess = spawn('npm', ['start', '--silent'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ZAAKPOORT_DATA_DIR: await dataDir(), ZAAKPOORT_LOG_LEVEL: 'info', ZAAKPOORT_CONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    npm.stdout!.on('data', (c: Buffer) => (log += c.toString()));
    npm.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    await until('npm start to listen', () => /Zaakpoort listening/.test(log), 60_000);
    const serverPid = Number(/"pid":(\d+)/.exec(log)?.[1]);
    assert.ok(serverPid > 0 && serverPid !== npm.pid, 'the server runs in its own node process under npm');
    npm.kill('SIGTERM');
    await until('the node server to exit', () => !alive(serverPid));
    assert.ok(await refusesConnections(port), 'port released');
    assert.match(log, /SIGTERM received/);
    assert.match(log, /"msg":"stopped"/);
  });
});
