/**
 * Document bytes as files: `<dataDir>/tmp` receives content while a message streams in, `<dataDir>/documents`
 * holds persisted blobs in subfolders named by the first two characters of the blobRef. A blob appears in
 * documents/ only through one rename of a fully written, fsynced file, so after a crash a blob is either
 * complete or absent.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { CoalescedSync } from './coalesced-sync.js';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { DocumentContentStore, TempContentWriter } from '../ports/document-content-store.js';

// Both ids are random hex; anything else (dots, separators) is refused so no id can name a path outside our folders.
const ID_PATTERN = /^[0-9a-f]{32}$/;
const TEMP_SUFFIX = '.part';
/** blobRefs checked against the database at a time. */
const ORPHAN_BATCH = 200;

function newId(): string {
  return randomBytes(16).toString('hex');
}

function assertId(what: string, id: string): void {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw new Error(`Ongeldige ${what}: ${JSON.stringify(id)}`);
}

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/**
 * blobRefs of documents persisted close together in time share their shard folder (the first two hex
 * characters follow the clock, one folder per minute, round the 256), so that concurrent documents can share
 * the shard folder's fsync (DirSync); over time the folders fill evenly, as with random names.
 */
function newBlobRef(now = Date.now()): string {
  const shard = (Math.floor(now / 60_000) % 256).toString(16).padStart(2, '0');
  return shard + randomBytes(15).toString('hex');
}

/**
 * fsyncs of directories, shared per directory (CoalescedSync): with 8 documents persisted at once into one shard
 * folder that is 1-2 fsyncs instead of 8; one at a time it is one each.
 */
class DirSync {
  private readonly dirs = new Map<string, CoalescedSync>();

  sync(dir: string): Promise<void> {
    let shared = this.dirs.get(dir);
    if (!shared) this.dirs.set(dir, (shared = new CoalescedSync(() => syncDir(dir))));
    const s = shared;
    const done = s.request();
    const forget = (): void => {
      if (s.idle && this.dirs.get(dir) === s) this.dirs.delete(dir);
    };
    done.then(forget, forget);
    return done;
  }
}

