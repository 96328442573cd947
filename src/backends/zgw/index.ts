/**
 * The ZGW backend (Open Zaak): zaken, documenten, besluiten and the catalogue live in the ZGW APIs; Zaakpoort's
 * own small state (message log, identificatie counters, journal) in the local SQLite or PostgreSQL backend.
 * At start-up the journal is replayed: units a crash interrupted are undone (or recognised as completed).
 */
import { mkdirSync } from 'node:fs';
import type { Backend, Catalogue } from '../../ports/index.js';
import { formatDatum } from '../../stuf/dates.js';
import { ZgwBesluiten } from './besluiten.js';
import { ZgwCatalogue } from './catalogue.js';
import { type ZgwSettings, rsinFor } from './config.js';
import type { ZgwContext } from './context.js';
import { ZgwDocuments } from './documents/index.js';
import { ZgwHttp } from './http.js';
import { ZgwIdGenerator } from './ids.js';
import { SqliteUnitJournal, type UnitJournal } from './journal.js';
import { ZgwJwt } from './jwt.js';
import { ZgwZaakStore } from './store.js';
import { type Log, runUndos } from './unit-of-work.js';

/** How often unfinished units (an undo that could not reach ZGW) are retried while running. */
const JOURNAL_SWEEP_MS = 60_000;

export interface ZgwBackendOptions {
  settings: ZgwSettings;
  /** The local state backend (already open); closed with this one. */
  local: Backend;
  dataDir: string;
  gemeentecode: string;
  timeZone: string;
  now?: () => Date;
  log?: Log;
  /** Tests shorten the retry backoff. */
  backoffMs?: number;
}

export interface ZgwBackend extends Backend {
  readonly store: ZgwZaakStore;
  readonly catalogue: Catalogue;
  readonly zgw: { context: ZgwContext; catalogue: ZgwCatalogue; documents: ZgwDocuments; besluiten: ZgwBesluiten };
}

/** Undo (or close) every unit the journal still holds. Returns how many were handled. */
export async function recoverJournal(ctx: ZgwContext): Promise<number> {
  let handled = 0;
  for (const unit of ctx.journal.open()) {
    const key = unit.intent.messageKey;
    if (key && (await ctx.local.store.getLoggedMessage(key.zenderKey, key.referentienummer))) {
      // The answer was logged, so the unit completed; only its journal entry was left.
      await ctx.journal.end(unit.id);
      handled++;
      continue;
    }
    ctx.log('warn', 'ZGW: onvoltooide eenheid van werk uit het journaal wordt ongedaan gemaakt', { unit: unit.id, operation: unit.intent.operation, startedAt: unit.startedAt, steps: unit.undos.length });
    if (await runUndos(ctx.http, unit.undos, ctx.log)) {
      await ctx.journal.end(unit.id);
      handled++;
    }
  }
  return handled;
}

export async function openZgwBackend(opts: ZgwBackendOptions): Promise<ZgwBackend> {
  const s = opts.settings;
  const now = opts.now ?? (() => new Date());
  const log: Log = opts.log ?? (() => undefined);
  mkdirSync(opts.dataDir, { recursive: true });
  const jwt = new ZgwJwt({ clientId: s.clientId, secret: s.secret, userId: s.userId, userRepresentation: s.userRepresentation, renewSeconds: s.jwtRenewSeconds });
  const http = new ZgwHttp({
    roots: { zaken: s.zakenUrl, documenten: s.documentenUrl, catalogi: s.catalogiUrl, besluiten: s.besluitenUrl },
    jwt,
    timeoutMs: s.timeoutMs,
    retries: s.retries,
    ...(opts.backoffMs !== undefined ? { backoffMs: opts.backoffMs } : {}),
  });
  const catalogue = new ZgwCatalogue({
    http,
    catalogus: s.catalogus,
    ttlMs: s.catalogueTtlMs,
    today: () => {
      const d = formatDatum(now(), opts.timeZone);
      return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
    },
  });
  let journal: UnitJournal | undefined;
  try {
    journal = new SqliteUnitJournal(opts.dataDir, now);
    const context: ZgwContext = {
      http, catalogue, settings: s, rsin: rsinFor(s, opts.gemeentecode), timeZone: opts.timeZone, now, log, local: opts.local, journal, zaakRefs: new Map(),
    };
    const documents = new ZgwDocuments(context, opts.dataDir);
    const besluiten = new ZgwBesluiten(context, documents);
    const store = new ZgwZaakStore(context, documents, besluiten);
    const sweep = () => recoverJournal(context).catch((e: unknown) => log('error', 'ZGW: journaal kon niet worden verwerkt; volgende poging later', { error: String(e) }));
    await sweep();
    // Units whose undo failed (ZGW was down) are retried while Zaakpoort runs, not only at the next start.
    const timer = setInterval(() => void sweep(), JOURNAL_SWEEP_MS);
    timer.unref();
    const j = journal;
    return {
      name: 'zgw',
      store,
      content: documents.content(),
      ids: new ZgwIdGenerator(context),
      catalogue: catalogue.portView(),
      health: () => store.health(),
      // Only stale temp content: blobs live in the Documenten API, so there are no orphans to look for here.
      sweepLeftovers: async (o) => ({ temp: await documents.content().sweepTemp(o.tempMaxAgeMs), orphans: 0 }),
      zgw: { context, catalogue, documents, besluiten },
      async close() {
        clearInterval(timer);
        await store.close();
        await j.close();
        await http.close();
        await opts.local.close();
      },
    };
  } catch (e) {
    await journal?.close();
    await http.close();
    throw e;
  }
}
