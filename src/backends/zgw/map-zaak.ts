/**
 * The zaak itself, its statussen, resultaat and zaakobjecten both ways, and the time conversions. Pure.
 *
 * Times: StUF tijdstippen are wall-clock times in the configured zone without an offset; ZGW date-times carry
 * one. Zaakpoort sends them with the configured zone's offset (Open Zaak takes the einddatum from the date
 * part *in the offset sent*, so sending UTC would close a zaak on the previous day after midnight) and reads
 * them back into the configured zone. Dates stay dates (yyyymmdd ↔ yyyy-mm-dd).
 */
import type { AnderZaakObject, Leaf, Status, StufDate, Tijdvak, Zaak, Zaakobject } from '../../domain/model.js';
import { formatTijdstip, parseTijdstip } from '../../stuf/dates.js';
import { faults } from '../../stuf/fault.js';
import { zaakgeometrie } from './map-geometrie.js';

// ------------------------------------------------------------------------------------------------ dates

/** yyyymmdd → yyyy-mm-dd; an incomplete StUF date has no ZGW form and is refused (it would be stored wrong). */
export function dateToZgw(d: StufDate | undefined, element: string): string | null {
  if (!d) return null;
  if (d.onvolledig) {
    throw faults.processing('Onvolledige datum kan niet in het zaaksysteem (ZGW)',
      `${element}: ${d.value} met indOnvolledigeDatum ${d.onvolledig}; de ZGW-API's kennen alleen volledige datums`);
  }
  return `${d.value.slice(0, 4)}-${d.value.slice(4, 6)}-${d.value.slice(6, 8)}`;
}

export function dateFromZgw(s: string | null | undefined): StufDate | undefined {
  if (!s) return undefined;
  return { value: s.slice(0, 10).replace(/-/g, '') };
}

