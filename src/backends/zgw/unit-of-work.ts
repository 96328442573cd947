/**
 * One ZDS bericht's ZGW calls as a unit: completed, or undone. Every change goes through create / patch /
 * remove, which journal how to undo it before the call is sent (for a POST: how to look for what it made, replaced
 * by the created resource's URL once it answers), so a crash at any point leaves a journal the next start can undo.
 * `final` calls (statussen: they cannot be deleted) are not undoable; the writer sends them last. On failure undo()
 * runs the undos backwards.
 */
import { randomUUID } from 'node:crypto';
import { type ZgwCall, type ZgwHttp, ZgwHttpError, ZgwUnreachableError } from './http.js';
import type { Undo, UnitIntent, UnitJournal } from './journal.js';

export type Log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

/** The ZGW resource answer shape every create returns. */
export interface ZgwResource {
  url: string;
  [k: string]: unknown;
}

/** A journalled undo: its journal step and the entry in the unit's list (creates may run in parallel). */
interface Noted {
  seq: number;
  undo: Undo;
}

export class UnitOfWork {
  readonly id = randomUUID();
  private readonly undos: Undo[] = [];
  private begun = false;
  /** Set once a call that cannot be undone succeeded. */
  private finalDone = false;
  /** ZGW calls made by this unit (the bench counts them). */
  calls = 0;
  /** Work deferred to the end of the bericht (documents: unlock, the combined PATCH of a check-in). */
  private readonly endWork: Array<() => Promise<void>> = [];
  /** Set by complete() and undo(): a call still waiting for its journal sync (a parallel one) must not go out. */
  private closed = false;
  /** The journal's copy of the intent holds the message key on stable storage (a durable write came after it). */
  private keyDurable = false;

  constructor(
    private readonly http: ZgwHttp,
    private readonly journal: UnitJournal,
    private intent: UnitIntent,
    private readonly log: Log,
  ) {}

  /** The bericht's message-log key: after a crash, a logged answer for it proves the unit completed. */
  setMessageKey(key: NonNullable<UnitIntent['messageKey']>): void {
    this.intent.messageKey = key;
    if (this.begun) this.journal.updateIntent(this.id, this.intent);
  }

  get hasChanges(): boolean {
    return this.undos.length > 0 || this.finalDone;
  }

  /**
   * Journal an undo (the unit's entry is begun with the first); resolves, with its place for renote/unnote, once
   * it is on stable storage (the call it guards goes out after that). Notes made in the same tick (parallel calls)
   * share one sync.
   */
  private async note(undo: Undo): Promise<Noted> {
    this.assertOpen();
    if (!this.begun) {
      this.journal.begin(this.id, this.intent);
      this.begun = true;
    }
    const keyWritten = this.intent.messageKey !== undefined;
    const seq = await this.journal.record(this.id, undo);
    // The sync that made this entry durable also carried the begin row or updateIntent written before it.
    if (keyWritten) this.keyDurable = true;
    // A parallel call failed while this one waited for its sync, and undo() already ran: do not send it.
    this.assertOpen();
    this.undos.push(undo);
    return { seq, undo };
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('ZGW: eenheid van werk is al afgesloten; de aanroep wordt niet meer verstuurd');
  }

  private renote(at: Noted, undo: Undo): void {
    this.journal.replace(at.seq, undo);
    this.undos[this.undos.indexOf(at.undo)] = undo;
  }

  private async unnote(at: Noted): Promise<void> {
    await this.journal.forget(at.seq);
    this.undos.splice(this.undos.indexOf(at.undo), 1);
  }

  /** A read inside the unit (counted, not journalled). */
  async read<T>(call: Omit<ZgwCall, 'method'>, opts: { allow404?: boolean } = {}): Promise<T | undefined> {
    this.calls++;
    const res = await this.http.json<T>({ ...call, method: 'GET' }, opts);
    return res.status === 404 ? undefined : res.body;
  }

