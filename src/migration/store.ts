/**
 * Zaakpoort's own migration state, in the local SQL store: the outbox (work the new backend still has to do,
 * retried until it succeeds), a small index zaak → zaaktype and document → zaak (for routing), the mode overrides a cut-over
 * records, and the shadow comparison's findings. SQLite: its own file `migration.sqlite` next to the embedded
 * store (so the outbox keeps working while the new side is down). PostgreSQL: tables `migration_*` in
 * Zaakpoort's schema, shared by every instance. Both speak the same SQL through the small Sql interface below.
 */
import path from 'node:path';
import type pg from 'pg';
import type { Config, MigrationMode } from '../config.js';
import { openConnection, type Db } from '../backends/sqlite/connection.js';
import { createPool } from '../backends/postgres/pool.js';

/** Statements are written with $1, $2, ... (each used once, in order); SQLite gets them as ?. */
interface Sql {
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<number>;
  /** Run fn while holding the outbox worker lock; false (fn not run) when another instance holds it. */
  exclusive(fn: () => Promise<void>): Promise<boolean>;
  close(): Promise<void>;
}

/** bericht: carry a kennisgeving out; kopie: write a zaak snapshot; document: sync a document from the legacy system. */
export type OutboxKind = 'bericht' | 'kopie' | 'document';

export interface NewOutboxEntry {
  kind: OutboxKind;
  operation: string;
  zaakIdentificatie?: string;
  zaaktype?: string;
  /** With referentienummer: a bericht is queued once (a resend to the legacy system does not queue it again). */
  zenderKey?: string;
  referentienummer?: string;
  /** bericht: the SOAP 1.1 envelope as received (document content inline); kopie: the snapshot as JSON; document: its identificatie. */
  payload: string;
  soapAction: string;
  endpointPort?: string;
  /** The first failure, when the new side refused or failed right away. */
  lastError?: string;
}

export interface OutboxEntry extends NewOutboxEntry {
  id: number;
  createdAt: string;
  attempts: number;
  nextAttemptAt: string;
}

export interface OutboxStatus {
  pending: number;
  oldestAt?: string;
  /** The entry at the head of the queue when it has failed at least once (it blocks the ones after it). */
  failing?: { id: number; operation: string; zaakIdentificatie?: string; attempts: number; lastError?: string; nextAttemptAt: string };
}

export interface ShadowDifference {
  path: string;
  legacy?: string;
  nieuw?: string;
}

export interface ShadowRecord {
  id?: number;
  at: string;
  operation: string;
  zaakIdentificatie?: string;
  zaaktype?: string;
  differences: ShadowDifference[];
}

