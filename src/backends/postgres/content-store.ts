/**
 * Document content in PostgreSQL, in chunks of 1 MiB (content_object + content_chunk). Bytes stream in chunk by
 * chunk and out chunk by chunk, so memory stays flat whatever the document size. Temp content and blobs are the
 * same rows: persist() swaps the temp_id for a blob_ref in one committed UPDATE, so a blob becomes visible
 * atomically and its bytes are never copied. Every instance on the database sees every blob.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import type { DocumentContentStore, TempContentWriter } from '../../ports/document-content-store.js';
import { translate } from './errors.js';
import { poolQuery } from './pool.js';
import { run } from './sql.js';

export const CHUNK_BYTES = 1024 * 1024;
/** Orphan blobs removed per statement. */
const ORPHAN_BATCH = 100;

// Random hex ids, as in the filesystem store; anything else is refused before it reaches a query.
const ID_PATTERN = /^[0-9a-f]{32}$/;

function newId(): string {
  return randomBytes(16).toString('hex');
}

function assertId(what: string, id: string): void {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw new Error(`Ongeldige ${what}: ${JSON.stringify(id)}`);
}

/**
 * Collects written bytes into 1 MiB chunks and inserts each as one row (copying, so callers may reuse buffers).
 * The content_object row is made with the first full chunk, or, for content that fits in one chunk (most
 * documents), by finish() in one statement with that chunk and the finished fields: one round trip instead of
 * three. Until then nothing of the temp is in the database, and a discard has nothing to delete.
 */
class ChunkWriter extends Writable {
  readonly hash = createHash('sha256');
  size = 0;
  chunks = 0;
  /** The content_object row, once made. */
  objectId: string | undefined;
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private fill = 0;
  /** The statement in flight (a discard waits for it, so that a row made meanwhile is deleted too). */
  private inFlight: Promise<unknown> = Promise.resolve();
  private discarded = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly tempId: string,
  ) {
    super({ highWaterMark: 256 * 1024 });
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight = p.catch(() => undefined);
    return p;
  }

  /**
   * Stops the writer; settles once no statement of it is in flight. Afterwards it makes no row any more, so
   * objectId then says whether there is one to delete.
   */
  discard(): Promise<unknown> {
    this.discarded = true;
    this.destroy();
    return this.inFlight;
  }

  /** The statement that makes the row: objectId is set before a discard waiting for it goes on. */
  private made(p: () => Promise<pg.QueryResult<{ id: string }>>): Promise<void> {
    if (this.discarded) return Promise.reject(new Error(`Tijdelijke inhoud ${this.tempId} bestaat niet meer`));
    return this.track(p().then(({ rows }) => {
      this.objectId = rows[0]!.id;
    }));
  }

  private async append(data: Buffer): Promise<void> {
    this.hash.update(data);
    this.size += data.length;
    let off = 0;
    while (off < data.length) {
      const n = data.copy(this.buf, this.fill, off);
      this.fill += n;
      off += n;
      if (this.fill === CHUNK_BYTES) await this.flush();
    }
  }

  private async flush(): Promise<void> {
    if (this.fill === 0) return;
    const data = this.fill === CHUNK_BYTES ? this.buf : this.buf.subarray(0, this.fill);
    if (this.objectId === undefined) {
      await this.made(() => poolQuery<{ id: string }>(
        this.pool,
        `WITH o AS (INSERT INTO content_object (temp_id) VALUES ($1) RETURNING id),
              c AS (INSERT INTO content_chunk (object_id, n, data) SELECT id, 0, $2 FROM o)
         SELECT id FROM o`,
        [this.tempId, data],
      ));
    } else {
      // touched_at keeps a slow but live upload from being swept as abandoned.
      await this.track(poolQuery(
        this.pool,
        `WITH c AS (INSERT INTO content_chunk (object_id, n, data) VALUES ($1, $2, $3))
         UPDATE content_object SET touched_at = clock_timestamp() WHERE id = $1`,
        [this.objectId, this.chunks, data],
      ));
    }
    this.chunks++;
    this.buf = Buffer.allocUnsafe(CHUNK_BYTES);
    this.fill = 0;
  }

  /**
   * Marks the content finished (size, chunks, sha256). Content that never filled a chunk gets its row, its one
   * chunk and these fields in one statement. Returns whether the temp row was (still) there.
   */
  async markFinished(sha256: string): Promise<boolean> {
    if (this.objectId === undefined) {
      const one = this.fill > 0;
      await this.made(() => poolQuery<{ id: string }>(
        this.pool,
        one
          ? `WITH o AS (INSERT INTO content_object (temp_id, finished, size, chunks, sha256) VALUES ($1, true, $2, 1, $3) RETURNING id),
                  c AS (INSERT INTO content_chunk (object_id, n, data) SELECT id, 0, $4 FROM o)
             SELECT id FROM o`
          : 'INSERT INTO content_object (temp_id, finished, size, chunks, sha256) VALUES ($1, true, $2, 0, $3) RETURNING id',
        one ? [this.tempId, this.size, sha256, this.buf.subarray(0, this.fill)] : [this.tempId, this.size, sha256],
      ));
      if (one) this.chunks = 1;
      return true;
    }
    const res = await this.track(poolQuery(
      this.pool,
      `UPDATE content_object SET finished = true, size = $2, chunks = $3, sha256 = $4, touched_at = clock_timestamp()
        WHERE id = $1 AND temp_id IS NOT NULL`,
      [this.objectId, this.size, this.chunks, sha256],
    ));
    return res.rowCount === 1;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.append(chunk).then(() => cb(), cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    // Content still without a row is written by markFinished, in one statement with its row.
    if (this.objectId === undefined) cb();
    else this.flush().then(() => cb(), cb);
  }
}

