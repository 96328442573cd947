import type { Besluit, BetrokkeneKind, Document, DocumentLock, DocumentMeta, DocumentVersion, IdKind, Overdracht, Zaak, ZaakDocumentLink, ZaakRelatie } from '../domain/model.js';

/**
 * A condition on one value. `gelijk` null means "has no value" (only meaningful for einddatum). vanaf/totEnMet
 * are inclusive bounds; all given parts must hold. Values compare as strings (identificatie, zaaktype code,
 * yyyymmdd dates, which sort like strings).
 */
export interface ValueCondition {
  gelijk?: string | null;
  vanaf?: string;
  totEnMet?: string;
}

/** Selection for the generic zakLv01 vraag. Every given condition must hold (AND). */
export interface ZaakQuery {
  identificatie?: ValueCondition;
  zaaktypeCode?: ValueCondition;
  startdatum?: ValueCondition;
  registratiedatum?: ValueCondition;
  einddatum?: ValueCondition;
  /** The active initiator (a heeftAlsInitiator rol without eindRelatie) is this subject: Betrokkene kind + keyElement + key. */
  initiator?: { kind: BetrokkeneKind; keyElement: string; key: string };
  /** Results are ordered by identificatie ascending; only zaken whose identificatie sorts after this (a vervolgvraag). */
  after?: string;
  /** At most this many zaken (≥ 0). */
  limit: number;
  /** Also count every match (ignoring `after` and `limit`) into `total`. */
  countTotal?: boolean;
}

export interface ZaakQueryResult {
  zaken: Zaak[];
  /** More matches exist after the last returned zaak. */
  more: boolean;
  /** Set when countTotal was asked. */
  total?: number;
}

/** What every backend can read. */
export interface StoreReader {
  getZaak(identificatie: string): Promise<Zaak | undefined>;
  getDocument(identificatie: string): Promise<Document | undefined>;
  /** Every stored version of a document, oldest first ([] for an unknown document); older versions are history. */
  listDocumentVersions(identificatie: string): Promise<DocumentVersion[]>;
  /** Every zaak–document link of a zaak, with the document, in link creation order. */
  listZaakDocumenten(zaakIdentificatie: string): Promise<Array<{ link: ZaakDocumentLink; document: Document }>>;
  /** The zaken a document is linked to. */
  listDocumentZaken(documentIdentificatie: string): Promise<ZaakDocumentLink[]>;
  getBesluit(identificatie: string): Promise<Besluit | undefined>;
  listBesluiten(zaakIdentificatie: string): Promise<Besluit[]>;
  /**
   * Optional: a zaak with its documents, besluiten and the zaken of its relaties of the wanted soorten in one read
   * (one snapshot; on PostgreSQL one round trip instead of up to five). Equal to getZaak + listZaakDocumenten +
   * listBesluiten + getZaak per related zaak; what is asked for is always set. Callers fall back to those calls
   * on a backend without it.
   */
  getZaakDetails?(identificatie: string, want: ZaakDetailsWanted): Promise<ZaakDetails | undefined>;
  /** Zaken matching a selection, ordered by identificatie (the generic StUF-ZKN zakLv01). */
  findZaken(query: ZaakQuery): Promise<ZaakQueryResult>;
  /** An answer stored for (zender, referentienummer), for idempotent resends. */
  getLoggedMessage(zenderKey: string, referentienummer: string): Promise<LoggedMessage | undefined>;
  /** The overdracht whose overdragenZaak_Di01 had this referentienummer. */
  getOverdracht(referentienummer: string): Promise<Overdracht | undefined>;
  /**
   * Small JSON values kept beside another system, by key (the ZGW backend keeps here, per ZGW resource URL, the
   * ZDS data the ZGW APIs have no field for). Keys without a value are absent from the map.
   */
  getSidecar(keys: string[]): Promise<Map<string, unknown>>;
}

/** What getZaakDetails reads besides the zaak. */
export interface ZaakDetailsWanted {
  documenten: boolean;
  besluiten: boolean;
  /** The relatie soorten whose zaken to read as well ([] for none). */
  relaties: ReadonlyArray<ZaakRelatie['soort']>;
}

