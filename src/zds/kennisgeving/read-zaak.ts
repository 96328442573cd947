/**
 * Reading a ZAK object from a kennisgeving (creeerZaak, updateZaak, actualiseerZaakstatus) into the model.
 * Attribute values use StUF's three states: undefined = absent (unchanged), null = cleared (nil/noValue).
 */
import type { AnderZaakObject, ExtraElement, Kenmerk, Leaf, Tijdvak, Rol, RolType, Status, StufDate, Zaak, Zaakobject, ZaakRelatie } from '../../domain/model.js';
import { ROL_TYPES, ZAAK_RELATIE_SOORTEN } from '../../domain/model.js';
import { parseDatum, normaliseTijdstip } from '../../stuf/dates.js';
import { faults } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { type XmlElement, attr, child, childrenNamed, elements, isNil, leafValue, path, text } from '../../xml/tree.js';
import { readBetrokkene } from './read-betrokkene.js';
import { extraElement, readExtraElementen, readTijdvak, relatieMetagegevens, tijdvakRelatie, toLeaf } from './leaves.js';

type Tri<T> = T | null | undefined;

/** The attributes of a zaak as one kennisgeving object states them. */
export interface ZaakAttributes {
  identificatie: Tri<string>;
  zaaktypeCode: Tri<string>;
  zaaktypeOmschrijving: Tri<string>;
  zaaktypeIngangsdatum: Tri<string>;
  omschrijving: Tri<string>;
  toelichting: Tri<string>;
  kenmerken: Kenmerk[] | null | undefined;
  anderZaakObjecten: AnderZaakObject[] | null | undefined;
  resultaat: Tri<{ omschrijving?: string; toelichting?: string }>;
  startdatum: Tri<StufDate>;
  registratiedatum: Tri<StufDate>;
  publicatiedatum: Tri<StufDate>;
  einddatumGepland: Tri<StufDate>;
  uiterlijkeEinddatum: Tri<StufDate>;
  einddatum: Tri<StufDate>;
  opschorting: Tri<{ indicatie?: string; reden?: string }>;
  verlenging: Tri<{ duur?: string; reden?: string }>;
  betalingsIndicatie: Tri<string>;
  laatsteBetaaldatum: Tri<string>;
  archiefnominatie: Tri<string>;
  datumVernietigingDossier: Tri<StufDate>;
  zaakniveau: Tri<string>;
  deelzakenIndicatie: Tri<string>;
  tijdstipRegistratie: Tri<string>;
  tijdvakGeldigheid: Tri<Tijdvak>;
  extraElementen: ExtraElement[] | null | undefined;
}

const z = (obj: XmlElement, name: string) => child(obj, NS.zkn, name);

function group<T extends Record<string, string | undefined>>(el: XmlElement | undefined, names: string[]): Tri<T> {
  if (!el) return undefined;
  if (isNil(el)) return null;
  const out: Record<string, string | undefined> = {};
  for (const n of names) {
    const v = leafValue(z(el, n));
    if (typeof v === 'string') out[n] = v;
  }
  return out as T;
}

function list<T>(els: XmlElement[], read: (el: XmlElement) => T): T[] | null | undefined {
  if (els.length === 0) return undefined;
  if (els.length === 1 && isNil(els[0])) return null;
  return els.filter((e) => !isNil(e)).map(read);
}

