import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdleCollector, v8FullCollection } from '../../src/server/idle-collector.js';

const MB = 1024 * 1024;

/** A collector over a pretend heap: `heap` is what heapBytes reports, a collection brings it to `live`. */
function pretend(quietMs: number) {
  const state = { heap: 40 * MB, live: 30 * MB, collected: [] as number[] };
  const collector = new IdleCollector({
    quietMs,
    minGrowthBytes: 16 * MB,
    heapBytes: () => state.heap,
    collect: () => {
      state.collected.push(state.heap);
      state.heap = state.live;
    },
  });
  return { state, collector };
}

/** One request that starts and ends at once. */
function request(collector: IdleCollector): void {
  collector.requestStarted();
  collector.requestEnded();
}

/** Fake time for the timer logic, so a busy CI machine cannot make it flaky. */
function tick(ms: number): void {
  mock.timers.tick(ms);
}

describe('IdleCollector', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'] }));
  afterEach(() => mock.timers.reset());

  it('collects once after a quiet period that follows growth, not while a request is in progress', () => {
    const { state, collector } = pretend(30);
    collector.requestStarted();
    state.heap = 120 * MB;
    tick(80);
    assert.deepEqual(state.collected, [], 'no collection while a request is in progress');
    collector.requestEnded();
    tick(10);
    assert.deepEqual(state.collected, [], 'not before the quiet period is over');
    tick(60);
    assert.deepEqual(state.collected, [120 * MB]);
    assert.equal(collector.collections, 1);
    collector.stop();
  });

  it('a request during the quiet period starts it again', () => {
    const { state, collector } = pretend(50);
    state.heap = 100 * MB;
    request(collector);
    tick(30);
    request(collector);
    tick(30);
    assert.deepEqual(state.collected, [], '60 ms after the first request but only 30 after the second');
    tick(60);
    assert.equal(state.collected.length, 1);
    collector.stop();
  });

  it('does not collect again when the heap did not grow by the minimum since the last collection', () => {
    const { state, collector } = pretend(20);
    state.heap = 100 * MB;
    request(collector);
    tick(60);
    assert.equal(state.collected.length, 1);
    state.heap = state.live + 10 * MB; // grew, but less than 16 MB
    request(collector);
    tick(60);
    assert.equal(state.collected.length, 1);
    state.heap = state.live + 20 * MB;
    request(collector);
    tick(60);
    assert.equal(state.collected.length, 2);
    collector.stop();
  });

  it('the first quiet period after watch() collects what start-up left, without a request', () => {
    const { state, collector } = pretend(50);
    collector.watch(http.createServer());
    tick(40);
    assert.deepEqual(state.collected, []);
    tick(20);
    assert.deepEqual(state.collected, [40 * MB], 'start-up heap collected');
    collector.stop();
  });

  it('does nothing after stop', () => {
    const { state, collector } = pretend(20);
    state.heap = 100 * MB;
    request(collector);
    collector.stop();
    tick(60);
    assert.deepEqual(state.collected, []);
  });

});

describe('IdleCollector on a real HTTP server and V8', () => {
  it('counts the requests of an HTTP server until their responses close', async () => {
    const { state, collector } = pretend(30);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const server = http.createServer((req, res) => {
      if (req.url === '/slow') void held.then(() => res.end('slow'));
      else res.end('quick');
    });
    collector.watch(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const collectedSoon = async (n: number): Promise<void> => {
      for (let waited = 0; state.collected.length < n && waited < 5000; waited += 20) await sleep(20);
      assert.equal(state.collected.length, n);
    };
    try {
      await collectedSoon(1); // what start-up left
      state.heap = 100 * MB;
      const slow = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.text());
      await sleep(20);
      assert.equal(await (await fetch(`http://127.0.0.1:${port}/quick`)).text(), 'quick');
      await sleep(80);
      assert.equal(state.collected.length, 1, 'the slow request is still in progress');
      release();
      assert.equal(await slow, 'slow');
      await collectedSoon(2);
    } finally {
      collector.stop();
      server.closeAllConnections();
      server.close();
    }
  });

  it("V8's full collection is available without --expose-gc and leaves no gc global behind", () => {
    const collect = v8FullCollection();
    assert.equal(typeof collect, 'function');
    collect!();
    assert.equal((globalThis as { gc?: unknown }).gc, undefined);
  });
});
