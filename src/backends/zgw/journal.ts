/**
 * The durable journal of ZGW units of work. ZGW has no transactions: one ZDS bericht becomes several calls, and
 * a crash between them would leave a half-made zaak. Before (or, for a created resource, right after) each call
 * the unit writes down how to undo it; when the unit completes its entry is removed. At start-up every entry
 * still open belongs to a unit that never completed: it is undone, unless the message log shows the bericht was
 * answered (then it did complete, and only the journal entry is dropped).
 *
 * Kept in its own small SQLite file under dataDir, next to the local state store, in WAL mode with synchronous
 * FULL: an undo is fsynced before the ZGW call it guards is sent, so it survives power loss and an OS crash too,
 * not only a crash of Zaakpoort (with NORMAL a WAL commit is durable only at the next checkpoint). Writes whose
 * loss is harmless (the unit's begin row, a look-up turned into a plain delete) commit without their own fsync:
 * the WAL is appended in order, so the next fsynced commit carries them too.
 * Limitation: with the local state in PostgreSQL (several Zaakpoort instances) each instance still keeps its own
 * journal file, so an instance's unfinished units are recovered when that instance starts again.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type { TransactionIntent } from '../../ports/zaak-store.js';
import type { ZgwApi } from './http.js';

/** How to undo one ZGW call. */
export type Undo =
  /** A created resource: delete it (a 404 means it is gone already). */
  | { kind: 'delete'; api: ZgwApi; url: string; what: string }
  /** A changed resource: PATCH the fields back to the values read before the change. */
  | { kind: 'patch'; api: ZgwApi; url: string; body: Record<string, unknown>; what: string }
  /** A POST undone by another POST (a document lock: unlock with its lock value). */
  | { kind: 'post'; api: ZgwApi; url: string; body: Record<string, unknown>; what: string }
  /** A deleted resource: create it again from the body it had, unless `original` still exists (the DELETE did not happen). */
  | { kind: 'create'; api: ZgwApi; url: string; body: Record<string, unknown>; what: string; original?: string }
  /**
   * A POST whose answer was lost: it may have taken effect. List `url` with `query` and delete every item whose
   * fields equal `match` and whose url is not in `keep` (the items that existed before the unit).
   */
  | { kind: 'deleteMatching'; api: ZgwApi; url: string; query: Record<string, string>; match: Record<string, string>; keep: string[]; what: string };

/** The bericht a unit is for: when messageKey is set, a logged answer for it proves the unit completed. */
export type UnitIntent = TransactionIntent;

export interface OpenUnit {
  id: string;
  startedAt: string;
  intent: UnitIntent;
  /** In the order they were recorded; undo runs them backwards. */
  undos: Undo[];
}

export interface UnitJournal {
  /** Units running in this process right now: a sweep leaves them alone. */
  readonly active: Set<string>;
  begin(id: string, intent: UnitIntent): void;
  /** Returns the step's number, for replace() and forget(). */
  record(id: string, undo: Undo): number;
  /** The step turned out different (a POST answered: its "look for it" undo becomes a plain delete). */
  replace(seq: number, undo: Undo): void;
  /** The step needs no undo after all (a POST that was refused made nothing). */
  forget(seq: number): void;
  updateIntent(id: string, intent: UnitIntent): void;
  release(id: string): void;
  end(id: string): void;
  open(): OpenUnit[];
  close(): void;
}

export const JOURNAL_FILE = 'zgw-journal.sqlite';

export class SqliteUnitJournal implements UnitJournal {
  readonly active = new Set<string>();
  private readonly db: Database.Database;
  private readonly stmts: {
    begin: Database.Statement;
    intent: Database.Statement;
    record: Database.Statement;
    replace: Database.Statement;
    forget: Database.Statement;
    endSteps: Database.Statement;
    endUnit: Database.Statement;
  };