/** The UTC offset of `timeZone` at instant `d`, as +hh:mm. */
function offsetAt(d: Date, timeZone: string): string {
  const wall = formatTijdstip(d, timeZone);
  const asUtc = Date.UTC(+wall.slice(0, 4), +wall.slice(4, 6) - 1, +wall.slice(6, 8), +wall.slice(8, 10), +wall.slice(10, 12), +wall.slice(12, 14), +wall.slice(14, 17));
  const minutes = Math.round((asUtc - d.getTime()) / 60000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** StUF tijdstip (local wall clock) → ISO 8601 with the zone's offset, milliseconds kept when not zero. */
export function tijdstipToZgw(t: string, timeZone: string): string {
  const d = parseTijdstip(t, timeZone);
  const w = formatTijdstip(d, timeZone);
  const ms = w.slice(14, 17);
  return `${w.slice(0, 4)}-${w.slice(4, 6)}-${w.slice(6, 8)}T${w.slice(8, 10)}:${w.slice(10, 12)}:${w.slice(12, 14)}${ms !== '000' ? `.${ms}` : ''}${offsetAt(d, timeZone)}`;
}

/** ISO 8601 date-time with a zone (ZGW) → 17-digit StUF tijdstip in the configured zone. */
export function tijdstipFromZgw(iso: string, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`Ongeldige datum-tijd uit ZGW: ${iso}`);
  return formatTijdstip(d, timeZone);
}

// ------------------------------------------------------------------------------------------------ zaak

const BETALING: Record<string, string> = { 'N.v.t.': 'nvt', '(Nog) niet': 'nog_niet', Gedeeltelijk: 'gedeeltelijk', Geheel: 'geheel' };
const ARCHIEF: Record<string, string> = { J: 'blijvend_bewaren', N: 'vernietigen' };
const back = (m: Record<string, string>, v: string | null | undefined) => (v ? Object.entries(m).find(([, z]) => z === v)?.[0] : undefined);

/** The ZGW zaak as read (the fields Zaakpoort uses). */
export interface ZgwZaak {
  url: string;
  identificatie: string;
  bronorganisatie: string;
  zaaktype: string;
  omschrijving: string;
  toelichting: string;
  registratiedatum: string;
  startdatum: string;
  einddatum: string | null;
  einddatumGepland: string | null;
  uiterlijkeEinddatumAfdoening: string | null;
  publicatiedatum: string | null;
  betalingsindicatie: string;
  laatsteBetaaldatum: string | null;
  opschorting: { indicatie: boolean; reden: string } | null;
  verlenging: { reden: string; duur: string } | null;
  hoofdzaak: string | null;
  deelzaken: string[];
  relevanteAndereZaken: Array<{ url: string; aardRelatie: string }>;
  kenmerken: Array<{ kenmerk: string; bron: string }>;
  archiefnominatie: string | null;
  archiefactiedatum: string | null;
  status: string | null;
  resultaat: string | null;
  rollen?: string[];
  zaakobjecten?: string[];
  eigenschappen?: string[];
  _expand?: Record<string, unknown>;
}

/** ZDS verlenging.duur is a number of days; ZGW wants an ISO 8601 duration. */
function duurToZgw(duur: string | undefined): string {
  return duur && /^\d+$/.test(duur) ? `P${Number(duur)}D` : duur ?? '';
}
function duurFromZgw(duur: string): string {
  const m = /^P(\d+)D$/.exec(duur);
  return m ? m[1]! : duur;
}

/**
 * The zaak's own ZGW fields for a ZDS zaak: what creeerZaak POSTs, and what updateZaak compares field by field
 * to PATCH only what changed. zaakniveau and deelzakenIndicatie are derived from the relations in ZGW;
 * tijdstipRegistratie has no ZGW field (Open Zaak keeps the registratiedatum date).
 */
export function zaakFields(zaak: Zaak, timeZone: string): Record<string, unknown> {
  const f: Record<string, unknown> = {
    omschrijving: zaak.omschrijving ?? '',
    toelichting: zaak.toelichting ?? '',
    startdatum: dateToZgw(zaak.startdatum, 'startdatum'),
    registratiedatum: dateToZgw(zaak.registratiedatum, 'registratiedatum'),
    publicatiedatum: dateToZgw(zaak.publicatiedatum, 'publicatiedatum'),
    einddatumGepland: dateToZgw(zaak.einddatumGepland, 'einddatumGepland'),
    uiterlijkeEinddatumAfdoening: dateToZgw(zaak.uiterlijkeEinddatum, 'uiterlijkeEinddatum'),
    kenmerken: zaak.kenmerken.map((k) => ({ kenmerk: k.kenmerk, bron: k.bron })),
    betalingsindicatie: zaak.betalingsIndicatie ? BETALING[zaak.betalingsIndicatie] ?? '' : '',
    laatsteBetaaldatum: zaak.laatsteBetaaldatum ? tijdstipToZgw(zaak.laatsteBetaaldatum, timeZone) : null,
    opschorting: { indicatie: zaak.opschorting?.indicatie === 'J', reden: zaak.opschorting?.reden ?? '' },
    verlenging: zaak.verlenging && (zaak.verlenging.duur || zaak.verlenging.reden) ? { reden: zaak.verlenging.reden ?? '', duur: duurToZgw(zaak.verlenging.duur) } : null,
    archiefnominatie: zaak.archiefnominatie ? ARCHIEF[zaak.archiefnominatie] ?? null : null,
    archiefactiedatum: dateToZgw(zaak.datumVernietigingDossier, 'datumVernietigingDossier'),
  };
  // Only set from a lokatie that converts to GeoJSON; otherwise ZGW's is left alone (another application may own it).
  const geometrie = zaakgeometrie(zaak.anderZaakObjecten);
  if (geometrie) f.zaakgeometrie = geometrie;
  // Open Zaak fills archiefnominatie from the resultaattype on closing: leave it alone unless the message set it.
  if (f.archiefnominatie === null) delete f.archiefnominatie;
  if (f.archiefactiedatum === null) delete f.archiefactiedatum;
  return f;
}

/** Compare the way the API stores values: "" and null and absent are the same, dates as dates. */
function normal(v: unknown): string {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return String(new Date(v).getTime());
  // Objects compare regardless of key order (a GeoJSON geometry may come back as {coordinates, type}).
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));
}

