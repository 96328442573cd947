/**
 * ZDS document ↔ ZGW enkelvoudiginformatieobject (EIO) and zaakinformatieobject (ZIO): the pure mappings.
 * What ZGW cannot hold is named in the README ("Zaakpoort in front of Open Zaak", documents rows).
 */
import type { Document, DocumentMeta, DocumentVersion, ZaakDocumentLink } from '../../../domain/model.js';
import { formatDatum } from '../../../stuf/dates.js';
import { faults } from '../../../stuf/fault.js';
import { dateFromZgw, dateToZgw } from '../map-zaak.js';

/** The EIO fields Zaakpoort reads (Documenten API 1.4). */
export interface ZgwEio {
  url: string;
  identificatie: string;
  bronorganisatie: string;
  creatiedatum: string;
  titel: string;
  vertrouwelijkheidaanduiding?: string;
  auteur: string;
  status?: string;
  formaat?: string;
  taal: string;
  versie: number;
  beginRegistratie: string;
  bestandsnaam?: string;
  inhoud: string | null;
  bestandsomvang: number | null;
  link?: string;
  beschrijving?: string;
  ontvangstdatum?: string | null;
  verzenddatum?: string | null;
  integriteit?: { algoritme: string; waarde: string; datum: string | null } | null;
  informatieobjecttype: string;
  locked: boolean;
  bestandsdelen?: ZgwBestandsdeel[];
  /** Only in the create answer of a large upload. */
  lock?: string;
}

export interface ZgwBestandsdeel {
  url: string;
  volgnummer: number;
  omvang: number;
  voltooid: boolean;
}

export interface ZgwZio {
  url: string;
  zaak: string;
  informatieobject: string;
  titel?: string;
  beschrijving?: string;
  registratiedatum: string;
}

/** ZDS (StUF-ZKN) "ZEER GEHEIM" ↔ ZGW "zeer_geheim"; the same eight values in both. */
const VERTROUWELIJK = ['openbaar', 'beperkt_openbaar', 'intern', 'zaakvertrouwelijk', 'vertrouwelijk', 'confidentieel', 'geheim', 'zeer_geheim'];
/** ZDS document status "in bewerking" ↔ ZGW "in_bewerking". */
const STATUS = ['in_bewerking', 'ter_vaststelling', 'definitief', 'gearchiveerd'];

function toEnum(value: string | undefined, allowed: string[], element: string): string | undefined {
  if (value === undefined) return undefined;
  const z = value.trim().toLowerCase().replace(/\s+/g, '_');
  if (!allowed.includes(z)) {
    throw faults.processing(`${element} onbekend in het zaaksysteem (ZGW)`, `${element} "${value}": toegestaan zijn ${allowed.map((a) => a.replace(/_/g, ' ')).join(', ')}`);
  }
  return z;
}

/**
 * The Documenten API wants taal as ISO 639-2/B (three letters); vakapplicaties also send the ISO 639-1 code of
 * the common languages. Those are translated (and read back as ISO 639-2/B); anything else goes as sent.
 */
const ISO_639_1_TO_2B: Record<string, string> = { nl: 'dut', en: 'eng', de: 'ger', fr: 'fre', fy: 'fry' };

/** The taal sent to the Documenten API: ISO 639-2/B as sent or translated; anything else becomes the default. */
function zgwTaal(taal: string | undefined, fallback: string): string {
  if (!taal) return fallback;
  const t = ISO_639_1_TO_2B[taal.trim().toLowerCase()] ?? taal;
  return /^[a-z]{3}$/.test(t) ? t : fallback;
}

/** The status sent to the Documenten API ("in bewerking" → in_bewerking); one outside its list is not sent. */
function zgwStatus(status: string | undefined): string {
  const z = (status ?? '').trim().toLowerCase().replace(/\s+/g, '_');
  return STATUS.includes(z) ? z : '';
}

/** The link sent to the Documenten API (a URI of at most 200 characters there); anything else is not sent. */
function zgwLink(link: string | undefined): string {
  return link && link.length <= 200 && /^https?:\/\/\S+$/.test(link) ? link : '';
}

const blankToUndefined = (s: string | null | undefined): string | undefined => (s ? s : undefined);

/** The EIO fields a ZDS document's metadata sets (without informatieobjecttype, content and identity). */
export function eioFields(meta: DocumentMeta, version: Pick<DocumentVersion, 'bestandsnaam' | 'contentType'> | undefined, defaults: { taal: string; vertrouwelijkheidaanduiding?: string }, today: string): Record<string, unknown> {
  if (!meta.auteur) throw faults.processing('auteur ontbreekt', `Document ${meta.identificatie}: de Documenten API vraagt een auteur`);
  const vertrouwelijk = toEnum(meta.vertrouwelijkAanduiding, VERTROUWELIJK, 'vertrouwelijkAanduiding') ?? defaults.vertrouwelijkheidaanduiding;
  return {
    creatiedatum: dateToZgw(meta.creatiedatum, 'creatiedatum') ?? today,
    // The check-out answer derives a missing titel from the file name the same way.
    titel: meta.titel ?? version?.bestandsnaam ?? meta.identificatie,
    auteur: meta.auteur,
    // An empty taal (sent as an empty element) is no taal; one the API cannot hold is kept beside it (documentSidecar).
    taal: zgwTaal(meta.taal, defaults.taal),
    ...(vertrouwelijk ? { vertrouwelijkheidaanduiding: vertrouwelijk } : {}),
    // A status outside the API's list is kept beside it (documentSidecar).
    status: zgwStatus(meta.status),
    formaat: meta.formaat ?? version?.contentType ?? '',
    bestandsnaam: version?.bestandsnaam ?? '',
    beschrijving: meta.beschrijving ?? '',
    link: zgwLink(meta.link),
    ontvangstdatum: dateToZgw(meta.ontvangstdatum, 'ontvangstdatum'),
    verzenddatum: dateToZgw(meta.verzenddatum, 'verzenddatum'),
  };
}