  async list<T>(call: Omit<ZgwCall, 'method'>): Promise<T[]> {
    this.calls++;
    return this.http.listAll<T>(call);
  }

  /**
   * POST a new resource. `lost` says how to find it again (list + match): it is journalled BEFORE the POST, so
   * that a crash while the POST is in flight (sent, not yet answered) leaves a unit the next start undoes by
   * looking for the resource. Once the POST answers, that entry becomes a plain delete of the created URL; when
   * the POST was refused (an answer, not a lost one), the entry goes: a refused POST made nothing, and looking
   * would find (and delete) the resource that already existed, e.g. under a duplicate identificatie.
   */
  async create<T extends ZgwResource>(call: Omit<ZgwCall, 'method'>, what: string, lost?: Omit<Extract<Undo, { kind: 'deleteMatching' }>, 'kind' | 'api' | 'what'>): Promise<T> {
    this.calls++;
    const pending = lost ? await this.note({ kind: 'deleteMatching', api: call.api, what, ...lost }) : undefined;
    let res;
    try {
      res = await this.http.json<T>({ ...call, method: 'POST' });
    } catch (e) {
      // An answer was lost (timeout, dropped connection, 5xx): the POST may have taken effect, the look-up stays.
      if (pending && !(e instanceof ZgwUnreachableError && e.outcomeUnknown)) await this.unnote(pending);
      throw e;
    }
    const made: Undo = { kind: 'delete', api: call.api, url: res.body.url, what };
    if (pending) this.renote(pending, made);
    else await this.note(made);
    return res.body;
  }

  /** A POST whose effect another call undoes (lock → unlock): `undoOf` builds that undo from the answer. */
  async postWithUndo<T>(call: Omit<ZgwCall, 'method'>, undoOf: (answer: T) => Extract<Undo, { kind: 'post' }>): Promise<T> {
    this.calls++;
    const res = await this.http.json<T>({ ...call, method: 'POST' });
    await this.note(undoOf(res.body));
    return res.body;
  }

  /**
   * POST a resource that goes when its parent is deleted (rollen, statussen, ... of a zaak this unit created):
   * the parent's undo covers it, so nothing is journalled.
   */
  async child<T extends ZgwResource>(call: Omit<ZgwCall, 'method'>): Promise<T> {
    this.calls++;
    return (await this.http.json<T>({ ...call, method: 'POST' })).body;
  }

  /** PATCH, with the values before the change to put back on undo. */
  async patch<T>(call: Omit<ZgwCall, 'method'>, before: Record<string, unknown>, what: string): Promise<T> {
    await this.note({ kind: 'patch', api: call.api, url: call.url, body: before, what });
    this.calls++;
    return (await this.http.json<T>({ ...call, method: 'PATCH' })).body;
  }

  /** DELETE, with the body to create the resource again on undo (`collection` is where it is POSTed). */
  async remove(call: Omit<ZgwCall, 'method' | 'body'>, recreate: { collection: string; body: Record<string, unknown> } | undefined, what: string): Promise<void> {
    if (recreate) await this.note({ kind: 'create', api: call.api, url: recreate.collection, body: recreate.body, what, original: call.url });
    this.calls++;
    await this.http.json({ ...call, method: 'DELETE', idempotent: true }, { allow404: true });
  }

  /**
   * A call that cannot be undone (POST status). When its answer is lost, `verify` looks whether it took effect:
   * then the unit carries on as if it had answered; otherwise the error stands and the unit is undone.
   */
  async final<T>(call: Omit<ZgwCall, 'method'>, verify?: () => Promise<T | undefined>): Promise<T> {
    this.calls++;
    try {
      const res = await this.http.json<T>({ ...call, method: 'POST' });
      this.finalDone = true;
      return res.body;
    } catch (e) {
      if (e instanceof ZgwUnreachableError && e.outcomeUnknown && verify) {
        const found = await verify().catch(() => undefined);
        if (found !== undefined) {
          this.finalDone = true;
          return found;
        }
      }
      throw e;
    }
  }