export function readZaakAttributes(obj: XmlElement): ZaakAttributes {
  const date = (name: string) => parseDatum(z(obj, name));
  const zkt = path(obj, NS.zkn, 'isVan', 'gerelateerde');
  const tijdstip = (el: XmlElement | undefined): Tri<string> => {
    const v = leafValue(el);
    return typeof v === 'string' ? normaliseTijdstip(v) : v;
  };
  return {
    identificatie: leafValue(z(obj, 'identificatie')),
    zaaktypeCode: zkt ? leafValue(z(zkt, 'code')) : undefined,
    zaaktypeOmschrijving: zkt ? leafValue(z(zkt, 'omschrijving')) : undefined,
    zaaktypeIngangsdatum: zkt ? leafValue(z(zkt, 'ingangsdatumObject')) : undefined,
    omschrijving: leafValue(z(obj, 'omschrijving')),
    toelichting: leafValue(z(obj, 'toelichting')),
    kenmerken: list(childrenNamed(obj, NS.zkn, 'kenmerk'), (k) => ({
      kenmerk: text(z(k, 'kenmerk')) ?? '',
      bron: text(z(k, 'bron')) ?? '',
    })),
    anderZaakObjecten: list(childrenNamed(obj, NS.zkn, 'anderZaakObject'), (o) => {
      const out: AnderZaakObject = {};
      for (const n of ['omschrijving', 'aanduiding', 'registratie'] as const) {
        const v = leafValue(z(o, n));
        if (typeof v === 'string') out[n] = v;
      }
      // The geometry is kept as sent: whatever GML element the schema let through.
      const lokatie = z(o, 'lokatie');
      const geometrie = lokatie && !isNil(lokatie) ? elements(lokatie).find((e) => e.ns === NS.gml) : undefined;
      if (geometrie) out.lokatie = toLeaf(geometrie);
      return out;
    }),
    resultaat: group(z(obj, 'resultaat'), ['omschrijving', 'toelichting']),
    startdatum: date('startdatum'),
    registratiedatum: date('registratiedatum'),
    publicatiedatum: date('publicatiedatum'),
    einddatumGepland: date('einddatumGepland'),
    uiterlijkeEinddatum: date('uiterlijkeEinddatum'),
    einddatum: date('einddatum'),
    opschorting: group(z(obj, 'opschorting'), ['indicatie', 'reden']),
    verlenging: group(z(obj, 'verlenging'), ['duur', 'reden']),
    betalingsIndicatie: leafValue(z(obj, 'betalingsIndicatie')),
    laatsteBetaaldatum: tijdstip(z(obj, 'laatsteBetaaldatum')),
    archiefnominatie: leafValue(z(obj, 'archiefnominatie')),
    datumVernietigingDossier: date('datumVernietigingDossier'),
    zaakniveau: leafValue(z(obj, 'zaakniveau')),
    deelzakenIndicatie: leafValue(z(obj, 'deelzakenIndicatie')),
    tijdstipRegistratie: tijdstip(child(obj, NS.stuf, 'tijdstipRegistratie')),
    tijdvakGeldigheid: readTijdvak(obj),
    extraElementen: readExtraElementen(obj),
  };
}

/** verwerkingssoort of a relation element (T, W, V, E, I, R). */
export function verwerkingssoort(el: XmlElement): string | undefined {
  return attr(el, NS.stuf, 'verwerkingssoort');
}

export function isRolType(local: string): local is RolType {
  return (ROL_TYPES as readonly string[]).includes(local);
}

/** Read one rol relation element (heeftAlsInitiator, ...). Returns undefined for an empty placeholder. */
export function readRol(rel: XmlElement): Rol | undefined {
  if (isNil(rel) || !child(rel, NS.zkn, 'gerelateerde')) return undefined;
  const rolType = rel.local as RolType;
  const tv = tijdvakRelatie(rel);
  const rol: Rol = { rolType, betrokkene: readBetrokkene(z(rel, 'gerelateerde'), rel.local) };
  for (const n of ['code', 'omschrijving', 'toelichting'] as const) {
    const v = leafValue(z(rel, n));
    if (typeof v === 'string') rol[n] = v;
  }
  const email = extraElement(rel, 'emailadres');
  if (email) rol.emailadres = email;
  const extra = readExtraElementen(rel);
  if (extra) rol.extraElementen = extra;
  const { tijdvakGeldigheid, tijdstipRegistratie } = relatieMetagegevens(rel);
  if (tijdvakGeldigheid) rol.tijdvakGeldigheid = tijdvakGeldigheid;
  if (tijdstipRegistratie) rol.tijdstipRegistratie = tijdstipRegistratie;
  if (tv.begin) rol.beginRelatie = tv.begin;
  if (tv.eind) rol.eindRelatie = tv.eind;
  const contact = rolContact(rel);
  if (contact.afwijkendCorrespondentieAdres) rol.afwijkendCorrespondentieAdres = contact.afwijkendCorrespondentieAdres;
  if (contact.aanspreekpunt) rol.aanspreekpunt = contact.aanspreekpunt;
  return rol;
}