/** Reads a blob one chunk row at a time, asking for the next only when the consumer wants more. */
class ChunkReader extends Readable {
  private objectId: string | undefined;
  private total = 0;
  private next = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly blobRef: string,
    /** Which handle blobRef is: a persisted blob_ref, or the temp_id of finished temp content. */
    private readonly by: 'blob_ref' | 'temp_id' = 'blob_ref',
  ) {
    super({ highWaterMark: 64 * 1024 });
  }

  override _construct(cb: (e?: Error | null) => void): void {
    (async () => {
      assertId('blobRef', this.blobRef);
      const { rows } = await poolQuery<{ id: string; chunks: number }>(
        this.pool,
        `SELECT id, chunks FROM content_object WHERE ${this.by} = $1${this.by === 'temp_id' ? ' AND finished' : ''}`,
        [this.blobRef],
      );
      if (!rows[0]) throw new Error(`Inhoud ${this.blobRef} bestaat niet`);
      this.objectId = rows[0].id;
      this.total = rows[0].chunks;
    })().then(() => cb(), (e: Error) => cb(e));
  }

  override _read(): void {
    if (this.next >= this.total) {
      this.push(null);
      return;
    }
    const n = this.next++;
    // Text (hex) result format on purpose: pg decodes binary column values as UTF-8 text, which corrupts bytes.
    const query: pg.QueryConfig = { text: 'SELECT data FROM content_chunk WHERE object_id = $1 AND n = $2', values: [this.objectId, n] };
    this.pool
      .query<{ data: Buffer }>(query)
      .then(
        ({ rows }) => {
          // A missing chunk means the blob was removed while it was being read.
          if (!rows[0]) throw new Error(`Inhoud ${this.blobRef} is tijdens het lezen verwijderd`);
          this.push(rows[0].data);
        },
      )
      .catch((e: unknown) => this.destroy(translate(e) as Error));
  }
}

/** How many persisted temp ids PgContentStore remembers to skip their discard. */
const MAX_REMEMBERED_PERSISTS = 10_000;

