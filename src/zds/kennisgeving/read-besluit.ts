/**
 * Reading a BSL object (voegBesluitToe, updateBesluit) into the model. Attribute values use StUF's three
 * states: undefined = absent (unchanged), null = cleared (nil / noValue), otherwise the value.
 */
import type { Besluit, ExtraElement, StufDate, Tijdvak } from '../../domain/model.js';
import { readExtraElementen, readTijdvak } from './leaves.js';
import { normaliseTijdstip, parseDatum } from '../../stuf/dates.js';
import { faults } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { type XmlElement, attr, child, childrenNamed, isNil, leafValue, path, text } from '../../xml/tree.js';

type Tri<T> = T | null | undefined;

/** The besluit fields a kennisgeving can set, by model field name. */
export interface BesluitAttributes {
  identificatie: Tri<string>;
  bstOmschrijving: Tri<string>;
  datumBeslissing: Tri<StufDate>;
  toelichting: Tri<string>;
  ingangsdatumWerking: Tri<StufDate>;
  einddatumWerking: Tri<StufDate>;
  vervalreden: Tri<string>;
  datumPublicatie: Tri<StufDate>;
  datumVerzending: Tri<StufDate>;
  datumUiterlijkeReactie: Tri<StufDate>;
  tijdstipRegistratie: Tri<string>;
  tijdvakGeldigheid: Tri<Tijdvak>;
  extraElementen: ExtraElement[] | null | undefined;
}

const z = (obj: XmlElement, name: string) => child(obj, NS.zkn, name);

export function readBesluitAttributes(obj: XmlElement): BesluitAttributes {
  const date = (name: string) => parseDatum(z(obj, name));
  const tr = leafValue(child(obj, NS.stuf, 'tijdstipRegistratie'));
  return {
    identificatie: leafValue(z(obj, 'identificatie')),
    bstOmschrijving: leafValue(z(obj, 'bst.omschrijving')),
    datumBeslissing: date('datumBeslissing'),
    toelichting: leafValue(z(obj, 'toelichting')),
    ingangsdatumWerking: date('ingangsdatumWerking'),
    einddatumWerking: date('einddatumWerking'),
    vervalreden: leafValue(z(obj, 'vervalreden')),
    datumPublicatie: date('datumPublicatie'),
    datumVerzending: date('datumVerzending'),
    datumUiterlijkeReactie: date('datumUiterlijkeReactie'),
    tijdstipRegistratie: typeof tr === 'string' ? normaliseTijdstip(tr) : tr,
    tijdvakGeldigheid: readTijdvak(obj),
    extraElementen: readExtraElementen(obj),
  };
}

/** Fields other than identificatie that may be changed or cleared. */
export const MUTABLE_FIELDS = [
  'bstOmschrijving', 'datumBeslissing', 'toelichting', 'ingangsdatumWerking', 'einddatumWerking', 'vervalreden',
  'datumPublicatie', 'datumVerzending', 'datumUiterlijkeReactie', 'tijdstipRegistratie', 'tijdvakGeldigheid', 'extraElementen',
] as const;

/** Mandatory in every stored besluit (SPEC #18, RN #488644): a v element may not be nil. */
export const REQUIRED_FIELDS = ['datumBeslissing', 'ingangsdatumWerking'] as const;

/** A new Besluit from the besluit element of voegBesluitToe. */
export function besluitFromObject(obj: XmlElement, zaakIdentificatie: string): Besluit {
  const a = readBesluitAttributes(obj);
  const need = <T>(v: Tri<T>, name: string): T => {
    if (v === undefined || v === null) throw faults.invalid(`Verplicht gegeven ${name} ontbreekt`, `besluit/${name} moet een waarde hebben`);
    return v;
  };
  const besluit: Besluit = {
    identificatie: need(a.identificatie, 'identificatie'),
    zaakIdentificatie,
    datumBeslissing: need(a.datumBeslissing, 'datumBeslissing'),
    ingangsdatumWerking: need(a.ingangsdatumWerking, 'ingangsdatumWerking'),
    documenten: [],
  };
  for (const k of MUTABLE_FIELDS) {
    const v = a[k];
    if (v !== undefined && v !== null) (besluit as unknown as Record<string, unknown>)[k] = v;
  }
  return besluit;
}

/** One isVastgelegdIn (BSLEDC) relation: its verwerkingssoort and the document it names (none for a placeholder). */
export interface VastgelegdIn {
  verwerkingssoort: string;
  documentIdentificatie?: string;
}

export function readVastgelegdIn(obj: XmlElement): VastgelegdIn[] {
  return childrenNamed(obj, NS.zkn, 'isVastgelegdIn').map((rel) => {
    const out: VastgelegdIn = { verwerkingssoort: attr(rel, NS.stuf, 'verwerkingssoort') ?? 'T' };
    const id = isNil(rel) ? undefined : text(path(rel, NS.zkn, 'gerelateerde', 'identificatie'));
    if (id) out.documentIdentificatie = id;
    return out;
  });
}
