/**
 * The ZaakStore on the ZGW APIs, composed with Zaakpoort's local state store.
 *
 * transaction(fn) is a unit of work instead of a database transaction: fn runs with a writer whose writes are
 * ZGW calls made at once (so fn's later reads see them), each journalled with its undo. When fn throws, or the
 * local part (message log, used identificaties) cannot be committed afterwards, the unit is undone; the
 * message log entry is written only once every ZGW call succeeded. Write units are serialised within this
 * process (ZGW has no isolation between two clients changing one zaak; this keeps Zaakpoort's own berichten
 * from interleaving).
 */
import type { Besluit, Document, DocumentLock, DocumentMeta, DocumentVersion, IdKind, Overdracht, Zaak, ZaakDocumentLink } from '../../domain/model.js';
import { DuplicateError, type LoggedMessage, type StoreReader, type StoreWriter, type ZaakQuery, type ZaakQueryResult, type ZaakStore } from '../../ports/zaak-store.js';
import { StufFault, faults } from '../../stuf/fault.js';
import { AsyncMutex } from '../sqlite/mutex.js';
import type { ZgwContext } from './context.js';
import type { ZgwDocuments } from './documents/index.js';
import { toStufFault } from './errors.js';
import { ZgwHttpError, ZgwUnreachableError } from './http.js';
import { type Reader, type ZaakSnapshot, plainReader, readZaak, zaakRef } from './read-zaak.js';
import { UnitOfWork } from './unit-of-work.js';
import { insertZaak, updateZaak } from './write-zaak.js';
import { findZaken } from './find-zaken.js';
import type { ZgwBesluiten } from './besluiten.js';
import type { UnitIntent } from './journal.js';

/** Turn what a ZGW call raised into the fault the sender gets, logging the cause for the beheerder. */
export function asFault(ctx: ZgwContext, e: unknown): unknown {
  if (e instanceof ZgwHttpError || e instanceof ZgwUnreachableError) {
    ctx.log('warn', 'ZGW-aanroep mislukt', { error: e.message, ...(e instanceof ZgwHttpError ? { problem: e.problem } : {}) });
  }
  return toStufFault(e, ctx.settings.clientId);
}

/** Reads for the zaak side and the local state, shared by the store and the writer. */
class ZgwReads implements StoreReader {
  constructor(
    protected readonly ctx: ZgwContext,
    protected readonly documents: ZgwDocuments,
    protected readonly besluiten: ZgwBesluiten,
    protected readonly reader: Reader,
  ) {}

  protected async guarded<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw asFault(this.ctx, e);
    }
  }

  async snapshot(identificatie: string): Promise<ZaakSnapshot | undefined> {
    return readZaak(this.ctx, this.reader, identificatie);
  }

  getZaak(identificatie: string): Promise<Zaak | undefined> {
    return this.guarded(async () => (await this.snapshot(identificatie))?.zaak);
  }

  getDocument(identificatie: string): Promise<Document | undefined> {
    return this.guarded(() => this.documents.getDocument(identificatie));
  }

  listDocumentVersions(identificatie: string): Promise<DocumentVersion[]> {
    return this.guarded(() => this.documents.listDocumentVersions(identificatie));
  }

  listZaakDocumenten(zaakIdentificatie: string): Promise<Array<{ link: ZaakDocumentLink; document: Document }>> {
    return this.guarded(async () => {
      const ref = await zaakRef(this.ctx, this.reader, zaakIdentificatie);
      return ref ? this.documents.listZaakDocumenten(ref.url, zaakIdentificatie) : [];
    });
  }

  listDocumentZaken(documentIdentificatie: string): Promise<ZaakDocumentLink[]> {
    return this.guarded(() => this.documents.listDocumentZaken(documentIdentificatie));
  }

  getBesluit(identificatie: string): Promise<Besluit | undefined> {
    return this.guarded(() => this.besluiten.getBesluit(this.reader, identificatie, (k) => this.getSidecar(k)));
  }

  listBesluiten(zaakIdentificatie: string): Promise<Besluit[]> {
    return this.guarded(() => this.besluiten.listBesluiten(this.reader, zaakIdentificatie, (k) => this.getSidecar(k)));
  }

  findZaken(query: ZaakQuery): Promise<ZaakQueryResult> {
    return this.guarded(() => findZaken(this.ctx, this.reader, query));
  }

  getLoggedMessage(zenderKey: string, referentienummer: string): Promise<LoggedMessage | undefined> {
    return this.ctx.local.store.getLoggedMessage(zenderKey, referentienummer);
  }

  getOverdracht(referentienummer: string): Promise<Overdracht | undefined> {
    return this.ctx.local.store.getOverdracht(referentienummer);
  }

  getSidecar(keys: string[]): Promise<Map<string, unknown>> {
    return this.ctx.local.store.getSidecar(keys);
  }
}

