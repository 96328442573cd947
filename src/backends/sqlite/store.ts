/**
 * ZaakStore on two connections: writes go through one writer connection, one transaction at a time (an
 * in-process mutex, since transaction bodies await I/O); plain reads use a separate reader connection, which in
 * WAL mode sees only committed data and is never blocked by the writer.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { StoreWriter, ZaakStore } from '../../ports/zaak-store.js';
import type { StatementCache } from './connection.js';
import { AsyncMutex } from './mutex.js';
import { SqliteReader } from './reader.js';
import { SqliteWriter } from './writer.js';

/** Shared between the store and its readers so that use after close() fails clearly. */
export interface Lifecycle {
  closed: boolean;
}

interface TxState {
  active: boolean;
}

function assertOpen(life: Lifecycle): void {
  if (life.closed) throw new Error('De SQLite-opslag is gesloten');
}

export class SqliteZaakStore extends SqliteReader implements ZaakStore {
  private readonly mutex = new AsyncMutex();
  /** Marks the async context of a running transaction body, to recognise re-entrant calls. */
  private readonly txContext = new AsyncLocalStorage<TxState>();

  constructor(
    private readonly writer: StatementCache,
    reader: StatementCache,
    private readonly life: Lifecycle,
    private readonly now: () => Date,
  ) {
    super(reader, () => assertOpen(life));
  }

  private insideTransaction(): boolean {
    return this.txContext.getStore()?.active === true;
  }

  async transaction<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T> {
    // The writer connection has one transaction at a time; a nested call would wait for itself forever.
    if (this.insideTransaction()) throw new Error('transaction() mag niet binnen een andere transaction() worden aangeroepen');
    return this.mutex.run(async () => {
      assertOpen(this.life);
      const db = this.writer.db;
      const state: TxState = { active: true };
      const tx = new SqliteWriter(
        this.writer,
        () => {
          assertOpen(this.life);
          // Without this, a write after COMMIT would silently autocommit outside any transaction.
          if (!state.active) throw new Error('Deze transactie is al afgesloten');
        },
        this.now,
      );
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await this.txContext.run(state, () => fn(tx));
        db.exec('COMMIT');
        return result;
      } catch (e) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw e;
      } finally {
        state.active = false;
      }
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
    return this.mutex.run(() => {
      assertOpen(this.life);
      return db.transaction(fn).immediate();
    });
  }

  async ping(): Promise<void> {
    assertOpen(this.life);
    this.sql.get('SELECT 1 AS ok').get();
  }

  async close(): Promise<void> {
    if (this.insideTransaction()) throw new Error('close() mag niet binnen een transactie worden aangeroepen');
    // Waits for the running transaction (and queued ones) to finish before closing.
    await this.mutex.run(() => {
      if (this.life.closed) return;
      this.life.closed = true;
      this.writer.db.close();
      this.sql.db.close();
    });
  }
}
