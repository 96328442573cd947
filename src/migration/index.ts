/**
 * Migrating from a legacy ZDS zaaksysteem without a big bang: everything the server and the CLI need, wired
 * from the configuration. The new side is whatever backend Zaakpoort is configured with.
 */
import type { Config, MigrationConfig, MigrationMode } from '../config.js';
import type { Clock } from '../stuf/dates.js';
import { syncDocument } from './copy-zaak.js';
import { cutOver, type CutoverResult } from './cutover.js';
import { LegacyClient } from './legacy-client.js';
import type { VraagContext } from './legacy-vragen.js';
import { type NewSide, askNewSide } from './new-side.js';
import { OutboxWorker } from './outbox.js';
import { MigrationRouter } from './router.js';
import { MigrationStore, type ModeOverride, type OutboxStatus, type ShadowRecord } from './store.js';

export type { CutoverResult } from './cutover.js';
export type { ShadowRecord, ShadowDifference, OutboxStatus } from './store.js';

type Log = (level: 'debug' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

export interface MigrationDeps {
  config: Config & { migration: MigrationConfig };
  side: NewSide;
  clock: Clock;
  log?: Log;
}

export interface MigrationStatus {
  legacy: string;
  default: MigrationMode;
  shadow: boolean;
  outbox: OutboxStatus & { appliedSinceStart: number };
  overrides: ModeOverride[];
}

export interface ShadowReportQuery {
  since?: string;
  zaaktype?: string;
  limit?: number;
}

export class Migration {
  private constructor(
    readonly store: MigrationStore,
    readonly legacy: LegacyClient,
    readonly router: MigrationRouter,
    readonly outbox: OutboxWorker,
    private readonly deps: MigrationDeps,
    private readonly vraag: VraagContext,
  ) {}

  static async open(deps: MigrationDeps): Promise<Migration> {
    const { config, side, clock } = deps;
    const log = deps.log ?? (() => undefined);
    const m = config.migration;
    const store = await MigrationStore.open(config);
    const legacy = new LegacyClient({ legacy: m.legacy, content: side.backend.content, maxMessageBytes: config.maxMessageBytes, maxDepth: config.maxDepth });
    const vraag: VraagContext = { self: config.self, ontvanger: m.legacy.ontvanger ?? { applicatie: 'Zaaksysteem' }, clock, timeZone: config.timeZone };
    const retryBaseMs = m.outbox?.retryBaseMs ?? 1_000;
    const outbox = new OutboxWorker(store, side, clock, config.timeZone, { retryBaseMs, retryMaxMs: m.outbox?.retryMaxMs ?? 300_000, pollMs: Math.min(retryBaseMs, 5_000) }, log,
      (id) => syncDocument(legacy, vraag, side, id, clock.now()));
    const router = new MigrationRouter({ migration: m, senders: config.senders, legacy, vraag, side, store, outbox, clock, timeZone: config.timeZone, log });
    await router.refreshOverrides();
    return new Migration(store, legacy, router, outbox, deps, vraag);
  }

  /** Start the background outbox worker (the server does; the CLI works the queue when asked). */
  start(): void {
    this.outbox.start();
  }

  async close(): Promise<void> {
    await this.outbox.stop();
    await this.store.close();
  }

  async status(): Promise<MigrationStatus> {
    const m = this.deps.config.migration;
    return {
      legacy: m.legacy.url,
      default: m.default ?? 'translate',
      shadow: m.shadow ?? false,
      outbox: { ...(await this.store.status()), appliedSinceStart: this.outbox.applied },
      overrides: await this.store.overrides(),
    };
  }

  /** For /health: the same, or what went wrong reading it (health must answer whatever happens). */
  async health(): Promise<MigrationStatus | { error: string }> {
    return this.status().catch((e: unknown) => ({ error: `migratiestatus niet leesbaar: ${e instanceof Error ? e.message : String(e)}` }));
  }

  /**
   * The shadow comparison's findings, newest first: what the beheer message browser shows next to a bericht,
   * and what `npm run shadow-report` prints.
   */
  shadowReport(query: ShadowReportQuery = {}): Promise<ShadowRecord[]> {
    return this.store.shadowRecords(query);
  }

  /** Ask the new side a vraag (body XML) directly, whatever the mode: for a side-by-side view of one zaak. */
  async answerFromNewSide(bodyXml: string, soapAction = ''): Promise<{ ok: boolean; xml: string }> {
    const { result, xml } = await askNewSide(this.deps.side, bodyXml, soapAction);
    return { ok: result.kind === 'ok', xml };
  }

  async cutOver(zaaktype: string, opts: { dryRun?: boolean } = {}): Promise<CutoverResult> {
    const result = await cutOver({ legacy: this.legacy, vraag: this.vraag, side: this.deps.side, store: this.store, now: () => this.deps.clock.now() }, zaaktype, opts);
    if (result.done) await this.router.refreshOverrides();
    return result;
  }
}
