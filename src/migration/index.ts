/**
 * Migrating from a legacy ZDS zaaksysteem without a big bang: everything the server and the CLI need, wired
 * from the configuration. The new side is whatever backend Zaakpoort is configured with.
 */
import type { Config, MigrationConfig, MigrationMode } from '../config.js';
import type { Clock } from '../stuf/dates.js';
import { applySnapshot, fetchSnapshot, syncDocument } from './copy-zaak.js';
import { cutOver, type CutoverResult, legacyZaken } from './cutover.js';
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

  /**
   * Copy zaken from the legacy system to the new side ahead of their first touch (a backfill before cut-over):
   * one zaak, or every zaak of a zaaktype. Zaken the new side has already, or that the outbox still holds work
   * for (that work must come first), are left alone.
   */
  async copy(what: { zaak: string } | { zaaktype: string }): Promise<{ copied: string[]; present: string[]; queued: string[]; unknown: string[] }> {
    const ids = 'zaak' in what ? [what.zaak] : await legacyZaken({ legacy: this.legacy, vraag: this.vraag }, what.zaaktype);
    const out = { copied: [] as string[], present: [] as string[], queued: [] as string[], unknown: [] as string[] };
    for (const id of ids) {
      if (await this.deps.side.backend.store.getZaak(id)) {
        out.present.push(id);
        continue;
      }
      if ((await this.store.pendingFor(id)) > 0) {
        out.queued.push(id);
        continue;
      }
      const snapshot = await fetchSnapshot(this.legacy, this.vraag, this.deps.side, id);
      if (!snapshot) out.unknown.push(id);
      else out[(await applySnapshot(this.deps.side, snapshot, this.deps.clock.now(), this.deps.config.timeZone)) === 'copied' ? 'copied' : 'present'].push(id);
    }
    return out;
  }

  async cutOver(zaaktype: string, opts: { dryRun?: boolean } = {}): Promise<CutoverResult> {
    const result = await cutOver({ legacy: this.legacy, vraag: this.vraag, side: this.deps.side, store: this.store, now: () => this.deps.clock.now() }, zaaktype, opts);
    if (result.done) await this.router.refreshOverrides();
    return result;
  }
}