type LocalOp = (tx: StoreWriter) => Promise<void>;

class ZgwWriter extends ZgwReads implements StoreWriter {
  /** Zaken read in this unit: updateZaak diffs against them. */
  private readonly snapshots = new Map<string, ZaakSnapshot>();
  readonly localOps: LocalOp[] = [];
  /** The bericht's answer is among localOps: once they committed, it is in the local message log. */
  answerLogged = false;
  private closed = false;

  constructor(ctx: ZgwContext, documents: ZgwDocuments, besluiten: ZgwBesluiten, readonly unit: UnitOfWork) {
    super(ctx, documents, besluiten, unit);
  }

  end(): void {
    this.closed = true;
  }

  /** Sidecar values are written with the message log, when the unit completed; until then reads see them here. */
  private readonly pendingSidecar = new Map<string, unknown>();

  private readonly keep = (key: string, value: unknown): void => {
    this.pendingSidecar.set(key, value);
    this.localOps.push((tx) => tx.putSidecar(key, value));
  };

  override async getSidecar(keys: string[]): Promise<Map<string, unknown>> {
    const stored = await this.ctx.local.store.getSidecar(keys.filter((k) => !this.pendingSidecar.has(k)));
    for (const k of keys) {
      if (!this.pendingSidecar.has(k)) continue;
      const v = this.pendingSidecar.get(k);
      if (v === undefined) stored.delete(k);
      else stored.set(k, v);
    }
    return stored;
  }

  async putSidecar(key: string, value: unknown): Promise<void> {
    this.check();
    this.keep(key, value);
  }

  private check(): void {
    if (this.closed) throw new Error('Deze transactie is al afgesloten');
  }

  override async snapshot(identificatie: string): Promise<ZaakSnapshot | undefined> {
    this.check();
    const snap = await readZaak(this.ctx, this.reader, identificatie, (keys) => this.getSidecar(keys));
    if (snap) this.snapshots.set(identificatie, snap);
    return snap;
  }

  /** Writes raise ZGW errors as they are: transaction() undoes the unit first and then turns them into faults. */
  async insertZaak(zaak: Zaak): Promise<void> {
    this.check();
    await insertZaak(this.ctx, this.unit, zaak, this.keep);
    this.snapshots.delete(zaak.identificatie);
  }

  async updateZaak(zaak: Zaak): Promise<void> {
    this.check();
    const snap = this.snapshots.get(zaak.identificatie) ?? (await this.snapshot(zaak.identificatie));
    if (!snap) throw faults.notFound('Zaak niet gevonden', `Er is geen zaak met identificatie ${zaak.identificatie} in het zaaksysteem (ZGW)`);
    await updateZaak(this.ctx, this.unit, snap, zaak, this.keep);
    this.snapshots.delete(zaak.identificatie);
  }

  override listDocumentVersions(identificatie: string): Promise<DocumentVersion[]> {
    return this.guarded(() => this.documents.listDocumentVersions(identificatie, this.unit));
  }

  async insertDocument(meta: DocumentMeta, firstVersion: DocumentVersion): Promise<void> {
    this.check();
    await this.documents.insertDocument(this.unit, meta, firstVersion, this.keep);
  }

  async updateDocumentMeta(meta: DocumentMeta): Promise<void> {
    this.check();
    await this.documents.updateDocumentMeta(this.unit, meta, this.keep);
  }

  async addDocumentVersion(identificatie: string, version: DocumentVersion): Promise<void> {
    this.check();
    await this.documents.addDocumentVersion(this.unit, identificatie, version);
  }

  async setDocumentLock(identificatie: string, lock: DocumentLock | undefined): Promise<void> {
    this.check();
    await this.documents.setDocumentLock(this.unit, identificatie, lock);
  }

  async linkDocument(link: ZaakDocumentLink): Promise<void> {
    this.check();
    const snap = this.snapshots.get(link.zaakIdentificatie) ?? (await this.snapshot(link.zaakIdentificatie));
    if (!snap) throw new Error(`link ${link.zaakIdentificatie}/${link.documentIdentificatie}: de zaak of het document waarnaar verwezen wordt bestaat niet`);
    await this.documents.linkDocument(this.unit, snap.raw.url, link, snap.raw.zaaktype, this.keep);
  }

  async unlinkDocument(zaakIdentificatie: string, documentIdentificatie: string): Promise<boolean> {
    this.check();
    const snap = this.snapshots.get(zaakIdentificatie) ?? (await this.snapshot(zaakIdentificatie));
    if (!snap) return false;
    return this.documents.unlinkDocument(this.unit, snap.raw.url, documentIdentificatie);
  }

