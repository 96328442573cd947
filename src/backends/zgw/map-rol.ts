/**
 * Rollen both ways: a ZDS rol (relation + betrokkene with its StUF leaves) ↔ a ZGW rol (roltype,
 * betrokkeneType, betrokkeneIdentificatie, contactpersoonRol). Pure functions.
 *
 * The ZGW side is structured, the ZDS side is a list of StUF elements: each betrokkeneType has a table of
 * ZGW field ↔ StUF element, in the XSD order of the answer, so what is read back is schema-ordered. StUF
 * elements without a ZGW field (e.g. a telephone number of a person) are not stored; the README lists them.
 */
import type { Betrokkene, BetrokkeneKind, Leaf, Rol, RolType } from '../../domain/model.js';
import { ROL_TYPES } from '../../domain/model.js';
import { NS } from '../../stuf/namespaces.js';
import { DEFAULT_ROLTYPEN, type ZgwZaaktypeProfile } from './config.js';
import type { ZgwRoltype } from './catalogue.js';

export type BetrokkeneType = 'natuurlijk_persoon' | 'niet_natuurlijk_persoon' | 'vestiging' | 'organisatorische_eenheid' | 'medewerker';

export const BETROKKENE_TYPE: Record<BetrokkeneKind, BetrokkeneType> = {
  natuurlijkPersoon: 'natuurlijk_persoon',
  nietNatuurlijkPersoon: 'niet_natuurlijk_persoon',
  vestiging: 'vestiging',
  organisatorischeEenheid: 'organisatorische_eenheid',
  medewerker: 'medewerker',
};
const KIND_OF: Record<BetrokkeneType, BetrokkeneKind> = Object.fromEntries(
  Object.entries(BETROKKENE_TYPE).map(([k, v]) => [v, k as BetrokkeneKind]),
) as Record<BetrokkeneType, BetrokkeneKind>;

/** [ZGW field, StUF element]; a third value maps the enumeration (StUF ↔ ZGW). */
type FieldMap = Array<[string, string, Record<string, string>?]>;

const GESLACHT = { M: 'm', V: 'v', O: 'o' };

const FIELDS: Record<BetrokkeneType, { ns: string; fields: FieldMap; keys: Array<[string, string]> }> = {
  natuurlijk_persoon: {
    ns: NS.bg,
    keys: [['inpBsn', 'inp.bsn'], ['anpIdentificatie', 'anp.identificatie'], ['inpA_nummer', 'inp.a-nummer']],
    fields: [
      ['inpBsn', 'inp.bsn'], ['anpIdentificatie', 'anp.identificatie'], ['inpA_nummer', 'inp.a-nummer'],
      ['geslachtsnaam', 'geslachtsnaam'], ['voorvoegselGeslachtsnaam', 'voorvoegselGeslachtsnaam'], ['voorletters', 'voorletters'],
      ['voornamen', 'voornamen'], ['geslachtsaanduiding', 'geslachtsaanduiding', GESLACHT], ['geboortedatum', 'geboortedatum'],
    ],
  },
  niet_natuurlijk_persoon: {
    ns: NS.bg,
    keys: [['innNnpId', 'inn.nnpId'], ['annIdentificatie', 'ann.identificatie']],
    fields: [['innNnpId', 'inn.nnpId'], ['annIdentificatie', 'ann.identificatie'], ['statutaireNaam', 'statutaireNaam']],
  },
  vestiging: {
    ns: NS.bg,
    keys: [['vestigingsNummer', 'vestigingsNummer']],
    fields: [['vestigingsNummer', 'vestigingsNummer']],
  },
  organisatorische_eenheid: {
    ns: NS.zkn,
    keys: [['identificatie', 'identificatie']],
    fields: [['identificatie', 'identificatie'], ['naam', 'naam'], ['isGehuisvestIn', 'isGehuisvestIn']],
  },
  medewerker: {
    ns: NS.zkn,
    keys: [['identificatie', 'identificatie']],
    fields: [['identificatie', 'identificatie'], ['achternaam', 'achternaam'], ['voorletters', 'voorletters'], ['voorvoegselAchternaam', 'voorvoegselAchternaam']],
  },
};

/** The StUF verblijfsadres group ↔ ZGW VerblijfsAdres (all four required fields must be there to send it). */
const ADRES: FieldMap = [
  ['aoaIdentificatie', 'aoa.identificatie'], ['wplWoonplaatsNaam', 'wpl.woonplaatsNaam'], ['gorOpenbareRuimteNaam', 'gor.openbareRuimteNaam'],
  ['aoaPostcode', 'aoa.postcode'], ['aoaHuisnummer', 'aoa.huisnummer'], ['aoaHuisletter', 'aoa.huisletter'],
  ['aoaHuisnummertoevoeging', 'aoa.huisnummertoevoeging'], ['inpLocatiebeschrijving', 'inp.locatiebeschrijving'],
];
const ADRES_REQUIRED = ['aoaIdentificatie', 'wplWoonplaatsNaam', 'gorOpenbareRuimteNaam', 'aoaHuisnummer'];

