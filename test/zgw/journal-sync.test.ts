/**
 * The ZGW journal's fsync off the main thread (journal.ts on WalGroupSync of src/backends/sqlite/wal-sync.ts),
 * with a test double for the WAL sync whose completion the test controls: a durable write (an undo, a forget, a
 * unit's end) resolves only after a sync that started after its COMMIT has finished; writes in the same tick share
 * one sync; writes whose loss is harmless ask for none (also a unit's end once its answer is in the local message
 * log and its entry names the bericht durably); a failed sync fails the write. On the ZGW TEST DOUBLE (not
 * Open Zaak): a unit's POST is not sent before the sync of its journal entry has finished.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { SqliteUnitJournal, type Undo } from '../../src/backends/zgw/journal.js';
import { UnitOfWork } from '../../src/backends/zgw/unit-of-work.js';
import { insertZaak } from '../../src/backends/zgw/write-zaak.js';
import { type ZgwFixture, openZgwFixture, zaakVoorZgw, zakenInZgw } from './helpers.js';

/** A WAL sync test double: each sync waits until the test settles it, or settles at once once `auto` is set. */
class ControlledSync {
  readonly pending: Array<{ release: () => void; fail: (e: Error) => void }> = [];
  started = 0;
  auto = false;
  readonly sync = (_fd: number): Promise<void> => {
    this.started++;
    if (this.auto) return Promise.resolve();
    return new Promise((resolve, reject) => this.pending.push({ release: resolve, fail: reject }));
  };
  releaseAll(): void {
    for (const p of this.pending.splice(0)) p.release();
  }
}

/** 'pending' when p has not settled after a few event-loop turns. */
async function settled(p: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  let s: 'pending' | 'resolved' | 'rejected' = 'pending';
  p.then(() => (s = 'resolved'), () => (s = 'rejected'));
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  return s;
}

const undo = (n: number): Undo => ({ kind: 'delete', api: 'zaken', url: `http://x/zaken/${n}`, what: `zaak ${n}` });