export interface ModeOverride {
  zaaktype: string;
  mode: MigrationMode;
  at: string;
  reason: string;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS migration_outbox (
     id %SERIAL% PRIMARY KEY,
     created_at TEXT NOT NULL,
     kind TEXT NOT NULL,
     operation TEXT NOT NULL,
     zaak_identificatie TEXT,
     zaaktype TEXT,
     zender_key TEXT,
     referentienummer TEXT,
     payload TEXT NOT NULL,
     soap_action TEXT NOT NULL,
     endpoint_port TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at TEXT NOT NULL,
     last_error TEXT,
     UNIQUE (zender_key, referentienummer)
   )`,
  `CREATE TABLE IF NOT EXISTS migration_zaak (
     identificatie TEXT PRIMARY KEY,
     zaaktype TEXT NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS migration_document (
     identificatie TEXT PRIMARY KEY,
     zaak_identificatie TEXT NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS migration_mode_override (
     zaaktype TEXT PRIMARY KEY,
     mode TEXT NOT NULL,
     at TEXT NOT NULL,
     reason TEXT NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS migration_shadow (
     id %SERIAL% PRIMARY KEY,
     at TEXT NOT NULL,
     operation TEXT NOT NULL,
     zaak_identificatie TEXT,
     zaaktype TEXT,
     differences TEXT NOT NULL
   )`,
];

export const MIGRATION_SQLITE_FILE = 'migration.sqlite';

function sqliteSql(dataDir: string): Sql {
  const db: Db = openConnection(path.join(dataDir, MIGRATION_SQLITE_FILE));
  const prepare = (sql: string) => db.prepare(sql.replace(/\$\d+/g, '?'));
  return {
    async all<T>(sql: string, params: unknown[] = []) {
      return prepare(sql).all(...params) as T[];
    },
    async run(sql, params = []) {
      return prepare(sql).run(...params).changes;
    },
    // One process per SQLite store: the caller's own in-process guard is enough.
    async exclusive(fn) {
      await fn();
      return true;
    },
    async close() {
      db.close();
    },
  };
}

/** With the schema's hash: the outbox worker of one instance at a time holds it, per Zaakpoort schema. */
const OUTBOX_LOCK_KEY = 7_131_300;

function postgresSql(pool: pg.Pool): Sql {
  return {
    async all<T>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async run(sql, params = []) {
      return (await pool.query(sql, params)).rowCount ?? 0;
    },
    async exclusive(fn) {
      const c = await pool.connect();
      try {
        const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext(current_schema())) AS ok', [OUTBOX_LOCK_KEY]);
        if (!rows[0]?.ok) return false;
        try {
          await fn();
        } finally {
          await c.query('SELECT pg_advisory_unlock($1, hashtext(current_schema()))', [OUTBOX_LOCK_KEY]);
        }
        return true;
      } finally {
        c.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

interface OutboxRow {
  id: number | string;
  created_at: string;
  kind: OutboxKind;
  operation: string;
  zaak_identificatie: string | null;
  zaaktype: string | null;
  zender_key: string | null;
  referentienummer: string | null;
  payload: string;
  soap_action: string;
  endpoint_port: string | null;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
}

function entryFrom(r: OutboxRow): OutboxEntry {
  const e: OutboxEntry = {
    id: Number(r.id),
    createdAt: r.created_at,
    kind: r.kind,
    operation: r.operation,
    payload: r.payload,
    soapAction: r.soap_action,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
  };
  if (r.zaak_identificatie) e.zaakIdentificatie = r.zaak_identificatie;
  if (r.zaaktype) e.zaaktype = r.zaaktype;
  if (r.zender_key) e.zenderKey = r.zender_key;
  if (r.referentienummer) e.referentienummer = r.referentienummer;
  if (r.endpoint_port) e.endpointPort = r.endpoint_port;
  if (r.last_error) e.lastError = r.last_error;
  return e;
}

export class MigrationStore {
  private constructor(private readonly sql: Sql) {}

  /** Open (and create) the tables in the local SQL store the configuration names. */
  static async open(config: Config): Promise<MigrationStore> {
    let sql: Sql;
    let serial: string;
    if (config.backend.kind === 'postgres') {
      const b = config.backend;
      sql = postgresSql(createPool(b.url, b.schema ?? 'zaakpoort', { max: 3, statementTimeoutMs: b.statementTimeoutMs ?? 30_000 }));
      serial = 'BIGSERIAL';
    } else {
      sql = sqliteSql(config.dataDir);
      serial = 'INTEGER';
    }
    try {
      for (const stmt of SCHEMA) await sql.run(stmt.replace(/%SERIAL%/g, serial));
      await sql.run('CREATE INDEX IF NOT EXISTS migration_outbox_zaak ON migration_outbox (zaak_identificatie)');
    } catch (e) {
      await sql.close().catch(() => undefined);
      throw e;
    }
    return new MigrationStore(sql);
  }

  close(): Promise<void> {
    return this.sql.close();
  }

  exclusive(fn: () => Promise<void>): Promise<boolean> {
    return this.sql.exclusive(fn);
  }

  /** Queue work for the new side; undefined when this bericht (zender + referentienummer) is queued already. */
  async enqueue(e: NewOutboxEntry, now: Date): Promise<number | undefined> {
    const rows = await this.sql.all<{ id: number | string }>(
      `INSERT INTO migration_outbox (created_at, kind, operation, zaak_identificatie, zaaktype, zender_key, referentienummer,
         payload, soap_action, endpoint_port, attempts, next_attempt_at, last_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (zender_key, referentienummer) DO NOTHING RETURNING id`,
      [now.toISOString(), e.kind, e.operation, e.zaakIdentificatie ?? null, e.zaaktype ?? null, e.zenderKey ?? null,
        e.referentienummer ?? null, e.payload, e.soapAction, e.endpointPort ?? null, e.lastError ? 1 : 0, now.toISOString(), e.lastError ?? null],
    );
    return rows[0] ? Number(rows[0].id) : undefined;
  }

  /** The oldest queued entry (the queue is worked strictly in order). */
  async head(): Promise<OutboxEntry | undefined> {
    const rows = await this.sql.all<OutboxRow>('SELECT * FROM migration_outbox ORDER BY id LIMIT 1');
    return rows[0] ? entryFrom(rows[0]) : undefined;
  }

  async hasPending(): Promise<boolean> {
    return (await this.sql.all('SELECT 1 AS x FROM migration_outbox LIMIT 1')).length > 0;
  }

  async pendingFor(zaakIdentificatie: string): Promise<number> {
    const rows = await this.sql.all<{ n: number | string }>('SELECT COUNT(*) AS n FROM migration_outbox WHERE zaak_identificatie = $1', [zaakIdentificatie]);
    return Number(rows[0]?.n ?? 0);
  }

  /** Entries in queue order, without their payload. */
  async list(limit = 100): Promise<Array<Omit<OutboxEntry, 'payload'>>> {
    const rows = await this.sql.all<OutboxRow>('SELECT * FROM migration_outbox ORDER BY id LIMIT $1', [limit]);
    return rows.map((r) => {
      const { payload: _payload, ...rest } = entryFrom(r);
      return rest;
    });
  }

  async done(id: number): Promise<void> {
    await this.sql.run('DELETE FROM migration_outbox WHERE id = $1', [id]);
  }

  async failed(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    await this.sql.run('UPDATE migration_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3',
      [error.slice(0, 2000), nextAttemptAt.toISOString(), id]);
  }

  /** Retry the head now (after the beheerder fixed the cause). */
  async retryNow(now: Date): Promise<number> {
    return this.sql.run('UPDATE migration_outbox SET next_attempt_at = $1', [now.toISOString()]);
  }

  /** Drop an entry the beheerder decided not to carry out; returns whether it existed. */
  async discard(id: number): Promise<boolean> {
    return (await this.sql.run('DELETE FROM migration_outbox WHERE id = $1', [id])) > 0;
  }

  async status(): Promise<OutboxStatus> {
    const [count] = await this.sql.all<{ n: number | string; oldest: string | null }>('SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM migration_outbox');
    const head = await this.head();
    const out: OutboxStatus = { pending: Number(count?.n ?? 0) };
    if (count?.oldest) out.oldestAt = count.oldest;
    if (head && head.attempts > 0) {
      out.failing = { id: head.id, operation: head.operation, attempts: head.attempts, nextAttemptAt: head.nextAttemptAt };
      if (head.zaakIdentificatie) out.failing.zaakIdentificatie = head.zaakIdentificatie;
      if (head.lastError) out.failing.lastError = head.lastError;
    }
    return out;
  }

  async rememberZaaktype(zaakIdentificatie: string, zaaktype: string): Promise<void> {
    await this.sql.run(
      'INSERT INTO migration_zaak (identificatie, zaaktype) VALUES ($1, $2) ON CONFLICT (identificatie) DO UPDATE SET zaaktype = excluded.zaaktype',
      [zaakIdentificatie, zaaktype],
    );
  }

  async zaaktypeOf(zaakIdentificatie: string): Promise<string | undefined> {
    const rows = await this.sql.all<{ zaaktype: string }>('SELECT zaaktype FROM migration_zaak WHERE identificatie = $1', [zaakIdentificatie]);
    return rows[0]?.zaaktype;
  }

  async rememberDocumentZaak(documentIdentificatie: string, zaakIdentificatie: string): Promise<void> {
    await this.sql.run(
      'INSERT INTO migration_document (identificatie, zaak_identificatie) VALUES ($1, $2) ON CONFLICT (identificatie) DO NOTHING',
      [documentIdentificatie, zaakIdentificatie],
    );
  }

  async zaakOfDocument(documentIdentificatie: string): Promise<string | undefined> {
    const rows = await this.sql.all<{ zaak_identificatie: string }>('SELECT zaak_identificatie FROM migration_document WHERE identificatie = $1', [documentIdentificatie]);
    return rows[0]?.zaak_identificatie;
  }

  async setOverride(o: ModeOverride): Promise<void> {
    await this.sql.run(
      `INSERT INTO migration_mode_override (zaaktype, mode, at, reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT (zaaktype) DO UPDATE SET mode = excluded.mode, at = excluded.at, reason = excluded.reason`,
      [o.zaaktype, o.mode, o.at, o.reason],
    );
  }

  async overrides(): Promise<ModeOverride[]> {
    return this.sql.all<ModeOverride>('SELECT zaaktype, mode, at, reason FROM migration_mode_override ORDER BY zaaktype');
  }

  async recordShadow(r: ShadowRecord): Promise<void> {
    await this.sql.run('INSERT INTO migration_shadow (at, operation, zaak_identificatie, zaaktype, differences) VALUES ($1, $2, $3, $4, $5)',
      [r.at, r.operation, r.zaakIdentificatie ?? null, r.zaaktype ?? null, JSON.stringify(r.differences)]);
  }

  /** Recorded differences, newest first. */
  async shadowRecords(opts: { since?: string; limit?: number; zaaktype?: string } = {}): Promise<ShadowRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (opts.since) {
      params.push(opts.since);
      where.push(`at >= $${params.length}`);
    }
    if (opts.zaaktype) {
      params.push(opts.zaaktype);
      where.push(`zaaktype = $${params.length}`);
    }
    params.push(opts.limit ?? 100);
    const rows = await this.sql.all<{ id: number | string; at: string; operation: string; zaak_identificatie: string | null; zaaktype: string | null; differences: string }>(
      `SELECT * FROM migration_shadow ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      at: r.at,
      operation: r.operation,
      ...(r.zaak_identificatie ? { zaakIdentificatie: r.zaak_identificatie } : {}),
      ...(r.zaaktype ? { zaaktype: r.zaaktype } : {}),
      differences: JSON.parse(r.differences) as ShadowDifference[],
    }));
  }
}
