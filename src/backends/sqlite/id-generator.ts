/**
 * The SQLite side of the identificatie blocks (see ../id-blocks.ts). A block is taken in the group commit, so it
 * shares its fsync with the messages committed in the same batch; the per-value check before a value is handed
 * out is a read on the reader connection (committed data, never blocked by the writer).
 */
import type { IdKind } from '../../domain/model.js';
import { BlockIdGenerator, type BlockIdGeneratorOptions, type Numbered, type SequenceStore } from '../id-blocks.js';
import { OBJECT_TABLE } from '../id-sequence.js';
import type { StatementCache } from './connection.js';
import type { SqliteZaakStore } from './store.js';

export type SqliteIdGeneratorOptions = BlockIdGeneratorOptions;

class SqliteSequenceStore implements SequenceStore {
  constructor(
    private readonly store: SqliteZaakStore,
    private readonly writer: StatementCache,
    private readonly reader: StatementCache,
  ) {}

  takeBlock(kind: IdKind, scope: string, size: number, at: Date, format: (volgnummer: number) => string): Promise<Numbered[]> {
    return this.store.groupWrite(() => {
      const sql = this.writer;
      const last =
        (sql.get('SELECT last_value FROM id_sequence WHERE kind = ? AND scope = ?').get(kind, scope) as { last_value: number } | undefined)
          ?.last_value ?? 0;
      sql
        .get(
          `INSERT INTO id_sequence (kind, scope, last_value) VALUES (?, ?, ?)
           ON CONFLICT (kind, scope) DO UPDATE SET last_value = excluded.last_value`,
        )
        .run(kind, scope, last + size);
      const record = sql.get(
        `INSERT INTO id_reservation (kind, value, reserved_at, reserved_by) VALUES (?, ?, ?, NULL)
         ON CONFLICT (kind, value) DO NOTHING`,
      );
      const got: Numbered[] = [];
      for (let volgnummer = last + 1; volgnummer <= last + size; volgnummer++) {
        const value = format(volgnummer);
        if (record.run(kind, value, at.toISOString()).changes === 1) got.push({ volgnummer, value });
      }
      return got;
    });
  }

  async probe(kind: IdKind, scope: string, value: string): Promise<{ floor: number; exists: boolean }> {
    // Through the store's guard, so a closed backend fails clearly.
    await this.store.beforeRead();
    const row = this.reader
      .get(
        `SELECT coalesce((SELECT floor_value FROM id_sequence WHERE kind = ? AND scope = ?), 0) AS floor,
                EXISTS (SELECT 1 FROM ${OBJECT_TABLE[kind]} WHERE identificatie = ?) AS taken`,
      )
      .get(kind, scope, value) as { floor: number; taken: number };
    return { floor: row.floor, exists: row.taken === 1 };
  }

  async raiseFloor(kind: IdKind, scope: string, volgnummer: number): Promise<void> {
    await this.store.exclusiveWrite(() => {
      this.writer
        .get(
          `INSERT INTO id_sequence (kind, scope, last_value, floor_value) VALUES (?, ?, ?, ?)
           ON CONFLICT (kind, scope) DO UPDATE SET last_value = MAX(last_value, excluded.last_value),
                                                   floor_value = MAX(floor_value, excluded.floor_value)`,
        )
        .run(kind, scope, volgnummer, volgnummer);
    });
  }

  async isReserved(kind: IdKind, value: string): Promise<boolean> {
    await this.store.beforeRead();
    return this.reader.get('SELECT 1 AS hit FROM id_reservation WHERE kind = ? AND value = ?').get(kind, value) !== undefined;
  }

  joinsCallerTransaction(): boolean {
    return this.store.insideTransaction();
  }
}

export function createSqliteIdGenerator(
  store: SqliteZaakStore,
  writer: StatementCache,
  reader: StatementCache,
  opts: SqliteIdGeneratorOptions,
  assertOpen: () => void,
): BlockIdGenerator {
  return new BlockIdGenerator(new SqliteSequenceStore(store, writer, reader), opts, assertOpen);
}
