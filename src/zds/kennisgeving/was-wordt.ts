/**
 * The StUF was/wordt (oud/nieuw) pattern of W kennisgevingen (updateZaak, actualiseerZaakstatus), applied to a
 * stored zaak. Pure: takes the stored zaak and the two objects, returns the changed copy plus what the operation
 * still has to check against the store or catalogue (new statuses, referenced zaken, besluiten).
 *
 * Rules (StUF 03.01 §5.2, SPEC-DIGEST §2.7):
 * - attributes: absent in nieuw = unchanged; nil/noValue in nieuw = cleared; repeating groups (kenmerk,
 *   anderZaakObject) and groups (resultaat, opschorting, verlenging) are replaced as a whole;
 * - identificatie and zaaktype (isVan) never change;
 * - relations are paired by position per relation name and driven by StUF:verwerkingssoort:
 *   T add, W change, V remove, E end, R replace (end old, add new), I identification only.
 */
import type { Betrokkene, Leaf, Rol, Status, StufDate, Zaak, Zaakobject, ZaakRelatie } from '../../domain/model.js';
import { ROL_TYPES } from '../../domain/model.js';
import { faults } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { type XmlElement, child, childrenNamed, elements, isNil } from '../../xml/tree.js';
import {
  type ZaakAttributes, isRolType, readRol, readStatus, readZaakAttributes, readZaakobject, readZaakRelatie, rolContact, verwerkingssoort,
} from './read-zaak.js';

/** Relations of a ZAK object that the was/wordt machinery pairs, in XSD order. */
export const ZAAK_RELATIES = [
  'heeftBetrekkingOp',
  ...ROL_TYPES,
  'heeftAlsDeelzaak',
  'heeftAlsHoofdzaak',
  'heeftBetrekkingOpAndere',
  'heeft',
  'leidtTot',
] as const;

export type Verwerkingssoort = 'T' | 'W' | 'V' | 'E' | 'R' | 'I';
const SOORTEN: readonly string[] = ['T', 'W', 'V', 'E', 'R', 'I'];

/** One relation position: the old and new element at the same index of the same relation name. */
export interface RelatiePaar {
  naam: string;
  /** 1-based position among relations with this name, for fault details. */
  positie: number;
  oud?: XmlElement;
  nieuw?: XmlElement;
  soort: Verwerkingssoort;
}

export interface WasWordtUitkomst {
  zaak: Zaak;
  /** The message itself sets or clears einddatum (differs from what the old object says). */
  einddatumExpliciet: boolean;
  /** Statuses added by this message (to check against the catalogue). */
  nieuweStatussen: Status[];
  /** Zaak relations added by this message (the referenced zaken must exist). */
  nieuweZaakRelaties: ZaakRelatie[];
  /** leidtTot pairs: besluiten live outside the zaak aggregate, the operation handles them. */
  besluiten: RelatiePaar[];
}

/**
 * A relation without content: nil, or with an empty gerelateerde (seen from ZDS 1.1 clients that always send
 * every relation). A T on such an element adds nothing; it is not an error.
 */
export function isLegeRelatie(el: XmlElement | undefined): boolean {
  if (!el || isNil(el)) return true;
  const ger = child(el, NS.zkn, 'gerelateerde');
  return !ger || isNil(ger) || elements(ger).length === 0;
}

const where = (p: { naam: string; positie: number }, kant?: 'oud' | 'nieuw') => `${p.naam}[${p.positie}]${kant ? ` (${kant} object)` : ''}`;

/** Pair the relations of both objects by position per relation name (the order is the same in both, StUF §5.2). */
export function pairRelations(oud: XmlElement, nieuw: XmlElement): RelatiePaar[] {
  const pairs: RelatiePaar[] = [];
  for (const naam of ZAAK_RELATIES) {
    const o = childrenNamed(oud, NS.zkn, naam);
    const n = childrenNamed(nieuw, NS.zkn, naam);
    for (let i = 0; i < Math.max(o.length, n.length); i++) {
      const loc = { naam, positie: i + 1 };
      const so = o[i] ? verwerkingssoort(o[i]!) : undefined;
      const sn = n[i] ? verwerkingssoort(n[i]!) : undefined;
      if (so && sn && so !== sn) {
        throw faults.processing('Verwerkingssoort van een relatie verschilt tussen oud en nieuw object',
          `${where(loc)}: oud heeft verwerkingssoort ${so}, nieuw ${sn}; relaties staan in beide objecten in dezelfde volgorde`);
      }
      const soort = sn ?? so;
      if (!soort || !SOORTEN.includes(soort)) {
        throw faults.invalid('Ongeldige verwerkingssoort op een relatie',
          `${where(loc)}: verwerkingssoort ${soort ?? '(ontbreekt)'}; toegestaan zijn T, W, V, E, R en I`);
      }
      const pair: RelatiePaar = { ...loc, soort: soort as Verwerkingssoort };
      if (o[i]) pair.oud = o[i];
      if (n[i]) pair.nieuw = n[i];
      pairs.push(pair);
    }
  }
  return pairs;
}

