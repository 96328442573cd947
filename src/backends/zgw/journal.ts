/**
 * The durable journal of ZGW units of work. ZGW has no transactions: one ZDS bericht becomes several calls, and
 * a crash between them would leave a half-made zaak. Before (or, for a created resource, right after) each call
 * the unit writes down how to undo it; when the unit completes its entry is removed. At start-up every entry
 * still open belongs to a unit that never completed: it is undone, unless the message log shows the bericht was
 * answered (then it did complete, and only the journal entry is dropped).
 *
 * Kept in its own small SQLite file under dataDir, next to the local state store, in WAL mode: an undo is on
 * stable storage before the ZGW call it guards is sent, so it survives power loss and an OS crash too, not only a
 * crash of Zaakpoort. SQLite runs with synchronous=NORMAL (no fsync inside COMMIT, which would block the event
 * loop: better-sqlite3 is synchronous) and the durable writes await an fdatasync of the WAL file on libuv's
 * thread pool instead (WalGroupSync, shared with the SQLite backend): entries committed in the same tick, or while
 * a sync runs, share one sync. Writes whose loss is harmless (the unit's begin row, a look-up turned into a plain
 * delete, the end of a unit whose answer is in the local message log) do not wait for a sync: the WAL is appended
 * in order, so the next sync carries them too.
 * Limitation: with the local state in PostgreSQL (several Zaakpoort instances) each instance still keeps its own
 * journal file, so an instance's unfinished units are recovered when that instance starts again.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { type SyncFile, WalGroupSync, fdatasyncOffThread } from '../sqlite/wal-sync.js';
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
  /** Resolves, with the step's number for replace() and forget(), once the entry is on stable storage. */
  record(id: string, undo: Undo): Promise<number>;
  /** The step turned out different (a POST answered: its "look for it" undo becomes a plain delete). */
  replace(seq: number, undo: Undo): void;
  /** The step needs no undo after all (a POST that was refused made nothing). */
  forget(seq: number): Promise<void>;
  updateIntent(id: string, intent: UnitIntent): void;
  release(id: string): void;
  /**
   * The unit is done: its entry goes. Durable unless `answerLogged`: then the bericht's answer is already on
   * stable storage in the local message log, and an entry that came back after a power loss would only be dropped
   * at the next start (recovery finds the answer), never undone.
   */
  end(id: string, opts?: { answerLogged?: boolean }): Promise<void>;
  open(): OpenUnit[];
  close(): Promise<void>;
}

export const JOURNAL_FILE = 'zgw-journal.sqlite';

export class SqliteUnitJournal implements UnitJournal {
  readonly active = new Set<string>();
  private readonly db: Database.Database;
  /** The off-thread fdatasync of the WAL; undefined when there is no WAL file to sync (then SQLite syncs: FULL). */
  private readonly walSync: WalGroupSync | undefined;
  private closing: Promise<void> | undefined;
  private readonly stmts: {
    begin: Database.Statement;
    intent: Database.Statement;
    record: Database.Statement;
    replace: Database.Statement;
    forget: Database.Statement;
    endSteps: Database.Statement;
    endUnit: Database.Statement;
  };

  constructor(dataDir: string, private readonly now: () => Date = () => new Date(), syncFile: SyncFile = fdatasyncOffThread) {
    const file = path.join(dataDir, JOURNAL_FILE);
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
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
    // The WAL file exists once the schema statements above have run. NORMAL: COMMIT writes the WAL without
    // syncing it; durable() does that off the main thread. Without the file SQLite must sync itself (FULL).
    this.walSync = WalGroupSync.open(`${file}-wal`, syncFile);
    this.db.pragma(this.walSync ? 'synchronous = NORMAL' : 'synchronous = FULL');
  }

  /** Resolves when every write committed so far is on stable storage. */
  private durable(): Promise<void> {
    return this.walSync?.durable() ?? Promise.resolve();
  }

  /** Not synced by itself: a unit without undos has nothing to recover, and its first undo's sync carries it. */
  begin(id: string, intent: UnitIntent): void {
    this.active.add(id);
    this.stmts.begin.run(id, this.now().toISOString(), JSON.stringify(intent));
  }

  /** The unit stopped running in this process (completed, undone, or left for the sweep). */
  release(id: string): void {
    this.active.delete(id);
  }

  /** Durable: the caller sends the call this entry guards only after it resolved. */
  async record(id: string, undo: Undo): Promise<number> {
    const seq = Number(this.stmts.record.run(id, JSON.stringify(undo)).lastInsertRowid);
    await this.durable();
    return seq;
  }

  /** Not synced by itself: should it be lost, the look-up it replaced finds the same resource. */
  replace(seq: number, undo: Undo): void {
    this.stmts.replace.run(JSON.stringify(undo), seq);
  }

  /** Durable: a look-up that came back after a power loss could find a resource that existed before the refused POST. */
  async forget(seq: number): Promise<void> {
    this.stmts.forget.run(seq);
    await this.durable();
  }

  /** The durability settings in force (tests check them). */
  pragmas(): { journalMode: string; synchronous: number } {
    return { journalMode: String(this.db.pragma('journal_mode', { simple: true })), synchronous: Number(this.db.pragma('synchronous', { simple: true })) };
  }

  /** Not synced by itself (the intent names the bericht from the start; this only repeats it). */
  updateIntent(id: string, intent: UnitIntent): void {
    this.stmts.intent.run(JSON.stringify(intent), id);
  }

  /**
   * Durable, unless the answer was logged: a completed unit without a logged answer that came back after a power
   * loss would be undone. With the answer logged the next sync carries the deletion (the WAL is appended in order).
   */
  async end(id: string, opts: { answerLogged?: boolean } = {}): Promise<void> {
    this.active.delete(id);
    this.db.transaction(() => {
      this.stmts.endSteps.run(id);
      this.stmts.endUnit.run(id);
    })();
    if (!opts.answerLogged) await this.durable();
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

  /** Waits for the syncs asked for, then closes the file (closing the database checkpoints and syncs it). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.walSync?.close();
      this.db.close();
    })();
    return this.closing;
  }
}
