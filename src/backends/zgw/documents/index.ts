/**
 * The documents part of the ZGW backend: enkelvoudiginformatieobjecten (EIO), zaakinformatieobjecten (ZIO),
 * besluitinformatieobjecten (BIO) and the content store on the Documenten API. The zaak side calls only what
 * is declared here, so this module can be filled in without touching the rest of the backend.
 *
 * Rules every implementation must keep (see ../../../../../shared/zgw/README.md, items 30–39):
 * - every change runs inside the caller's UnitOfWork (`unit.create/patch/remove`), so a failing bericht undoes it;
 * - content is streamed, never held in memory: bestandsdelen for large documents (part size from the
 *   `bestandsdelen` answer, default one part), so a 1 GB document passes with the server under 200 MB RSS;
 * - a document's checkedOutId stands for the ZGW lock; the lock owner (zender) is kept in the local state.
 */
import type { Document, DocumentLock, DocumentMeta, DocumentVersion, ZaakDocumentLink } from '../../../domain/model.js';
import type { DocumentContentStore } from '../../../ports/document-content-store.js';
import type { ZgwContext } from '../context.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { type Reader, type SidecarRead, plainReader } from '../read-zaak.js';
import type { Keep } from '../write-zaak.js';

/**
 * What a write inside a unit of work gets: the unit (every ZGW change through unit.create/patch/remove), `keep`
 * for Zaakpoort's own state (sidecar values, e.g. the check-out owner: written only when the unit completes) and
 * `sidecar` to read those values (including what this unit has kept but not yet written).
 */
export interface WriteTx {
  unit: UnitOfWork;
  keep: Keep;
  sidecar: SidecarRead;
}

/** What a read gets: the reader (counted inside a unit) and the sidecar values. */
export interface ReadTx {
  reader: Reader;
  sidecar: SidecarRead;
}
import { faults } from '../../../stuf/fault.js';

/** Thrown by the parts that are not implemented yet: the dispatcher turns it into a clear StUF058. */
export class NotImplementedOnZgw extends Error {
  override name = 'NotImplementedOnZgw';
  constructor(readonly what: string) {
    super(`${what} is op de ZGW-backend nog niet beschikbaar`);
  }
}

export class ZgwDocuments {
  constructor(private readonly ctx: ZgwContext) {}

  /**
   * The DocumentContentStore of the ZGW backend: temp content is received on local disk (streamed from the SOAP
   * reader) and `persist` must upload it to the Documenten API (POST EIO with inhoud null + bestandsomvang, then
   * PUT each bestandsdeel streaming from the temp file, then unlock), returning a blobRef that names the EIO
   * version (e.g. its URL + `?versie=N`); `open(blobRef)` streams the download (`Accept: application/octet-stream`).
   * Today: the local file store of the local state backend, so temp handling works; persist is not wired yet.
   */
  content(): DocumentContentStore {
    return this.ctx.local.content;
  }

  /**
   * geefZaakdocumentLezen and friends: the EIO with this identificatie (GET /enkelvoudiginformatieobjecten
   * ?identificatie=&bronorganisatie=) as a ZDS Document: meta from the EIO fields (titel, beschrijving,
   * creatiedatum, ontvangstdatum, verzenddatum, taal, versie, status, vertrouwelijkheidaanduiding, auteur, link,
   * formaat, informatieobjecttype → dct.omschrijving), latest = the current versie, lock from `locked` plus the
   * local check-out owner.
   */
  async getDocument(identificatie: string, r: ReadTx): Promise<Document | undefined> {
    void identificatie; void r;
    throw new NotImplementedOnZgw('Documenten lezen (geefZaakdocumentLezen, geefLijstZaakdocumenten)');
  }

  /** Every EIO versie (`?versie=N` for N = 1..current), oldest first; [] for an unknown document. */
  async listDocumentVersions(identificatie: string, r: ReadTx): Promise<DocumentVersion[]> {
    void identificatie; void r;
    throw new NotImplementedOnZgw('Documentversies');
  }