/** The two afwijkend adres elements are a choice in the XSD; one field holds whichever was sent. */
const ADRES_ELEMENTEN = ['afwijkendCorrespondentieAdres', 'afwijkendBuitenlandsCorrespondentieAdres'];

/**
 * The contact data of a rol, in StUF's three states per field: Leaf = sent, null = nil (clear),
 * undefined = absent (unchanged on a W).
 */
export function rolContact(rel: XmlElement): { afwijkendCorrespondentieAdres: Tri<Leaf>; aanspreekpunt: Tri<Leaf> } {
  const asLeaf = (el: XmlElement | undefined) => (el === undefined ? undefined : isNil(el) || elements(el).length === 0 ? null : toLeaf(el));
  const adressen = ADRES_ELEMENTEN.map((n) => z(rel, n)).filter((e): e is XmlElement => e !== undefined);
  // Prefer a filled-in address over a nil one if a sender (invalidly) sent both.
  const adres = adressen.find((e) => !isNil(e)) ?? adressen[0];
  return { afwijkendCorrespondentieAdres: asLeaf(adres), aanspreekpunt: asLeaf(z(rel, 'heeftAlsAanspreekpunt')) };
}

/** Read one heeftBetrekkingOp (ZAKOBJ) relation. Returns undefined for nil or an empty gerelateerde. */
export function readZaakobject(rel: XmlElement): Zaakobject | undefined {
  const ger = z(rel, 'gerelateerde');
  if (isNil(rel) || !ger || isNil(ger)) return undefined;
  const object = elements(ger).find((e) => !isNil(e));
  if (!object) return undefined;
  const zo: Zaakobject = { object: toLeaf(object) };
  const omschrijving = leafValue(z(rel, 'omschrijving'));
  if (typeof omschrijving === 'string' && omschrijving) zo.omschrijving = omschrijving;
  const { tijdvakRelatie, tijdstipRegistratie } = relatieMetagegevens(rel);
  if (tijdvakRelatie) zo.tijdvakRelatie = tijdvakRelatie;
  if (tijdstipRegistratie) zo.tijdstipRegistratie = tijdstipRegistratie;
  return zo;
}

/** Read one `heeft` (ZAKSTT) relation. Returns undefined for an empty placeholder. */
export function readStatus(rel: XmlElement): Status | undefined {
  const stt = z(rel, 'gerelateerde');
  if (isNil(rel) || !stt) return undefined;
  const datum = leafValue(z(rel, 'datumStatusGezet'));
  if (typeof datum !== 'string') {
    throw faults.invalid('Status zonder datumStatusGezet', 'heeft: datumStatusGezet is verplicht');
  }
  const volgnummer = leafValue(z(stt, 'volgnummer'));
  const status: Status = {
    statustype: { volgnummer: typeof volgnummer === 'string' ? String(Number(volgnummer)) : '' },
    datumStatusGezet: normaliseTijdstip(datum),
  };
  const opt = (el: XmlElement, name: string): string | undefined => {
    const v = leafValue(z(el, name));
    return typeof v === 'string' ? v : undefined;
  };
  const omschrijving = opt(stt, 'omschrijving');
  if (omschrijving) status.statustype.omschrijving = omschrijving;
  const code = opt(stt, 'code');
  if (code) status.statustype.code = code;
  const zktCode = opt(stt, 'zkt.code');
  if (zktCode) status.statustype.zktCode = zktCode;
  const zktOms = opt(stt, 'zkt.omschrijving');
  if (zktOms) status.statustype.zktOmschrijving = zktOms;
  const toelichting = opt(rel, 'toelichting');
  if (toelichting) status.toelichting = toelichting;
  const gezetDoor = path(rel, NS.zkn, 'isGezetDoor', 'gerelateerde');
  if (gezetDoor && elements(gezetDoor).length > 0) status.gezetDoor = readBetrokkene(gezetDoor, 'heeft/isGezetDoor');
  const btr = z(rel, 'isGezetDoor');
  const rolOmschrijving = btr ? opt(btr, 'rolOmschrijving') : undefined;
  const generiek = btr ? opt(btr, 'rolomschrijvingGeneriek') : undefined;
  if (rolOmschrijving || generiek) {
    status.gezetDoorRol = {};
    if (rolOmschrijving) status.gezetDoorRol.rolOmschrijving = rolOmschrijving;
    if (generiek) status.gezetDoorRol.rolomschrijvingGeneriek = generiek;
  }
  return status;
}