  async insertBesluit(besluit: Besluit): Promise<void> {
    this.check();
    await this.besluiten.insertBesluit(this.unit, besluit, this.keep);
  }

  async updateBesluit(besluit: Besluit): Promise<void> {
    this.check();
    await this.besluiten.updateBesluit(this.unit, besluit, this.keep);
  }

  async logMessage(message: LoggedMessage): Promise<void> {
    this.check();
    this.unit.setMessageKey({ zenderKey: message.zenderKey, referentienummer: message.referentienummer });
    // A copy that was answered meanwhile: refused now, so this unit is undone before anything is logged.
    if (await this.ctx.local.store.getLoggedMessage(message.zenderKey, message.referentienummer)) {
      throw new DuplicateError('message', `${message.zenderKey}/${message.referentienummer}`);
    }
    this.localOps.push((tx) => tx.logMessage(message));
    this.answerLogged = true;
  }

  /**
   * Overdrachten are Zaakpoort's own state. The local store's overdracht table references its zaak table, so the
   * local state keeps a reference row (identificatie and zaaktype only) for a zaak with an overdracht; the zaak
   * itself is and stays in ZGW.
   */
  async insertOverdracht(overdracht: Overdracht): Promise<void> {
    this.check();
    const snap = this.snapshots.get(overdracht.zaakIdentificatie) ?? (await this.snapshot(overdracht.zaakIdentificatie));
    if (!snap) throw new Error(`overdracht ${overdracht.referentienummer}: de zaak of het document waarnaar verwezen wordt bestaat niet`);
    if (await this.ctx.local.store.getOverdracht(overdracht.referentienummer)) throw new DuplicateError('overdracht', overdracht.referentienummer);
    const z = snap.zaak;
    this.localOps.push(async (tx) => {
      if (!(await tx.getZaak(z.identificatie))) {
        await tx.insertZaak({ identificatie: z.identificatie, zaaktype: { code: z.zaaktype.code }, kenmerken: [], anderZaakObjecten: [], startdatum: z.startdatum,
          registratiedatum: z.registratiedatum, zaakniveau: z.zaakniveau, deelzakenIndicatie: z.deelzakenIndicatie, rollen: [], statussen: [], relaties: [] });
      }
      await tx.insertOverdracht(overdracht);
    });
    this.pendingOverdrachten.set(overdracht.referentienummer, overdracht);
  }

  async updateOverdracht(overdracht: Overdracht): Promise<void> {
    this.check();
    if (!this.pendingOverdrachten.has(overdracht.referentienummer) && !(await this.ctx.local.store.getOverdracht(overdracht.referentienummer))) {
      throw new Error(`overdracht ${overdracht.referentienummer} bestaat niet`);
    }
    this.localOps.push((tx) => tx.updateOverdracht(overdracht));
    this.pendingOverdrachten.set(overdracht.referentienummer, overdracht);
  }

  private readonly pendingOverdrachten = new Map<string, Overdracht>();

  override async getOverdracht(referentienummer: string): Promise<Overdracht | undefined> {
    return this.pendingOverdrachten.get(referentienummer) ?? this.ctx.local.store.getOverdracht(referentienummer);
  }

  async markIdentificatieUsed(kind: IdKind, value: string): Promise<void> {
    this.check();
    this.localOps.push((tx) => tx.markIdentificatieUsed(kind, value));
  }
}

/** How long a copy waits for the original of its bericht on another instance before it gives up with a fault. */
const IN_FLIGHT_WAIT_MS = 120_000;

export class ZgwZaakStore extends ZgwReads implements ZaakStore {
  private readonly mutex = new AsyncMutex();
  /** The ZGW calls of the last unit (bench and tests count them). */
  lastUnitCalls = 0;

  constructor(ctx: ZgwContext, documents: ZgwDocuments, besluiten: ZgwBesluiten) {
    super(ctx, documents, besluiten, plainReader(ctx));
  }