const leafText = (leaves: Leaf[] | undefined, local: string) => leaves?.find((l) => l.local === local && !l.children)?.value;

function adresToZgw(leaf: Leaf | undefined): Record<string, unknown> | undefined {
  if (!leaf?.children) return undefined;
  const out: Record<string, unknown> = {};
  for (const [zgw, stuf] of ADRES) {
    const v = leafText(leaf.children, stuf);
    if (v) out[zgw] = zgw === 'aoaHuisnummer' ? Number(v) : v;
  }
  return ADRES_REQUIRED.every((k) => out[k] !== undefined && out[k] !== '') ? out : undefined;
}

function adresFromZgw(a: Record<string, unknown> | null | undefined, ns: string): Leaf | undefined {
  if (!a) return undefined;
  const children: Leaf[] = [];
  for (const [zgw, stuf] of ADRES) {
    const v = a[zgw];
    if (v !== undefined && v !== null && v !== '') children.push({ ns, local: stuf, value: String(v) });
  }
  return children.length ? { ns, local: 'verblijfsadres', value: '', children } : undefined;
}

/** betrokkeneIdentificatie for a ZDS betrokkene. */
export function betrokkeneToZgw(b: Betrokkene): { betrokkeneType: BetrokkeneType; betrokkeneIdentificatie: Record<string, unknown> } {
  const type = BETROKKENE_TYPE[b.kind];
  const spec = FIELDS[type];
  const id: Record<string, unknown> = {};
  for (const [zgw, stuf, values] of spec.fields) {
    const v = leafText(b.leaves, stuf) ?? (stuf === b.keyElement ? b.key : undefined);
    if (v === undefined || v === '') continue;
    id[zgw] = values ? values[v] ?? v.toLowerCase() : v;
  }
  // The key may not be among the leaves (a betrokkene made in code): it always goes along.
  const keyField = spec.keys.find(([, stuf]) => stuf === b.keyElement)?.[0];
  if (keyField) id[keyField] = b.key;
  if (type === 'vestiging') {
    const namen = b.leaves.filter((l) => l.local === 'handelsnaam' && l.value).map((l) => l.value);
    if (namen.length) id.handelsnaam = namen;
  }
  if (type === 'natuurlijk_persoon' || type === 'vestiging') {
    const adres = adresToZgw(b.leaves.find((l) => l.local === 'verblijfsadres'));
    if (adres) id.verblijfsadres = adres;
  }
  return { betrokkeneType: type, betrokkeneIdentificatie: id };
}

/** A ZDS betrokkene from a ZGW rol's betrokkeneType + betrokkeneIdentificatie. */
export function betrokkeneFromZgw(type: BetrokkeneType, id: Record<string, unknown> | null | undefined): Betrokkene | undefined {
  const kind = KIND_OF[type];
  if (!kind || !id) return undefined;
  const spec = FIELDS[type];
  const leaves: Leaf[] = [];
  for (const [zgw, stuf, values] of spec.fields) {
    const raw = id[zgw];
    if (raw === undefined || raw === null || raw === '') continue;
    const v = String(raw);
    const back = values ? Object.entries(values).find(([, z]) => z === v)?.[0] ?? v.toUpperCase() : v;
    leaves.push({ ns: spec.ns, local: stuf, value: back });
    if (type === 'vestiging' && zgw === 'vestigingsNummer') {
      for (const h of (id.handelsnaam as string[] | undefined) ?? []) if (h) leaves.push({ ns: spec.ns, local: 'handelsnaam', value: h });
    }
  }
  const adres = adresFromZgw(id.verblijfsadres as Record<string, unknown> | undefined, spec.ns);
  if (adres) leaves.push(adres);
  const key = spec.keys.find(([zgw]) => typeof id[zgw] === 'string' && id[zgw] !== '');
  if (!key) return undefined;
  return { kind, key: String(id[key[0]]), keyElement: key[1], leaves };
}

/** The roltype for a ZDS relation, by the profile's choice or the default omschrijvingGeneriek. */
export function roltypeFor(rolType: RolType, roltypen: ZgwRoltype[], profile: ZgwZaaktypeProfile | undefined): ZgwRoltype | undefined {
  const want = profile?.roltypen?.[rolType] ?? DEFAULT_ROLTYPEN[rolType];
  if (want.startsWith('omschrijving:')) {
    const o = want.slice('omschrijving:'.length);
    return roltypen.find((r) => r.omschrijving === o);
  }
  return roltypen.find((r) => r.omschrijvingGeneriek === want);
}

