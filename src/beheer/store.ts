/**
 * The message browser's tables on the backend's own database (SqlStore): berichten, their BSN hashes, the read
 * audit. Writes are batched (one transaction per flush) so recording never costs a commit per request; reads
 * page by id (keyset), which every filter index ends with, so a page costs the same at row 10 and row 10 million.
 */
import type { SqlStatement, SqlStore, SqlValue } from '../ports/sql-store.js';
import type { BackendStep } from '../observability/steps.js';
import type { ObjectKind } from './xml-scan.js';

export interface BerichtDetail {
  soapVersion: '1.1' | '1.2';
  soapAction: string;
  /** Path the request was posted to (/zds or /zds/<port>); for a replay "replay". */
  path: string;
  httpStatus: number;
  /** Capped bodies; absent when not kept. */
  request?: string;
  response?: string;
  requestBytes: number;
  responseBytes: number;
  truncated: { request: boolean; response: boolean };
  /** Document content that passed (never the content itself). */
  documents: Array<{ direction: 'in' | 'out'; size: number; sha256?: string }>;
  steps: BackendStep[];
  /** Every identificatie found (the columns hold the first of each kind). */
  identificaties: Record<ObjectKind, string[]>;
  /** BSNs masked (last 4 digits), for the list; the full number is never kept outside the bodies. */
  bsnsMasked: string[];
  traceId?: string;
  faultstring?: string;
}

export interface BerichtRecord {
  at: number;
  zender: string;
  gebruiker?: string;
  operation: string;
  outcome: string;
  foutcode?: string;
  referentienummer?: string;
  zaakId?: string;
  documentId?: string;
  besluitId?: string;
  durationMs: number;
  replayOf?: number;
  bsnHashes: string[];
  detail: BerichtDetail;
}

export interface BerichtSummary {
  id: number;
  at: number;
  zender: string;
  gebruiker: string | null;
  operation: string;
  outcome: string;
  foutcode: string | null;
  referentienummer: string | null;
  zaakId: string | null;
  documentId: string | null;
  besluitId: string | null;
  durationMs: number;
  replayOf: number | null;
}

export interface Bericht extends BerichtSummary {
  detail: BerichtDetail;
}

export interface BerichtFilter {
  zender?: string;
  operation?: string;
  outcome?: string;
  foutcode?: string;
  zaak?: string;
  document?: string;
  besluit?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  to?: number;
  minDurationMs?: number;
  bsnHash?: string;
  /** Keyset: only ids below this. */
  beforeId?: number;
  limit: number;
}

export interface AuditEntry {
  at: number;
  zender: string;
  gebruiker?: string;
  operation: string;
  kind: ObjectKind;
  identificatie: string;
  berichtId?: number;
}

export interface AuditRow extends Omit<AuditEntry, 'gebruiker' | 'berichtId'> {
  id: number;
  gebruiker: string | null;
  berichtId: number | null;
}

export interface AuditFilter {
  identificatie?: string;
  gebruiker?: string;
  zender?: string;
  from?: number;
  to?: number;
  beforeId?: number;
  limit: number;
}

const SUMMARY_COLUMNS = `id, at, zender, gebruiker, operation, outcome, foutcode, referentienummer, zaak_id AS "zaakId",
  document_id AS "documentId", besluit_id AS "besluitId", duration_ms AS "durationMs", replay_of AS "replayOf"`;

/** PostgreSQL returns bigint as text. */
function summaryFromRow(r: Record<string, unknown>): BerichtSummary {
  return {
    ...(r as unknown as BerichtSummary),
    id: Number(r.id),
    at: Number(r.at),
    durationMs: Number(r.durationMs),
    replayOf: r.replayOf === null || r.replayOf === undefined ? null : Number(r.replayOf),
  };
}

const FLUSH_MS = 200;
const PRUNE_CHUNK = 5000;
/** Longer than any request may take (the request timeout is at most a few minutes) plus the flush delay. */
const ID_MARGIN_MS = 30 * 60 * 1000;
const MAX_PENDING = 500;
const MAX_QUEUE = 10_000;

export class BerichtStore {
  private pending: Array<{ record: BerichtRecord; audit: Omit<AuditEntry, 'berichtId'>[]; resolve: (id: number | undefined) => void }> = [];
  private pendingAudit: AuditEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Berichten dropped because the database could not keep up (reported in the log by the caller). */
  dropped = 0;

