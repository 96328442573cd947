/**
 * The documents part of the ZGW backend: enkelvoudiginformatieobjecten (EIO), zaakinformatieobjecten (ZIO),
 * besluitinformatieobjecten (BIO) and the content store on the Documenten API (../../../../../shared/zgw/README.md,
 * items 30–39).
 * - Every change runs inside the caller's UnitOfWork: creates and deletes at once (undo: delete / create again),
 *   a lock with its unlock as undo. A new document is POSTed when it is linked to its zaak (the zaaktype decides
 *   the informatieobjecttype); changes to an existing one are collected and sent as one PATCH at the end of the
 *   bericht, followed by the unlock, so a refused relation change never leaves a changed document behind.
 * - Content is streamed from the local staging file: base64 `inhoud` up to INLINE_LIMIT, bestandsdelen above it
 *   (part sizes as the API gives them), so memory does not grow with the document.
 * - A document's checkedOutId is the ZGW lock value; who holds the check-out since when is kept in the local
 *   state (a lock row of the local store), which the Documenten API has no place for.
 */
import type { Document, DocumentLock, DocumentMeta, DocumentVersion, ZaakDocumentLink } from '../../../domain/model.js';
import type { DocumentContentStore } from '../../../ports/document-content-store.js';
import { DuplicateError } from '../../../ports/zaak-store.js';
import { formatDatum } from '../../../stuf/dates.js';
import { faults } from '../../../stuf/fault.js';
import type { ZaaktypeEntry, ZgwInformatieobjecttype } from '../catalogue.js';
import { profileFor, type ZgwContext } from '../context.js';
import { isNotUnique } from '../errors.js';
import { ZgwHttpError, ZgwUnreachableError } from '../http.js';
import { beforeValues, changedFields } from '../map-zaak.js';
import { type Reader, plainReader } from '../read-zaak.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { Keep } from '../write-zaak.js';
import { ZgwContentStore } from './content-store.js';
import { LockOwners } from './lock-owners.js';
import { type DocumentSidecar, type ZgwEio, type ZgwZio, documentFromEio, documentSidecar, eioFields, integriteit, linkFromZio, versionFromEio, withDocumentSidecar } from './map-document.js';
import { INLINE_LIMIT, base64Of, uploadParts } from './upload.js';

/** A lock this unit holds (taken now, or the sender's check-out); `release` = unlock at the end of the bericht. */
interface HeldLock {
  eioUrl: string;
  lock: string;
  release: boolean;
}

/** What one bericht (unit of work) has pending on the Documenten API. */
interface UnitState {
  /** New documents, POSTed when linked to their zaak. */
  inserts: Map<string, { meta: DocumentMeta; version: DocumentVersion }>;
  /** Changes to existing documents, sent as one PATCH at the end. */
  changes: Map<string, { eio: ZgwEio; meta?: DocumentMeta; version?: DocumentVersion }>;
  locks: Map<string, HeldLock>;
  /** Check-out owners to write to (or clear from) the local state at the end. */
  owners: Map<string, DocumentLock | undefined>;
  /** Writes the sidecar (extraElementen, tijdvakGeldigheid, tijdstipRegistratie) when the unit completes. */
  keep?: Keep;
}

/**
 * What a ZDS zaak–document link says that the ZIO has no field for, kept beside ZGW under the ZIO URL: the status
 * of the zaak the document belongs to (stt/sta), the registratiedatum the message gave (the ZIO's own is the
 * moment of the POST) and the link's StUF tijdvakken and tijdstipRegistratie.
 */
export type LinkSidecar = Pick<ZaakDocumentLink, 'sttVolgnummer' | 'sttOmschrijving' | 'staDatumStatusGezet' | 'tijdvakRelatie' | 'tijdvakGeldigheid' | 'tijdstipRegistratie'> & { registratiedatum?: string };
const LINK_SIDECAR_FIELDS = ['sttVolgnummer', 'sttOmschrijving', 'staDatumStatusGezet', 'registratiedatum', 'tijdvakRelatie', 'tijdvakGeldigheid', 'tijdstipRegistratie'] as const;

