/**
 * The full collection after a quiet period (idleCollectAfterMs, issue 14) in the built server as `npm start` runs
 * it: what start-up left and what a burst of creeerZaak berichten left in the V8 heap is given back once the
 * server is quiet, and with the setting at 0 it is not collected that way.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChildServer } from '../helpers/child-server.js';
import * as m from '../helpers/messages.js';
import { envelope } from '../helpers/zaakpoort.js';

const MB = 1024 * 1024;

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  assert.ok(line, `${name} in /metrics`);
  return Number(line[1]);
}

/** creeerZaak from 16 clients for `ms`: enough promoted garbage for V8 to grow its old generation well past 16 MB. */
async function burst(url: string, ms: number): Promise<number> {
  const uniq = randomBytes(3).toString('hex');
  let n = 0;
  const until = Date.now() + ms;
  const client = async (c: number): Promise<void> => {
    while (Date.now() < until) {
      const i = n++;
      const res = await fetch(`${url}/zds`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body: envelope(m.creeerZaak({ identificatie: `1234I${uniq}${c}x${i}` }, '1.2', `I${uniq}x${i}`)),
      });
      assert.match(await res.text(), /Bv03Bericht/);
    }
  };
  await Promise.all(Array.from({ length: 16 }, (_, c) => client(c)));
  return n;
}

async function withServer(env: Record<string, string>, fn: (srv: ChildServer) => Promise<void>): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-idle-gc-'));
  const srv = new ChildServer({ dataDir, env });
  try {
    await srv.start();
    await fn(srv);
  } finally {
    await srv.kill();
    await rm(dataDir, { recursive: true, force: true });
  }
}

describe('idle collection (idleCollectAfterMs)', () => {
  it('gives the heap back once the server has been quiet, after start-up and after a burst', async () => {
    await withServer({ ZAAKPOORT_IDLE_COLLECT_AFTER_MS: '500' }, async (srv) => {
      // Each look at /metrics is a request too: look less often than the quiet period, or it never comes.
      const collectionsReach = async (n: number): Promise<void> => {
        let seen = 0;
        for (let waited = 0; seen < n && waited < 15_000; waited += 1000) {
          await sleep(1000);
          seen = await metric(srv.url, 'zaakpoort_idle_collections_total');
        }
        assert.equal(seen, n);
      };
      await collectionsReach(1); // what start-up left
      const sent = await burst(srv.url, 3000);
      const grown = await metric(srv.url, 'nodejs_heap_size_total_bytes');
      await collectionsReach(2);
      const after = await metric(srv.url, 'nodejs_heap_size_total_bytes');
      assert.ok(after < grown - 16 * MB, `heap ${Math.round(grown / MB)} MB after ${sent} berichten, ${Math.round(after / MB)} MB after the collection`);
      assert.ok((await metric(srv.url, 'zaakpoort_idle_collection_seconds_total')) > 0);
      // Quiet again without new growth: no further collection.
      await sleep(1500);
      assert.equal(await metric(srv.url, 'zaakpoort_idle_collections_total'), 2);
    });
  });

  it('does not collect with idleCollectAfterMs 0', async () => {
    await withServer({ ZAAKPOORT_IDLE_COLLECT_AFTER_MS: '0' }, async (srv) => {
      await burst(srv.url, 1500);
      await sleep(1500);
      assert.equal(await metric(srv.url, 'zaakpoort_idle_collections_total'), 0);
    });
  });
});