export function readZaakRelatie(rel: XmlElement): ZaakRelatie | undefined {
  if (isNil(rel)) return undefined;
  const id = text(path(rel, NS.zkn, 'gerelateerde', 'identificatie'));
  if (!id) return undefined;
  const r: ZaakRelatie = { soort: rel.local as ZaakRelatie['soort'], identificatie: id };
  const { tijdvakRelatie, tijdstipRegistratie } = relatieMetagegevens(rel);
  if (tijdvakRelatie) r.tijdvakRelatie = tijdvakRelatie;
  if (tijdstipRegistratie) r.tijdstipRegistratie = tijdstipRegistratie;
  return r;
}

/** All relations of one kind in the object, in message order. */
export function relationElements(obj: XmlElement): XmlElement[] {
  return elements(obj).filter(
    (e) => e.ns === NS.zkn && (isRolType(e.local) || e.local === 'heeft' || (ZAAK_RELATIE_SOORTEN as readonly string[]).includes(e.local)),
  );
}

/** Build a new Zaak from the single object of a creeerZaak kennisgeving. */
export function zaakFromCreeerObject(obj: XmlElement): Zaak {
  const a = readZaakAttributes(obj);
  const required = <T>(v: Tri<T>, name: string): T => {
    if (v === undefined || v === null) throw faults.invalid(`Verplicht gegeven ${name} ontbreekt`, `object/${name} moet een waarde hebben`);
    return v;
  };
  const zaak: Zaak = {
    identificatie: required(a.identificatie, 'identificatie'),
    zaaktype: { code: required(a.zaaktypeCode, 'isVan/gerelateerde/code') },
    kenmerken: a.kenmerken ?? [],
    anderZaakObjecten: a.anderZaakObjecten ?? [],
    startdatum: required(a.startdatum, 'startdatum'),
    registratiedatum: required(a.registratiedatum, 'registratiedatum'),
    zaakniveau: required(a.zaakniveau, 'zaakniveau'),
    deelzakenIndicatie: required(a.deelzakenIndicatie, 'deelzakenIndicatie'),
    rollen: [],
    statussen: [],
    relaties: [],
  };
  if (a.zaaktypeOmschrijving) zaak.zaaktype.omschrijving = a.zaaktypeOmschrijving;
  if (a.zaaktypeIngangsdatum) zaak.zaaktype.ingangsdatumObject = a.zaaktypeIngangsdatum;
  const optional = ['omschrijving', 'toelichting', 'resultaat', 'publicatiedatum', 'einddatumGepland', 'uiterlijkeEinddatum',
    'einddatum', 'opschorting', 'verlenging', 'betalingsIndicatie', 'laatsteBetaaldatum', 'archiefnominatie',
    'datumVernietigingDossier', 'tijdstipRegistratie', 'tijdvakGeldigheid', 'extraElementen'] as const;
  for (const k of optional) {
    const v = a[k];
    if (v !== undefined && v !== null) (zaak as unknown as Record<string, unknown>)[k] = v;
  }
  for (const rel of relationElements(obj)) {
    if (isRolType(rel.local)) {
      const rol = readRol(rel);
      if (rol) zaak.rollen.push(rol);
    } else if (rel.local === 'heeft') {
      const st = readStatus(rel);
      if (st) zaak.statussen.push(st);
    } else {
      const r = readZaakRelatie(rel);
      if (r) zaak.relaties.push(r);
    }
  }
  const objecten = childrenNamed(obj, NS.zkn, 'heeftBetrekkingOp').map(readZaakobject).filter((o) => o !== undefined);
  if (objecten.length) zaak.zaakobjecten = objecten;
  return zaak;
}
