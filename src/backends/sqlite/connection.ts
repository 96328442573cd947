/** Opening a better-sqlite3 connection with Zaakpoort's settings, and a per-connection statement cache. */
import Database from 'better-sqlite3';

export type Db = Database.Database;
export type Statement = Database.Statement;

export interface OpenOptions {
  readonly?: boolean;
  busyTimeoutMs?: number;
}

/** Page cache per connection, negative = KiB (SQLite's convention). */
export const PAGE_CACHE_KIB = -2000;

export function openConnection(file: string, opts: OpenOptions = {}): Db {
  const db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  try {
    // Wait for another process's write lock instead of failing at once.
    db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`);
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
    }
    // FULL: the WAL is fsynced at every commit, so an acknowledged message survives a power cut.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // better-sqlite3 builds SQLite with a 16 MB page cache per connection; SQLite's own default of 2 MB keeps the
    // hot index pages of our statements, and the OS file cache serves the rest (issue 14: resident memory).
    db.pragma(`cache_size = ${PAGE_CACHE_KIB}`);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Prepared statements are reused per connection (preparing costs more than running most of ours). */
export class StatementCache {
  private readonly cache = new Map<string, Statement>();
  constructor(readonly db: Db) {}

  get(sql: string): Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }
}

/** Which SQLite constraint an error reports, if any. */
export function constraintKind(e: unknown): 'unique' | 'foreignkey' | undefined {
  if (!(e instanceof Database.SqliteError)) return undefined;
  if (e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === 'SQLITE_CONSTRAINT_UNIQUE') return 'unique';
  if (e.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreignkey';
  return undefined;
}
