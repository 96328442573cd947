/**
 * The migration router: in front of every operation call, it picks the mode for the bericht (modes.ts) and
 *   - translate: lets the dispatcher carry it out on Zaakpoort's backend, as without migration;
 *   - proxy: passes the bericht unchanged to the legacy zaaksysteem and returns its answer as it is;
 *   - replicate: the legacy system handles it and its answer is returned; a kennisgeving it accepted is then
 *     carried out on the new side too (after copying the zaak in on first touch), and a failure there goes
 *     into the outbox instead of failing the call; a vraag is optionally also answered by the new side and
 *     the differences recorded (shadow comparison).
 * Zaakpoort validated, authenticated and logs the bericht before the router sees it, whatever the mode.
 */
import type { MigrationConfig, MigrationMode, SenderConfig } from '../config.js';
import { findSender } from '../zds/senders.js';
import type { Clock } from '../stuf/dates.js';
import { faults } from '../stuf/fault.js';
import { systeemKey } from '../stuf/stuurgegevens.js';
import type { DispatchResult } from '../zds/dispatch-result.js';
import type { Operation, OperationContext } from '../zds/operation.js';
import type { OperationRouter } from '../zds/operation-router.js';
import { compareAnswers } from './compare.js';
import { applySnapshot, fetchSnapshot, syncDocument } from './copy-zaak.js';
import { type LegacyAnswer, type LegacyClient, LegacyError, bodyParts, partsToString, soap11Envelope } from './legacy-client.js';
import { type LegacyVraag, type VraagContext, ZDS_ACTION, geefDocumentZaak, geefZaaktype } from './legacy-vragen.js';
import { type RoutingKey, chooseMode, dependsOnZaaktype, routingKey } from './modes.js';
import { type NewSide, onNewSide, parseBody, piecesToString } from './new-side.js';
import type { OutboxWorker } from './outbox.js';
import type { MigrationStore, NewOutboxEntry } from './store.js';
import { NS } from '../stuf/namespaces.js';
import { path, text } from '../xml/tree.js';