describe('zgw journal: durable writes wait for a WAL sync off the main thread', () => {
  const dirs: string[] = [];
  let f: ZgwFixture;
  before(async () => {
    f = await openZgwFixture();
  });
  afterEach(() => {
    assert.deepEqual(f.double.violations, [], 'every request Zaakpoort sent is valid against the OAS');
  });
  after(async () => {
    await f?.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  async function journalWith(sync: ControlledSync): Promise<SqliteUnitJournal> {
    const d = await mkdtemp(path.join(tmpdir(), 'zaakpoort-zgw-journal-sync-'));
    dirs.push(d);
    return new SqliteUnitJournal(d, undefined, sync.sync);
  }

  /** Run fn on a fresh journal whose syncs the test settles; afterwards every sync settles at once and it closes. */
  async function withJournal(fn: (j: SqliteUnitJournal, s: ControlledSync) => Promise<void>): Promise<void> {
    const s = new ControlledSync();
    const j = await journalWith(s);
    try {
      await fn(j, s);
    } finally {
      s.auto = true;
      s.releaseAll();
      await j.close();
    }
  }

  it('an undo resolves only after the sync that followed its COMMIT; one written meanwhile waits for the next sync', () =>
    withJournal(async (j, s) => {
      j.begin('u1', { operation: 'test' });
      const first = j.record('u1', undo(1));
      assert.equal(await settled(first), 'pending', 'not durable before its sync finished');
      assert.equal(s.started, 1);
      // Committed while the first sync runs (which may have missed it): it needs a sync of its own, after that one.
      const second = j.record('u1', undo(2));
      assert.equal(await settled(second), 'pending');
      assert.equal(s.started, 1, 'one sync at a time');
      s.releaseAll();
      assert.equal(await settled(first), 'resolved');
      assert.equal(await settled(second), 'pending', 'the first sync does not count for an entry committed after it started');
      assert.equal(s.started, 2);
      s.releaseAll();
      assert.equal(await settled(second), 'resolved');
    }));

  it('entries written in the same tick share one sync; begin, replace and updateIntent ask for none', () =>
    withJournal(async (j, s) => {
      j.begin('u1', { operation: 'test' });
      j.updateIntent('u1', { operation: 'test', messageKey: { zenderKey: 'z', referentienummer: 'r1' } });
      const a = j.record('u1', undo(1));
      const b = j.record('u1', undo(2));
      const c = j.record('u1', undo(3));
      assert.equal(await settled(Promise.all([a, b, c])), 'pending');
      assert.equal(s.started, 1, 'three entries, one sync');
      s.releaseAll();
      const seqs = await Promise.all([a, b, c]);
      j.replace(seqs[0]!, undo(4));
      await new Promise((r) => setImmediate(r));
      assert.equal(s.started, 1, 'replace is not synced by itself');
      j.release('u1');
      assert.deepEqual(j.open().map((u) => u.undos), [[undo(4), undo(2), undo(3)]]);
    }));

  it('forget and end wait for their sync; a failed sync fails the write', () =>
    withJournal(async (j, s) => {
      j.begin('u1', { operation: 'test' });
      const rec = j.record('u1', undo(1));
      await settled(rec);
      s.releaseAll();
      const seq = await rec;
      const forgot = j.forget(seq);
      assert.equal(await settled(forgot), 'pending');
      s.releaseAll();
      await forgot;
      const failed = j.record('u1', undo(2));
      await settled(failed);
      s.pending.shift()!.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
      await assert.rejects(failed, /EIO/);
      const ended = j.end('u1');
      assert.equal(await settled(ended), 'pending');
      assert.equal(s.started, 4, 'the failed sync is not counted as done: end() has a sync of its own');
      s.releaseAll();
      await ended;
      assert.deepEqual(j.open(), []);
    }));

  it('a unit sends its zaak POST only after the sync of the entry that guards it has finished', async () => {
    const s = new ControlledSync();
    const j = await journalWith(s);
    const { context } = f.backend.zgw;
    const id = '036320240000950';
    const unit = new UnitOfWork(context.http, j, { operation: 'creeerZaak' }, context.log);
    const zaakPosts = () => f.double.requests.filter((r) => r.method === 'POST' && /\/zaken\/api\/v1\/zaken$/.test(r.path)).length;
    const before = zaakPosts();
    try {
      const work = insertZaak(context, unit, zaakVoorZgw(id));
      for (let i = 0; i < 500 && s.pending.length === 0; i++) await new Promise((r) => setTimeout(r, 2));
      assert.equal(s.pending.length, 1, 'the look-up entry asked for its sync');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(zaakPosts(), before, 'no POST while the entry is not on stable storage');
      s.auto = true;
      s.releaseAll();
      await work;
      assert.equal(zaakPosts(), before + 1);
      assert.ok((await zakenInZgw(f.double)).includes(id));
    } finally {
      s.auto = true;
      s.releaseAll();
      await unit.undo();
      await j.close();
    }
    assert.ok(!(await zakenInZgw(f.double)).includes(id), 'undone again');
  });

  it('a call still waiting for its sync when the unit is undone (a parallel call of the bericht failed) is not sent', async () => {
    const s = new ControlledSync();
    const j = await journalWith(s);
    const { context } = f.backend.zgw;
    const unit = new UnitOfWork(context.http, j, { operation: 'updateZaak' }, context.log);
    const sent = f.double.requests.length;
    try {
      const patch = unit.patch({ api: 'zaken', url: '/zaken/00000000-0000-0000-0000-000000000000', body: { omschrijving: 'nieuw' }, purpose: 'zaak wijzigen' }, { omschrijving: 'oud' }, 'zaak');
      assert.equal(await settled(patch), 'pending');
      s.auto = true;
      const undone = unit.undo();
      s.releaseAll();
      await assert.rejects(patch, /al afgesloten/);
      assert.equal(await undone, true);
      assert.equal(f.double.requests.length, sent, 'neither the PATCH nor an undo of it went out');
      assert.deepEqual(j.open(), [], 'its journal entry went with the unit');
    } finally {
      s.auto = true;
      s.releaseAll();
      await j.close();
    }
  });

  it('end() of a unit whose answer was logged asks for no sync (should the entry come back after a power loss, recovery finds the answer and only drops it: journal.test.ts)', () =>
    withJournal(async (j, s) => {
      const key = { zenderKey: 'z', referentienummer: 'r-logged' };
      j.begin('u1', { operation: 'creeerZaak', messageKey: key });
      const rec = j.record('u1', undo(1));
      await settled(rec);
      s.releaseAll();
      await rec;
      const ended = j.end('u1', { answerLogged: true });
      assert.equal(await settled(ended), 'resolved', 'resolves without waiting for a sync');
      assert.equal(s.started, 1, 'only the undo asked for a sync');
      assert.deepEqual(j.open(), []);
    }));

  /** Drive one unit's note (a PATCH guarded by the journal) and complete it; returns the syncs its end asked for. */
  async function syncsOfEnd(keyFirst: boolean, answerLogged: boolean): Promise<number> {
    const s = new ControlledSync();
    s.auto = true;
    const j = await journalWith(s);
    const { context } = f.backend.zgw;
    const key = { zenderKey: 'z', referentienummer: `r-${keyFirst}-${answerLogged}` };
    const unit = new UnitOfWork(context.http, j, keyFirst ? { operation: 'updateZaak', messageKey: key } : { operation: 'updateZaak' }, context.log);
    try {
      // A PATCH of a zaak that is not there: the double answers 404, the undo entry was written (and synced) first.
      await unit.patch({ api: 'zaken', url: '/zaken/00000000-0000-0000-0000-000000000001', body: { omschrijving: 'nieuw' }, purpose: 'zaak wijzigen' }, { omschrijving: 'oud' }, 'zaak').catch(() => undefined);
      if (!keyFirst) unit.setMessageKey(key);
      const before = s.started;
      await unit.complete({ answerLogged });
      return s.started - before;
    } finally {
      await j.close();
    }
  }

  it('a unit completes without a sync only when its answer was logged and a synced entry already named its bericht', async () => {
    assert.equal(await syncsOfEnd(true, true), 0, 'answer logged, key journalled with the first undo: no sync');
    assert.equal(await syncsOfEnd(true, false), 1, 'no answer logged: the end is durable');
    assert.equal(await syncsOfEnd(false, true), 1, 'the key was written after the last sync (updateIntent is not synced): the end is durable');
  });
});
