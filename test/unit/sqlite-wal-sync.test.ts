/**
 * The SQLite commit's fsync off the main thread (src/backends/sqlite/wal-sync.ts), with a test double for the
 * sync whose completion the test controls: nobody hears "committed" and no plain read sees the data before the
 * sync after its COMMIT has finished; the next batch runs meanwhile but commits only after it; a failed sync
 * fails its transactions.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteBackend, SQLITE_FILE } from '../../src/backends/sqlite/index.js';
import type { Backend } from '../../src/ports/index.js';
import { minimalZaak } from '../contract/fixtures.js';

/** A sync test double: each call waits until the test releases (or fails) it. */
class HeldSync {
  readonly calls: Array<{ release: () => void; fail: (e: Error) => void }> = [];
  readonly sync = (_fd: number): Promise<void> =>
    new Promise((resolve, reject) => {
      this.calls.push({ release: resolve, fail: reject });
    });
}

const turns = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

/** Settles to 'pending' when p has not settled after a few event-loop turns. */
async function state<T>(p: Promise<T>): Promise<'pending' | 'resolved' | 'rejected'> {
  let s: 'pending' | 'resolved' | 'rejected' = 'pending';
  p.then(() => (s = 'resolved'), () => (s = 'rejected'));
  await turns();
  return s;
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(cond(), 'condition not reached');
}

describe('sqlite: the commit is synced off the main thread', () => {
  let dir: string;
  let backend: Backend;
  let raw: Database.Database;
  const held = new HeldSync();
  /** What is committed in the database file, read on a connection of its own. */
  const committed = (id: string) => raw.prepare('SELECT 1 FROM zaak WHERE identificatie = ?').get(id) !== undefined;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'zaakpoort-walsync-'));
    backend = await openSqliteBackend({
      dataDir: dir,
      gemeentecode: '0363',
      timeZone: 'Europe/Amsterdam',
      idTemplates: { zaak: '{gemeentecode}{jaar}{volgnummer:7}', document: 'D{volgnummer}', besluit: 'B{volgnummer}' },
      syncFile: held.sync,
    });
    raw = new Database(path.join(dir, SQLITE_FILE), { readonly: true });
  });
  after(async () => {
    raw.close();
    for (const c of held.calls) c.release();
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a transaction, and shows its data to plain reads, only after the sync that follows its COMMIT', async () => {
    const t1 = backend.store.transaction((tx) => tx.insertZaak(minimalZaak('0363W1')));
    await until(() => held.calls.length === 1);
    assert.ok(committed('0363W1'), 'the COMMIT has run');
    assert.equal(await state(t1), 'pending');
    const read = backend.store.getZaak('0363W1');
    const listed = backend.sql!.query('SELECT identificatie FROM zaak');
    assert.equal(await state(read), 'pending');
    assert.equal(await state(listed), 'pending');
    held.calls[0]!.release();
    await t1;
    assert.equal((await read)?.identificatie, '0363W1');
    assert.deepEqual(await listed, [{ identificatie: '0363W1' }]);
  });

  it('runs the next batch while a sync is held, commits it only afterwards, and lets waiting reads go first', async () => {
    const t2 = backend.store.transaction((tx) => tx.insertZaak(minimalZaak('0363W2')));
    await until(() => held.calls.length === 2);
    let bodyRan = false;
    const t3 = backend.store.transaction(async (tx) => {
      bodyRan = true;
      await tx.insertZaak(minimalZaak('0363W3'));
    });
    await until(() => bodyRan);
    await turns();
    assert.equal(committed('0363W3'), false, 'no COMMIT while the previous one is unsynced');
    assert.equal(held.calls.length, 2);
    // A read issued now waits for the sync of W2, and runs before W3 is committed.
    const readW3 = backend.store.getZaak('0363W3');
    held.calls[1]!.release();
    await t2;
    assert.equal(await readW3, undefined, 'a plain read never sees a commit that is not durable');
    await until(() => held.calls.length === 3);
    assert.ok(committed('0363W3'));
    assert.equal(await state(t3), 'pending');
    held.calls[2]!.release();
    await t3;
    assert.equal((await backend.store.getZaak('0363W3'))?.identificatie, '0363W3');
  });

  it('waits for the sync in single writes (SqlStore.write, ensureAbove) too', async () => {
    const write = backend.sql!.write([{ sql: "INSERT INTO beheer_setting (name, value) VALUES ('walsync', 'x')" }]);
    await until(() => held.calls.length === 4);
    assert.equal(await state(write), 'pending');
    held.calls[3]!.release();
    await write;
    const raise = backend.ids.ensureAbove('zaak', '036320240000100');
    await until(() => held.calls.length === 5);
    assert.equal(await state(raise), 'pending');
    held.calls[4]!.release();
    assert.equal(await raise, true);
  });

  it('fails the transactions of a commit whose sync failed; the next commit is synced and answered', async () => {
    const failing = backend.store.transaction((tx) => tx.insertZaak(minimalZaak('0363W4')));
    await until(() => held.calls.length === 6);
    held.calls[5]!.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await assert.rejects(failing, /EIO/);
    const next = backend.store.transaction((tx) => tx.insertZaak(minimalZaak('0363W5')));
    await until(() => held.calls.length === 7);
    held.calls[6]!.release();
    await next;
    assert.ok(await backend.store.getZaak('0363W5'));
  });
});
