/**
 * Connection limits: idle, half-sent connections (headers never finished) beyond the per-address or total limit
 * are closed at once; a well-behaved client keeps being served while the allowed ones hang; the headers timeout
 * frees those in time.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import * as m from '../helpers/messages.js';
import { schemas } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

const LIMIT = 20;
const OPENED = 40;

interface HalfSent {
  closed: boolean;
  socket: net.Socket;
}

/** A connection that sends the start of a request and then nothing more. */
async function halfSent(url: string, localAddress: string): Promise<HalfSent> {
  const { port } = new URL(url);
  const socket = net.connect({ host: '127.0.0.1', port: Number(port), localAddress });
  const c: HalfSent = { closed: false, socket };
  socket.on('error', () => undefined);
  socket.resume(); // read (and drop) the 408, so the server's close is seen
  socket.on('close', () => (c.closed = true));
  await new Promise<void>((resolve) => {
    socket.once('connect', () => resolve());
    socket.once('close', () => resolve());
  });
  if (!c.closed) socket.write('POST /zds HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n');
  return c;
}

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.ok(cond(), what);
}

async function served(srv: TestServer): Promise<void> {
  const res = await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')));
  assert.equal(res.status, 200, res.text);
}

function limits(name: string, overrides: Partial<Config>, addressOf: (i: number) => string, check: (srv: TestServer, conns: HalfSent[]) => Promise<void>): void {
  describe(name, () => {
    let srv: TestServer;
    let conns: HalfSent[] = [];
    before(async () => {
      srv = await startServer({ headersTimeoutMs: 1_500, ...overrides }, { schemas: await schemas() });
    });
    after(async () => {
      for (const c of conns) c.socket.destroy();
      await srv?.close();
    });
    it(`${OPENED} half-sent connections against a limit of ${LIMIT}`, async () => {
      conns = await Promise.all(Array.from({ length: OPENED }, (_, i) => halfSent(srv.url, addressOf(i))));
      await until(() => conns.filter((c) => c.closed).length >= OPENED - LIMIT, 'the excess connections are closed');
      await check(srv, conns);
      // The headers timeout frees the rest.
      await until(() => conns.every((c) => c.closed), 'the headers timeout closes the half-sent connections');
      await served(srv);
    });
  });
}

limits('connections per client address', { maxConnectionsPerAddress: LIMIT }, () => '127.0.0.7', async (srv, conns) => {
  // Exactly the excess went at once; the allowed ones still hang, and another client is served meanwhile.
  assert.equal(conns.filter((c) => c.closed).length, OPENED - LIMIT);
  await served(srv);
  await served(srv);
});

limits('connections in total', { maxConnections: LIMIT }, (i) => `127.0.1.${i + 1}`, async (_srv, conns) => {
  assert.equal(conns.filter((c) => c.closed).length, OPENED - LIMIT);
});