/** identificatie and zaaktype must be the same in old, new and the registration (SPEC 4.1.5). */
export function checkOnveranderlijk(stored: Zaak, oud: ZaakAttributes, nieuw: ZaakAttributes): void {
  if (oud.identificatie !== nieuw.identificatie) {
    throw faults.processing('Zaakidentificatie is niet muteerbaar',
      `identificatie in oud object (${oud.identificatie ?? 'leeg'}) en nieuw object (${nieuw.identificatie ?? 'leeg'}) verschillen`);
  }
  for (const [kant, a] of [['oud', oud], ['nieuw', nieuw]] as const) {
    if (a.zaaktypeCode !== undefined && a.zaaktypeCode !== stored.zaaktype.code) {
      throw faults.processing('Zaaktype is niet muteerbaar',
        `isVan/gerelateerde/code in ${kant} object is ${a.zaaktypeCode ?? 'leeg'}, de zaak ${stored.identificatie} heeft zaaktype ${stored.zaaktype.code}`);
    }
  }
}

const SIMPLE = ['omschrijving', 'toelichting', 'startdatum', 'registratiedatum', 'publicatiedatum', 'einddatumGepland',
  'uiterlijkeEinddatum', 'einddatum', 'betalingsIndicatie', 'laatsteBetaaldatum', 'archiefnominatie', 'datumVernietigingDossier',
  'zaakniveau', 'deelzakenIndicatie', 'tijdstipRegistratie', 'tijdvakGeldigheid', 'extraElementen'] as const;
const REQUIRED: ReadonlySet<string> = new Set(['startdatum', 'registratiedatum', 'zaakniveau', 'deelzakenIndicatie']);
const GROUPS = ['resultaat', 'opschorting', 'verlenging'] as const;

const sameDate = (a: StufDate | null | undefined, b: StufDate | null | undefined) =>
  (a ?? undefined)?.value === (b ?? undefined)?.value && (a ?? undefined)?.onvolledig === (b ?? undefined)?.onvolledig;

/** Apply the attribute changes of the new object to zaak (in place). Returns whether einddatum was set explicitly. */
export function applyAttributes(zaak: Zaak, oud: ZaakAttributes, nieuw: ZaakAttributes): boolean {
  const target = zaak as unknown as Record<string, unknown>;
  for (const k of SIMPLE) {
    const v = nieuw[k];
    if (v === undefined) continue;
    if (v === null) {
      if (REQUIRED.has(k)) throw faults.processing('Verplicht zaakgegeven kan niet leeg gemaakt worden', `${k} is verplicht bij een zaak en mag in het nieuwe object niet leeg (nil) zijn`);
      delete target[k];
    } else {
      target[k] = v;
    }
  }
  for (const k of GROUPS) {
    const v = nieuw[k];
    if (v === undefined) continue;
    // A group is one attribute: it is replaced as a whole, and a group without any value clears it.
    if (v === null || Object.values(v).every((x) => x === undefined || x === '')) delete target[k];
    else target[k] = v;
  }
  if (nieuw.kenmerken !== undefined) zaak.kenmerken = (nieuw.kenmerken ?? []).filter((k) => k.kenmerk !== '');
  if (nieuw.anderZaakObjecten !== undefined) {
    zaak.anderZaakObjecten = (nieuw.anderZaakObjecten ?? []).filter((o) => Object.values(o).some((x) => x));
  }
  return nieuw.einddatum !== undefined && !sameDate(nieuw.einddatum, oud.einddatum);
}

const sameBetrokkene = (a: Betrokkene, b: Betrokkene) => a.kind === b.kind && a.key === b.key;

export interface WasWordtOptions {
  /** Sender deviation: a W relation without an old counterpart is found through the new one (config.ts). */
  wijzigingZonderOudeRelatie?: boolean;
}