function linkSidecar(link: ZaakDocumentLink): LinkSidecar | undefined {
  const kept: Record<string, unknown> = {};
  for (const k of LINK_SIDECAR_FIELDS) if (link[k]) kept[k] = link[k];
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/** A lock in ZGW that Zaakpoort did not take (another application of the zaaksysteem): nobody's checkedOutId matches. */
const FOREIGN_LOCK: DocumentLock = { checkedOutId: '', owner: '', checkedOutBy: 'een andere applicatie van het zaaksysteem (ZGW)', at: '' };

export class ZgwDocuments {
  private readonly store: ZgwContentStore;
  private readonly owners: LockOwners;
  private readonly units = new WeakMap<UnitOfWork, UnitState>();
  private readonly iotNames = new Map<string, { at: number; value: Promise<string | undefined> }>();
  /** Content up to this size goes as base64 in the JSON body; larger content through bestandsdelen (tests lower it). */
  inlineLimit = INLINE_LIMIT;

  constructor(private readonly ctx: ZgwContext, dataDir: string) {
    this.store = new ZgwContentStore(dataDir, ctx.http, ctx.log);
    this.owners = new LockOwners(ctx.local, ctx.now);
  }

  /** Received content is staged on local disk; persisted documents stream from the Documenten API download. */
  content(): DocumentContentStore {
    return this.store;
  }

  private today(): string {
    const d = formatDatum(this.ctx.now(), this.ctx.timeZone);
    return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
  }

  private state(unit: UnitOfWork): UnitState {
    let st = this.units.get(unit);
    if (!st) {
      st = { inserts: new Map(), changes: new Map(), locks: new Map(), owners: new Map() };
      this.units.set(unit, st);
      const s = st;
      unit.atEnd(() => this.finish(unit, s));
    }
    return st;
  }

  /** The EIO with this identificatie under Zaakpoort's bronorganisatie (the list answer is the full object). */
  private async findEio(r: Reader, identificatie: string): Promise<ZgwEio | undefined> {
    const list = await r.list<ZgwEio>({
      api: 'documenten', url: '/enkelvoudiginformatieobjecten', query: { identificatie, bronorganisatie: this.ctx.rsin }, purpose: `document ${identificatie} opzoeken`,
    });
    return list.find((d) => d.identificatie === identificatie);
  }

  private async mustFindEio(r: Reader, identificatie: string): Promise<ZgwEio> {
    const eio = await this.findEio(r, identificatie);
    if (!eio) throw faults.notFound('Document niet gevonden', `Er is geen document met identificatie ${identificatie} in het zaaksysteem (ZGW)`);
    return eio;
  }

  /** The omschrijving of an informatieobjecttype (= ZDS dct.omschrijving), cached like the catalogue. */
  private iotOmschrijving(url: string): Promise<string | undefined> {
    const hit = this.iotNames.get(url);
    if (hit && Date.now() - hit.at < this.ctx.settings.catalogueTtlMs) return hit.value;
    const value = this.ctx.http.json<ZgwInformatieobjecttype>({ api: 'catalogi', method: 'GET', url, purpose: 'documenttype lezen' }).then((r) => r.body.omschrijving);
    value.catch(() => this.iotNames.delete(url));
    this.iotNames.set(url, { at: Date.now(), value });
    return value;
  }

  private async toDocument(e: ZgwEio): Promise<Document> {
    const [dct, side] = await Promise.all([this.iotOmschrijving(e.informatieobjecttype), this.ctx.local.store.getSidecar([e.url])]);
    const doc = documentFromEio(e, dct);
    withDocumentSidecar(doc.meta, e, side.get(e.url) as DocumentSidecar | undefined, this.ctx.settings.defaults.taal);
    if (e.locked) doc.lock = (await this.owners.get(e.identificatie)) ?? FOREIGN_LOCK;
    return doc;
  }

  /**
   * The EIO with this identificatie as a ZDS Document (latest = the current versie), its lock from `locked`
   * plus the local check-out owner.
   */
  async getDocument(identificatie: string, unit?: UnitOfWork): Promise<Document | undefined> {
    const pending = unit ? this.units.get(unit)?.inserts.get(identificatie) : undefined;
    if (pending) return { meta: pending.meta, latest: pending.version };
    const eio = await this.findEio(unit ?? plainReader(this.ctx), identificatie);
    return eio ? this.toDocument(eio) : undefined;
  }

  /** Every EIO versie (`?versie=N` for N = 1..current), oldest first; [] for an unknown document. */
  async listDocumentVersions(identificatie: string, unit?: UnitOfWork): Promise<DocumentVersion[]> {
    const r = plainReader(this.ctx);
    const eio = await this.findEio(r, identificatie);
    if (!eio) return [];
    const older = await Promise.all(Array.from({ length: eio.versie - 1 }, (_, i) =>
      r.read<ZgwEio>({ api: 'documenten', url: eio.url, query: { versie: String(i + 1) }, purpose: `versie ${i + 1} van document ${identificatie} lezen` }, { allow404: true })));
    const versions = [...older.filter((e): e is ZgwEio => e !== undefined).map(versionFromEio), versionFromEio(eio)];
    // The writer sees the version it has pending (sent at the end of the bericht) as the next one.
    const pending = unit ? this.units.get(unit)?.changes.get(identificatie)?.version : undefined;
    return pending ? [...versions, { ...pending, versionNo: eio.versie + 1 }] : versions;
  }

  /** GET /zaakinformatieobjecten?zaak=<zaak url> (a plain array) joined with each EIO, in ZIO registratiedatum order. */
  async listZaakDocumenten(zaakUrl: string, zaakIdentificatie: string): Promise<Array<{ link: ZaakDocumentLink; document: Document }>> {
    const r = plainReader(this.ctx);
    const zios = await r.list<ZgwZio>({ api: 'zaken', url: '/zaakinformatieobjecten', query: { zaak: zaakUrl }, purpose: 'documenten van de zaak lezen' });
    const ours = zios.filter((z) => this.ctx.http.apiOf(z.informatieobject) === 'documenten').sort((a, b) => (a.registratiedatum < b.registratiedatum ? -1 : 1));
    const kept = await this.ctx.local.store.getSidecar(ours.map((z) => z.url));
    const rows = await Promise.all(ours.map(async (z) => {
      const eio = await r.read<ZgwEio>({ api: 'documenten', url: z.informatieobject, purpose: 'document van de zaak lezen' }, { allow404: true });
      return eio ? { link: this.withKept(linkFromZio(z, zaakIdentificatie, eio.identificatie, this.ctx.timeZone), kept.get(z.url)), document: await this.toDocument(eio) } : undefined;
    }));
    return rows.filter((x): x is { link: ZaakDocumentLink; document: Document } => x !== undefined);
  }

  /** GET /zaakinformatieobjecten?informatieobject=<eio url>: the zaken (by identificatie) a document is linked to. */
  async listDocumentZaken(documentIdentificatie: string): Promise<ZaakDocumentLink[]> {
    const r = plainReader(this.ctx);
    const eio = await this.findEio(r, documentIdentificatie);
    if (!eio) return [];
    const zios = await r.list<ZgwZio>({ api: 'zaken', url: '/zaakinformatieobjecten', query: { informatieobject: eio.url }, purpose: 'zaken van het document lezen' });
    const kept = await this.ctx.local.store.getSidecar(zios.map((z) => z.url));
    const rows = await Promise.all(zios.sort((a, b) => (a.registratiedatum < b.registratiedatum ? -1 : 1)).map(async (z) => {
      const zaak = await r.read<{ identificatie: string }>({ api: 'zaken', url: z.zaak, purpose: 'zaak van het document lezen' }, { allow404: true });
      return zaak ? this.withKept(linkFromZio(z, zaak.identificatie, documentIdentificatie, this.ctx.timeZone), kept.get(z.url)) : undefined;
    }));
    return rows.filter((l): l is ZaakDocumentLink => l !== undefined);
  }

  private withKept(link: ZaakDocumentLink, kept: unknown): ZaakDocumentLink {
    return kept ? { ...link, ...(kept as LinkSidecar) } : link;
  }

  /**
   * voegZaakdocumentToe / maakZaakdocument: the document is created when linkDocument names its zaak (the
   * informatieobjecttype comes from that zaaktype). Here only what can be refused at once is checked.
   */
  async insertDocument(unit: UnitOfWork, meta: DocumentMeta, firstVersion: DocumentVersion, keep?: Keep): Promise<void> {
    const st = this.state(unit);
    st.keep ??= keep;
    if (st.inserts.has(meta.identificatie)) throw new DuplicateError('document', meta.identificatie);
    eioFields(meta, firstVersion, this.ctx.settings.defaults, this.today());
    st.inserts.set(meta.identificatie, { meta, version: firstVersion });
  }

  /** updateZaakdocument: the new metadata, sent (with new content, if any) as one PATCH at the end of the bericht. */
  async updateDocumentMeta(unit: UnitOfWork, meta: DocumentMeta, keep?: Keep): Promise<void> {
    this.state(unit).keep ??= keep;
    const ch = await this.change(unit, meta.identificatie);
    eioFields(meta, ch.version, this.ctx.settings.defaults, this.today());
    if (meta.dctOmschrijving !== undefined && meta.dctOmschrijving !== (await this.iotOmschrijving(ch.eio.informatieobjecttype))) {
      throw faults.processing('Documenttype wijzigen kan niet in het zaaksysteem (ZGW)', `dct.omschrijving van document ${meta.identificatie}: het informatieobjecttype van een document ligt vast`);
    }
    ch.meta = meta;
  }

  /** updateZaakdocument with content: a new EIO versie (bestandsdelen for large content) at the end of the bericht. */
  async addDocumentVersion(unit: UnitOfWork, identificatie: string, version: DocumentVersion): Promise<void> {
    if (!version.blobRef || !ZgwContentStore.isStaged(version.blobRef)) throw new Error('Een nieuwe documentversie heeft ontvangen inhoud nodig');
    // A second new version in the same unit: the first goes now, so each becomes its own EIO versie.
    const st = this.state(unit);
    const pending = st.changes.get(identificatie);
    if (pending?.version) {
      await this.flush(unit, st, identificatie, pending);
      st.changes.delete(identificatie);
    }
    (await this.change(unit, identificatie)).version = version;
  }

  private async change(unit: UnitOfWork, identificatie: string): Promise<{ eio: ZgwEio; meta?: DocumentMeta; version?: DocumentVersion }> {
    const st = this.state(unit);
    let ch = st.changes.get(identificatie);
    if (!ch) {
      ch = { eio: await this.mustFindEio(unit, identificatie) };
      st.changes.set(identificatie, ch);
    }
    return ch;
  }

  /**
   * geefZaakdocumentbewerken = POST …/lock: the lock value becomes the caller's checkedOutId (the operation
   * answers with this lock object); cancelCheckout / check-in = POST …/unlock at the end of the bericht.
   */
  async setDocumentLock(unit: UnitOfWork, identificatie: string, lock: DocumentLock | undefined): Promise<void> {
    const st = this.state(unit);
    const eio = await this.mustFindEio(unit, identificatie);
    if (lock) {
      if (eio.locked || st.locks.has(identificatie)) {
        throw faults.processing('Document is in bewerking', `Document ${identificatie} is in het zaaksysteem (ZGW) al vergrendeld`);
      }
      const value = await this.lock(unit, eio.url, identificatie);
      lock.checkedOutId = value;
      st.locks.set(identificatie, { eioUrl: eio.url, lock: value, release: false });
      st.owners.set(identificatie, lock);
      return;
    }
    st.owners.set(identificatie, undefined);
    const held = await this.heldLock(unit, st, identificatie, eio, false);
    if (held) held.release = true;
  }

  /**
   * The lock to change a document with: one this unit holds, the sender's check-out (the operation checked the
   * checkedOutId), or a new one taken now and released at the end. undefined when `take` is false and none is held.
   */
  private async heldLock(unit: UnitOfWork, st: UnitState, identificatie: string, eio: ZgwEio, take: boolean): Promise<HeldLock | undefined> {
    const own = st.locks.get(identificatie);
    if (own) return own;
    if (eio.locked) {
      const owner = await this.owners.get(identificatie);
      if (!owner) {
        throw faults.processing('Document is in bewerking', `Document ${identificatie} is vergrendeld door ${FOREIGN_LOCK.checkedOutBy}`);
      }
      const held = { eioUrl: eio.url, lock: owner.checkedOutId, release: false };
      st.locks.set(identificatie, held);
      return held;
    }
    if (!take) return undefined;
    const held = { eioUrl: eio.url, lock: await this.lock(unit, eio.url, identificatie), release: true };
    st.locks.set(identificatie, held);
    return held;
  }

  private lock(unit: UnitOfWork, eioUrl: string, identificatie: string): Promise<string> {
    return unit.postWithUndo<{ lock: string }>(
      { api: 'documenten', url: `${eioUrl}/lock`, purpose: `document ${identificatie} vergrendelen` },
      (a) => ({ kind: 'post', api: 'documenten', url: `${eioUrl}/unlock`, body: { lock: a.lock }, what: `vergrendeling van document ${identificatie} opheffen` }),
    ).then((a) => a.lock);
  }

  /** POST …/unlock; when its answer is lost, a read tells whether it took effect. */
  private async unlock(unit: UnitOfWork, eioUrl: string, lock: string, identificatie: string): Promise<void> {
    unit.calls++;
    try {
      await this.ctx.http.json({ api: 'documenten', method: 'POST', url: `${eioUrl}/unlock`, body: { lock }, purpose: `document ${identificatie} ontgrendelen` });
    } catch (e) {
      if (e instanceof ZgwUnreachableError && e.outcomeUnknown) {
        const now = await unit.read<ZgwEio>({ api: 'documenten', url: eioUrl, purpose: `ontgrendeling van document ${identificatie} controleren` }).catch(() => undefined);
        if (now && !now.locked) return;
      }
      throw e;
    }
  }

  /** The end of the bericht: documents never linked are refused; changes are PATCHed, locks released, owners kept. */
  private async finish(unit: UnitOfWork, st: UnitState): Promise<void> {
    for (const id of st.inserts.keys()) {
      throw faults.processing('Document zonder zaak', `Document ${id} is niet aan een zaak gekoppeld; in het zaaksysteem (ZGW) bepaalt het zaaktype het documenttype`);
    }
    for (const [id, ch] of st.changes) await this.flush(unit, st, id, ch);
    for (const [id, held] of st.locks) if (held.release) await this.unlock(unit, held.eioUrl, held.lock, id);
    for (const [id, owner] of st.owners) await this.owners.set(id, owner);
  }

  /** One PATCH with the changed metadata and new content (undo: the old metadata back; content cannot be put back). */
  private async flush(unit: UnitOfWork, st: UnitState, id: string, ch: { eio: ZgwEio; meta?: DocumentMeta; version?: DocumentVersion }): Promise<void> {
    const { eio, version } = ch;
    // A local write only (undefined removes what was kept); the EIO's own fields are compared below.
    if (ch.meta) st.keep?.(eio.url, documentSidecar(ch.meta));
    const meta = ch.meta ?? documentFromEio(eio, undefined).meta;
    const stored = eio as unknown as Record<string, unknown>;
    const body = changedFields(stored, eioFields(meta, version ?? versionFromEio(eio), this.ctx.settings.defaults, this.today()));
    const undoBody = beforeValues(stored, body);
    const file = version?.blobRef ? this.store.stagedFile(version.blobRef) : undefined;
    const inParts = version !== undefined && version.size > this.inlineLimit;
    if (file && version) {
      body.inhoud = inParts ? null : await base64Of(file);
      body.bestandsomvang = version.size;
      body.integriteit = integriteit(version.sha256, this.today())?.integriteit ?? null;
    }
    if (Object.keys(body).length === 0) return;
    const held = (await this.heldLock(unit, st, id, eio, true))!;
    await unit.patch({ api: 'documenten', url: eio.url, body: { ...body, lock: held.lock }, purpose: `document ${id} bijwerken` }, { ...undoBody, lock: held.lock }, 'enkelvoudiginformatieobject');
    if (file && version && inParts) {
      // The PATCH answer lists no parts yet; a read does (README item 38). The unlock merges them.
      const now = await unit.read<ZgwEio>({ api: 'documenten', url: eio.url, purpose: `bestandsdelen van document ${id} lezen` });
      await uploadParts(this.ctx.http, file, now?.bestandsdelen ?? [], held.lock, version.size, this.ctx.settings.timeoutMs, () => unit.calls++);
      held.release = true;
    }
    if (version?.blobRef) await this.store.remove(version.blobRef);
  }

  /** The informatieobjecttype for a ZDS dct.omschrijving among the zaaktype's (profile documenttypen translate). */
  private async informatieobjecttype(entry: ZaaktypeEntry, dct: string | undefined): Promise<ZgwInformatieobjecttype> {
    const wanted = dct === undefined ? undefined : (profileFor(this.ctx, entry.code)?.documenttypen?.[dct] ?? dct);
    const found = await this.ctx.catalogue.find(entry, (e) =>
      wanted !== undefined ? e.informatieobjecttypen.find((i) => i.omschrijving === wanted) : e.informatieobjecttypen.length === 1 ? e.informatieobjecttypen[0] : undefined);
    if (found) return found;
    const known = entry.informatieobjecttypen.map((i) => `"${i.omschrijving}"`).join(', ') || 'geen';
    throw wanted !== undefined
      ? faults.processing('Documenttype onbekend bij het zaaktype', `dct.omschrijving "${dct}" is geen informatieobjecttype van zaaktype ${entry.code} (bekend: ${known})`)
      : faults.processing('dct.omschrijving ontbreekt', `zaaktype ${entry.code} kent meer dan één documenttype (${known}); noem er een in dct.omschrijving`);
  }

  /** POST the EIO of a new document and upload its content (bestandsdelen + unlock for large content). */
  private async createEio(unit: UnitOfWork, doc: { meta: DocumentMeta; version: DocumentVersion }, zaaktypeUrl: string): Promise<ZgwEio> {
    const { meta, version } = doc;
    const id = meta.identificatie;
    const iot = await this.informatieobjecttype(await this.ctx.catalogue.zaaktypeByUrl(zaaktypeUrl), meta.dctOmschrijving);
    const file = version.blobRef ? this.store.stagedFile(version.blobRef) : undefined;
    const inParts = file !== undefined && version.size > this.inlineLimit;
    const body: Record<string, unknown> = {
      identificatie: id,
      bronorganisatie: this.ctx.rsin,
      ...eioFields(meta, version, this.ctx.settings.defaults, this.today()),
      informatieobjecttype: iot.url,
      // Set (not null): Open Zaak closes a zaak only when every document has it (README item 18).
      indicatieGebruiksrecht: false,
      ...integriteit(version.sha256, this.today()),
    };
    if (!file) body.inhoud = null;
    else if (inParts || version.size === 0) Object.assign(body, { inhoud: null, bestandsomvang: version.size });
    else Object.assign(body, { inhoud: await base64Of(file), bestandsomvang: version.size });
    let eio: ZgwEio;
    try {
      eio = await unit.create<ZgwEio & { [k: string]: unknown }>({ api: 'documenten', url: '/enkelvoudiginformatieobjecten', body, purpose: `document ${id} aanmaken` }, 'enkelvoudiginformatieobject', {
        url: '/enkelvoudiginformatieobjecten', query: { identificatie: id, bronorganisatie: this.ctx.rsin },
        // More than the identificatie: an EIO that already had it (the POST is then refused) must survive a look-up.
        match: { identificatie: id, informatieobjecttype: iot.url, titel: String(body.titel), auteur: String(body.auteur), creatiedatum: String(body.creatiedatum) }, keep: [],
      });
    } catch (e) {
      if (isNotUnique(e)) throw new DuplicateError('document', id);
      throw e;
    }
    if (file && inParts) {
      if (!eio.lock) throw new Error('Het zaaksysteem gaf geen lock voor de bestandsdelen');
      await uploadParts(this.ctx.http, file, eio.bestandsdelen ?? [], eio.lock, version.size, this.ctx.settings.timeoutMs, () => unit.calls++);
      await this.unlock(unit, eio.url, eio.lock, id);
    }
    if (version.blobRef) await this.store.remove(version.blobRef);
    const extra = documentSidecar(meta);
    if (extra) this.state(unit).keep?.(eio.url, extra);
    return eio;
  }

  /**
   * POST /zaakinformatieobjecten {zaak, informatieobject, titel, beschrijving}; undo = DELETE ZIO (and the
   * EIO, when this bericht created it: undone after the ZIO).
   */
  async linkDocument(unit: UnitOfWork, zaakUrl: string, link: ZaakDocumentLink, zaaktypeUrl: string | undefined, keep: (key: string, value: unknown) => void): Promise<void> {
    const st = this.state(unit);
    const id = link.documentIdentificatie;
    const pending = st.inserts.get(id);
    let eioUrl: string;
    if (pending) {
      if (!zaaktypeUrl) throw new Error(`link ${id}: het zaaktype van de zaak is niet bekend`);
      st.inserts.delete(id);
      eioUrl = (await this.createEio(unit, pending, zaaktypeUrl)).url;
    } else {
      const url = await this.eioUrl(unit, id);
      if (!url) throw faults.notFound('Document niet gevonden', `Er is geen document met identificatie ${id} in het zaaksysteem (ZGW)`);
      eioUrl = url;
      const existing = await unit.list<ZgwZio>({ api: 'zaken', url: '/zaakinformatieobjecten', query: { zaak: zaakUrl, informatieobject: eioUrl }, purpose: 'bestaande koppeling zoeken' });
      if (existing.length > 0) throw new DuplicateError('link', `${link.zaakIdentificatie}/${id}`);
    }
    const body = { zaak: zaakUrl, informatieobject: eioUrl, ...(link.titel ? { titel: link.titel } : {}), ...(link.beschrijving ? { beschrijving: link.beschrijving } : {}) };
    try {
      const zio = await unit.create<ZgwZio & { [k: string]: unknown }>({ api: 'zaken', url: '/zaakinformatieobjecten', body, purpose: `document ${id} aan zaak ${link.zaakIdentificatie} koppelen` }, 'zaakinformatieobject', {
        url: '/zaakinformatieobjecten', query: { zaak: zaakUrl }, match: { informatieobject: eioUrl }, keep: [],
      });
      const kept = linkSidecar(link);
      if (kept) keep(zio.url, kept);
    } catch (e) {
      if (e instanceof ZgwHttpError && e.status === 400 && (e.problem.invalidParams ?? []).some((p) => p.code === 'unique')) throw new DuplicateError('link', `${link.zaakIdentificatie}/${id}`);
      throw e;
    }
  }

  /** ontkoppelZaakdocument: DELETE the ZIO (undo: create it again). */
  async unlinkDocument(unit: UnitOfWork, zaakUrl: string, documentIdentificatie: string): Promise<boolean> {
    const eioUrl = await this.eioUrl(unit, documentIdentificatie);
    if (!eioUrl) return false;
    const zios = await unit.list<ZgwZio>({ api: 'zaken', url: '/zaakinformatieobjecten', query: { zaak: zaakUrl, informatieobject: eioUrl }, purpose: 'koppeling met de zaak zoeken' });
    for (const z of zios) {
      const recreate = { zaak: z.zaak, informatieobject: z.informatieobject, ...(z.titel ? { titel: z.titel } : {}), ...(z.beschrijving ? { beschrijving: z.beschrijving } : {}) };
      await unit.remove({ api: 'zaken', url: z.url, purpose: `document ${documentIdentificatie} van de zaak ontkoppelen` }, { collection: '/zaakinformatieobjecten', body: recreate }, 'zaakinformatieobject');
    }
    return zios.length > 0;
  }

  /** The EIO URL of a document identificatie (under Zaakpoort's bronorganisatie), or undefined. */
  async eioUrl(r: Reader, identificatie: string): Promise<string | undefined> {
    const list = await r.list<{ url: string; identificatie: string }>({
      api: 'documenten', url: '/enkelvoudiginformatieobjecten', query: { identificatie, bronorganisatie: this.ctx.rsin }, purpose: `document ${identificatie} opzoeken`,
    });
    return list.find((d) => d.identificatie === identificatie)?.url;
  }

  /**
   * besluitinformatieobjecten: make the BIOs of a besluit match `documenten` (identificaties): POST the missing
   * ones (undo: DELETE), DELETE the ones no longer named (undo: POST again). Every named document must exist.
   */
  async setBesluitDocumenten(unit: UnitOfWork, besluitUrl: string, documenten: string[], opts: { newBesluit?: boolean } = {}): Promise<void> {
    // A besluit this unit just made has no besluitinformatieobjecten yet.
    if (opts.newBesluit && documenten.length === 0) return;
    const bios = opts.newBesluit ? [] : await unit.list<{ url: string; informatieobject: string }>({ api: 'besluiten', url: '/besluitinformatieobjecten', query: { besluit: besluitUrl }, purpose: 'documenten van het besluit lezen' });
    if (bios.length === 0 && documenten.length === 0) return;
    const wanted = new Map<string, string>();
    for (const id of documenten) {
      const url = await this.eioUrl(unit, id);
      if (!url) throw faults.notFound('Document niet gevonden', `isVastgelegdIn: er is geen document met identificatie ${id} in het zaaksysteem (ZGW)`);
      wanted.set(url, id);
    }
    for (const bio of bios) {
      if (wanted.has(bio.informatieobject)) {
        wanted.delete(bio.informatieobject);
        continue;
      }
      await unit.remove({ api: 'besluiten', url: bio.url, purpose: 'document van het besluit ontkoppelen' },
        { collection: '/besluitinformatieobjecten', body: { besluit: besluitUrl, informatieobject: bio.informatieobject } }, 'besluitinformatieobject');
    }
    for (const [url, id] of wanted) {
      await unit.create({ api: 'besluiten', url: '/besluitinformatieobjecten', body: { besluit: besluitUrl, informatieobject: url }, purpose: `document ${id} aan het besluit koppelen` }, 'besluitinformatieobject', {
        url: '/besluitinformatieobjecten', query: { besluit: besluitUrl }, match: { informatieobject: url }, keep: bios.map((b) => b.url),
      });
    }
  }

  /** The documents (by identificatie) a besluit is laid down in: GET /besluitinformatieobjecten?besluit= (a plain array). */
  async listBesluitDocumenten(besluitUrl: string, r: Reader = plainReader(this.ctx)): Promise<string[]> {
    const bios = await r.list<{ informatieobject: string }>({ api: 'besluiten', url: '/besluitinformatieobjecten', query: { besluit: besluitUrl }, purpose: 'documenten van het besluit lezen' });
    // The API lists newest first (README item 5); the besluit names its documents in the order they were laid down.
    const ids = await Promise.all([...bios].reverse().map(async (b) => (await r.read<{ identificatie: string }>({ api: 'documenten', url: b.informatieobject, purpose: 'document van het besluit lezen' }, { allow404: true }))?.identificatie));
    return ids.filter((i): i is string => i !== undefined);
  }
}
