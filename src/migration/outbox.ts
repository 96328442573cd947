/**
 * The outbox worker: carries out on the new side what could not be done there when the legacy system accepted
 * it, strictly in order (an update must not overtake the copy or the creeerZaak it builds on). A failing entry
 * is retried with exponential backoff and blocks the ones after it; the status shows which one and why. With
 * PostgreSQL one instance at a time works the queue (an advisory lock).
 */
import type { Clock } from '../stuf/dates.js';
import { applySnapshot, type ZaakSnapshot } from './copy-zaak.js';
import { type NewSide, onNewSide, parseEnvelope } from './new-side.js';
import type { MigrationStore, OutboxEntry } from './store.js';
import type { Port } from '../stuf/messages.js';

type Log = (level: 'debug' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

export interface OutboxOptions {
  retryBaseMs: number;
  retryMaxMs: number;
  /** How often the worker looks for due entries on its own. */
  pollMs: number;
}

export type RunOutcome = 'empty' | 'waiting' | 'failed' | 'busy';

export class OutboxWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<RunOutcome>;
  private again = false;
  /** Entries carried out since start (for the status). */
  applied = 0;

  constructor(
    private readonly store: MigrationStore,
    private readonly side: NewSide,
    private readonly clock: Clock,
    private readonly timeZone: string,
    private readonly opts: OutboxOptions,
    private readonly log: Log,
    /** Sync one document from the legacy system (entries of kind 'document'). */
    private readonly syncDocument: (id: string) => Promise<unknown>,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.opts.pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Look at the queue soon (new work arrived); only while started (the CLI works the queue when asked). */
  kick(): void {
    if (!this.timer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runOnce().catch((e: unknown) => {
      this.log('warn', 'migratie: outbox niet te verwerken', { error: String(e) });
      return 'failed' as const;
    }).finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Wait for the run in progress, if any. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Carry out due entries in order until the queue is empty, the head is not due yet, or one fails. */
  runOnce(): Promise<RunOutcome> {
    // One run at a time in this process (the background worker and a beheerder's retry); store.exclusive keeps
    // other instances out.
    const run = this.serial.then(() => this.runExclusive());
    this.serial = run.catch(() => undefined);
    return run;
  }

  private serial: Promise<unknown> = Promise.resolve();

  private async runExclusive(): Promise<RunOutcome> {
    let outcome: RunOutcome = 'busy';
    const got = await this.store.exclusive(async () => {
      for (;;) {
        const head = await this.store.head();
        if (!head) {
          outcome = 'empty';
          return;
        }
        if (new Date(head.nextAttemptAt).getTime() > this.clock.now().getTime()) {
          outcome = 'waiting';
          return;
        }
        const error = await this.apply(head);
        if (error === undefined) {
          await this.store.done(head.id);
          this.applied++;
          continue;
        }
        const delay = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** Math.min(head.attempts, 30));
        await this.store.failed(head.id, error, new Date(this.clock.now().getTime() + delay));
        this.log('warn', 'migratie: outbox-item mislukt, wordt opnieuw geprobeerd', { id: head.id, operation: head.operation, attempts: head.attempts + 1, error });
        outcome = 'failed';
        return;
      }
    });
    return got ? outcome : 'busy';
  }

  /** undefined when done; else why not. */
  private async apply(e: OutboxEntry): Promise<string | undefined> {
    try {
      if (e.kind === 'document') {
        await this.syncDocument(e.payload);
        return undefined;
      }
      if (e.kind === 'kopie') {
        await applySnapshot(this.side, JSON.parse(e.payload) as ZaakSnapshot, this.clock.now(), this.timeZone);
        return undefined;
      }
      const req = await parseEnvelope(this.side, e.payload, e.soapAction, e.endpointPort as Port | undefined);
      // A resend of a bericht the new side already carried out gets its logged answer: that counts as done.
      return await onNewSide(() => this.side.dispatcher.dispatch(req));
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }
}