/** The stored active rol the old object refers to (same rolType and subject). */
function findRol(zaak: Zaak, p: RelatiePaar, opts: WasWordtOptions = {}): number {
  const zonderOud = opts.wijzigingZonderOudeRelatie && p.soort === 'W' && isLegeRelatie(p.oud);
  const oud = zonderOud ? (p.nieuw ? readRol(p.nieuw) : undefined) : p.oud ? readRol(p.oud) : undefined;
  if (!oud) {
    throw faults.processing(`Verwerkingssoort ${p.soort} vraagt de bestaande relatie in het oude object`, `${where(p, 'oud')} is leeg of ontbreekt`);
  }
  const i = zaak.rollen.findIndex((r) => r.rolType === oud.rolType && !r.eindRelatie && sameBetrokkene(r.betrokkene, oud.betrokkene));
  if (i < 0) {
    throw faults.notFound('Betrokkene bij de zaak niet gevonden',
      `${where(p, 'oud')}: ${oud.betrokkene.kind} ${oud.betrokkene.key} is geen actieve ${p.naam} van zaak ${zaak.identificatie}`);
  }
  return i;
}

function newRol(p: RelatiePaar): Rol {
  const rol = p.nieuw ? readRol(p.nieuw) : undefined;
  if (!rol) throw faults.processing(`Verwerkingssoort ${p.soort} vraagt de relatie in het nieuwe object`, `${where(p, 'nieuw')} is leeg of ontbreekt`);
  return rol;
}

/**
 * Contact data (afwijkend adres, aanspreekpunt) follows the rol: what the new object sends replaces it, nil clears
 * it (newRol leaves it out), and an absent element keeps the stored value, as for any StUF attribute.
 */
function keepContact(rol: Rol, stored: Rol, nieuw: XmlElement | undefined): Rol {
  const sent = nieuw ? rolContact(nieuw) : { afwijkendCorrespondentieAdres: undefined, aanspreekpunt: undefined };
  for (const k of ['afwijkendCorrespondentieAdres', 'aanspreekpunt'] as const) {
    if (sent[k] === undefined && stored[k]) rol[k] = stored[k];
  }
  // extraElementen (with emailadres) and tijdvakGeldigheid: likewise kept when the new object leaves them out.
  const has = (local: string) => nieuw !== undefined && child(nieuw, NS.stuf, local) !== undefined;
  if (!has('extraElementen')) {
    if (stored.extraElementen) rol.extraElementen = stored.extraElementen;
    if (stored.emailadres) rol.emailadres = stored.emailadres;
  }
  if (!has('tijdvakGeldigheid') && stored.tijdvakGeldigheid) rol.tijdvakGeldigheid = stored.tijdvakGeldigheid;
  return rol;
}

function applyRol(zaak: Zaak, p: RelatiePaar, vandaag: string, toegevoegd: Set<Rol>, opts: WasWordtOptions): void {
  switch (p.soort) {
    case 'I':
      return;
    case 'T': {
      if (isLegeRelatie(p.nieuw)) return;
      // A subject that is already an active betrokkene in this role is updated in place, not duplicated.
      const rol = newRol(p);
      const i = zaak.rollen.findIndex((r) => r.rolType === rol.rolType && !r.eindRelatie && sameBetrokkene(r.betrokkene, rol.betrokkene));
      if (i >= 0) {
        zaak.rollen[i] = keepContact({ ...rol, beginRelatie: rol.beginRelatie ?? zaak.rollen[i]!.beginRelatie } as Rol, zaak.rollen[i]!, p.nieuw);
        return;
      }
      if (rol.rolType === 'heeftAlsInitiator') {
        // A zaak has one initiator: a new one sent with T replaces the one the zaak has (the StUF-testplatform's
        // updateZaak does this), ending it where the new one begins. Two new ones in one message stay an error.
        for (const [j, r] of zaak.rollen.entries()) {
          if (r.rolType === 'heeftAlsInitiator' && !r.eindRelatie && !toegevoegd.has(r)) {
            zaak.rollen[j] = { ...r, eindRelatie: rol.beginRelatie ?? vandaag };
          }
        }
      }
      toegevoegd.add(rol);
      zaak.rollen.push(rol);
      return;
    }
    case 'W': {
      const i = findRol(zaak, p, opts);
      const rol = newRol(p);
      if (!rol.beginRelatie && zaak.rollen[i]!.beginRelatie) rol.beginRelatie = zaak.rollen[i]!.beginRelatie;
      zaak.rollen[i] = keepContact(rol, zaak.rollen[i]!, p.nieuw);
      return;
    }
    case 'V':
      zaak.rollen.splice(findRol(zaak, p), 1);
      return;
    case 'E': {
      const i = findRol(zaak, p);
      zaak.rollen[i] = { ...zaak.rollen[i]!, eindRelatie: readRol(p.oud!)!.eindRelatie ?? vandaag };
      return;
    }
    case 'R': {
      const i = findRol(zaak, p);
      const rol = newRol(p);
      // eindRelatie of the old relation = beginRelatie of the new one (StUF §5.2).
      const wissel = readRol(p.oud!)!.eindRelatie ?? rol.beginRelatie ?? vandaag;
      zaak.rollen[i] = { ...zaak.rollen[i]!, eindRelatie: wissel };
      rol.beginRelatie ??= wissel;
      zaak.rollen.push(rol);
      return;
    }
  }
}

