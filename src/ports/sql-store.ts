/**
 * Plain SQL on the backend's own database, for modules that keep tables of their own next to the zaken (the
 * message browser, the read audit). The tables come from the backend's migrations; callers write SQL that both
 * SQLite and PostgreSQL understand, with `?` placeholders (the PostgreSQL store numbers them).
 */
export type SqlValue = string | number | null;

export interface SqlStatement {
  sql: string;
  params?: readonly SqlValue[];
}

export interface SqlWriteResult {
  changes: number;
  rows: Array<Record<string, unknown>>;
}

export interface SqlStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** Rows of one read; committed data only. */
  query<R extends object>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /** Several writes in one transaction; per statement its changed row count and the rows of a RETURNING clause. */
  write(statements: readonly SqlStatement[]): Promise<SqlWriteResult[]>;
  /** SQL for the id the previous INSERT in this transaction generated. */
  readonly lastInsertId: string;
}
