import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoalescedSync } from '../../src/backends/coalesced-sync.js';

/** A flush that is held until released, counting how many started (a test double for an fsync). */
function heldFlush() {
  const releases: Array<(e?: Error) => void> = [];
  return {
    started: () => releases.length,
    release: (i: number, e?: Error) => releases[i]!(e),
    flush: () => new Promise<void>((resolve, reject) => releases.push((e) => (e ? reject(e) : resolve()))),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('CoalescedSync: one flush shared by who asks while it is pending', () => {
  it('requests of the same tick share one flush; a request while it runs gets the next one, shared again', async () => {
    const f = heldFlush();
    const sync = new CoalescedSync(f.flush);
    const a = sync.request();
    const b = sync.request();
    await tick();
    assert.equal(f.started(), 1);
    const c = sync.request(); // the running flush may have started before c's write
    const d = sync.request();
    await tick();
    assert.equal(f.started(), 1, 'the next flush waits for the running one');
    let cDone = false;
    void c.then(() => (cDone = true));
    f.release(0);
    await Promise.all([a, b]);
    await tick();
    assert.equal(cDone, false, 'c is not covered by the flush that was running when it asked');
    assert.equal(f.started(), 2);
    f.release(1);
    await Promise.all([c, d]);
    assert.equal(sync.idle, true);
  });

  it('a failed flush rejects its own callers only; the next request flushes again', async () => {
    const f = heldFlush();
    const sync = new CoalescedSync(f.flush);
    const a = sync.request();
    await tick();
    f.release(0, new Error('EIO'));
    await assert.rejects(a, /EIO/);
    const b = sync.request();
    await tick();
    f.release(1);
    await b;
    await sync.settled();
    assert.equal(f.started(), 2);
  });
});
