/** SqlStore on the PostgreSQL backend: `?` placeholders become $1, $2, ...; writes share one transaction. */
import type pg from 'pg';
import type { SqlStatement, SqlStore, SqlValue, SqlWriteResult } from '../../ports/sql-store.js';
import { poolQuery, withClient } from './pool.js';
import { run } from './sql.js';

/** Our own SQL only: it never has a `?` inside a string literal. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export class PgSqlStore implements SqlStore {
  readonly dialect = 'postgres';
  /** The identity columns are sequences; lastval() is the one this session's previous INSERT drew. */
  readonly lastInsertId = 'lastval()';

  constructor(
    private readonly pool: pg.Pool,
    private readonly assertOpen: () => void,
  ) {}

  async query<R extends object>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    this.assertOpen();
    return (await poolQuery<R & pg.QueryResultRow>(this.pool, numbered(sql), [...params])).rows;
  }

  async write(statements: readonly SqlStatement[]): Promise<SqlWriteResult[]> {
    this.assertOpen();
    return withClient(this.pool, async (client) => {
      await client.query('BEGIN');
      try {
        const results: SqlWriteResult[] = [];
        for (const s of statements) {
          const r = await run(client, numbered(s.sql), [...(s.params ?? [])]);
          results.push({ changes: r.rowCount ?? 0, rows: r.rows });
        }
        await client.query('COMMIT');
        return results;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }
}
