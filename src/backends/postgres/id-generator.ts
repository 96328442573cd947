/**
 * Identificaties from per-(kind, scope) counters in id_sequence. Each reserve() is one short transaction on its
 * own connection: the counter row is locked (INSERT … ON CONFLICT DO UPDATE locks it), the next free value is
 * recorded in id_reservation, the counter advanced, and only after COMMIT is the value returned. Instances on
 * the same database queue on that row lock, so they never hand out the same value. Values that already exist
 * (made by hand by a caller) are skipped.
 */
import type pg from 'pg';
import { formatGeneratedIdentificatie, yearInTimeZone } from '../../domain/identificatie.js';
import type { IdKind } from '../../domain/model.js';
import type { IdGenerator } from '../../ports/id-generator.js';
import { type IdGeneratorOptions, MAX_ID_SKIPS, OBJECT_TABLE, noFreeIdentificatie, sequencePosition, sequenceScope } from '../id-sequence.js';
import { poolQuery, withClient } from './pool.js';
import { run } from './sql.js';

export type PgIdGeneratorOptions = IdGeneratorOptions;

export class PgIdGenerator implements IdGenerator {
  constructor(
    private readonly pool: pg.Pool,
    private readonly assertOpen: () => void,
    private readonly opts: PgIdGeneratorOptions,
  ) {}

  async reserve(kind: IdKind, reservedBy: string | undefined): Promise<string> {
    this.assertOpen();
    const template = this.opts.idTemplates[kind];
    if (!template) throw new Error(`Geen identificatiesjabloon voor ${kind}`);
    // A separate connection and transaction, also when called inside a store transaction: the counter lock is
    // held for a few statements only, and the value survives even if the caller's transaction rolls back.
    return withClient(this.pool, async (c) => {
      await c.query('BEGIN');
      try {
        const value = await this.next(c, kind, template, reservedBy);
        await c.query('COMMIT');
        return value;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  private async next(c: pg.PoolClient, kind: IdKind, template: string, reservedBy: string | undefined): Promise<string> {
    const scopeOf = (at: Date) => sequenceScope(template, at, this.opts.timeZone);
    let at = this.opts.now();
    let scope = scopeOf(at);
    const locked = await run<{ last_value: string }>(
      c,
      `INSERT INTO id_sequence (kind, scope, last_value) VALUES ($1, $2, 0)
       ON CONFLICT (kind, scope) DO UPDATE SET last_value = id_sequence.last_value RETURNING last_value`,
      [kind, scope],
    );
    // Read the clock again once the lock is held: the year must match the moment the value is issued.
    at = this.opts.now();
    if (scopeOf(at) !== scope) return this.next(c, kind, template, reservedBy);
    const jaar = yearInTimeZone(at, this.opts.timeZone);
    const last = Number(locked.rows[0]!.last_value);
    for (let volgnummer = last + 1; volgnummer <= last + MAX_ID_SKIPS; volgnummer++) {
      const value = formatGeneratedIdentificatie(kind, template, { gemeentecode: this.opts.gemeentecode, jaar, volgnummer });
      // Check and record in one statement: skipped when the value exists as an object or was reserved before.
      const inserted = await run(
        c,
        `INSERT INTO id_reservation (kind, value, reserved_at, reserved_by)
         SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM ${OBJECT_TABLE[kind]} WHERE identificatie = $2)
         ON CONFLICT (kind, value) DO NOTHING`,
        [kind, value, at.toISOString(), reservedBy ?? null],
      );
      if (inserted.rowCount === 0) continue;
      await run(c, 'UPDATE id_sequence SET last_value = $3 WHERE kind = $1 AND scope = $2', [kind, scope, volgnummer]);
      return value;
    }
    throw noFreeIdentificatie(kind, template);
  }

  async ensureAbove(kind: IdKind, value: string): Promise<boolean> {
    this.assertOpen();
    const at = sequencePosition(this.opts, kind, value);
    if (!at) return false;
    // One statement: the row lock makes it safe next to reserve() on other instances.
    await poolQuery(
      this.pool,
      `INSERT INTO id_sequence (kind, scope, last_value) VALUES ($1, $2, $3)
       ON CONFLICT (kind, scope) DO UPDATE SET last_value = GREATEST(id_sequence.last_value, excluded.last_value)`,
      [kind, at.scope, at.volgnummer],
    );
    return true;
  }

  async isReserved(kind: IdKind, value: string): Promise<boolean> {
    this.assertOpen();
    const { rows } = await poolQuery(this.pool, 'SELECT 1 FROM id_reservation WHERE kind = $1 AND value = $2', [kind, value]);
    return rows.length > 0;
  }
}