/** The fields of `wanted` whose value differs from the stored ZGW zaak: the body of a minimal PATCH. */
export function changedFields(stored: Record<string, unknown>, wanted: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(wanted)) {
    if (k === 'opschorting' && stored[k] === null && !(v as { indicatie: boolean }).indicatie) continue;
    if (normal(stored[k]) !== normal(v)) out[k] = v;
  }
  return out;
}

/** The values a PATCH of these fields would overwrite (the undo of that PATCH). */
export function beforeValues(stored: Record<string, unknown>, fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(fields).map((k) => [k, stored[k] ?? null]));
}

/** A ZDS zaak (without rollen, statussen, relations: those are added by the reader) from a ZGW zaak. */
export function zaakFromZgw(z: ZgwZaak, zaaktype: { code: string; omschrijving?: string; ingangsdatumObject?: string }, timeZone: string): Zaak {
  const zaak: Zaak = {
    identificatie: z.identificatie,
    zaaktype: { code: zaaktype.code, ...(zaaktype.omschrijving ? { omschrijving: zaaktype.omschrijving } : {}), ...(zaaktype.ingangsdatumObject ? { ingangsdatumObject: zaaktype.ingangsdatumObject } : {}) },
    kenmerken: (z.kenmerken ?? []).map((k) => ({ kenmerk: k.kenmerk, bron: k.bron })),
    anderZaakObjecten: [],
    startdatum: dateFromZgw(z.startdatum)!,
    registratiedatum: dateFromZgw(z.registratiedatum)!,
    zaakniveau: z.hoofdzaak ? '2' : '1',
    deelzakenIndicatie: z.deelzaken?.length ? 'J' : 'N',
    rollen: [],
    statussen: [],
    relaties: [],
  };
  const set = <K extends keyof Zaak>(k: K, v: Zaak[K] | undefined) => {
    if (v !== undefined) zaak[k] = v;
  };
  set('omschrijving', z.omschrijving || undefined);
  set('toelichting', z.toelichting || undefined);
  set('publicatiedatum', dateFromZgw(z.publicatiedatum));
  set('einddatumGepland', dateFromZgw(z.einddatumGepland));
  set('uiterlijkeEinddatum', dateFromZgw(z.uiterlijkeEinddatumAfdoening));
  set('einddatum', dateFromZgw(z.einddatum));
  set('betalingsIndicatie', back(BETALING, z.betalingsindicatie));
  set('laatsteBetaaldatum', z.laatsteBetaaldatum ? tijdstipFromZgw(z.laatsteBetaaldatum, timeZone) : undefined);
  if (z.opschorting && (z.opschorting.indicatie || z.opschorting.reden)) zaak.opschorting = { indicatie: z.opschorting.indicatie ? 'J' : 'N', reden: z.opschorting.reden };
  if (z.verlenging && (z.verlenging.duur || z.verlenging.reden)) zaak.verlenging = { duur: duurFromZgw(z.verlenging.duur), reden: z.verlenging.reden };
  set('archiefnominatie', back(ARCHIEF, z.archiefnominatie));
  set('datumVernietigingDossier', dateFromZgw(z.archiefactiedatum));
  return zaak;
}

// ------------------------------------------------------------------------------------------------ statussen

export interface ZgwStatus {
  url: string;
  statustype: string;
  datumStatusGezet: string;
  statustoelichting?: string;
}

export function statusToZgw(st: Status, statustypeUrl: string, timeZone: string): Record<string, unknown> {
  return {
    statustype: statustypeUrl,
    datumStatusGezet: tijdstipToZgw(st.datumStatusGezet, timeZone),
    statustoelichting: st.toelichting ?? '',
  };
}

/** Whether a ZDS status is the same as a stored ZGW one (same statustype and the same moment). */
export function sameStatus(st: Status, statustypeUrl: string | undefined, z: ZgwStatus, timeZone: string): boolean {
  return statustypeUrl === z.statustype && tijdstipFromZgw(z.datumStatusGezet, timeZone) === st.datumStatusGezet.padEnd(17, '0');
}