type Log = (level: 'debug' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

/**
 * Kennisgevingen carried out on the new side in replicate mode. A check-in (updateZaakdocument) is not replayed
 * (its checkedOutId is the legacy system's); the document is synced from the legacy system after it accepted
 * it. The rest goes to the legacy system only: genereer*Identificatie (it issues identificaties until cut-over),
 * check-out and cancelCheckout (the lock belongs to the legacy system while it leads), overdragenZaak.
 */
export const REPLICATED_OPERATIONS: ReadonlySet<string> = new Set([
  'creeerZaak_ZakLk01',
  'updateZaak_ZakLk01',
  'actualiseerZaakstatus_ZakLk01',
  'voegZaakdocumentToe_EdcLk01',
  'maakZaakdocument_EdcLk01',
  'ontkoppelZaakdocument_Di02',
  'voegBesluitToe_Di01',
  'updateBesluit_BslLk01',
]);

const OVERRIDES_TTL_MS = 5_000;

export interface RouterDeps {
  migration: MigrationConfig;
  /** config.senders: a sender limited to zaaktypen stays limited when its berichten go to the legacy system. */
  senders: SenderConfig[];
  legacy: LegacyClient;
  vraag: VraagContext;
  side: NewSide;
  store: MigrationStore;
  outbox: OutboxWorker;
  clock: Clock;
  timeZone: string;
  log: Log;
}

export class MigrationRouter implements OperationRouter {
  private overrides = new Map<string, MigrationMode>();
  private overridesAt = -Infinity;

  constructor(private readonly d: RouterDeps) {}

  /** Re-read the persisted overrides now (after a cut-over in this process). */
  async refreshOverrides(): Promise<ReadonlyMap<string, MigrationMode>> {
    const rows = await this.d.store.overrides();
    this.overrides = new Map(rows.map((r) => [r.zaaktype, r.mode]));
    this.overridesAt = Date.now();
    return this.overrides;
  }

  private async currentOverrides(): Promise<ReadonlyMap<string, MigrationMode>> {
    if (Date.now() - this.overridesAt > OVERRIDES_TTL_MS) {
      await this.refreshOverrides().catch((e: unknown) => this.d.log('warn', 'migratie: modusoverrides niet leesbaar', { error: String(e) }));
    }
    return this.overrides;
  }

  /** The mode of a bericht, with what it is about. */
  async modeFor(op: Operation, ctx: OperationContext): Promise<{ mode: MigrationMode; key: RoutingKey; zaaktype?: string }> {
    const overrides = await this.currentOverrides();
    const key = routingKey(ctx.request.body);
    const limited = findSender(this.d.senders, ctx.stuurgegevens.zender)?.zaaktypen !== undefined;
    const zaaktype = limited || dependsOnZaaktype(this.d.migration, overrides) ? await this.zaaktypeOf(key) : key.zaaktype;
    const mode = chooseMode(this.d.migration, overrides, op.name, zaaktype);
    return { mode, key, ...(zaaktype !== undefined ? { zaaktype } : {}) };
  }

  /**
   * The zaaktype of what a bericht is about: named in the bericht (creeerZaak, zakLv01 on zaaktype); else the
   * zaak's (via the document's or besluit's zaak on the new side), from the local index, the new backend, or
   * by asking the legacy system (geefZaakdetails), remembered in the index. undefined when nobody knows.
   */
  async zaaktypeOf(key: RoutingKey): Promise<string | undefined> {
    if (key.zaaktype) return key.zaaktype;
    const zaak = key.zaak ?? (await this.zaakOf(key));
    if (!zaak) return undefined;
    const indexed = await this.d.store.zaaktypeOf(zaak).catch(() => undefined);
    if (indexed) return indexed;
    const fromNew = await this.d.side.backend.store.getZaak(zaak).then((z) => z?.zaaktype.code, () => undefined);
    const found = fromNew ?? (await this.askLegacyZaaktype(zaak));
    if (found) await this.d.store.rememberZaaktype(zaak, found).catch(() => undefined);
    return found;
  }

  /** The zaak of a document or besluit: the new side, else the local index, else (documents) the legacy system. */
  private async zaakOf(key: RoutingKey): Promise<string | undefined> {
    const store = this.d.side.backend.store;
    try {
      if (key.document) {
        const linked = (await store.listDocumentZaken(key.document))[0]?.zaakIdentificatie;
        if (linked) return linked;
      }
      if (key.besluit) return (await store.getBesluit(key.besluit))?.zaakIdentificatie;
    } catch {
      // The new side is down: the index and the legacy system may still know.
    }
    if (!key.document) return undefined;
    const indexed = await this.d.store.zaakOfDocument(key.document).catch(() => undefined);
    if (indexed) return indexed;
    const fromLegacy = await this.askLegacyKey(geefDocumentZaak(this.d.vraag, key.document), ['isRelevantVoor', 'gerelateerde', 'identificatie']);
    if (fromLegacy) await this.d.store.rememberDocumentZaak(key.document, fromLegacy).catch(() => undefined);
    return fromLegacy;
  }

  private askLegacyZaaktype(zaak: string): Promise<string | undefined> {
    return this.askLegacyKey(geefZaaktype(this.d.vraag, zaak), ['isVan', 'gerelateerde', 'code']);
  }

  /** One value from the legacy system's answer object (antwoord/object/...); undefined when it cannot say. */
  private async askLegacyKey(vraag: LegacyVraag, at: string[]): Promise<string | undefined> {
    try {
      const answer = await this.d.legacy.call('BeantwoordVraag', vraag.operation, [vraag.xml], vraag.soapAction);
      await this.d.legacy.release(answer);
      if (answer.kind !== 'ok') return undefined;
      return text(path(answer.body, NS.zkn, 'antwoord', 'object', ...at))?.trim() || undefined;
    } catch (e) {
      this.d.log('warn', 'migratie: routeringsgegeven niet op te vragen bij het legacy zaaksysteem', { operation: vraag.operation, error: String(e) });
      return undefined;
    }
  }

  async route(op: Operation, ctx: OperationContext): Promise<DispatchResult | undefined> {
    const { mode, key, zaaktype } = await this.modeFor(op, ctx);
    if (mode === 'translate') return undefined;
    this.authorise(ctx, key, zaaktype);
    if (key.document && key.zaak && op.port !== 'BeantwoordVraag') await this.d.store.rememberDocumentZaak(key.document, key.zaak).catch(() => undefined);
    if (mode === 'proxy') return this.toResult(ctx, await this.forward(op, ctx));
    if (op.port === 'BeantwoordVraag') return this.replicateVraag(op, ctx, key, zaaktype);
    if (op.name === 'updateZaakdocument_Di02') return this.replicateCheckIn(op, ctx, key, zaaktype);
    if (!REPLICATED_OPERATIONS.has(op.name)) return this.toResult(ctx, await this.forward(op, ctx));
    return this.replicateKennisgeving(op, ctx, key, zaaktype);
  }

  /**
   * What restrictToZaaktypen does for Zaakpoort's own backend, for berichten that go to the legacy system: a
   * sender limited to zaaktypen reaches only those; a bericht about a zaak whose zaaktype nobody can tell is refused.
   */
  private authorise(ctx: OperationContext, key: RoutingKey, zaaktype: string | undefined): void {
    const sender = findSender(this.d.senders, ctx.stuurgegevens.zender);
    if (!sender?.zaaktypen) return;
    if (zaaktype === undefined && !key.zaak && !key.document && !key.besluit) return;
    if (zaaktype !== undefined && sender.zaaktypen.includes(zaaktype)) return;
    throw faults.notAuthorised(
      'Zender is niet geautoriseerd voor dit zaaktype',
      `applicatie "${sender.applicatie}" mag ${key.zaak ? `zaak ${key.zaak}` : key.document ? `document ${key.document}` : `besluit ${key.besluit ?? ''}`} ` +
        `van zaaktype "${zaaktype ?? 'onbekend'}" niet zien of wijzigen`,
    );
  }

  private soapAction(op: Operation, ctx: OperationContext): string {
    return ctx.request.soapAction || (ctx.dialect === '1.2' ? `${ZDS_ACTION}${op.name}` : '');
  }

  /** The bericht as received, to the legacy system; unreachable becomes a StUF058 the sender can act on. */
  private async forward(op: Operation, ctx: OperationContext): Promise<LegacyAnswer> {
    try {
      return await this.d.legacy.call(ctx.port, op.name, bodyParts(ctx.request.body), this.soapAction(op, ctx));
    } catch (e) {
      if (!(e instanceof LegacyError)) throw e;
      throw faults.processing('Legacy zaaksysteem niet bereikbaar', e.message);
    }
  }

  /** The legacy answer as Zaakpoort's answer: the same Body (or fault string and Fo detail). */
  private async toResult(ctx: OperationContext, answer: LegacyAnswer): Promise<DispatchResult> {
    const req = ctx.request;
    try {
      if (answer.kind === 'ok') {
        return { kind: 'ok', soapVersion: req.soapVersion, pieces: [await this.d.legacy.answerXml(answer)], mtom: req.mtom };
      }
      return {
        kind: 'fault',
        soapVersion: req.soapVersion,
        httpStatus: req.soapVersion === '1.2' && answer.plek === 'client' ? 400 : 500,
        plek: answer.plek,
        omschrijving: answer.faultstring,
        detailXml: answer.detailXml,
      };
    } finally {
      await this.d.legacy.release(answer);
    }
  }

  private async replicateVraag(op: Operation, ctx: OperationContext, key: RoutingKey, zaaktype: string | undefined): Promise<DispatchResult> {
    const answer = await this.forward(op, ctx);
    if (this.d.migration.shadow) await this.shadow(op, ctx, answer, key, zaaktype);
    return this.toResult(ctx, answer);
  }

  /** Answer the vraag from the new side too and record where it differs from the legacy answer. */
  private async shadow(op: Operation, ctx: OperationContext, legacy: LegacyAnswer, key: RoutingKey, zaaktype: string | undefined): Promise<void> {
    try {
      const nieuw = await this.d.side.dispatcher.dispatch(ctx.request);
      const nieuwXml = nieuw.kind === 'ok' ? await piecesToString(this.d.side, nieuw.pieces) : nieuw.detailXml;
      const legacyEl = legacy.kind === 'ok' ? legacy.body : legacy.fo;
      const parsed = nieuwXml ? await parseBody(this.d.side, nieuwXml) : undefined;
      try {
        const differences = legacyEl && parsed ? compareAnswers(legacyEl, parsed.body)
          : [{ path: '/', ...(legacyEl ? { legacy: legacyEl.local } : {}), ...(parsed ? { nieuw: parsed.body.local } : {}) }];
        if (differences.length === 0) return;
        const zaak = key.zaak ?? (await this.zaakOf(key));
        await this.d.store.recordShadow({
          at: this.d.clock.now().toISOString(),
          operation: op.name,
          ...(zaak ? { zaakIdentificatie: zaak } : {}),
          ...(zaaktype ? { zaaktype } : {}),
          differences,
        });
      } finally {
        await parsed?.release();
      }
    } catch (e) {
      this.d.log('warn', 'migratie: schaduwvergelijking mislukt', { operation: op.name, error: String(e) });
    }
  }

  private async replicateKennisgeving(op: Operation, ctx: OperationContext, key: RoutingKey, zaaktype: string | undefined): Promise<DispatchResult> {
    const req = ctx.request;
    // Taken now, while the received content is still in temp: the new side consumes it, the outbox keeps it.
    const bodyXml = req.contents.length > 0 ? await partsToString(this.d.side.backend.content, bodyParts(req.body)) : req.bodyXml;
    const isCreate = op.name === 'creeerZaak_ZakLk01';
    if (key.zaak && !isCreate) await this.copyOnFirstTouch(key.zaak, zaaktype);
    const answer = await this.forward(op, ctx);
    if (answer.kind === 'fault') return this.toResult(ctx, answer);
    if (isCreate && key.zaak && zaaktype) await this.d.store.rememberZaaktype(key.zaak, zaaktype).catch(() => undefined);
    const sg = ctx.stuurgegevens;
    await this.applyOrQueue(
      {
        kind: 'bericht',
        operation: op.name,
        ...(key.zaak ? { zaakIdentificatie: key.zaak } : {}),
        ...(zaaktype ? { zaaktype } : {}),
        ...(sg.referentienummer && sg.zender?.applicatie ? { zenderKey: systeemKey(sg.zender), referentienummer: sg.referentienummer } : {}),
        payload: soap11Envelope(bodyXml),
        soapAction: req.soapAction,
        ...(req.endpointPort ? { endpointPort: req.endpointPort } : {}),
      },
      () => this.d.side.dispatcher.dispatch(req),
    );
    return this.toResult(ctx, answer);
  }

  /** updateZaakdocument: to the legacy system; once it accepted, the document is synced to the new side. */
  private async replicateCheckIn(op: Operation, ctx: OperationContext, key: RoutingKey, zaaktype: string | undefined): Promise<DispatchResult> {
    const zaak = key.zaak ?? (await this.zaakOf(key));
    if (zaak) await this.copyOnFirstTouch(zaak, zaaktype);
    const answer = await this.forward(op, ctx);
    if (answer.kind === 'ok' && key.document) {
      const id = key.document;
      await this.applyOrQueue(
        { kind: 'document', operation: op.name, ...(zaak ? { zaakIdentificatie: zaak } : {}), ...(zaaktype ? { zaaktype } : {}), payload: id, soapAction: '' },
        async () => {
          await syncDocument(this.d.legacy, this.d.vraag, this.d.side, id, this.d.clock.now());
          return undefined;
        },
      );
    }
    return this.toResult(ctx, answer);
  }

  /** Make sure the zaak is (or will be, through the outbox) on the new side before a change to it follows. */
  private async copyOnFirstTouch(zaak: string, zaaktype: string | undefined): Promise<void> {
    if ((await this.d.store.pendingFor(zaak)) > 0) return; // queued work for it implies it is (to be) there
    const known = await this.d.side.backend.store.getZaak(zaak).then((z) => z !== undefined, () => undefined);
    if (known) return;
    const snapshot = await fetchSnapshot(this.d.legacy, this.d.vraag, this.d.side, zaak).catch((e: unknown) => {
      if (e instanceof LegacyError) throw faults.processing('Legacy zaaksysteem niet bereikbaar', e.message);
      throw e;
    });
    if (!snapshot) return; // the legacy system does not know it either: it will refuse the change itself
    await this.applyOrQueue(
      { kind: 'kopie', operation: 'kopie', zaakIdentificatie: zaak, ...(zaaktype ? { zaaktype } : {}), payload: JSON.stringify(snapshot), soapAction: '' },
      async () => {
        if (known === undefined) throw new Error('nieuwe kant niet bereikbaar');
        await applySnapshot(this.d.side, snapshot, this.d.clock.now(), this.d.timeZone);
        return undefined;
      },
    );
  }

  /**
   * Carry work out on the new side now, or queue it: always queued while the outbox holds anything (the new side
   * gets everything in order), and queued when it fails. Never throws: the legacy system has already accepted.
   */
  private async applyOrQueue(entry: NewOutboxEntry, apply: () => Promise<DispatchResult | undefined>): Promise<void> {
    const pending = await this.d.store.hasPending().catch(() => true);
    if (!pending) {
      try {
        const error = await onNewSide(apply);
        if (error === undefined) return;
        entry.lastError = error;
      } catch (e) {
        entry.lastError = e instanceof Error ? e.message : String(e);
      }
    }
    try {
      await this.d.store.enqueue(entry, this.d.clock.now());
      this.d.outbox.kick();
    } catch (e) {
      this.d.log('error', 'migratie: werk voor de nieuwe kant kon niet in de outbox', { operation: entry.operation, zaak: entry.zaakIdentificatie, error: String(e) });
    }
  }
}
