/**
 * ZaakStore on a PostgreSQL pool. Plain reads run on any pooled connection (autocommit, committed data only).
 * transaction(fn) holds one connection for BEGIN … COMMIT, so many transactions run side by side, also across
 * instances; row locks and unique constraints keep them apart.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import type { LoggedMessage, StoreWriter, ZaakStore } from '../../ports/zaak-store.js';
import { IN_FAILED_TRANSACTION, pgCode, translate } from './errors.js';
import { poolQuery, withClient } from './pool.js';
import { type Exec, PgReader } from './reader.js';
import { run } from './sql.js';
import { logMessageWith, PgWriter } from './writer.js';

export interface Lifecycle {
  closed: boolean;
}

const ROLLED_BACK = 'De transactie is teruggedraaid na een eerdere databasefout';

interface TxState {
  active: boolean;
}

export class PgZaakStore extends PgReader implements ZaakStore {
  /** Marks the async context of a running transaction body, to refuse nested transactions. */
  private readonly txContext = new AsyncLocalStorage<TxState>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly life: Lifecycle,
    private readonly now: () => Date,
  ) {
    super(poolExec(pool, life), false);
  }

  async transaction<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T> {
    assertOpen(this.life);
    // A nested call would take a second connection and commit independently of its parent: refuse it.
    if (this.txContext.getStore()?.active) throw new Error('transaction() mag niet binnen een andere transaction() worden aangeroepen');
    return withClient(this.pool, async (client) => {
      const state: TxState = { active: true };
      const exec: Exec = async (text, values) => {
        assertOpen(this.life);
        // Without this, a write after COMMIT would run on a connection that has gone back to the pool.
        if (!state.active) throw new Error('Deze transactie is al afgesloten');
        try {
          return await run(client, text, values);
        } catch (e) {
          throw translate(e);
        }
      };
      await client.query('BEGIN');
      try {
        const writer = new PgWriter(exec, this.now, (v) => client.escapeLiteral(v));
        const result = await this.txContext.run(state, () => fn(writer));
        state.active = false;
        // One round trip: the writes nothing waited for, then COMMIT (a simple query may hold several statements).
        const sent = await (client.query([...writer.beforeCommit, 'COMMIT'].join('; ')) as Promise<pg.QueryResult | pg.QueryResult[]>).catch((e: unknown) => {
          // A statement error the body caught left the transaction aborted: the statements in front of COMMIT are refused.
          if (pgCode(e) === IN_FAILED_TRANSACTION) throw new Error(ROLLED_BACK);
          throw e;
        });
        const done = Array.isArray(sent) ? sent[sent.length - 1]! : sent;
        // COMMIT of a transaction that hit an uncaught statement error silently rolls back instead.
        if (done.command === 'ROLLBACK') throw new Error(ROLLED_BACK);
        return result;
      } catch (e) {
        state.active = false;
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  /** One autocommit INSERT: one round trip, where transaction() takes three (BEGIN, INSERT, COMMIT). */
  async logMessageAlone(message: LoggedMessage): Promise<void> {
    await logMessageWith(this.exec, message);
  }

  async pruneMessageLog(before: string, limit: number): Promise<number> {
    assertOpen(this.life);
    const res = await run(
      this.pool,
      'DELETE FROM message_log WHERE ctid IN (SELECT ctid FROM message_log WHERE at < $1 LIMIT $2)',
      [before, Math.max(0, Math.trunc(limit))],
    ).catch((e: unknown) => {
      throw translate(e);
    });
    return res.rowCount ?? 0;
  }

  async ping(): Promise<void> {
    assertOpen(this.life);
    await poolQuery(this.pool, 'SELECT 1');
  }

  async close(): Promise<void> {
    if (this.txContext.getStore()?.active) throw new Error('close() mag niet binnen een transactie worden aangeroepen');
    if (this.life.closed) return;
    this.life.closed = true;
    // end() waits for checked-out connections (running transactions) to be released.
    await this.pool.end();
  }
}

function assertOpen(life: Lifecycle): void {
  if (life.closed) throw new Error('De PostgreSQL-opslag is gesloten');
}

function poolExec(pool: pg.Pool, life: Lifecycle): Exec {
  return async (text, values) => {
    assertOpen(life);
    try {
      return await run(pool, text, values);
    } catch (e) {
      throw translate(e);
    }
  };
}