export class PgContentStore implements DocumentContentStore {
  /** Temp content this process is still writing; sweepTemp leaves it alone. */
  private readonly active = new Map<string, ChunkWriter>();
  /**
   * Temp ids persisted since: the dispatcher discards every temp of a bericht afterwards, and for these that
   * DELETE would find nothing (a round trip for nothing). Bounded: when full it is emptied, and a discard of an
   * id no longer in it just runs the harmless DELETE.
   */
  private readonly persisted = new Set<string>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly assertOpen: () => void,
  ) {}

  async createTemp(): Promise<TempContentWriter> {
    this.assertOpen();
    const tempId = newId();
    const writer = new ChunkWriter(this.pool, tempId);
    this.active.set(tempId, writer);
    let finishing: Promise<{ size: number; sha256: string }> | undefined;
    const finish = async (): Promise<{ size: number; sha256: string }> => {
      try {
        if (!writer.writableEnded) writer.end();
        await finished(writer);
        const sha256 = writer.hash.digest('hex');
        if (!(await writer.markFinished(sha256))) throw new Error(`Tijdelijke inhoud ${tempId} bestaat niet meer`);
        return { size: writer.size, sha256 };
      } finally {
        this.active.delete(tempId);
      }
    };
    return {
      tempId,
      stream: writer,
      // Idempotent, like the filesystem store: a second call gets the same result.
      finish: () => (finishing ??= finish()),
      abort: () => this.discardTemp(tempId),
    };
  }

  async persist(tempId: string): Promise<string> {
    assertId('tempId', tempId);
    this.assertOpen();
    if (this.active.has(tempId)) throw new Error(`Tijdelijke inhoud ${tempId} is nog niet afgerond`);
    const blobRef = newId();
    const res = await poolQuery(
      this.pool,
      'UPDATE content_object SET temp_id = NULL, blob_ref = $2 WHERE temp_id = $1 AND finished',
      [tempId, blobRef],
    );
    if (res.rowCount === 0) throw new Error(`Tijdelijke inhoud ${tempId} bestaat niet`);
    if (this.persisted.size >= MAX_REMEMBERED_PERSISTS) this.persisted.clear();
    this.persisted.add(tempId);
    return blobRef;
  }

  async discardTemp(tempId: string): Promise<void> {
    assertId('tempId', tempId);
    const writer = this.active.get(tempId);
    if (writer) {
      this.active.delete(tempId);
      // A statement in flight may still make the row: delete after it. No row yet and none coming: nothing to delete.
      await writer.discard();
      if (writer.objectId === undefined) return;
    }
    this.assertOpen();
    if (this.persisted.delete(tempId)) return; // it is a blob now: no temp row left to delete
    // Chunk rows go with it (ON DELETE CASCADE). A chunk insert still in flight fails on the missing parent.
    await poolQuery(this.pool, 'DELETE FROM content_object WHERE temp_id = $1', [tempId]);
  }

  open(blobRef: string): Readable {
    return new ChunkReader(this.pool, blobRef);
  }

  openTemp(tempId: string): Readable {
    return new ChunkReader(this.pool, tempId, 'temp_id');
  }

  async remove(blobRef: string): Promise<void> {
    assertId('blobRef', blobRef);
    this.assertOpen();
    await poolQuery(this.pool, 'DELETE FROM content_object WHERE blob_ref = $1', [blobRef]);
  }

  /**
   * Remove blobs no document version references (left by a process that died between persist() and the commit
   * that would have referenced them), in batches. Only blobs last touched more than minAgeMs ago (database clock).
   */
  async sweepOrphans(minAgeMs: number): Promise<number> {
    this.assertOpen();
    let removed = 0;
    for (;;) {
      const res = await run(
        this.pool,
        `DELETE FROM content_object WHERE id IN (
           SELECT o.id FROM content_object o
            WHERE o.blob_ref IS NOT NULL AND o.touched_at < clock_timestamp() - $1 * interval '1 millisecond'
              AND NOT EXISTS (SELECT 1 FROM document_version v WHERE v.blob_ref = o.blob_ref)
            LIMIT $2)`,
        [Math.max(0, Math.trunc(minAgeMs)), ORPHAN_BATCH],
      ).catch((e: unknown) => {
        throw translate(e);
      });
      removed += res.rowCount ?? 0;
      if ((res.rowCount ?? 0) < ORPHAN_BATCH) return removed;
    }
  }

  async sweepTemp(maxAgeMs: number): Promise<number> {
    this.assertOpen();
    // The database clock decides the age, so instances with skewed clocks agree on what is stale.
    const res = await run(
      this.pool,
      `DELETE FROM content_object
        WHERE temp_id IS NOT NULL AND touched_at < clock_timestamp() - $1 * interval '1 millisecond'
          AND NOT (temp_id = ANY ($2::text[]))`,
      [Math.max(0, Math.trunc(maxAgeMs)), [...this.active.keys()]],
    ).catch((e: unknown) => {
      throw translate(e);
    });
    return res.rowCount ?? 0;
  }
}