const sameStatus = (a: Status, b: Status) => a.statustype.volgnummer === b.statustype.volgnummer && a.datumStatusGezet === b.datumStatusGezet;

function applyStatus(zaak: Zaak, p: RelatiePaar, nieuwe: Status[]): void {
  const find = (): number => {
    const oud = p.oud ? readStatus(p.oud) : undefined;
    if (!oud) throw faults.processing(`Verwerkingssoort ${p.soort} vraagt de bestaande status in het oude object`, `${where(p, 'oud')} is leeg of ontbreekt`);
    const i = zaak.statussen.findIndex((s) => sameStatus(s, oud));
    if (i < 0) {
      throw faults.notFound('Status van de zaak niet gevonden',
        `${where(p, 'oud')}: zaak ${zaak.identificatie} heeft geen status met volgnummer ${oud.statustype.volgnummer} gezet op ${oud.datumStatusGezet}`);
    }
    return i;
  };
  const nieuw = (): Status => {
    const st = p.nieuw ? readStatus(p.nieuw) : undefined;
    if (!st) throw faults.processing(`Verwerkingssoort ${p.soort} vraagt de status in het nieuwe object`, `${where(p, 'nieuw')} is leeg of ontbreekt`);
    return st;
  };
  switch (p.soort) {
    case 'I':
      return;
    case 'T': {
      if (isLegeRelatie(p.nieuw)) return;
      // Re-sending the same status (same statustype and moment) replaces it rather than adding a twin.
      const st = nieuw();
      const i = zaak.statussen.findIndex((s) => sameStatus(s, st));
      if (i >= 0) zaak.statussen[i] = st;
      else zaak.statussen.push(st);
      nieuwe.push(st);
      return;
    }
    case 'W': {
      const i = find();
      zaak.statussen[i] = nieuw();
      return;
    }
    case 'V':
      zaak.statussen.splice(find(), 1);
      return;
    default:
      throw faults.processing('Verwerkingssoort niet toegestaan voor een status', `${where(p)}: verwerkingssoort ${p.soort}; een status wordt toegevoegd (T), gewijzigd (W) of verwijderd (V)`);
  }
}

function applyZaakRelatie(zaak: Zaak, p: RelatiePaar, nieuwe: ZaakRelatie[]): void {
  const add = () => {
    const r = p.nieuw ? readZaakRelatie(p.nieuw) : undefined;
    if (!r) throw faults.processing(`Verwerkingssoort ${p.soort} vraagt de gerelateerde zaak in het nieuwe object`, `${where(p, 'nieuw')}: gerelateerde/identificatie ontbreekt`);
    if (r.identificatie === zaak.identificatie) throw faults.processing('Een zaak kan niet aan zichzelf gerelateerd worden', `${where(p, 'nieuw')}: ${r.identificatie}`);
    if (!zaak.relaties.some((x) => x.soort === r.soort && x.identificatie === r.identificatie)) {
      zaak.relaties.push(r);
      nieuwe.push(r);
    }
  };
  const remove = () => {
    const r = p.oud ? readZaakRelatie(p.oud) : undefined;
    const i = r ? zaak.relaties.findIndex((x) => x.soort === r.soort && x.identificatie === r.identificatie) : -1;
    if (i < 0) {
      throw faults.notFound('Gerelateerde zaak niet gevonden',
        `${where(p, 'oud')}: ${r ? `zaak ${zaak.identificatie} heeft geen ${p.naam} ${r.identificatie}` : 'gerelateerde/identificatie ontbreekt'}`);
    }
    zaak.relaties.splice(i, 1);
  };
  switch (p.soort) {
    case 'I':
    case 'W':
      return; // a zaak relation has no attributes of its own
    case 'T':
      return isLegeRelatie(p.nieuw) ? undefined : add();
    case 'V':
    case 'E':
      return remove();
    case 'R':
      remove();
      return add();
  }
}

