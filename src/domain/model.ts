/**
 * The zaak/document/besluit model Zaakpoort stores. Field names follow the RGBZ/StUF-ZKN element names so the
 * mapping to and from messages stays obvious. Dates are kept as StUF strings (they are local calendar dates
 * without a zone); tijdstippen as 17-digit StUF strings in the configured time zone.
 */

/** A StUF date (yyyymmdd) with its optional indOnvolledigeDatum (D: day, M: month+day, J: all unknown). */
export interface StufDate {
  value: string;
  onvolledig?: 'D' | 'M' | 'J';
}

/**
 * An element taken from a message as data: namespace + local name + text or child elements, kept in arrival
 * (= XSD) order, so answers can echo what we were told about a person or organisation.
 */
export interface Leaf {
  ns: string;
  local: string;
  value: string;
  /** Attributes other than StUF:verwerkingssoort (e.g. StUF:entiteittype, indOnvolledigeDatum, noValue). */
  attrs?: Array<{ ns: string; local: string; value: string }>;
  /** Child elements of a group (verblijfsadres, ...); value is '' then. */
  children?: Leaf[];
}

/**
 * StUF:tijdvakGeldigheid (begin/eindGeldigheid) or StUF:tijdvakRelatie (begin/eindRelatie): StUF tijdstippen
 * as sent. An absent end means open (answered as nil with noValue geenWaarde), an absent begin unknown.
 */
export interface Tijdvak {
  begin?: string;
  eind?: string;
}

/**
 * One StUF:extraElement: a named value the standard has no element for (Open Forms sends every unmapped form
 * field this way; Decos and PinkRoccade use them too). waarde undefined = sent as nil.
 */
export interface ExtraElement {
  naam: string;
  waarde?: string;
  /** StUF:noValue of a nil extraElement. */
  noValue?: string;
  /** StUF:indOnvolledigeDatum when the value is an incomplete date. */
  indOnvolledigeDatum?: string;
}

export type BetrokkeneKind =
  | 'medewerker'
  | 'organisatorischeEenheid'
  | 'natuurlijkPersoon'
  | 'nietNatuurlijkPersoon'
  | 'vestiging';

/** A subject (person, organisation, employee) referred to by a rol or a status. */
export interface Betrokkene {
  kind: BetrokkeneKind;
  /** The identifying value: bsn / anp.identificatie / inn.nnpId / ann.identificatie / vestigingsNummer / identificatie. */
  key: string;
  /** Which element carried the key (inp.bsn, anp.identificatie, inn.nnpId, ...). */
  keyElement: string;
  /** The subject element's children, in message order, so answers can echo what we were told. */
  leaves: Leaf[];
}

export const ROL_TYPES = [
  'heeftAlsBelanghebbende',
  'heeftAlsGemachtigde',
  'heeftAlsInitiator',
  'heeftAlsUitvoerende',
  'heeftAlsVerantwoordelijke',
  'heeftAlsOverigBetrokkene',
] as const;
export type RolType = (typeof ROL_TYPES)[number];

export interface Rol {
  rolType: RolType;
  betrokkene: Betrokkene;
  code?: string;
  omschrijving?: string;
  toelichting?: string;
  emailadres?: string;
  beginRelatie?: string;
  /** Set when the relation was ended (verwerkingssoort E / R); an ended rol is history, not active. */
  eindRelatie?: string;
  /** afwijkendCorrespondentieAdres or afwijkendBuitenlandsCorrespondentieAdres (the local name tells which), as sent. */
  afwijkendCorrespondentieAdres?: Leaf;
  /** The whole heeftAlsAanspreekpunt element (contactpersoon), as sent. */
  aanspreekpunt?: Leaf;
  /** StUF:tijdvakGeldigheid of the rol. */
  tijdvakGeldigheid?: Tijdvak;
  /** StUF:tijdstipRegistratie of the rol relation (17-digit tijdstip). */
  tijdstipRegistratie?: string;
  /** StUF:extraElementen of the rol, in message order (emailadres is also kept there when sent that way). */
  extraElementen?: ExtraElement[];
}