  /**
   * A kennisgeving's unit (intent.messageKey set) runs as the only one for its bericht across every instance that
   * shares the local state (PostgreSQL: a session lock per zender + referentienummer). A copy that finds the lock
   * taken waits outside this process's write queue and tries again; once it holds the lock it looks in the message
   * log first: an answer there means the copy it waited for completed, and the DuplicateError makes the
   * dispatcher answer with that original answer, without a single ZGW call. Without that wait the copy's
   * POST /zaken would be refused ("identificatie niet uniek") while the original is still setting rollen and statussen.
   * Within one instance the dispatcher already makes a copy wait (singleFlight).
   */
  async transaction<T>(fn: (tx: StoreWriter) => Promise<T>, intent: UnitIntent = {}): Promise<T> {
    const key = intent.messageKey;
    const exclusive = this.ctx.local.tryExclusive?.bind(this.ctx.local);
    if (!key || !exclusive) return this.mutex.run(() => this.runUnit(fn, intent));
    const deadline = Date.now() + IN_FLIGHT_WAIT_MS;
    for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
      const done = await this.mutex.run(() =>
        exclusive(`bericht:${key.zenderKey}:${key.referentienummer}`, async () => {
          if (await this.ctx.local.store.getLoggedMessage(key.zenderKey, key.referentienummer)) throw new DuplicateError('message', `${key.zenderKey}/${key.referentienummer}`);
          return this.runUnit(fn, intent);
        }));
      if (done) return done.value;
      if (Date.now() > deadline) {
        throw faults.processing('Dit bericht wordt nog verwerkt', `referentienummer "${key.referentienummer}" is op een andere Zaakpoort-instantie in behandeling; stuur het later opnieuw voor het antwoord`);
      }
      await new Promise((r) => setTimeout(r, pause));
    }
  }

  /** One unit of work: fn's ZGW calls, then the local state; undone when either fails. */
  private async runUnit<T>(fn: (tx: StoreWriter) => Promise<T>, intent: UnitIntent): Promise<T> {
    const unit = new UnitOfWork(this.ctx.http, this.ctx.journal, intent, this.ctx.log);
    const writer = new ZgwWriter(this.ctx, this.documents, this.besluiten, unit);
    try {
      const value = await fn(writer);
      await unit.runAtEnd();
      writer.end();
      if (writer.localOps.length > 0) {
        await this.ctx.local.store.transaction(async (ltx) => {
          for (const op of writer.localOps) await op(ltx);
        });
      }
      await unit.complete({ answerLogged: writer.answerLogged });
      return value;
    } catch (e) {
      writer.end();
      if (unit.hasChanges) {
        // Zaken this unit made are gone again: no lookup may reuse their URL.
        this.ctx.zaakRefs.clear();
        if (!unit.undoable) {
          this.ctx.log('error', 'ZGW: een status was al gezet toen een latere stap mislukte; wat ongedaan kon worden is ongedaan gemaakt', { unit: unit.id });
        }
        const undone = await unit.undo();
        if (!undone) this.ctx.log('error', 'ZGW: eenheid van werk niet volledig ongedaan; het journaal wordt bij de volgende start opnieuw verwerkt', { unit: unit.id });
      } else await unit.complete(); // nothing took effect (e.g. the only POST was refused): the journal entry goes
      if (e instanceof DuplicateError || e instanceof StufFault) throw e;
      throw asFault(this.ctx, e);
    } finally {
      this.lastUnitCalls = unit.calls;
    }
  }

  /** The message log lives in the local store next to ZGW (hardening: retention). */
  pruneMessageLog(before: string, limit: number): Promise<number> {
    return this.ctx.local.store.pruneMessageLog(before, limit);
  }

  async ping(): Promise<void> {
    await this.health(true);
  }

  /**
   * Each API separately: a GET of its root (the resource list). Returns per API 'ok' or a short reason; with
   * `throwOnFailure` it throws when any API is not usable.
   */
  async health(throwOnFailure = false): Promise<Record<string, string>> {
    // A list with a filter that matches nothing: cheap, and it exercises the JWT and the client's scopes.
    const probes = {
      zaken: { url: '/zaken', query: { identificatie: 'zaakpoort-health', bronorganisatie: this.ctx.rsin } },
      documenten: { url: '/enkelvoudiginformatieobjecten', query: { identificatie: 'zaakpoort-health', bronorganisatie: this.ctx.rsin } },
      catalogi: { url: '/zaaktypen', query: { identificatie: 'zaakpoort-health' } },
      besluiten: { url: '/besluiten', query: { identificatie: 'zaakpoort-health', verantwoordelijkeOrganisatie: this.ctx.rsin } },
    } as const;
    const out: Record<string, string> = {};
    await Promise.all((Object.keys(probes) as Array<keyof typeof probes>).map(async (api) => {
      try {
        await this.ctx.http.json({ api, method: 'GET', ...probes[api], purpose: 'bereikbaarheid controleren' });
        out[api] = 'ok';
      } catch (e) {
        out[api] = e instanceof ZgwHttpError ? `HTTP ${e.status}${e.problem.code ? ` ${e.problem.code}` : ''}` : e instanceof ZgwUnreachableError ? e.reason : 'fout';
      }
    }));
    try {
      await this.ctx.local.store.ping();
      out.lokaal = 'ok';
    } catch {
      out.lokaal = 'niet bereikbaar';
    }
    if (throwOnFailure && Object.values(out).some((v) => v !== 'ok')) {
      throw new Error(`ZGW niet bereikbaar: ${Object.entries(out).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.mutex.run(async () => undefined);
  }
}
