/**
 * Background housekeeping, at start-up and then every `housekeepingIntervalMs`:
 * - the message log is pruned of entries older than `messageRetentionDays` (0: never), in small batches with a pause
 *   between them, so processing never waits long for it;
 * - what a crash left behind is removed: temp content (`.part` files, temp rows) nobody has written to for
 *   twice the request timeout plus a minute (no live upload can be that old: an upload must finish within the
 *   request timeout), and blobs that no document version references and that are as old (a blob is persisted
 *   just before the transaction that references it commits). Orphan blobs need a walk over every blob, so they
 *   are looked for at start-up and then once a day. On PostgreSQL one instance sweeps at a time.
 * Failures are logged and retried at the next run; they never stop the server.
 */
import type { Config } from './config.js';
import type { Backend } from './ports/index.js';
import { describeError } from './redact.js';
import type { Clock } from './stuf/dates.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Message-log entries deleted per statement. */
export const PRUNE_BATCH = 500;
const ORPHAN_SWEEP_EVERY_MS = DAY_MS;

export type HousekeepingLog = (level: 'debug' | 'info' | 'warn', msg: string, extra?: Record<string, unknown>) => void;

export interface HousekeepingReport {
  messagesPruned: number;
  tempRemoved: number;
  orphansRemoved: number;
}

export class Housekeeping {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<HousekeepingReport> | undefined;
  private lastOrphanSweep = -Infinity;
  private stopped = false;

  constructor(
    private readonly config: Pick<Config, 'messageRetentionDays' | 'housekeepingIntervalMs' | 'requestTimeoutMs'>,
    private readonly backend: Backend,
    private readonly clock: Clock,
    private readonly log: HousekeepingLog,
  ) {}

  /** Age after which temp content and unreferenced blobs count as left behind. */
  get leftoverAgeMs(): number {
    return 2 * this.config.requestTimeoutMs + 60_000;
  }

  /** Run once now (awaited), then in the background. */
  async start(): Promise<void> {
    await this.runOnce();
    if (this.stopped) return;
    this.timer = setInterval(() => this.tick(), this.config.housekeepingIntervalMs);
    this.timer.unref();
  }

  /** Stop the timer and wait for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** A full run that starts after the one in progress (if any) has ended, so it sees everything done before the call. */
  runOnce(): Promise<HousekeepingReport> {
    const previous = this.running;
    const next = (previous ? previous.catch(() => undefined) : Promise.resolve()).then(() => this.run());
    this.running = next;
    next.finally(() => {
      if (this.running === next) this.running = undefined;
    }).catch(() => undefined);
    return next;
  }

  /** The timer's run: skipped while one is still in progress, so slow runs never pile up. */
  private tick(): void {
    if (!this.running) void this.runOnce();
  }

  private async run(): Promise<HousekeepingReport> {
    const report: HousekeepingReport = { messagesPruned: 0, tempRemoved: 0, orphansRemoved: 0 };
    try {
      report.messagesPruned = await this.pruneMessages();
    } catch (e) {
      this.log('warn', 'berichtenlog opruimen mislukt', { error: describeError(e) });
    }
    try {
      const now = Date.now();
      const orphans = now - this.lastOrphanSweep >= ORPHAN_SWEEP_EVERY_MS;
      const swept = await this.backend.sweepLeftovers({ tempMaxAgeMs: this.leftoverAgeMs, orphanMinAgeMs: this.leftoverAgeMs, orphans });
      if (swept) {
        if (orphans) this.lastOrphanSweep = now;
        report.tempRemoved = swept.temp;
        report.orphansRemoved = swept.orphans;
      }
    } catch (e) {
      this.log('warn', 'achtergebleven tijdelijke inhoud opruimen mislukt', { error: describeError(e) });
    }
    if (report.messagesPruned || report.tempRemoved || report.orphansRemoved) this.log('info', 'opgeruimd', { ...report });
    return report;
  }

  private async pruneMessages(): Promise<number> {
    if (this.config.messageRetentionDays === 0) return 0; // 0 keeps the log for ever
    const before = new Date(this.clock.now().getTime() - this.config.messageRetentionDays * DAY_MS).toISOString();
    let total = 0;
    while (!this.stopped) {
      const n = await this.backend.store.pruneMessageLog(before, PRUNE_BATCH);
      total += n;
      if (n < PRUNE_BATCH) break;
      // Let waiting requests run between batches.
      await new Promise((r) => setImmediate(r));
    }
    return total;
  }
}