export interface Statustype {
  volgnummer: string;
  omschrijving?: string;
  code?: string;
  zktCode?: string;
  zktOmschrijving?: string;
}

export interface Status {
  statustype: Statustype;
  /** StUF tijdstip, 17 digits after normalisation. */
  datumStatusGezet: string;
  toelichting?: string;
  gezetDoor?: Betrokkene;
  /** isGezetDoor's own rolOmschrijving / rolomschrijvingGeneriek, as sent. */
  gezetDoorRol?: { rolOmschrijving?: string; rolomschrijvingGeneriek?: string };
}

export interface Kenmerk {
  kenmerk: string;
  bron: string;
}

export interface AnderZaakObject {
  omschrijving?: string;
  aanduiding?: string;
  registratie?: string;
  /** The GML geometry inside `lokatie` (gml:Point, gml:Polygon, ... any type BG:GeometrieIMGeo allows), as sent. */
  lokatie?: Leaf;
}

/** The relatie soorten between zaken, as the ZKN element names them, in the schema's order (answers follow it). */
export const ZAAK_RELATIE_SOORTEN = ['heeftAlsDeelzaak', 'heeftAlsHoofdzaak', 'heeftBetrekkingOpAndere'] as const;

export interface ZaakRelatie {
  soort: (typeof ZAAK_RELATIE_SOORTEN)[number];
  identificatie: string;
  /** StUF:tijdvakRelatie of the relation. */
  tijdvakRelatie?: Tijdvak;
  /** StUF:tijdstipRegistratie of the relation (17-digit tijdstip). */
  tijdstipRegistratie?: string;
}

/** A heeftBetrekkingOp relation: the object (adres, buurt, pand, ...) under gerelateerde, kerngegevens only. */
export interface Zaakobject {
  omschrijving?: string;
  /** The element under gerelateerde with its attributes (StUF:entiteittype), kept as data. */
  object: Leaf;
  /** StUF:tijdvakRelatie of the heeftBetrekkingOp relation. */
  tijdvakRelatie?: Tijdvak;
  /** StUF:tijdstipRegistratie of the relation (17-digit tijdstip). */
  tijdstipRegistratie?: string;
}

export interface Zaaktype {
  code: string;
  omschrijving?: string;
  ingangsdatumObject?: string;
}

export interface Zaak {
  identificatie: string;
  zaaktype: Zaaktype;
  omschrijving?: string;
  toelichting?: string;
  kenmerken: Kenmerk[];
  anderZaakObjecten: AnderZaakObject[];
  resultaat?: { omschrijving?: string; toelichting?: string };
  startdatum: StufDate;
  registratiedatum: StufDate;
  publicatiedatum?: StufDate;
  einddatumGepland?: StufDate;
  uiterlijkeEinddatum?: StufDate;
  einddatum?: StufDate;
  opschorting?: { indicatie?: string; reden?: string };
  verlenging?: { duur?: string; reden?: string };
  betalingsIndicatie?: string;
  laatsteBetaaldatum?: string;
  archiefnominatie?: string;
  datumVernietigingDossier?: StufDate;
  zaakniveau: string;
  deelzakenIndicatie: string;
  tijdstipRegistratie?: string;
  /** StUF:tijdvakGeldigheid of the zaak. */
  tijdvakGeldigheid?: Tijdvak;
  /** StUF:extraElementen of the zaak, in message order. */
  extraElementen?: ExtraElement[];
  rollen: Rol[];
  statussen: Status[];
  relaties: ZaakRelatie[];
  /** heeftBetrekkingOp (ZAKOBJ); optional so zaken stored before it was kept stay valid. */
  zaakobjecten?: Zaakobject[];
}

export const VERTROUWELIJKHEID = [
  'ZEER GEHEIM', 'GEHEIM', 'CONFIDENTIEEL', 'VERTROUWELIJK', 'ZAAKVERTROUWELIJK', 'INTERN', 'BEPERKT OPENBAAR',
  'OPENBAAR',
] as const;