/** What getZaakDetails returns. */
export interface ZaakDetails {
  zaak: Zaak;
  documenten?: Array<{ link: ZaakDocumentLink; document: Document }>;
  besluiten?: Besluit[];
  /** Related zaken in the store, by identificatie (set when relaties were asked for; unknown ones are absent). */
  gerelateerde?: Map<string, Zaak>;
  /**
   * True when the store's mark for unvalidated data (ports/index.ts StoredDataRecord) was absent in the same
   * snapshot as everything above, so an answer made of these values alone needs no schema check. Set only by a
   * backend that reads the mark in the same statement (PostgreSQL); absent means "not known".
   */
  allValidated?: boolean;
}

export interface LoggedMessage {
  zenderKey: string;
  referentienummer: string;
  /** sha256 of the request body (first child of soap:Body, as received). */
  requestHash: string;
  /** The response body XML that was sent. */
  responseXml: string;
  /** ISO instant. */
  at: string;
}

/** Writes happen only inside a transaction; everything in one message commits or nothing does. */
export interface StoreWriter extends StoreReader {
  /** Throws DuplicateError when the identificatie exists. */
  insertZaak(zaak: Zaak): Promise<void>;
  /** Replaces the stored zaak (same identificatie). */
  updateZaak(zaak: Zaak): Promise<void>;
  /** Throws DuplicateError when the identificatie exists. */
  insertDocument(meta: DocumentMeta, firstVersion: DocumentVersion): Promise<void>;
  updateDocumentMeta(meta: DocumentMeta): Promise<void>;
  addDocumentVersion(identificatie: string, version: DocumentVersion): Promise<void>;
  setDocumentLock(identificatie: string, lock: DocumentLock | undefined): Promise<void>;
  /** Throws DuplicateError when the link exists. */
  linkDocument(link: ZaakDocumentLink): Promise<void>;
  unlinkDocument(zaakIdentificatie: string, documentIdentificatie: string): Promise<boolean>;
  insertBesluit(besluit: Besluit): Promise<void>;
  updateBesluit(besluit: Besluit): Promise<void>;
  logMessage(message: LoggedMessage): Promise<void>;
  /** Throws DuplicateError when the referentienummer exists. The zaak must exist. */
  insertOverdracht(overdracht: Overdracht): Promise<void>;
  /** Replaces the stored overdracht (same referentienummer); throws when there is none. */
  updateOverdracht(overdracht: Overdracht): Promise<void>;
  /** Mark a reserved identificatie as used (no-op when it was never reserved: caller-made ids are allowed). */
  markIdentificatieUsed(kind: IdKind, value: string): Promise<void>;
  /** Set (or, with undefined, remove) a sidecar value. */
  putSidecar(key: string, value: unknown): Promise<void>;
}

/**
 * What a transaction is for, when a kennisgeving runs it. A backend without transactions of its own (ZGW) uses it:
 * its crash journal names the bericht (a logged answer proves the unit completed), and a copy of the same bericht
 * in flight on another instance is waited for.
 */
export interface TransactionIntent {
  /** The ZDS operation, for the log. */
  operation?: string;
  /** The bericht's message-log key (zender + referentienummer). */
  messageKey?: { zenderKey: string; referentienummer: string };
}

export interface ZaakStore extends StoreReader {
  /**
   * Run fn in one transaction. The backend serialises or isolates transactions so that two messages never see
   * each other's half-done work. Throwing rolls everything back.
   */
  transaction<T>(fn: (tx: StoreWriter) => Promise<T>, intent?: TransactionIntent): Promise<T>;
  /**
   * Remove at most `limit` message-log entries logged before `before` (an ISO instant); returns how many went.
   * Small batches, each its own short write, so pruning never holds up the messages being processed.
   */
  pruneMessageLog(before: string, limit: number): Promise<number>;
  /**
   * The same as transaction((tx) => tx.logMessage(message)), for a backend that can do it in fewer round trips
   * (PostgreSQL: one autocommit INSERT instead of BEGIN, INSERT, COMMIT). Optional: callers fall back to the
   * transaction. Durable when it resolves; DuplicateError when the key is logged already.
   */
  logMessageAlone?(message: LoggedMessage): Promise<void>;
  /** Throws when the backend is not reachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by a backend when a unique identificatie/link already exists. */
export class DuplicateError extends Error {
  constructor(
    readonly kind: 'zaak' | 'document' | 'besluit' | 'link' | 'message' | 'overdracht',
    readonly identificatie: string,
  ) {
    super(`${kind} ${identificatie} bestaat al`);
    this.name = 'DuplicateError';
  }
}
