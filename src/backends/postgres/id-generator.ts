/**
 * The PostgreSQL side of the identificatie blocks (see ../id-blocks.ts). A block is one short transaction on its
 * own connection, also when called inside a store transaction: the counter row is locked by the UPDATE that moves
 * it past the block, the block's values are recorded, and only after COMMIT are they handed out. Instances on the
 * same database queue on that row lock, so their blocks never overlap. The per-value check is one read.
 */
import type pg from 'pg';
import type { IdKind } from '../../domain/model.js';
import { BlockIdGenerator, type BlockIdGeneratorOptions, type Numbered, type SequenceStore } from '../id-blocks.js';
import { OBJECT_TABLE } from '../id-sequence.js';
import { poolQuery, withClient } from './pool.js';
import { run } from './sql.js';

export type PgIdGeneratorOptions = BlockIdGeneratorOptions;

class PgSequenceStore implements SequenceStore {
  constructor(private readonly pool: pg.Pool) {}

  takeBlock(kind: IdKind, scope: string, size: number, at: Date, format: (volgnummer: number) => string): Promise<Numbered[]> {
    return withClient(this.pool, async (c) => {
      await c.query('BEGIN');
      try {
        const moved = await run<{ last_value: string }>(
          c,
          `INSERT INTO id_sequence (kind, scope, last_value) VALUES ($1, $2, $3)
           ON CONFLICT (kind, scope) DO UPDATE SET last_value = id_sequence.last_value + $3 RETURNING last_value`,
          [kind, scope, size],
        );
        const first = Number(moved.rows[0]!.last_value) - size + 1;
        const block = Array.from({ length: size }, (_, i) => ({ volgnummer: first + i, value: format(first + i) }));
        const recorded = await run<{ value: string }>(
          c,
          `INSERT INTO id_reservation (kind, value, reserved_at, reserved_by)
           SELECT $1, v, $3, NULL FROM unnest($2::text[]) AS v
           ON CONFLICT (kind, value) DO NOTHING RETURNING value`,
          [kind, block.map((n) => n.value), at.toISOString()],
        );
        await c.query('COMMIT');
        const fresh = new Set(recorded.rows.map((r) => r.value));
        return block.filter((n) => fresh.has(n.value));
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  async probe(kind: IdKind, scope: string, value: string): Promise<{ floor: number; exists: boolean }> {
    const { rows } = await poolQuery<{ floor: string; taken: boolean }>(
      this.pool,
      `SELECT coalesce((SELECT floor_value FROM id_sequence WHERE kind = $1 AND scope = $2), 0) AS floor,
              EXISTS (SELECT 1 FROM ${OBJECT_TABLE[kind]} WHERE identificatie = $3) AS taken`,
      [kind, scope, value],
    );
    return { floor: Number(rows[0]!.floor), exists: rows[0]!.taken };
  }

  async raiseFloor(kind: IdKind, scope: string, volgnummer: number): Promise<void> {
    // One statement: the row lock orders it with the blocks other instances take.
    await poolQuery(
      this.pool,
      `INSERT INTO id_sequence (kind, scope, last_value, floor_value) VALUES ($1, $2, $3, $3)
       ON CONFLICT (kind, scope) DO UPDATE SET last_value = GREATEST(id_sequence.last_value, excluded.last_value),
                                               floor_value = GREATEST(id_sequence.floor_value, excluded.floor_value)`,
      [kind, scope, volgnummer],
    );
  }

  async isReserved(kind: IdKind, value: string): Promise<boolean> {
    const { rows } = await poolQuery(this.pool, 'SELECT 1 FROM id_reservation WHERE kind = $1 AND value = $2', [kind, value]);
    return rows.length > 0;
  }

  /** Blocks are taken on a connection of their own, never inside the caller's transaction. */
  joinsCallerTransaction(): boolean {
    return false;
  }
}

export function createPgIdGenerator(pool: pg.Pool, assertOpen: () => void, opts: PgIdGeneratorOptions): BlockIdGenerator {
  return new BlockIdGenerator(new PgSequenceStore(pool), opts, assertOpen);
}