/** fsync a directory so a rename or new entry in it survives a crash. */
async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (e) {
    // Windows cannot open or fsync directories; its renames are journalled by NTFS anyway.
    const code = (e as NodeJS.ErrnoException).code;
    if (process.platform !== 'win32' || (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EACCES')) throw e;
  } finally {
    await handle?.close();
  }
}

/** A Writable that appends to a file handle while counting bytes and hashing them. */
class HashingFileWriter extends Writable {
  readonly hash = createHash('sha256');
  size = 0;

  constructor(private readonly handle: FileHandle) {
    super({ highWaterMark: 256 * 1024 });
  }

  private async append(chunks: Buffer[]): Promise<void> {
    for (const c of chunks) {
      this.hash.update(c);
      this.size += c.length;
    }
    // writev may write less than asked; loop until everything is on disk.
    let pending = chunks;
    while (pending.length > 0) {
      const { bytesWritten } = await this.handle.writev(pending);
      pending = dropBytes(pending, bytesWritten);
    }
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.append([chunk]).then(() => cb(), cb);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (e?: Error | null) => void): void {
    this.append(chunks.map((c) => c.chunk)).then(() => cb(), cb);
  }
}

function dropBytes(buffers: Buffer[], n: number): Buffer[] {
  const out: Buffer[] = [];
  let skip = n;
  for (const b of buffers) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    out.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}

interface ActiveTemp {
  writer: HashingFileWriter;
  handle: FileHandle;
  closed: boolean;
}

export class FsContentStore implements DocumentContentStore {
  readonly documentsDir: string;
  readonly tempDir: string;
  /** Temp files this process is still writing; sweepTemp and persist leave them alone. */
  private readonly active = new Map<string, ActiveTemp>();
  /** Temps that finish() fsynced in this process, until they are persisted or removed. */
  private readonly synced = new Set<string>();
  private readonly dirSync = new DirSync();
  /** Shard folders this process made whose entry in documents/ is being fsynced. */
  private readonly newShards = new Map<string, Promise<void>>();

  constructor(dataDir: string) {
    this.documentsDir = path.resolve(dataDir, 'documents');
    this.tempDir = path.resolve(dataDir, 'tmp');
    // Synchronous on purpose: runs once at start-up, and every method can then rely on both folders.
    mkdirSync(this.documentsDir, { recursive: true });
    mkdirSync(this.tempDir, { recursive: true });
  }

  private tempPath(tempId: string): string {
    assertId('tempId', tempId);
    return path.join(this.tempDir, tempId + TEMP_SUFFIX);
  }

  private blobPath(blobRef: string): string {
    assertId('blobRef', blobRef);
    return path.join(this.documentsDir, blobRef.slice(0, 2), blobRef);
  }

  async createTemp(): Promise<TempContentWriter> {
    const tempId = newId();
    const file = this.tempPath(tempId);
    const handle = await open(file, 'wx', 0o600);
    const writer = new HashingFileWriter(handle);
    const entry: ActiveTemp = { writer, handle, closed: false };
    this.active.set(tempId, entry);
    const closeHandle = async (): Promise<void> => {
      if (entry.closed) return;
      entry.closed = true;
      await handle.close();
    };
    let finishing: Promise<{ size: number; sha256: string }> | undefined;

    const finish = async (): Promise<{ size: number; sha256: string }> => {
      try {
        if (!writer.writableEnded) writer.end();
        await finished(writer);
        await handle.sync();
        this.synced.add(tempId);
        await closeHandle();
        return { size: writer.size, sha256: writer.hash.digest('hex') };
      } catch (e) {
        // A failed write or fsync leaves the temp file for abort()/sweepTemp, but never an open handle.
        await closeHandle().catch(() => undefined);
        throw e;
      } finally {
        this.active.delete(tempId);
      }
    };
    const abort = async (): Promise<void> => {
      this.active.delete(tempId);
      this.synced.delete(tempId);
      writer.destroy();
      await closeHandle().catch(() => undefined);
      await unlink(file).catch((e) => {
        if (!isNotFound(e)) throw e;
      });
    };
    return {
      tempId,
      stream: writer,
      // finish() is idempotent: a second call gets the same result instead of a "digest already called" error.
      finish: () => (finishing ??= finish()),
      abort,
    };
  }

  async persist(tempId: string): Promise<string> {
    const from = this.tempPath(tempId);
    if (this.active.has(tempId)) throw new Error(`Tijdelijke inhoud ${tempId} is nog niet afgerond`);
    // fsync here only when finish() did not in this process (a temp from a writer that never called it): the
    // bytes of a finished temp are on disk already and nothing writes to it after finish().
    if (!this.synced.delete(tempId)) {
      const handle = await open(from, 'r+').catch((e) => {
        if (isNotFound(e)) throw new Error(`Tijdelijke inhoud ${tempId} bestaat niet`);
        throw e;
      });
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    const blobRef = newBlobRef();
    const to = this.blobPath(blobRef);
    const shard = path.dirname(to);
    await this.ensureShard(shard);
    await rename(from, to).catch((e) => {
      if (isNotFound(e)) throw new Error(`Tijdelijke inhoud ${tempId} bestaat niet`);
      throw e;
    });
    // The new entry must survive a crash; the old one's removal need not: should the temp name come back after a
    // crash, it is a second link to the same file, and sweepTemp unlinking it leaves the blob as it is.
    await this.dirSync.sync(shard);
    return blobRef;
  }

  /**
   * The shard folder exists, and its entry in documents/ is durable if this process made it: also for a persist
   * that finds the folder just made by a concurrent one (which is still fsyncing documents/).
   */
  private async ensureShard(shard: string): Promise<void> {
    const made = await mkdir(shard, { recursive: true });
    if (made === undefined) return this.newShards.get(shard);
    const synced = this.dirSync.sync(this.documentsDir).finally(() => this.newShards.delete(shard));
    this.newShards.set(shard, synced);
    return synced;
  }

  async discardTemp(tempId: string): Promise<void> {
    const file = this.tempPath(tempId);
    this.synced.delete(tempId);
    const entry = this.active.get(tempId);
    if (entry) {
      this.active.delete(tempId);
      entry.writer.destroy();
      if (!entry.closed) {
        entry.closed = true;
        await entry.handle.close().catch(() => undefined);
      }
    }
    await unlink(file).catch((e) => {
      if (!isNotFound(e)) throw e;
    });
  }

  openTemp(tempId: string): Readable {
    return createReadStream(this.tempPath(tempId));
  }

  open(blobRef: string): Readable {
    return createReadStream(this.blobPath(blobRef));
  }

  async remove(blobRef: string): Promise<void> {
    await unlink(this.blobPath(blobRef)).catch((e) => {
      if (!isNotFound(e)) throw e;
    });
  }

  /**
   * Remove persisted blobs that nothing references: left when a process died between persist() and the commit
   * of the transaction that would have referenced the blob. Only files last written more than minAgeMs ago are
   * considered (a blob is persisted just before its transaction commits, so a young one may be about to be
   * referenced); `referenced` answers which of a batch of blobRefs a document version uses.
   */
  async sweepOrphans(minAgeMs: number, referenced: (blobRefs: string[]) => Promise<Set<string>>): Promise<number> {
    const cutoff = Date.now() - minAgeMs;
    let removed = 0;
    let batch: string[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const used = await referenced(batch);
      for (const ref of batch) {
        if (used.has(ref)) continue;
        await unlink(this.blobPath(ref)).then(() => removed++, (e: unknown) => {
          if (!isNotFound(e)) throw e;
        });
      }
      batch = [];
    };
    for (const shard of await readdir(this.documentsDir)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await readdir(path.join(this.documentsDir, shard)).catch(() => [] as string[])) {
        if (!ID_PATTERN.test(name) || !name.startsWith(shard)) continue;
        const st = await stat(path.join(this.documentsDir, shard, name)).catch(() => undefined);
        if (!st || st.mtimeMs > cutoff) continue;
        batch.push(name);
        if (batch.length >= ORPHAN_BATCH) await flush();
      }
    }
    await flush();
    return removed;
  }

  async sweepTemp(maxAgeMs: number): Promise<number> {
    const cutoff = Date.now() - maxAgeMs;
    let removed = 0;
    for (const name of await readdir(this.tempDir)) {
      if (!name.endsWith(TEMP_SUFFIX)) continue;
      const tempId = name.slice(0, -TEMP_SUFFIX.length);
      if (!ID_PATTERN.test(tempId) || this.active.has(tempId)) continue;
      const file = path.join(this.tempDir, name);
      try {
        if ((await stat(file)).mtimeMs > cutoff) continue;
        await unlink(file);
        this.synced.delete(tempId);
        removed++;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return removed;
  }
}
