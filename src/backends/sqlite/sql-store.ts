/** SqlStore on the SQLite backend: reads on the read connection, writes queued on the writer like any transaction. */
import type { SqlStatement, SqlStore, SqlValue, SqlWriteResult } from '../../ports/sql-store.js';
import type { StatementCache } from './connection.js';
import type { SqliteZaakStore } from './store.js';

export class SqliteSqlStore implements SqlStore {
  readonly dialect = 'sqlite';
  readonly lastInsertId = 'last_insert_rowid()';

  constructor(
    private readonly store: SqliteZaakStore,
    private readonly writer: StatementCache,
    private readonly reader: StatementCache,
  ) {}

  async query<R extends object>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    await this.store.beforeRead();
    return this.reader.get(sql).all(...params) as R[];
  }

  write(statements: readonly SqlStatement[]): Promise<SqlWriteResult[]> {
    return this.store.exclusiveWrite(() =>
      statements.map((s) => {
        const stmt = this.writer.get(s.sql);
        const params = s.params ?? [];
        if (stmt.reader) {
          const rows = stmt.all(...params) as Array<Record<string, unknown>>;
          return { changes: rows.length, rows };
        }
        return { changes: stmt.run(...params).changes, rows: [] };
      }),
    );
  }
}