/** All text values of a Leaf tree by path, for matching a zaakobject (authentiek is a metagegeven, not identity). */
function leafValues(leaf: Leaf, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of leaf.children ?? []) {
    if (c.local === 'authentiek') continue;
    const key = `${prefix}${c.local}`;
    if (c.children?.length) for (const [k, v] of leafValues(c, `${key}/`)) out.set(k, v);
    else if (c.value) out.set(key, c.value);
  }
  return out;
}

/**
 * The stored zaakobject the old object refers to: same element, and every value the old object states is equal
 * (objects carry kerngegevens only, so these are the identifying values).
 */
function sameZaakobject(stored: Zaakobject, oud: Zaakobject): boolean {
  if (stored.object.ns !== oud.object.ns || stored.object.local !== oud.object.local) return false;
  const want = leafValues(oud.object);
  if (want.size === 0) return false;
  const have = leafValues(stored.object);
  return [...want].every(([k, v]) => have.get(k) === v);
}

function applyZaakobject(zaak: Zaak, p: RelatiePaar): void {
  const objecten = (zaak.zaakobjecten ??= []);
  const find = (): number => {
    const oud = p.oud ? readZaakobject(p.oud) : undefined;
    const i = oud ? objecten.findIndex((o) => sameZaakobject(o, oud)) : -1;
    if (i < 0) {
      throw faults.notFound('Zaakobject niet gevonden',
        `${where(p, 'oud')}: ${oud ? `zaak ${zaak.identificatie} heeft geen ${oud.object.local} met deze gegevens` : 'gerelateerde is leeg of ontbreekt'}`);
    }
    return i;
  };
  const nieuw = (): Zaakobject => {
    const o = p.nieuw ? readZaakobject(p.nieuw) : undefined;
    if (!o) throw faults.processing(`Verwerkingssoort ${p.soort} vraagt het zaakobject in het nieuwe object`, `${where(p, 'nieuw')} is leeg of ontbreekt`);
    return o;
  };
  switch (p.soort) {
    case 'I':
      break;
    case 'T': {
      if (isLegeRelatie(p.nieuw)) break;
      // Re-sending an object we already hold replaces it rather than adding a twin.
      const o = nieuw();
      const i = objecten.findIndex((x) => sameZaakobject(x, o));
      if (i >= 0) objecten[i] = o;
      else objecten.push(o);
      break;
    }
    case 'W':
      objecten[find()] = nieuw();
      break;
    case 'V':
    case 'E': // no relation history is kept for zaakobjecten, so ending one removes it
      objecten.splice(find(), 1);
      break;
    case 'R': {
      const i = find();
      objecten.splice(i, 1, nieuw());
      break;
    }
  }
  if (objecten.length === 0) delete zaak.zaakobjecten;
}

/** Apply a W kennisgeving (old and new object) to a copy of the stored zaak. */
export function applyWasWordt(stored: Zaak, oud: XmlElement, nieuw: XmlElement, vandaag: string, opts: WasWordtOptions = {}): WasWordtUitkomst {
  const oudA = readZaakAttributes(oud);
  const nieuwA = readZaakAttributes(nieuw);
  checkOnveranderlijk(stored, oudA, nieuwA);
  const zaak: Zaak = structuredClone(stored);
  const einddatumExpliciet = applyAttributes(zaak, oudA, nieuwA);
  const uitkomst: WasWordtUitkomst = { zaak, einddatumExpliciet, nieuweStatussen: [], nieuweZaakRelaties: [], besluiten: [] };
  const toegevoegd = new Set<Rol>();
  for (const p of pairRelations(oud, nieuw)) {
    if (p.naam === 'heeftBetrekkingOp') applyZaakobject(zaak, p);
    else if (isRolType(p.naam)) applyRol(zaak, p, vandaag, toegevoegd, opts);
    else if (p.naam === 'heeft') applyStatus(zaak, p, uitkomst.nieuweStatussen);
    else if (p.naam === 'leidtTot') uitkomst.besluiten.push(p);
    else applyZaakRelatie(zaak, p, uitkomst.nieuweZaakRelaties);
  }
  return uitkomst;
}

/** The new statuses of an actualiseerZaakstatus: `heeft` with verwerkingssoort T and content in the new object. */
export function nieuweStatusElementen(nieuw: XmlElement): XmlElement[] {
  return childrenNamed(nieuw, NS.zkn, 'heeft').filter((h) => verwerkingssoort(h) === 'T' && !isNil(h));
}