// ------------------------------------------------------------------------------------------------ zaakobjecten

/**
 * ZDS heeftBetrekkingOp objects and anderZaakObject entries become zaakobjecten of objectType "overige" whose
 * overigeData holds the StUF element as sent: the ZDS object types (adres, pand, buurt, ... with their StUF
 * kerngegevens) do not map one-to-one onto the ZGW objectIdentificatie shapes, and this way nothing is lost.
 */
export const ZAAKOBJECT_PREFIX = 'zds-';
export const ANDER_ZAAKOBJECT = `${ZAAKOBJECT_PREFIX}anderZaakObject`;

export interface ZgwZaakobject {
  url: string;
  objectType: string;
  objectTypeOverige?: string;
  relatieomschrijving?: string;
  objectIdentificatie?: { overigeData?: Record<string, unknown> } | null;
}

export function zaakobjectToZgw(o: Zaakobject): Record<string, unknown> {
  return {
    objectType: 'overige',
    objectTypeOverige: `${ZAAKOBJECT_PREFIX}${o.object.local}`,
    relatieomschrijving: (o.omschrijving ?? '').slice(0, 80),
    objectIdentificatie: {
      overigeData: {
        stuf: o.object,
        ...(o.omschrijving ? { omschrijving: o.omschrijving } : {}),
        ...(o.tijdvakRelatie ? { tijdvakRelatie: o.tijdvakRelatie } : {}),
        ...(o.tijdstipRegistratie ? { tijdstipRegistratie: o.tijdstipRegistratie } : {}),
      },
    },
  };
}

export function anderZaakObjectToZgw(a: AnderZaakObject): Record<string, unknown> {
  return {
    objectType: 'overige',
    objectTypeOverige: ANDER_ZAAKOBJECT,
    relatieomschrijving: (a.omschrijving ?? '').slice(0, 80),
    objectIdentificatie: { overigeData: { ...a } },
  };
}

/** Read back: a Zaakobject, an AnderZaakObject, or undefined for a zaakobject another application made. */
export function zaakobjectFromZgw(z: ZgwZaakobject): { zaakobject?: Zaakobject; anderZaakObject?: AnderZaakObject } {
  const data = z.objectIdentificatie?.overigeData;
  if (z.objectType !== 'overige' || !data) return {};
  if (z.objectTypeOverige === ANDER_ZAAKOBJECT) {
    const a: AnderZaakObject = {};
    for (const k of ['omschrijving', 'aanduiding', 'registratie'] as const) if (typeof data[k] === 'string') a[k] = data[k] as string;
    // The GML geometry as sent (a Leaf tree), in the XSD place the answer writer gives it.
    if (isLeaf(data.lokatie)) a.lokatie = data.lokatie;
    return { anderZaakObject: a };
  }
  if (z.objectTypeOverige?.startsWith(ZAAKOBJECT_PREFIX) && isLeaf(data.stuf)) {
    const o: Zaakobject = { object: data.stuf };
    if (typeof data.omschrijving === 'string') o.omschrijving = data.omschrijving;
    if (data.tijdvakRelatie && typeof data.tijdvakRelatie === 'object') o.tijdvakRelatie = data.tijdvakRelatie as Tijdvak;
    if (typeof data.tijdstipRegistratie === 'string') o.tijdstipRegistratie = data.tijdstipRegistratie;
    return { zaakobject: o };
  }
  return {};
}

/** overigeData is free JSON another application may have written: only a StUF element tree is read as one. */
function isLeaf(v: unknown): v is Leaf {
  return typeof v === 'object' && v !== null && typeof (v as Leaf).ns === 'string' && typeof (v as Leaf).local === 'string';
}

/** Comparable form of a zaakobject body (for the minimal update). */
export function zaakobjectFingerprint(body: { objectTypeOverige?: string; objectIdentificatie?: unknown }): string {
  return JSON.stringify([body.objectTypeOverige ?? '', body.objectIdentificatie ?? null]);
}
