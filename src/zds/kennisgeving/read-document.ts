/** Reading an EDC object (voegZaakdocumentToe, maakZaakdocument, updateZaakdocument) into the model. */
import type { DocumentMeta, StufDate, Tijdvak } from '../../domain/model.js';
import { parseDatum } from '../../stuf/dates.js';
import { NS } from '../../stuf/namespaces.js';
import { readExtraElementen, readTijdstipRegistratie, readTijdvak, relatieMetagegevens } from './leaves.js';
import { type ExtractedContent, type XmlElement, attr, child, leafValue, path, text } from '../../xml/tree.js';

type Tri<T> = T | null | undefined;

export type DocumentAttributes = { [K in keyof DocumentMeta]-?: Tri<DocumentMeta[K]> };

const TEXT_FIELDS = ['identificatie', 'dctOmschrijving', 'titel', 'beschrijving', 'formaat', 'taal', 'versie', 'status',
  'vertrouwelijkAanduiding', 'auteur', 'link'] as const;
const DATE_FIELDS = ['creatiedatum', 'ontvangstdatum', 'verzenddatum'] as const;

/** Element name in the message for a model field (dct.omschrijving ↔ dctOmschrijving). */
const ELEMENT: Record<string, string> = { dctOmschrijving: 'dct.omschrijving' };
const elementName = (field: string) => ELEMENT[field] ?? field;

export function readDocumentAttributes(obj: XmlElement): DocumentAttributes {
  const out: Record<string, Tri<string | StufDate>> = {};
  for (const f of TEXT_FIELDS) out[f] = leafValue(child(obj, NS.zkn, elementName(f)));
  for (const f of DATE_FIELDS) out[f] = parseDatum(child(obj, NS.zkn, f));
  return { ...out, extraElementen: readExtraElementen(obj), tijdvakGeldigheid: readTijdvak(obj), tijdstipRegistratie: readTijdstipRegistratie(obj) } as DocumentAttributes;
}

/** Keep only the fields that have a value. */
export function metaFrom(a: DocumentAttributes): DocumentMeta {
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) if (v !== undefined && v !== null) meta[k] = v;
  return meta as unknown as DocumentMeta;
}

export interface InhoudInfo {
  element: XmlElement;
  content?: ExtractedContent;
  bestandsnaam?: string;
  contentType?: string;
}

/** The <inhoud> element with its streamed-out content and attributes. */
export function readInhoud(obj: XmlElement): InhoudInfo | undefined {
  const el = child(obj, NS.zkn, 'inhoud');
  if (!el) return undefined;
  const info: InhoudInfo = { element: el };
  if (el.content) info.content = el.content;
  const naam = attr(el, NS.stuf, 'bestandsnaam');
  if (naam) info.bestandsnaam = naam;
  const ct = attr(el, NS.xmime, 'contentType');
  if (ct) info.contentType = ct;
  return info;
}

export interface IsRelevantVoor {
  zaakIdentificatie: string;
  titel?: string;
  beschrijving?: string;
  registratiedatum?: string;
  sttVolgnummer?: string;
  sttOmschrijving?: string;
  staDatumStatusGezet?: string;
  tijdvakRelatie?: Tijdvak;
  tijdvakGeldigheid?: Tijdvak;
  tijdstipRegistratie?: string;
}

/** The isRelevantVoor (EDCZAK) relation: which zaak the document belongs to, with the link's own attributes. */
export function readIsRelevantVoor(obj: XmlElement): IsRelevantVoor | undefined {
  const rel = child(obj, NS.zkn, 'isRelevantVoor');
  const id = text(path(rel, NS.zkn, 'gerelateerde', 'identificatie'));
  if (!rel || !id) return undefined;
  const out: IsRelevantVoor = { zaakIdentificatie: id };
  const names: Array<[keyof IsRelevantVoor, string]> = [
    ['titel', 'titel'], ['beschrijving', 'beschrijving'], ['registratiedatum', 'registratiedatum'],
    ['sttVolgnummer', 'stt.volgnummer'], ['sttOmschrijving', 'stt.omschrijving'], ['staDatumStatusGezet', 'sta.datumStatusGezet'],
  ];
  for (const [field, el] of names) {
    const v = leafValue(child(rel, NS.zkn, el));
    if (typeof v === 'string') (out as unknown as Record<string, string>)[field] = v;
  }
  return { ...out, ...relatieMetagegevens(rel) };
}
