/**
 * Identificaties from per-(kind, scope) sequences in the database. A value is written to id_reservation in the
 * same transaction that advances the sequence, before it is returned, so it is never handed out twice, also
 * not after a restart. Values that already exist (made by hand by a caller) are skipped. The reservation is a
 * transaction of the group commit, so concurrent genereer berichten (and kennisgevingen) share its fsync.
 */
import { formatGeneratedIdentificatie, yearInTimeZone } from '../../domain/identificatie.js';
import type { IdKind } from '../../domain/model.js';
import type { IdGenerator } from '../../ports/id-generator.js';
import { type IdGeneratorOptions, MAX_ID_SKIPS, OBJECT_TABLE, noFreeIdentificatie, sequencePosition, sequenceScope } from '../id-sequence.js';
import type { StatementCache } from './connection.js';
import type { SqliteZaakStore } from './store.js';

export type SqliteIdGeneratorOptions = IdGeneratorOptions;

export class SqliteIdGenerator implements IdGenerator {
  constructor(
    private readonly store: SqliteZaakStore,
    private readonly writer: StatementCache,
    private readonly reader: StatementCache,
    private readonly opts: SqliteIdGeneratorOptions,
  ) {}

  async reserve(kind: IdKind, reservedBy: string | undefined): Promise<string> {
    const template = this.opts.idTemplates[kind];
    if (!template) throw new Error(`Geen identificatiesjabloon voor ${kind}`);
    // In the group commit: concurrent reservations (and the messages committed with them) share one fsync.
    return this.store.groupWrite(() => {
      // Read the clock inside the lock, so the year matches the moment the value is actually issued.
      const at = this.opts.now();
      const jaar = yearInTimeZone(at, this.opts.timeZone);
      const scope = sequenceScope(template, at, this.opts.timeZone);
      const sql = this.writer;
      const last =
        (sql.get('SELECT last_value FROM id_sequence WHERE kind = ? AND scope = ?').get(kind, scope) as
          | { last_value: number }
          | undefined)?.last_value ?? 0;
      const taken = sql.get(
        `SELECT EXISTS (SELECT 1 FROM id_reservation WHERE kind = ? AND value = ?)
             OR EXISTS (SELECT 1 FROM ${OBJECT_TABLE[kind]} WHERE identificatie = ?) AS taken`,
      );
      for (let volgnummer = last + 1; volgnummer <= last + MAX_ID_SKIPS; volgnummer++) {
        const value = formatGeneratedIdentificatie(kind, template, {
          gemeentecode: this.opts.gemeentecode,
          jaar,
          volgnummer,
        });
        if ((taken.get(kind, value, value) as { taken: number }).taken) continue;
        sql
          .get(
            `INSERT INTO id_sequence (kind, scope, last_value) VALUES (?, ?, ?)
             ON CONFLICT (kind, scope) DO UPDATE SET last_value = excluded.last_value`,
          )
          .run(kind, scope, volgnummer);
        sql
          .get('INSERT INTO id_reservation (kind, value, reserved_at, reserved_by) VALUES (?, ?, ?, ?)')
          .run(kind, value, at.toISOString(), reservedBy ?? null);
        return value;
      }
      throw noFreeIdentificatie(kind, template);
    });
  }

  async ensureAbove(kind: IdKind, value: string): Promise<boolean> {
    const at = sequencePosition(this.opts, kind, value);
    if (!at) return false;
    await this.store.exclusiveWrite(() => {
      this.writer
        .get(
          `INSERT INTO id_sequence (kind, scope, last_value) VALUES (?, ?, ?)
           ON CONFLICT (kind, scope) DO UPDATE SET last_value = MAX(last_value, excluded.last_value)`,
        )
        .run(kind, at.scope, at.volgnummer);
    });
    return true;
  }

  async isReserved(kind: IdKind, value: string): Promise<boolean> {
    // Through the store's guard, so a closed backend fails clearly.
    await this.store.ping();
    const row = this.reader.get('SELECT 1 AS hit FROM id_reservation WHERE kind = ? AND value = ?').get(kind, value);
    return row !== undefined;
  }
}
