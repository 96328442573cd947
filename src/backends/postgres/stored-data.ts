/**
 * The PostgreSQL store's mark for data from berichten without a valid schema verdict (ports/index.ts
 * StoredDataRecord), one row in store_mark shared by every instance on the schema.
 *
 * The mark is read only inside the statement that reads the answer's data (getZaakDetails, all_validated): a
 * separate query per vraag costs a round trip as large as the answer check it saves (measured: 1,372 against
 * 1,403 req/s for geefZaakdetails at 8 clients). So allValidated() answers "not known" and the other vragen keep
 * their check.
 */
import type pg from 'pg';
import type { StoredDataRecord } from '../../ports/index.js';
import { UNVALIDATED_MARK } from '../store-mark.js';
import { poolQuery } from './pool.js';

export class PgStoredData implements StoredDataRecord {
  /** Set by this instance: no need to write it again (another instance's mark is seen by the reads). */
  private marked = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly assertOpen: () => void,
  ) {}

  async allValidated(): Promise<boolean> {
    return false;
  }

  /** Committed on its own before the bericht's write, so any snapshot that holds the data holds the mark. */
  async markUnvalidated(reason: string): Promise<void> {
    if (this.marked) return;
    this.assertOpen();
    await poolQuery(this.pool, 'INSERT INTO store_mark (name, set_at, reason) VALUES ($1, now(), $2) ON CONFLICT (name) DO NOTHING', [UNVALIDATED_MARK, reason]);
    this.marked = true;
  }
}