  constructor(dataDir: string, private readonly now: () => Date = () => new Date()) {
    this.db = new Database(path.join(dataDir, JOURNAL_FILE));
    this.db.pragma('journal_mode = WAL');
    // FULL: the WAL is fsynced at every commit, so an entry written before a ZGW call is on disk before the call
    // goes out (commit(false) drops that for writes whose loss is harmless).
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS unit (id TEXT PRIMARY KEY, started_at TEXT NOT NULL, intent TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS unit_undo (unit_id TEXT NOT NULL, seq INTEGER PRIMARY KEY AUTOINCREMENT, undo TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS unit_undo_unit ON unit_undo (unit_id);
    `);
    this.stmts = {
      begin: this.db.prepare('INSERT INTO unit (id, started_at, intent) VALUES (?, ?, ?)'),
      intent: this.db.prepare('UPDATE unit SET intent = ? WHERE id = ?'),
      record: this.db.prepare('INSERT INTO unit_undo (unit_id, undo) VALUES (?, ?)'),
      replace: this.db.prepare('UPDATE unit_undo SET undo = ? WHERE seq = ?'),
      forget: this.db.prepare('DELETE FROM unit_undo WHERE seq = ?'),
      endSteps: this.db.prepare('DELETE FROM unit_undo WHERE unit_id = ?'),
      endUnit: this.db.prepare('DELETE FROM unit WHERE id = ?'),
    };
  }

  /**
   * Commit fn's writes; `durable` ones are fsynced before this returns (FULL, the connection's resting mode), the
   * others are not (NORMAL for that commit), because a later durable commit flushes the WAL up to and including them.
   */
  private commit<T>(durable: boolean, fn: () => T): T {
    if (durable) return fn();
    this.db.pragma('synchronous = NORMAL');
    try {
      return fn();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  /** Not fsynced by itself: a unit without undos has nothing to recover, and its first undo's commit carries it. */
  begin(id: string, intent: UnitIntent): void {
    this.active.add(id);
    this.commit(false, () => this.stmts.begin.run(id, this.now().toISOString(), JSON.stringify(intent)));
  }

  /** The unit stopped running in this process (completed, undone, or left for the sweep). */
  release(id: string): void {
    this.active.delete(id);
  }

  record(id: string, undo: Undo): number {
    return Number(this.stmts.record.run(id, JSON.stringify(undo)).lastInsertRowid);
  }

  /** Not fsynced by itself: should it be lost, the look-up it replaced finds the same resource. */
  replace(seq: number, undo: Undo): void {
    this.commit(false, () => this.stmts.replace.run(JSON.stringify(undo), seq));
  }

  /** Durable: a look-up that came back after a power loss could find a resource that existed before the refused POST. */
  forget(seq: number): void {
    this.stmts.forget.run(seq);
  }

  /** The durability settings in force (tests check them). */
  pragmas(): { journalMode: string; synchronous: number } {
    return { journalMode: String(this.db.pragma('journal_mode', { simple: true })), synchronous: Number(this.db.pragma('synchronous', { simple: true })) };
  }

  /** Not fsynced by itself (the intent names the bericht from the start; this only repeats it). */
  updateIntent(id: string, intent: UnitIntent): void {
    this.commit(false, () => this.stmts.intent.run(JSON.stringify(intent), id));
  }

  /** Durable: a completed unit that came back after a power loss would be undone if its message-log entry was lost too. */
  end(id: string): void {
    this.active.delete(id);
    this.db.transaction(() => {
      this.stmts.endSteps.run(id);
      this.stmts.endUnit.run(id);
    })();
  }

  open(): OpenUnit[] {
    const units = (this.db.prepare('SELECT id, started_at, intent FROM unit ORDER BY started_at').all() as Array<{ id: string; started_at: string; intent: string }>)
      .filter((u) => !this.active.has(u.id));
    const undos = this.db.prepare('SELECT undo FROM unit_undo WHERE unit_id = ? ORDER BY seq');
    return units.map((u) => ({
      id: u.id,
      startedAt: u.started_at,
      intent: JSON.parse(u.intent) as UnitIntent,
      undos: (undos.all(u.id) as Array<{ undo: string }>).map((r) => JSON.parse(r.undo) as Undo),
    }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