  /**
   * Run fn when the bericht's own work is done, before the local state is committed (in registration order);
   * a failure there undoes the unit like any other.
   */
  atEnd(fn: () => Promise<void>): void {
    this.endWork.push(fn);
  }

  /** The deferred work (the store calls it once, after the operation's function returned). */
  async runAtEnd(): Promise<void> {
    while (this.endWork.length > 0) await this.endWork.shift()!();
  }

  /** Whether undo() can still remove every effect (no final call succeeded). */
  get undoable(): boolean {
    return !this.finalDone;
  }

  /**
   * Done: the journal entry goes (call after the local state, e.g. the message log, was committed).
   * `answerLogged`: that commit held the bericht's answer, so the entry's removal need not wait for a sync, as
   * long as the journal's entry names the bericht durably (else recovery could not find the answer and would undo).
   */
  async complete(opts: { answerLogged?: boolean } = {}): Promise<void> {
    this.closed = true;
    if (this.begun) await this.journal.end(this.id, { answerLogged: opts.answerLogged === true && this.keyDurable });
  }

  /** Undo everything recorded, newest first. Returns whether all undos succeeded (else the journal keeps them). */
  async undo(): Promise<boolean> {
    this.closed = true;
    const ok = await runUndos(this.http, this.undos, this.log);
    if (ok && this.begun) await this.journal.end(this.id);
    // Not fully undone: the journal keeps the rest for the periodic sweep and the next start.
    else if (this.begun) this.journal.release(this.id);
    return ok;
  }
}

/** Run undos newest first; each is tried with the idempotent-call retries. */
export async function runUndos(http: ZgwHttp, undos: Undo[], log: Log): Promise<boolean> {
  let ok = true;
  const deleted = new Set<string>();
  for (const u of [...undos].reverse()) {
    try {
      switch (u.kind) {
        case 'delete':
          if (deleted.has(u.url)) break;
          await http.json({ api: u.api, method: 'DELETE', url: u.url, idempotent: true, purpose: `${u.what} ongedaan maken` }, { allow404: true });
          deleted.add(u.url);
          break;
        case 'patch':
          await http.json({ api: u.api, method: 'PATCH', url: u.url, body: u.body, purpose: `${u.what} terugzetten` }, { allow404: true });
          break;
        case 'create': {
          // The DELETE may never have happened (it failed, or the crash came first): then there is nothing to restore.
          const still = u.original ? await http.json({ api: u.api, method: 'GET', url: u.original, purpose: `${u.what} controleren` }, { allow404: true }) : undefined;
          if (still && still.status !== 404) break;
          await http.json({ api: u.api, method: 'POST', url: u.url, body: u.body, purpose: `${u.what} herstellen` });
          break;
        }
        case 'post':
          await http.json({ api: u.api, method: 'POST', url: u.url, body: u.body, purpose: u.what }, { allow404: true });
          break;
        case 'deleteMatching': {
          const items = await http.listAll<Record<string, unknown>>({ api: u.api, url: u.url, query: u.query, purpose: `${u.what} zoeken om ongedaan te maken` });
          for (const item of items) {
            const url = String(item.url ?? '');
            if (!url || u.keep.includes(url) || deleted.has(url)) continue;
            if (!Object.entries(u.match).every(([k, v]) => String(item[k] ?? '') === v)) continue;
            await http.json({ api: u.api, method: 'DELETE', url, idempotent: true, purpose: `${u.what} ongedaan maken` }, { allow404: true });
            deleted.add(url);
          }
          break;
        }
      }
    } catch (e) {
      ok = false;
      log('error', 'ZGW: ongedaan maken mislukt; het journaal houdt de stap vast voor een volgende poging', {
        step: u.kind, what: u.what, error: e instanceof ZgwHttpError || e instanceof ZgwUnreachableError ? e.message : String(e),
      });
    }
  }
  return ok;
}
