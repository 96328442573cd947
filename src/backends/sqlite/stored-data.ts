/**
 * The SQLite store's mark for data from berichten without a valid schema verdict (ports/index.ts
 * StoredDataRecord). Read on the reader connection per vraag (one indexed row, a few µs): another process on the
 * same database file (a second server, a CLI tool) may have set it, so it is not kept in memory while unset.
 */
import type { StoredDataRecord } from '../../ports/index.js';
import type { StatementCache } from './connection.js';
import type { SqliteZaakStore } from './store.js';
import { UNVALIDATED_MARK as MARK } from '../store-mark.js';

export class SqliteStoredData implements StoredDataRecord {
  /** Once set it stays set: no need to read it again. */
  private marked = false;

  constructor(
    private readonly store: SqliteZaakStore,
    private readonly writer: StatementCache,
    private readonly reader: StatementCache,
  ) {}

  async allValidated(): Promise<boolean> {
    if (this.marked) return false;
    await this.store.beforeRead();
    this.marked = this.reader.get('SELECT 1 AS hit FROM store_mark WHERE name = ?').get(MARK) !== undefined;
    return !this.marked;
  }

  async markUnvalidated(reason: string): Promise<void> {
    if (this.marked) return;
    await this.store.exclusiveWrite(() => {
      this.writer
        .get('INSERT INTO store_mark (name, set_at, reason) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING')
        .run(MARK, new Date().toISOString(), reason);
    });
    this.marked = true;
  }
}