/** A ZDS Document from an EIO (one versie of it); dctOmschrijving is the informatieobjecttype's omschrijving. */
export function documentFromEio(e: ZgwEio, dctOmschrijving: string | undefined): Document {
  const meta: DocumentMeta = { identificatie: e.identificatie };
  const set = <K extends keyof DocumentMeta>(k: K, v: DocumentMeta[K] | undefined) => {
    if (v !== undefined) meta[k] = v;
  };
  set('dctOmschrijving', dctOmschrijving);
  set('creatiedatum', dateFromZgw(e.creatiedatum));
  set('ontvangstdatum', dateFromZgw(e.ontvangstdatum));
  set('titel', blankToUndefined(e.titel));
  set('beschrijving', blankToUndefined(e.beschrijving));
  set('formaat', blankToUndefined(e.formaat));
  set('taal', blankToUndefined(e.taal));
  set('versie', String(e.versie));
  set('status', e.status ? e.status.replace(/_/g, ' ') : undefined);
  set('verzenddatum', dateFromZgw(e.verzenddatum));
  set('vertrouwelijkAanduiding', e.vertrouwelijkheidaanduiding ? e.vertrouwelijkheidaanduiding.replace(/_/g, ' ').toUpperCase() : undefined);
  set('auteur', blankToUndefined(e.auteur));
  set('link', blankToUndefined(e.link));
  return { meta, latest: versionFromEio(e) };
}

/** What a ZDS document carries that the Documenten API has no field for, kept beside ZGW per EIO URL. */
export type DocumentSidecar = Pick<DocumentMeta, 'extraElementen' | 'tijdvakGeldigheid' | 'tijdstipRegistratie' | 'link' | 'taal' | 'status'>;

/**
 * What the EIO cannot hold as sent: also a taal that is no ISO 639-2/B code (or was translated to one), a link
 * that is no URL and a status outside the API's list, each kept as the message gave it.
 */
export function documentSidecar(meta: DocumentMeta): DocumentSidecar | undefined {
  const out: DocumentSidecar = {
    ...(meta.extraElementen?.length ? { extraElementen: meta.extraElementen } : {}),
    ...(meta.tijdvakGeldigheid ? { tijdvakGeldigheid: meta.tijdvakGeldigheid } : {}),
    ...(meta.tijdstipRegistratie ? { tijdstipRegistratie: meta.tijdstipRegistratie } : {}),
    ...(meta.link && zgwLink(meta.link) !== meta.link ? { link: meta.link } : {}),
    ...(meta.taal && zgwTaal(meta.taal, '') !== meta.taal ? { taal: meta.taal } : {}),
    ...(meta.status && !zgwStatus(meta.status) ? { status: meta.status } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

/**
 * The kept values over the document read from the EIO. The kept taal, link and status count only while the EIO
 * still holds what Zaakpoort sent for them; when another application changed the field, ZGW's value is answered.
 */
export function withDocumentSidecar(meta: DocumentMeta, e: ZgwEio, side: DocumentSidecar | undefined, defaultTaal: string): DocumentMeta {
  if (!side) return meta;
  const { link, taal, status, ...rest } = side;
  Object.assign(meta, rest);
  if (status !== undefined && !e.status) meta.status = status;
  if (link !== undefined && (e.link ?? '') === zgwLink(link)) meta.link = link;
  if (taal !== undefined && e.taal === zgwTaal(taal, defaultTaal)) meta.taal = taal;
  return meta;
}

/** The content of one EIO versie: its download URL is the blobRef the content store streams. */
export function versionFromEio(e: ZgwEio): DocumentVersion {
  const v: DocumentVersion = { versionNo: e.versie, size: e.bestandsomvang ?? 0, createdAt: new Date(e.beginRegistratie).toISOString() };
  if (e.inhoud) v.blobRef = e.inhoud;
  if (e.integriteit?.algoritme === 'sha_256' && e.integriteit.waarde) v.sha256 = e.integriteit.waarde;
  if (e.bestandsnaam) v.bestandsnaam = e.bestandsnaam;
  // ZGW has one formaat; it is the content type when it looks like one.
  if (e.formaat && e.formaat.includes('/')) v.contentType = e.formaat;
  return v;
}

/** The checksum Zaakpoort computed while the content streamed in, kept in the EIO's integriteit. */
export function integriteit(sha256: string | undefined, today: string): Record<string, unknown> | undefined {
  return sha256 ? { integriteit: { algoritme: 'sha_256', waarde: sha256, datum: today } } : undefined;
}

/** A ZDS link from a ZIO. registratiedatum is the ZIO's (set by the API, in the configured zone). */
export function linkFromZio(z: ZgwZio, zaakIdentificatie: string, documentIdentificatie: string, timeZone: string): ZaakDocumentLink {
  const link: ZaakDocumentLink = { zaakIdentificatie, documentIdentificatie, registratiedatum: formatDatum(new Date(z.registratiedatum), timeZone) };
  if (z.titel) link.titel = z.titel;
  if (z.beschrijving) link.beschrijving = z.beschrijving;
  return link;
}