  constructor(
    readonly sql: SqlStore,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  /** Queue a bericht (and the reads it caused) for the next batch; resolves with its id once written. */
  add(record: BerichtRecord, audit: Omit<AuditEntry, 'berichtId'>[] = []): Promise<number | undefined> {
    if (this.pending.length >= MAX_QUEUE) {
      // The database cannot keep up: the answer goes out anyway, the bericht is not kept (said once per 1000).
      if (this.dropped++ % 1000 === 0) this.onError(new Error(`berichtenbrowser loopt achter: ${this.dropped} bericht(en) niet vastgelegd`));
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => {
      this.pending.push({ record, audit, resolve });
      this.schedule();
    });
  }

  /** Only the read audit (message recording switched off). */
  addAudit(entries: AuditEntry[]): void {
    if (entries.length === 0) return;
    this.pendingAudit.push(...entries);
    this.schedule();
  }

  private schedule(): void {
    if (this.pending.length >= MAX_PENDING) {
      void this.flush();
      return;
    }
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Write everything queued; also awaited on close and by tests before they look. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.writeBatch());
    return this.flushing;
  }

  private async writeBatch(): Promise<void> {
    const batch = this.pending.splice(0);
    const audit = this.pendingAudit.splice(0);
    if (batch.length === 0 && audit.length === 0) return;
    try {
      const ids = await this.insert(batch.map((b) => b.record));
      const rows = [...audit];
      batch.forEach((b, i) => rows.push(...b.audit.map((a) => ({ ...a, berichtId: ids[i] }))));
      if (rows.length > 0) await this.sql.write(rows.map(auditInsert));
      batch.forEach((b, i) => b.resolve(ids[i]));
    } catch (e) {
      this.onError(e);
      for (const b of batch) b.resolve(undefined);
    }
  }

