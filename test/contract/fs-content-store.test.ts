/** File-level guarantees of FsContentStore that the API-level contract cannot see. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FsContentStore } from '../../src/backends/fs-content-store.js';

/** Every file below dir, relative, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('FsContentStore on disk', () => {
  let dataDir = '';
  let store: FsContentStore;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'zaakpoort-fs-'));
    store = new FsContentStore(dataDir);
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates documents/ and tmp/ under the data directory', async () => {
    assert.deepEqual((await readdir(dataDir)).sort(), ['documents', 'tmp']);
  });

  it('shows nothing in documents/ until persist, then exactly the whole blob in a shard folder', async () => {
    const t = await store.createTemp();
    const part = Buffer.alloc(1024 * 1024, 7);
    for (let i = 0; i < 4; i++) {
      await new Promise<void>((resolve, reject) => t.stream.write(part, (e) => (e ? reject(e) : resolve())));
      assert.deepEqual(await filesUnder(store.documentsDir), [], 'no partial blob is visible');
    }
    const { size } = await t.finish();
    assert.equal(size, 4 * 1024 * 1024);
    assert.deepEqual(await filesUnder(store.documentsDir), [], 'finished but not persisted: still invisible');
    const blobRef = await store.persist(t.tempId);
    assert.deepEqual(await filesUnder(store.documentsDir), [path.join(blobRef.slice(0, 2), blobRef)]);
    assert.deepEqual(await filesUnder(store.tempDir), [], 'the temp file was moved, not copied');
    assert.notEqual(blobRef, t.tempId, 'blobRef is a new random id');
  });

  it('persists many temps at once (sharing shard folders and their fsyncs), each blob whole and its own', async () => {
    const temps = await Promise.all(Array.from({ length: 16 }, async (_, i) => {
      const t = await store.createTemp();
      t.stream.end(Buffer.alloc(1000 + i, i));
      await t.finish();
      return t.tempId;
    }));
    const refs = await Promise.all(temps.map((id) => store.persist(id)));
    assert.equal(new Set(refs).size, refs.length, 'distinct blobRefs');
    for (const [i, ref] of refs.entries()) {
      assert.match(ref, /^[0-9a-f]{32}$/);
      const chunks: Buffer[] = [];
      for await (const c of store.open(ref)) chunks.push(c as Buffer);
      assert.deepEqual(Buffer.concat(chunks), Buffer.alloc(1000 + i, i));
    }
    for (const ref of refs) await store.remove(ref);
  });

  it('persists a temp that another store (a process before a restart) finished, with the same bytes', async () => {
    const t = await store.createTemp();
    const bytes = Buffer.from('inhoud van een vorige procesgang');
    await new Promise<void>((resolve, reject) => t.stream.write(bytes, (e) => (e ? reject(e) : resolve())));
    await t.finish();
    const later = new FsContentStore(dataDir);
    const blobRef = await later.persist(t.tempId);
    const chunks: Buffer[] = [];
    for await (const c of later.open(blobRef)) chunks.push(c as Buffer);
    assert.deepEqual(Buffer.concat(chunks), bytes);
    await assert.rejects(store.persist(t.tempId), /bestaat niet/, 'the first store cannot persist it a second time');
  });

  it('leaves no file after abort or discardTemp, also mid-write', async () => {
    const a = await store.createTemp();
    a.stream.write(Buffer.from('half geschreven'));
    await a.abort();
    const d = await store.createTemp();
    d.stream.write(Buffer.from('ook half'));
    await store.discardTemp(d.tempId);
    const f = await store.createTemp();
    f.stream.end(Buffer.from('klaar'));
    await f.finish();
    await store.discardTemp(f.tempId);
    assert.deepEqual(await filesUnder(store.tempDir), []);
  });

  it('sweeps by age, skips content still being written, and ignores foreign files', async () => {
    const stale = await store.createTemp();
    stale.stream.end(Buffer.from('oud'));
    await stale.finish();
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(path.join(store.tempDir, `${stale.tempId}.part`), old, old);

    const writing = await store.createTemp();
    writing.stream.write(Buffer.from('bezig'));
    await utimes(path.join(store.tempDir, `${writing.tempId}.part`), old, old);

    await writeFile(path.join(store.tempDir, 'README'), 'niet van ons');

    assert.equal(await store.sweepTemp(60 * 60 * 1000), 1);
    assert.deepEqual(await filesUnder(store.tempDir), ['README', `${writing.tempId}.part`].sort());
    await writing.abort();
  });

  it('refuses to persist content that is still being written', async () => {
    const t = await store.createTemp();
    t.stream.write(Buffer.from('nog bezig'));
    await assert.rejects(store.persist(t.tempId), /nog niet afgerond/);
    await t.abort();
  });

  it('refuses ids that are not its own random hex ids', async () => {
    const hexButUpper = 'A'.repeat(32);
    for (const bad of [hexButUpper, '../documents', 'x'.repeat(32), `${'a'.repeat(31)}/`, 'a'.repeat(33)]) {
      assert.throws(() => store.open(bad), /Ongeldige blobRef/);
      await assert.rejects(store.remove(bad), /Ongeldige blobRef/);
      await assert.rejects(store.persist(bad), /Ongeldige tempId/);
      await assert.rejects(store.discardTemp(bad), /Ongeldige tempId/);
    }
  });
});