/** Metadata of an enkelvoudig informatieobject (EDC). Content lives in the DocumentContentStore. */
export interface DocumentMeta {
  identificatie: string;
  dctOmschrijving?: string;
  creatiedatum?: StufDate;
  ontvangstdatum?: StufDate;
  titel?: string;
  beschrijving?: string;
  formaat?: string;
  taal?: string;
  versie?: string;
  status?: string;
  verzenddatum?: StufDate;
  vertrouwelijkAanduiding?: string;
  auteur?: string;
  link?: string;
  /** StUF:extraElementen of the document, in message order. */
  extraElementen?: ExtraElement[];
  /** StUF:tijdvakGeldigheid of the document. */
  tijdvakGeldigheid?: Tijdvak;
  /** StUF:tijdstipRegistratie of the document (17-digit tijdstip). */
  tijdstipRegistratie?: string;
}

export interface DocumentVersion {
  versionNo: number;
  /** Opaque reference into the DocumentContentStore; undefined for a document made without content. */
  blobRef?: string;
  size: number;
  sha256?: string;
  bestandsnaam?: string;
  contentType?: string;
  /** ISO instant. */
  createdAt: string;
}

export interface DocumentLock {
  checkedOutId: string;
  checkedOutBy?: string;
  /** The zender identity that holds the lock (organisatie|applicatie|administratie|gebruiker). */
  owner: string;
  /** ISO instant. */
  at: string;
}

export interface Document {
  meta: DocumentMeta;
  latest: DocumentVersion;
  lock?: DocumentLock;
}

/** The zaak–document link (ZAKEDC / EDCZAK) with its own attributes. */
export interface ZaakDocumentLink {
  zaakIdentificatie: string;
  documentIdentificatie: string;
  titel?: string;
  beschrijving?: string;
  /** StUF date; mandatory in answers, defaults to the day the link was made. */
  registratiedatum: string;
  sttVolgnummer?: string;
  sttOmschrijving?: string;
  staDatumStatusGezet?: string;
  /** StUF:tijdvakRelatie, tijdvakGeldigheid and tijdstipRegistratie of the link, as sent. */
  tijdvakRelatie?: Tijdvak;
  tijdvakGeldigheid?: Tijdvak;
  tijdstipRegistratie?: string;
}

export interface Besluit {
  identificatie: string;
  zaakIdentificatie: string;
  bstOmschrijving?: string;
  datumBeslissing: StufDate;
  ingangsdatumWerking: StufDate;
  einddatumWerking?: StufDate;
  vervalreden?: string;
  datumPublicatie?: StufDate;
  datumVerzending?: StufDate;
  datumUiterlijkeReactie?: StufDate;
  toelichting?: string;
  tijdstipRegistratie?: string;
  /** StUF:tijdvakGeldigheid as sent; without it answers use the werking period (ingangsdatum – einddatum). */
  tijdvakGeldigheid?: Tijdvak;
  /** StUF:extraElementen of the besluit, in message order. */
  extraElementen?: ExtraElement[];
  documenten: string[];
}

export type IdKind = 'zaak' | 'document' | 'besluit';

export type OverdrachtStatus = 'verzonden' | 'geaccepteerd' | 'geweigerd';

/**
 * A zaak offered to a zaakservice-consumer (ZDS #22b/c): our overdragenZaak_Di01 and, later, the ZSC's
 * overdragenZaak_Du01 answer (whose crossRefnummer is this referentienummer).
 */
export interface Overdracht {
  /** Referentienummer of the Di01 we sent; unique. */
  referentienummer: string;
  zaakIdentificatie: string;
  /** The ZSC's StUF address (ontvanger of the Di01). */
  ontvanger: { organisatie?: string; applicatie: string; administratie?: string };
  /** URL the Di01 was POSTed to. */
  endpoint: string;
  status: OverdrachtStatus;
  /** The meldingen of the ZSC's Du01 answer (absent until answered, or when it sent none). */
  meldingen?: string[];
  /** ISO instant the ZSC acknowledged the Di01 (Bv03). */
  verzondenOp: string;
  /** ISO instant the Du01 answer was processed. */
  beantwoordOp?: string;
}