  /** GET /zaakinformatieobjecten?zaak=<zaak url> (a plain array) joined with each EIO, in ZIO registratiedatum order. */
  async listZaakDocumenten(zaakUrl: string, zaakIdentificatie: string, r: ReadTx): Promise<Array<{ link: ZaakDocumentLink; document: Document }>> {
    void zaakIdentificatie;
    // A zaak without zaakinformatieobjecten truly has no documents; with some, their EIOs are not translated yet.
    const zios = await r.reader.list<{ url: string }>({ api: 'zaken', url: '/zaakinformatieobjecten', query: { zaak: zaakUrl }, purpose: 'documenten van de zaak lezen' });
    if (zios.length === 0) return [];
    throw new NotImplementedOnZgw('Zaakdocumenten opvragen');
  }

  /** GET /zaakinformatieobjecten?informatieobject=<eio url>: the zaken (by identificatie) a document is linked to. */
  async listDocumentZaken(documentIdentificatie: string, r: ReadTx): Promise<ZaakDocumentLink[]> {
    void documentIdentificatie; void r;
    throw new NotImplementedOnZgw('Zaken van een document');
  }

  /**
   * voegZaakdocumentToe / maakZaakdocument: POST the EIO (informatieobjecttype from the zaaktype's ZIOTs by
   * dct.omschrijving via the profile's documenttypen, bronorganisatie = ctx.rsin, taal default
   * ctx.settings.defaults.taal), content from firstVersion.blobRef; undo = DELETE EIO.
   */
  async insertDocument(tx: WriteTx, meta: DocumentMeta, firstVersion: DocumentVersion): Promise<void> {
    void tx; void meta; void firstVersion;
    throw new NotImplementedOnZgw('Documenten toevoegen (voegZaakdocumentToe, maakZaakdocument)');
  }

  /** updateZaakdocument: PATCH the EIO metadata with the lock (POST lock first when Zaakpoort holds none). */
  async updateDocumentMeta(tx: WriteTx, meta: DocumentMeta): Promise<void> {
    void tx; void meta;
    throw new NotImplementedOnZgw('Documentmetadata wijzigen (updateZaakdocument)');
  }

  /** updateZaakdocument with content: PATCH inhoud null + bestandsomvang, PUT the bestandsdelen, a new versie. */
  async addDocumentVersion(tx: WriteTx, identificatie: string, version: DocumentVersion): Promise<void> {
    void tx; void identificatie; void version;
    throw new NotImplementedOnZgw('Nieuwe documentversie (updateZaakdocument)');
  }

  /** geefZaakdocumentbewerken = POST …/lock (the lock value is kept as checkedOutId); cancelCheckout = POST …/unlock. */
  async setDocumentLock(tx: WriteTx, identificatie: string, lock: DocumentLock | undefined): Promise<void> {
    void tx; void identificatie; void lock;
    throw new NotImplementedOnZgw('Documenten uitchecken (geefZaakdocumentbewerken, cancelCheckout)');
  }

  /** POST /zaakinformatieobjecten {zaak, informatieobject, titel, beschrijving}; undo = DELETE ZIO. */
  async linkDocument(tx: WriteTx, zaakUrl: string, link: ZaakDocumentLink): Promise<void> {
    void tx; void zaakUrl; void link;
    throw new NotImplementedOnZgw('Document aan zaak koppelen');
  }

  /** ontkoppelZaakdocument: DELETE the ZIO (undo: create it again). */
  async unlinkDocument(tx: WriteTx, zaakUrl: string, documentIdentificatie: string): Promise<boolean> {
    void tx; void zaakUrl; void documentIdentificatie;
    throw new NotImplementedOnZgw('Document ontkoppelen (ontkoppelZaakdocument)');
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
    const ids = await Promise.all(bios.map(async (b) => (await r.read<{ identificatie: string }>({ api: 'documenten', url: b.informatieobject, purpose: 'document van het besluit lezen' }, { allow404: true }))?.identificatie));
    return ids.filter((i): i is string => i !== undefined);
  }
}