  /** One transaction: each bericht with RETURNING id, its BSN hashes right after it (they need that id). */
  private async insert(records: BerichtRecord[]): Promise<number[]> {
    if (records.length === 0) return [];
    const statements: SqlStatement[] = [];
    const insertAt: number[] = [];
    for (const r of records) {
      insertAt.push(statements.length);
      statements.push({
        sql: `INSERT INTO bericht (at, zender, gebruiker, operation, outcome, foutcode, referentienummer, zaak_id, document_id,
                besluit_id, duration_ms, replay_of, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        params: [r.at, r.zender, r.gebruiker ?? null, r.operation, r.outcome, r.foutcode ?? null, r.referentienummer ?? null,
          r.zaakId ?? null, r.documentId ?? null, r.besluitId ?? null, Math.round(r.durationMs), r.replayOf ?? null,
          JSON.stringify(r.detail)],
      });
      for (const h of r.bsnHashes) {
        statements.push({ sql: `INSERT INTO bericht_bsn (bsn_hash, bericht_id) VALUES (?, ${this.sql.lastInsertId})`, params: [h] });
      }
    }
    const results = await this.sql.write(statements);
    return insertAt.map((i) => Number(results[i]!.rows[0]!.id));
  }

  async list(f: BerichtFilter): Promise<BerichtSummary[]> {
    // A period also bounds the ids, so the newest-first walk over an id index starts and stops near the period
    // instead of sorting every row in it.
    const ids = await this.idRange(f.from, f.to);
    const c = new Conditions()
      .add('zender = ?', f.zender)
      .add('operation = ?', f.operation)
      .add('outcome = ?', f.outcome)
      .add('foutcode = ?', f.foutcode)
      .add('zaak_id = ?', f.zaak)
      .add('document_id = ?', f.document)
      .add('besluit_id = ?', f.besluit)
      .add('at >= ?', f.from)
      .add('at <= ?', f.to)
      .add('id >= ?', ids.low)
      .add('id <= ?', ids.high)
      .add('duration_ms >= ?', f.minDurationMs)
      .add('id IN (SELECT bericht_id FROM bericht_bsn WHERE bsn_hash = ?)', f.bsnHash)
      .add('id < ?', f.beforeId);
    const rows = await this.sql.query<Record<string, unknown>>(
      `SELECT ${SUMMARY_COLUMNS} FROM bericht ${c.clause} ORDER BY id DESC LIMIT ?`,
      [...c.params, f.limit],
    );
    return rows.map(summaryFromRow);
  }

  /**
   * Ids grow in the order berichten are written, which follows their start time (at) up to the longest request;
   * the bounds are looked up with that margin, so they never cut off a bericht inside the period.
   */
  private async idRange(from: number | undefined, to: number | undefined): Promise<{ low?: number; high?: number }> {
    const out: { low?: number; high?: number } = {};
    if (from !== undefined) {
      const r = await this.sql.query<{ id: number | string }>('SELECT id FROM bericht WHERE at >= ? ORDER BY at LIMIT 1', [from - ID_MARGIN_MS]);
      out.low = r[0] ? Number(r[0].id) : Number.MAX_SAFE_INTEGER;
    }
    if (to !== undefined) {
      const r = await this.sql.query<{ id: number | string }>('SELECT id FROM bericht WHERE at <= ? ORDER BY at DESC LIMIT 1', [to + ID_MARGIN_MS]);
      out.high = r[0] ? Number(r[0].id) : 0;
    }
    return out;
  }

  async get(id: number): Promise<Bericht | undefined> {
    const rows = await this.sql.query<Record<string, unknown>>(`SELECT ${SUMMARY_COLUMNS}, detail FROM bericht WHERE id = ?`, [id]);
    const row = rows[0];
    if (!row) return undefined;
    return { ...summaryFromRow(row), detail: JSON.parse(String(row.detail)) as BerichtDetail };
  }

  /** The newest bericht that replays bericht `id`. */
  async latestReplayOf(id: number): Promise<number | undefined> {
    const rows = await this.sql.query<{ id: number | string }>('SELECT max(id) AS id FROM bericht WHERE replay_of = ?', [id]);
    return rows[0]?.id === null || rows[0]?.id === undefined ? undefined : Number(rows[0].id);
  }

  async listAudit(f: AuditFilter): Promise<AuditRow[]> {
    const c = new Conditions()
      .add('identificatie = ?', f.identificatie)
      .add('gebruiker = ?', f.gebruiker)
      .add('zender = ?', f.zender)
      .add('at >= ?', f.from)
      .add('at <= ?', f.to)
      .add('id < ?', f.beforeId);
    const rows = await this.sql.query<Record<string, unknown>>(
      `SELECT id, at, zender, gebruiker, operation, kind, identificatie, bericht_id AS "berichtId" FROM read_audit
       ${c.clause} ORDER BY id DESC LIMIT ?`,
      [...c.params, f.limit],
    );
    return rows.map((r) => ({
      ...(r as unknown as AuditRow),
      id: Number(r.id),
      at: Number(r.at),
      berichtId: r.berichtId === null ? null : Number(r.berichtId),
    }));
  }

  /**
   * Remove berichten and audit rows older than the retention; returns how many berichten went. In chunks, so
   * the writer (on SQLite the one for zaken too) is never held for long.
   */
  async prune(olderThan: number): Promise<number> {
    let removed = 0;
    for (;;) {
      // bericht_bsn rows go with their bericht (ON DELETE CASCADE).
      const [berichten, audit] = await this.sql.write([
        { sql: `DELETE FROM bericht WHERE id IN (SELECT id FROM bericht WHERE at < ? ORDER BY at LIMIT ${PRUNE_CHUNK})`, params: [olderThan] },
        { sql: `DELETE FROM read_audit WHERE id IN (SELECT id FROM read_audit WHERE at < ? ORDER BY at LIMIT ${PRUNE_CHUNK})`, params: [olderThan] },
      ]);
      removed += berichten?.changes ?? 0;
      if ((berichten?.changes ?? 0) < PRUNE_CHUNK && (audit?.changes ?? 0) < PRUNE_CHUNK) return removed;
    }
  }

  async getSetting(name: string): Promise<string | undefined> {
    const rows = await this.sql.query<{ value: string }>('SELECT value FROM beheer_setting WHERE name = ?', [name]);
    return rows[0]?.value;
  }

  /** Insert when absent; returns the value that is stored (another instance may have been first). */
  async ensureSetting(name: string, value: string): Promise<string> {
    await this.sql.write([{ sql: 'INSERT INTO beheer_setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', params: [name, value] }]);
    return (await this.getSetting(name)) ?? value;
  }
}

/** WHERE conditions with their parameters; a condition whose value is absent or '' is left out. */
class Conditions {
  private readonly parts: string[] = [];
  readonly params: SqlValue[] = [];

  add(sql: string, value: SqlValue | undefined): this {
    if (value !== undefined && value !== '') {
      this.parts.push(sql);
      this.params.push(value);
    }
    return this;
  }

  get clause(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

function auditInsert(a: AuditEntry): SqlStatement {
  return {
    sql: 'INSERT INTO read_audit (at, zender, gebruiker, operation, kind, identificatie, bericht_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
    params: [a.at, a.zender, a.gebruiker ?? null, a.operation, a.kind, a.identificatie, a.berichtId ?? null],
  };
}