/** The ZDS relation of a ZGW rol: the profile first, then the defaults read backwards. */
export function rolTypeOf(
  zgw: { omschrijving: string; omschrijvingGeneriek: string; indicatieMachtiging?: string },
  profile: ZgwZaaktypeProfile | undefined,
): RolType {
  for (const rt of ROL_TYPES) {
    const want = profile?.roltypen?.[rt];
    if (!want) continue;
    if (want === `omschrijving:${zgw.omschrijving}` || want === zgw.omschrijvingGeneriek) {
      if (rt !== 'heeftAlsGemachtigde' || zgw.indicatieMachtiging === 'gemachtigde') return rt;
    }
  }
  if (zgw.indicatieMachtiging === 'gemachtigde') return 'heeftAlsGemachtigde';
  switch (zgw.omschrijvingGeneriek) {
    case 'initiator': return 'heeftAlsInitiator';
    case 'belanghebbende': return 'heeftAlsBelanghebbende';
    case 'behandelaar': return 'heeftAlsUitvoerende';
    case 'zaakcoordinator':
    case 'beslisser': return 'heeftAlsVerantwoordelijke';
    default: return 'heeftAlsOverigBetrokkene';
  }
}

/**
 * roltoelichting is required in ZGW, optional in ZDS. Without a ZDS toelichting the relation name is sent,
 * and read back as "no toelichting".
 */
export function roltoelichting(rol: Rol): string {
  return rol.toelichting || rol.rolType;
}

/** The ZGW rol body (without zaak) for a ZDS rol. */
export function rolToZgw(rol: Rol, roltype: ZgwRoltype): Record<string, unknown> {
  const { betrokkeneType, betrokkeneIdentificatie } = betrokkeneToZgw(rol.betrokkene);
  const body: Record<string, unknown> = {
    betrokkene: '',
    betrokkeneType,
    roltype: roltype.url,
    roltoelichting: roltoelichting(rol),
    indicatieMachtiging: rol.rolType === 'heeftAlsGemachtigde' ? 'gemachtigde' : '',
    betrokkeneIdentificatie,
  };
  const naam = rol.aanspreekpunt ? contactNaam(rol.aanspreekpunt) : undefined;
  if (rol.emailadres || naam) body.contactpersoonRol = { emailadres: rol.emailadres ?? '', functie: '', telefoonnummer: '', naam: naam ?? '' };
  return body;
}

function contactNaam(aanspreekpunt: Leaf): string | undefined {
  const ger = aanspreekpunt.children?.find((c) => c.local === 'gerelateerde');
  return leafText(ger?.children, 'naam');
}

export interface ZgwRol {
  url: string;
  roltype: string;
  omschrijving: string;
  omschrijvingGeneriek: string;
  roltoelichting: string;
  betrokkeneType: BetrokkeneType;
  betrokkeneIdentificatie?: Record<string, unknown> | null;
  indicatieMachtiging?: string;
  contactpersoonRol?: { emailadres?: string; naam?: string } | null;
  registratiedatum?: string;
}

/** A ZDS rol from a ZGW rol (undefined for a rol whose betrokkene has no identifying value, e.g. only a URL). */
export function rolFromZgw(z: ZgwRol, profile: ZgwZaaktypeProfile | undefined): Rol | undefined {
  const betrokkene = betrokkeneFromZgw(z.betrokkeneType, z.betrokkeneIdentificatie);
  if (!betrokkene) return undefined;
  const rolType = rolTypeOf(z, profile);
  const rol: Rol = { rolType, betrokkene };
  if (z.roltoelichting && z.roltoelichting !== rolType) rol.toelichting = z.roltoelichting;
  if (z.contactpersoonRol?.emailadres) rol.emailadres = z.contactpersoonRol.emailadres;
  return rol;
}

/**
 * The part of a ZGW rol body that says whether two rollen are the same: a rol whose projection did not change
 * is left alone by an update (rollen cannot be PATCHed; a changed one is deleted and created again).
 */
export function rolFingerprint(body: { roltype: string; betrokkeneType: string; roltoelichting: string; indicatieMachtiging?: string; betrokkeneIdentificatie?: Record<string, unknown> | null; contactpersoonRol?: unknown }): string {
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(clean);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== '' && x !== null && x !== undefined && !(Array.isArray(x) && x.length === 0)).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, clean(x)]));
    }
    return v;
  };
  return JSON.stringify(clean({
    roltype: body.roltype, betrokkeneType: body.betrokkeneType, roltoelichting: body.roltoelichting,
    indicatieMachtiging: body.indicatieMachtiging ?? '', id: body.betrokkeneIdentificatie ?? {}, contact: body.contactpersoonRol ?? {},
  }));
}
