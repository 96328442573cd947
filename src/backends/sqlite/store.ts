/**
 * ZaakStore on two connections: writes go through one writer connection, one batch of transactions at a time
 * (an in-process mutex, since transaction bodies await I/O; see transaction() for the group commit); plain reads
 * use a separate reader connection, which in WAL mode sees only committed data and is never blocked by the writer.
 * With a WalSync the fsync of each commit runs off the main thread (see wal-sync.ts): callers hear "committed"
 * and plain reads see the data only once it is durable.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { StoreWriter, ZaakStore } from '../../ports/zaak-store.js';
import type { StatementCache } from './connection.js';
import { AsyncMutex } from './mutex.js';
import { SqliteReader } from './reader.js';
import type { WalSync } from './wal-sync.js';
import { SqliteWriter } from './writer.js';

/** Shared between the store and its readers so that use after close() fails clearly. */
export interface Lifecycle {
  closed: boolean;
}

interface TxState {
  active: boolean;
}

interface QueuedTransaction {
  fn: (tx: StoreWriter) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** At most this many messages share one commit, so one slow batch cannot hold many answers back. */
const MAX_BATCH = 64;

function assertOpen(life: Lifecycle): void {
  if (life.closed) throw new Error('De SQLite-opslag is gesloten');
}

export class SqliteZaakStore extends SqliteReader implements ZaakStore {
  private readonly mutex = new AsyncMutex();
  /** Marks the async context of a running transaction body, to recognise re-entrant calls. */
  private readonly txContext = new AsyncLocalStorage<TxState>();
  private readonly queue: QueuedTransaction[] = [];
  private draining = false;

  constructor(
    private readonly writer: StatementCache,
    reader: StatementCache,
    private readonly life: Lifecycle,
    private readonly now: () => Date,
    /** Syncs the WAL after each COMMIT off the main thread; undefined: SQLite syncs inside COMMIT (synchronous=FULL). */
    private readonly walSync?: WalSync,
  ) {
    super(reader, () => {
      assertOpen(life);
      return walSync?.readable();
    });
  }

  /** Before a plain read on the reader connection: fails when closed, waits while a commit is not durable yet. */
  async beforeRead(): Promise<void> {
    assertOpen(this.life);
    await this.walSync?.readable();
  }

  /** Whether the caller runs inside a transaction body (a write now would join that transaction). */
  insideTransaction(): boolean {
    return this.txContext.getStore()?.active === true;
  }

  /**
   * Group commit: transactions that arrive while others are being committed wait in a queue and are then run
   * together, each in its own savepoint, under one BEGIN … COMMIT, so N messages cost one fsync instead of N.
   * A body that throws is rolled back to its savepoint alone; no caller hears "committed" before the COMMIT
   * that holds its work succeeded, so durability is the same as one transaction per message.
   */
  async transaction<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T> {
    // The writer connection has one transaction at a time; a nested call would wait for itself forever.
    if (this.insideTransaction()) throw new Error('transaction() mag niet binnen een andere transaction() worden aangeroepen');
    assertOpen(this.life);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn: fn as (tx: StoreWriter) => Promise<unknown>, resolve: resolve as (v: unknown) => void, reject });
      this.drain();
    });
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    void this.mutex
      .run(async () => {
        while (this.queue.length > 0) {
          // Let requests that are already waiting on I/O reach transaction() too, so the batch fills.
          await new Promise((r) => setImmediate(r));
          await this.runBatch(this.queue.splice(0, MAX_BATCH));
        }
      })
      .finally(() => {
        this.draining = false;
        if (this.queue.length > 0) this.drain();
      });
  }

  private async runBatch(batch: QueuedTransaction[]): Promise<void> {
    const db = this.writer.db;
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      assertOpen(this.life);
      db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    for (const item of batch) {
      const state: TxState = { active: true };
      const tx = new SqliteWriter(
        this.writer,
        () => {
          assertOpen(this.life);
          // Without this, a write after the body ended would land in another message's transaction.
          if (!state.active) throw new Error('Deze transactie is al afgesloten');
        },
        this.now,
      );
      db.exec('SAVEPOINT message');
      try {
        const value = await this.txContext.run(state, () => item.fn(tx));
        db.exec('RELEASE message');
        outcomes.push({ ok: true, value });
      } catch (error) {
        if (db.inTransaction) {
          db.exec('ROLLBACK TO message');
          db.exec('RELEASE message');
        }
        outcomes.push({ ok: false, error });
      } finally {
        state.active = false;
      }
    }
    try {
      await this.walSync?.beforeCommit();
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      for (const item of batch) item.reject(error);
      return;
    }
    const settle = (): void =>
      batch.forEach((item, i) => {
        const o = outcomes[i]!;
        if (o.ok) item.resolve(o.value);
        else item.reject(o.error);
      });
    // Not awaited: the next batch runs its bodies while this one's sync is on the thread pool.
    const durable = this.walSync?.afterCommit();
    if (!durable) return settle();
    durable.then(settle, (error: unknown) => {
      for (const item of batch) item.reject(error);
    });
  }

  /**
   * Run a synchronous write on the writer connection in its own immediate transaction, queued behind running
   * transactions. Called from inside a transaction body, it joins that transaction (as a savepoint) instead of
   * waiting for it, which would deadlock.
   */
  async exclusiveWrite<T>(fn: () => T): Promise<T> {
    const db = this.writer.db;
    if (this.insideTransaction()) {
      assertOpen(this.life);
      return db.transaction(fn)();
    }
    const done = await this.mutex.run(async () => {
      assertOpen(this.life);
      await this.walSync?.beforeCommit();
      const value = db.transaction(fn).immediate();
      return { value, durable: this.walSync?.afterCommit() };
    });
    // The sync runs outside the mutex, like a batch's.
    await done.durable;
    return done.value;
  }

  async pruneMessageLog(before: string, limit: number): Promise<number> {
    const sql = 'DELETE FROM message_log WHERE rowid IN (SELECT rowid FROM message_log WHERE at < ? LIMIT ?)';
    return this.exclusiveWrite(() => this.writer.get(sql).run(before, Math.max(0, Math.trunc(limit))).changes);
  }

  /**
   * A synchronous write that joins the group commit: outside a transaction it is queued as a transaction of its
   * own, so it shares the fsync with whatever is committed in the same batch; inside one it joins that one.
   */
  async groupWrite<T>(fn: () => T): Promise<T> {
    if (this.insideTransaction()) return this.exclusiveWrite(fn);
    return this.transaction(async () => fn());
  }

  async ping(): Promise<void> {
    assertOpen(this.life);
    this.sql.get('SELECT 1 AS ok').get();
  }

  async close(): Promise<void> {
    if (this.insideTransaction()) throw new Error('close() mag niet binnen een transactie worden aangeroepen');
    // Waits for the running transaction (and queued ones) to finish before closing.
    await this.mutex.run(async () => {
      if (this.life.closed) return;
      this.life.closed = true;
      // The last commit's sync finishes first: its callers are still waiting for it.
      await this.walSync?.close();
      this.writer.db.close();
      this.sql.db.close();
    });
  }
}
