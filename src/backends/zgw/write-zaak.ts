/**
 * Writing a zaak to the Zaken API inside a unit of work: creeerZaak as zaak → rollen, zaakobjecten (in
 * parallel) → resultaat → statussen (in time order, last: they cannot be deleted and the eindstatus needs the
 * resultaat); updateZaak as the minimal set of PATCH / POST / DELETE calls between what ZGW holds and the zaak
 * the ZDS operation made of it. Every check that can refuse the bericht runs before the first call.
 */
import type { ExtraElement, Rol, Status, Tijdvak, Zaak, ZaakRelatie } from '../../domain/model.js';
import { actieveRollen } from '../../domain/zaak-rules.js';
import { DuplicateError } from '../../ports/zaak-store.js';
import { formatTijdstip, parseTijdstip } from '../../stuf/dates.js';
import { faults } from '../../stuf/fault.js';
import { type ZaaktypeEntry, type ZgwStatustype, ZgwCatalogue } from './catalogue.js';
import { profileFor, type ZgwContext } from './context.js';
import { isNotUnique } from './errors.js';
import { type ZgwRol, rolFingerprint, rolFromZgw, rolToZgw, roltypeFor } from './map-rol.js';
import {
  type ZgwStatus, ZAAKOBJECT_PREFIX, anderZaakObjectToZgw, beforeValues, changedFields, sameStatus, statusToZgw, zaakFields, zaakobjectFingerprint,
  zaakobjectToZgw,
} from './map-zaak.js';
import { eigenschapChanges, wantedEigenschappen } from './map-eigenschappen.js';
import { type ZaakSnapshot, zaakRef } from './read-zaak.js';
import type { UnitOfWork, ZgwResource } from './unit-of-work.js';

/**
 * What the ZGW APIs have no field for is kept in the local state's sidecar, per ZGW resource URL, and written
 * only when the unit completes (through `keep`). Rollen keep the whole ZDS rol (code, omschrijving,
 * beginRelatie, contact data, every betrokkene element) with the fingerprint of what was sent to ZGW: when ZGW
 * still holds that, the ZDS rol is answered as it was sent; when another application changed the rol, ZGW wins.
 */
export interface RolSidecar { fp: string; rol: Rol }
export interface ZaakSidecar {
  tijdstipRegistratie?: string;
  beeindigdeRollen?: Rol[];
  tijdvakGeldigheid?: Tijdvak;
  /** Every extraElement as sent, in order (those with a zaakeigenschap are read back from ZGW). */
  extraElementen?: ExtraElement[];
  /**
   * The relations with what ZGW has no field for (tijdvakRelatie, tijdstipRegistratie), and the relations to zaken
   * that are not in ZGW (`referentie`): ZGW can only point at a zaak it holds, ZDS may name one of another system.
   */
  relaties?: Array<ZaakRelatie & { referentie?: true }>;
}
export interface StatusSidecar { gezetDoor: NonNullable<Status['gezetDoor']>; gezetDoorRol?: Status['gezetDoorRol'] }
export type Keep = (key: string, value: unknown) => void;

function zaakSidecar(zaak: Zaak, referenties: ZaakRelatie[]): ZaakSidecar | undefined {
  const ended = zaak.rollen.filter((r) => r.eindRelatie);
  const relaties = zaak.relaties.filter((r) => referenties.includes(r) || r.tijdvakRelatie || r.tijdstipRegistratie)
    .map((r) => ({ ...r, ...(referenties.includes(r) ? { referentie: true as const } : {}) }));
  const out: ZaakSidecar = {
    ...(zaak.tijdstipRegistratie ? { tijdstipRegistratie: zaak.tijdstipRegistratie } : {}),
    ...(ended.length ? { beeindigdeRollen: ended } : {}),
    ...(zaak.tijdvakGeldigheid ? { tijdvakGeldigheid: zaak.tijdvakGeldigheid } : {}),
    ...(zaak.extraElementen?.length ? { extraElementen: zaak.extraElementen } : {}),
    ...(relaties.length ? { relaties } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

export async function requireZaaktype(ctx: ZgwContext, code: string): Promise<ZaaktypeEntry> {
  const entry = await ctx.catalogue.zaaktype(code);
  if (!entry) {
    throw faults.processing('Zaaktype onbekend', `Zaaktype met code ${code} staat niet (gepubliceerd en geldig) in de catalogus van het zaaksysteem (ZGW)`);
  }
  return entry;
}

async function statustypeFor(ctx: ZgwContext, entry: ZaaktypeEntry, st: Status): Promise<ZgwStatustype> {
  const match = profileFor(ctx, entry.code)?.statustypeMatch ?? (st.statustype.volgnummer ? 'volgnummer' : 'omschrijving');
  const t = await ctx.catalogue.find(entry, (e) =>
    match === 'omschrijving'
      ? e.statustypen.find((s) => s.omschrijving === st.statustype.omschrijving)
      : match === 'code'
        // ZDS statustype code ↔ the ZGW statustype's omschrijvingGeneriek.
        ? e.statustypen.find((s) => s.omschrijvingGeneriek !== undefined && s.omschrijvingGeneriek === st.statustype.code)
        : e.statustypen.find((s) => String(s.volgnummer) === String(Number(st.statustype.volgnummer))));
  if (!t) {
    throw faults.processing('Statustype onbekend voor dit zaaktype',
      `Statustype volgnummer ${st.statustype.volgnummer || '-'} / "${st.statustype.omschrijving ?? ''}" bestaat niet bij zaaktype ${entry.code} in de catalogus (ZGW)`);
  }
  return t;
}

async function roltypeUrl(ctx: ZgwContext, entry: ZaaktypeEntry, rol: Rol) {
  const profile = profileFor(ctx, entry.code);
  const t = await ctx.catalogue.find(entry, (e) => roltypeFor(rol.rolType, e.roltypen, profile));
  if (!t) {
    throw faults.processing('Roltype ontbreekt bij dit zaaktype',
      `${rol.rolType}: zaaktype ${entry.code} heeft in de catalogus (ZGW) geen roltype ${profile?.roltypen?.[rol.rolType] ?? 'met de standaard omschrijvingGeneriek'}; voeg het toe of stel een vertaalprofiel in`);
  }
  return t;
}

async function resultaattypeUrl(ctx: ZgwContext, entry: ZaaktypeEntry, omschrijving: string | undefined): Promise<string> {
  const generiek = profileFor(ctx, entry.code)?.resultaattypeMatch === 'omschrijvingGeneriek';
  const t = await ctx.catalogue.find(entry, (e) =>
    e.resultaattypen.find((r) => (generiek ? (r.omschrijvingGeneriek ?? r.resultaattypeomschrijving) : r.omschrijving) === omschrijving));
  if (!t) {
    throw faults.processing('Resultaat onbekend voor dit zaaktype',
      `resultaat/omschrijving "${omschrijving ?? ''}" is geen resultaattype van zaaktype ${entry.code} in de catalogus (ZGW)`);
  }
  return t.url;
}

/** A status set later than now is refused by the Zaken API; Zaakpoort says so before it makes any call. */
function refuseFutureStatus(ctx: ZgwContext, statussen: Status[]): void {
  const now = ctx.now().getTime();
  for (const st of statussen) {
    if (parseTijdstip(st.datumStatusGezet, ctx.timeZone).getTime() > now) {
      throw faults.processing('datumStatusGezet ligt in de toekomst',
        `heeft/datumStatusGezet ${st.datumStatusGezet}: het zaaksysteem (ZGW) aanvaardt geen status die later gezet is dan nu`);
    }
  }
}

const latest = <T extends { datumStatusGezet: string }>(list: T[]) => [...list].sort((a, b) => (a.datumStatusGezet < b.datumStatusGezet ? 1 : -1))[0];

/**
 * The closing rules in ZGW terms. Open Zaak closes a zaak when its current status (latest datumStatusGezet)
 * is the eindstatus, sets einddatum to that status' date, and demands a resultaat first. The einddatum itself
 * is read-only. So: an einddatum the message gives must be that date (eindstatusFromEinddatum made the eindstatus
 * for an einddatum that came alone), and an eindstatus without a resultaat is refused.
 */
function checkClosing(zaak: Zaak, entry: ZaaktypeEntry, statusUrls: Map<Status, string>, storedEinddatum: string | undefined, newStatussen: Status[]): void {
  const eind = ZgwCatalogue.eindstatus(entry);
  const current = latest(zaak.statussen);
  const closes = current !== undefined && eind !== undefined && statusUrls.get(current) === eind.url;
  // Only setting the eindstatus needs the resultaat; removing it from a closed zaak later is allowed (it stays closed).
  if (closes && !zaak.resultaat && newStatussen.includes(current!)) {
    throw faults.processing('Eindstatus vraagt een resultaat',
      `de zaak ${zaak.identificatie} krijgt de eindstatus "${eind!.omschrijving}"; het zaaksysteem (ZGW) sluit een zaak alleen af met een resultaat: stuur resultaat/omschrijving mee of eerder`);
  }
  const wanted = zaak.einddatum?.value;
  if (!wanted || wanted === storedEinddatum) return;
  if (!closes) {
    throw faults.processing('Einddatum zonder eindstatus',
      `einddatum ${wanted}: in het zaaksysteem (ZGW) volgt de einddatum uit de eindstatus, en die zou niet de laatste status zijn; stuur de eindstatus (${eind?.omschrijving ?? 'hoogste volgnummer'}) met een latere datumStatusGezet`);
  }
  const derived = current!.datumStatusGezet.slice(0, 8);
  if (wanted !== derived) {
    throw faults.processing('Einddatum wijkt af van de eindstatus',
      `einddatum ${wanted} verschilt van de datum van de eindstatus (${derived}); in het zaaksysteem (ZGW) is de einddatum de datum waarop de eindstatus is gezet`);
  }
}

/**
 * ZDS lets a bericht close a zaak with an einddatum alone (ZDS 1.1 vakapplicaties do that); ZGW closes a zaak only
 * through its eindstatus. So an einddatum without an eindstatus becomes the eindstatus, set on that date (now when
 * it is today, else at 23:59:59 local, so it comes after the day's other statussen), with a toelichting that says
 * why. The statussen list of `zaak` (and `newStatussen`) gains that status; checkClosing then demands the resultaat.
 */
function eindstatusFromEinddatum(ctx: ZgwContext, zaak: Zaak, entry: ZaaktypeEntry, storedEinddatum: string | undefined, newStatussen: Status[]): void {
  const wanted = zaak.einddatum;
  const eind = ZgwCatalogue.eindstatus(entry);
  if (!wanted || wanted.onvolledig || wanted.value === storedEinddatum || !eind) return;
  const isEind = (st: Status) => String(Number(st.statustype.volgnummer)) === String(eind.volgnummer) || (!st.statustype.volgnummer && st.statustype.omschrijving === eind.omschrijving);
  const current = latest(zaak.statussen);
  if (current && isEind(current)) return;
  const vandaag = formatTijdstip(ctx.now(), ctx.timeZone);
  if (wanted.value > vandaag.slice(0, 8)) {
    throw faults.processing('Einddatum ligt in de toekomst', `einddatum ${wanted.value}: het zaaksysteem (ZGW) sluit een zaak met een eindstatus, en die kan niet later dan nu gezet worden`);
  }
  const st: Status = {
    statustype: { volgnummer: String(eind.volgnummer), omschrijving: eind.omschrijving },
    datumStatusGezet: wanted.value === vandaag.slice(0, 8) ? vandaag : `${wanted.value}235959000`,
    toelichting: `Zaak afgesloten met einddatum ${wanted.value} (ZDS-bericht zonder eindstatus)`,
  };
  zaak.statussen.push(st);
  newStatussen.push(st);
}

/** What ZGW's status has no field for: who set it (beyond the rol URL) and isGezetDoor's own rol texts. */
function statusSidecar(st: Status): StatusSidecar {
  return { gezetDoor: st.gezetDoor!, ...(st.gezetDoorRol ? { gezetDoorRol: st.gezetDoorRol } : {}) };
}

/** The rol of this zaak that stands for a status' gezetDoor (same kind and key), for ZGW's status.gezetdoor. */
function gezetDoorUrl(st: Status, rollen: Array<{ rol: Rol; url: string }>): string | undefined {
  const g = st.gezetDoor;
  return g ? rollen.find((r) => r.rol.betrokkene.kind === g.kind && r.rol.betrokkene.key === g.key)?.url : undefined;
}

/** The zaak's relations split into those to zaken in ZGW (with their URL) and references to zaken ZGW does not hold. */
interface ResolvedRelaties {
  known: Array<{ rel: ZaakRelatie; url: string }>;
  referenties: ZaakRelatie[];
}

async function resolveRelaties(ctx: ZgwContext, unit: UnitOfWork, zaak: Zaak): Promise<ResolvedRelaties> {
  const out: ResolvedRelaties = { known: [], referenties: [] };
  const refs = await Promise.all(zaak.relaties.map((rel) => zaakRef(ctx, unit, rel.identificatie)));
  for (const [i, rel] of zaak.relaties.entries()) {
    const z = refs[i];
    if (z) out.known.push({ rel, url: z.url });
    else out.referenties.push(rel);
  }
  return out;
}

/** hoofdzaak and relevanteAndereZaken fields for the zaak's relations (deelzaken are set on the deelzaak). */
function relationFields(r: ResolvedRelaties, keepOther: Array<{ url: string; aardRelatie: string }>): Record<string, unknown> {
  const hoofd = r.known.find((k) => k.rel.soort === 'heeftAlsHoofdzaak');
  const andere = r.known.filter((k) => k.rel.soort === 'heeftBetrekkingOpAndere');
  return {
    hoofdzaak: hoofd?.url ?? null,
    // Relations of other kinds (vervolg, bijdrage) made by other applications are kept as they are.
    relevanteAndereZaken: [...keepOther, ...andere.map((k) => ({ url: k.url, aardRelatie: 'onderwerp' }))],
  };
}

const deelzaken = (r: ResolvedRelaties) => r.known.filter((k) => k.rel.soort === 'heeftAlsDeelzaak');

interface Plan {
  entry: ZaaktypeEntry;
  statusUrls: Map<Status, string>;
  rolBodies: Array<Record<string, unknown>>;
  /** The active rollen, in the order of rolBodies. */
  rollen: Rol[];
  objectBodies: Array<Record<string, unknown>>;
  /** The zaakeigenschappen the extraElementen map onto (body without zaak). */
  eigenschappen: Array<{ eigenschap: string; waarde: string }>;
  resultaattype?: string;
}

async function plan(ctx: ZgwContext, zaak: Zaak, entry: ZaaktypeEntry, newStatussen: Status[]): Promise<Plan> {
  refuseFutureStatus(ctx, newStatussen);
  const statusUrls = new Map<Status, string>();
  for (const st of zaak.statussen) statusUrls.set(st, (await statustypeFor(ctx, entry, st)).url);
  const rolBodies: Array<Record<string, unknown>> = [];
  const rollen = actieveRollen(zaak);
  for (const rol of rollen) rolBodies.push(rolToZgw(rol, await roltypeUrl(ctx, entry, rol)));
  const objectBodies = [...(zaak.zaakobjecten ?? []).map(zaakobjectToZgw), ...zaak.anderZaakObjecten.map(anderZaakObjectToZgw)];
  // No reload on a miss: an extraElement without an eigenschap is normal (kept in the sidecar), not a stale cache.
  const eigenschappen = wantedEigenschappen(zaak.extraElementen, entry, profileFor(ctx, entry.code));
  const p: Plan = { entry, statusUrls, rolBodies, rollen, objectBodies, eigenschappen };
  if (zaak.resultaat) p.resultaattype = await resultaattypeUrl(ctx, entry, zaak.resultaat.omschrijving);
  return p;
}

/** creeerZaak. Rollen, zaakobjecten, resultaat and statussen go with the zaak when it is deleted, so undoing the zaak undoes all. */
export async function insertZaak(ctx: ZgwContext, unit: UnitOfWork, zaak: Zaak, keep: Keep = () => undefined): Promise<ZgwResource> {
  const entry = await requireZaaktype(ctx, zaak.zaaktype.code);
  eindstatusFromEinddatum(ctx, zaak, entry, undefined, []);
  const p = await plan(ctx, zaak, entry, zaak.statussen);
  checkClosing(zaak, entry, p.statusUrls, undefined, zaak.statussen);
  const relaties = await resolveRelaties(ctx, unit, zaak);
  const body: Record<string, unknown> = {
    identificatie: zaak.identificatie,
    bronorganisatie: ctx.rsin,
    verantwoordelijkeOrganisatie: ctx.rsin,
    zaaktype: entry.url,
    ...zaakFields(zaak, ctx.timeZone),
    ...(relaties.known.some((k) => k.rel.soort !== 'heeftAlsDeelzaak') ? relationFields(relaties, []) : {}),
    ...(ctx.settings.defaults.vertrouwelijkheidaanduiding ? { vertrouwelijkheidaanduiding: ctx.settings.defaults.vertrouwelijkheidaanduiding } : {}),
  };
  let created: ZgwResource;
  try {
    created = await unit.create<ZgwResource>({ api: 'zaken', url: '/zaken', body, purpose: 'zaak aanmaken' }, `zaak ${zaak.identificatie}`, {
      // Matched on more than the identificatie: a zaak that already existed with it (the POST then failed) must survive.
      url: '/zaken', query: { identificatie: zaak.identificatie, bronorganisatie: ctx.rsin },
      match: { identificatie: zaak.identificatie, zaaktype: entry.url, startdatum: String(body.startdatum), omschrijving: String(body.omschrijving), toelichting: String(body.toelichting) }, keep: [],
    });
  } catch (e) {
    if (isNotUnique(e)) throw new DuplicateError('zaak', zaak.identificatie);
    throw e;
  }
  // What this bericht does next (a leidtTot besluit, a deelzaak) finds the new zaak, not one undone before under the same identificatie.
  ctx.zaakRefs.set(zaak.identificatie, { url: created.url, zaaktype: entry.url, at: Date.now() });
  const child = (url: string, b: Record<string, unknown>, purpose: string) =>
    unit.child<ZgwResource>({ api: 'zaken', url, body: { zaak: created.url, ...b }, purpose });
  // One after the other: the order they are read back in is the order the bericht named them.
  const made: Array<{ rol: Rol; url: string }> = [];
  for (const [i, b] of p.rolBodies.entries()) {
    const rol = await child('/rollen', b, 'rol toevoegen');
    keep(rol.url, { fp: rolFingerprint(b as Parameters<typeof rolFingerprint>[0]), rol: p.rollen[i]! } satisfies RolSidecar);
    made.push({ rol: p.rollen[i]!, url: rol.url });
  }
  for (const b of p.objectBodies) await child('/zaakobjecten', b, 'zaakobject toevoegen');
  for (const e of p.eigenschappen) await child(`${created.url}/zaakeigenschappen`, e, 'zaakeigenschap vastleggen');
  const extra = zaakSidecar(zaak, relaties.referenties);
  if (extra) keep(created.url, extra);
  for (const d of deelzaken(relaties)) await linkDeelzaak(unit, created.url, d.url);
  if (p.resultaattype) await child('/resultaten', { resultaattype: p.resultaattype, toelichting: zaak.resultaat?.toelichting ?? '' }, 'resultaat vastleggen');
  for (const st of [...zaak.statussen].sort((a, b) => (a.datumStatusGezet < b.datumStatusGezet ? -1 : 1))) {
    const door = gezetDoorUrl(st, made);
    const status = await child('/statussen', { ...statusToZgw(st, p.statusUrls.get(st)!, ctx.timeZone), ...(door ? { gezetdoor: door } : {}) }, 'status zetten');
    if (st.gezetDoor) keep(status.url, statusSidecar(st));
  }
  return created;
}

/** A deelzaak names its hoofdzaak (ZGW keeps the relation on the deelzaak): set it (hoofdUrl) or clear it (null). */
async function linkDeelzaak(unit: UnitOfWork, hoofdUrl: string | null, deelUrl: string, previous: string | null = null): Promise<void> {
  await unit.patch({ api: 'zaken', url: deelUrl, body: { hoofdzaak: hoofdUrl }, purpose: hoofdUrl ? 'deelzaak koppelen' : 'deelzaak ontkoppelen' }, { hoofdzaak: previous }, 'deelzaak');
}

/** The body to create a ZGW rol again (undo of its deletion). */
function rolRecreateBody(z: ZgwRol, zaakUrlValue: string): Record<string, unknown> {
  return {
    zaak: zaakUrlValue, betrokkene: '', betrokkeneType: z.betrokkeneType, roltype: z.roltype, roltoelichting: z.roltoelichting,
    indicatieMachtiging: z.indicatieMachtiging ?? '', betrokkeneIdentificatie: z.betrokkeneIdentificatie ?? {},
    ...(z.contactpersoonRol ? { contactpersoonRol: z.contactpersoonRol } : {}),
  };
}

/** Pair wanted items with existing ones by fingerprint: what to keep, delete and create. */
function pairUp<E, W>(existing: E[], wanted: W[], fpE: (e: E) => string, fpW: (w: W) => string): { remove: E[]; add: W[]; kept: Array<[E, W]> } {
  const pool = new Map<string, E[]>();
  for (const e of existing) pool.set(fpE(e), [...(pool.get(fpE(e)) ?? []), e]);
  const add: W[] = [];
  const kept: Array<[E, W]> = [];
  for (const w of wanted) {
    const hit = pool.get(fpW(w));
    if (hit && hit.length > 0) kept.push([hit.shift()!, w]);
    else add.push(w);
  }
  return { remove: [...pool.values()].flat(), add, kept };
}

/**
 * updateZaak / actualiseerZaakstatus: only what differs is sent. Rollen that did not change stay (same
 * fingerprint); a changed rol is deleted and created again (ZGW rollen cannot be PATCHed). Rollen and
 * zaakobjecten Zaakpoort cannot represent (made by other applications) are never touched.
 */
export async function updateZaak(ctx: ZgwContext, unit: UnitOfWork, snap: ZaakSnapshot, zaak: Zaak, keep: Keep = () => undefined): Promise<void> {
  const { raw, entry } = snap;
  const newStatussen = zaak.statussen.filter((st) => !snap.statussen.some((z) => sameStatus(st, undefined, z, ctx.timeZone) || matchesStored(ctx, entry, st, z)));
  eindstatusFromEinddatum(ctx, zaak, entry, snap.zaak.einddatum?.value, newStatussen);
  const p = await plan(ctx, zaak, entry, newStatussen);
  checkClosing(zaak, entry, p.statusUrls, snap.zaak.einddatum?.value, newStatussen);

  // The zaak's own fields and its relations.
  const keepOther = (raw.relevanteAndereZaken ?? []).filter((r) => r.aardRelatie !== 'onderwerp');
  const relaties = await resolveRelaties(ctx, unit, zaak);
  const wanted = { ...zaakFields(zaak, ctx.timeZone), ...relationFields(relaties, keepOther) };
  const diff = changedFields(raw as unknown as Record<string, unknown>, wanted);
  if (Object.keys(diff).length > 0) {
    await unit.patch({ api: 'zaken', url: raw.url, body: diff, purpose: 'zaak wijzigen' }, beforeValues(raw as unknown as Record<string, unknown>, diff), `zaak ${zaak.identificatie}`);
  }
  const deelVoor = new Set(raw.deelzaken ?? []);
  const deelNa = new Set(deelzaken(relaties).map((d) => d.url));
  for (const d of deelNa) if (!deelVoor.has(d)) await linkDeelzaak(unit, raw.url, d);
  for (const d of deelVoor) if (!deelNa.has(d)) await linkDeelzaak(unit, null, d, raw.url);

  // Rollen.
  const profile = profileFor(ctx, entry.code);
  const known = snap.rollen.filter((z) => rolFromZgw(z, profile) !== undefined);
  const fpOf = (b: Record<string, unknown>) => rolFingerprint(b as Parameters<typeof rolFingerprint>[0]);
  const wantedRollen = p.rolBodies.map((body, i) => ({ body, rol: p.rollen[i]! }));
  const rollen = pairUp(known, wantedRollen, (z) => rolFingerprint(z), (w) => fpOf(w.body));
  // Unchanged in ZGW: what only Zaakpoort keeps (code, omschrijving, contact data, ...) may still have changed.
  for (const [z, w] of rollen.kept) keep(z.url, { fp: fpOf(w.body), rol: w.rol } satisfies RolSidecar);
  await Promise.all(rollen.remove.map(async (z) => {
    await unit.remove({ api: 'zaken', url: z.url, purpose: 'rol verwijderen' }, { collection: '/rollen', body: rolRecreateBody(z, raw.url) }, 'rol');
    keep(z.url, undefined);
  }));
  const existingRolUrls = snap.rollen.map((r) => r.url);
  const rolUrls: Array<{ rol: Rol; url: string }> = rollen.kept.map(([z, w]) => ({ rol: w.rol, url: z.url }));
  for (const w of rollen.add) {
    const b = w.body;
    const made = await unit.create({ api: 'zaken', url: '/rollen', body: { zaak: raw.url, ...b }, purpose: 'rol toevoegen' }, 'rol', {
      url: '/rollen', query: { zaak: raw.url }, match: { roltype: String(b.roltype), betrokkeneType: String(b.betrokkeneType), roltoelichting: String(b.roltoelichting) }, keep: existingRolUrls,
    });
    keep(made.url, { fp: fpOf(b), rol: w.rol } satisfies RolSidecar);
    rolUrls.push({ rol: w.rol, url: made.url });
  }
  const extra = zaakSidecar(zaak, relaties.referenties);
  if (JSON.stringify(extra) !== JSON.stringify(snap.sidecar)) keep(raw.url, extra);

  // Zaakeigenschappen (the extraElementen ZGW has an eigenschap for).
  const ze = eigenschapChanges(snap.zaakeigenschappen, p.eigenschappen);
  await Promise.all([
    ...ze.patch.map(({ z, waarde }) => unit.patch({ api: 'zaken', url: z.url, body: { waarde }, purpose: 'zaakeigenschap wijzigen' }, { waarde: z.waarde }, `zaakeigenschap ${z.naam}`)),
    ...ze.remove.map((z) => unit.remove({ api: 'zaken', url: z.url, purpose: 'zaakeigenschap verwijderen' },
      { collection: `${raw.url}/zaakeigenschappen`, body: { zaak: raw.url, eigenschap: z.eigenschap, waarde: z.waarde } }, `zaakeigenschap ${z.naam}`)),
  ]);
  const existingEigenschappen = snap.zaakeigenschappen.map((z) => z.url);
  for (const e of ze.add) {
    await unit.create({ api: 'zaken', url: `${raw.url}/zaakeigenschappen`, body: { zaak: raw.url, ...e }, purpose: 'zaakeigenschap vastleggen' }, 'zaakeigenschap', {
      url: `${raw.url}/zaakeigenschappen`, query: {}, match: { eigenschap: e.eigenschap, waarde: e.waarde }, keep: existingEigenschappen,
    });
  }

  // Zaakobjecten made by Zaakpoort.
  const ours = snap.zaakobjecten.filter((o) => o.objectType === 'overige' && o.objectTypeOverige?.startsWith(ZAAKOBJECT_PREFIX));
  const objecten = pairUp(ours, p.objectBodies, (o) => zaakobjectFingerprint(o), (b) => zaakobjectFingerprint(b));
  await Promise.all(objecten.remove.map((o) =>
    unit.remove({ api: 'zaken', url: o.url, purpose: 'zaakobject verwijderen' }, {
      collection: '/zaakobjecten',
      body: { zaak: raw.url, objectType: o.objectType, objectTypeOverige: o.objectTypeOverige, relatieomschrijving: o.relatieomschrijving ?? '', objectIdentificatie: o.objectIdentificatie },
    }, 'zaakobject')));
  const existingObjectUrls = snap.zaakobjecten.map((o) => o.url);
  await Promise.all(objecten.add.map((b) =>
    unit.create({ api: 'zaken', url: '/zaakobjecten', body: { zaak: raw.url, ...b }, purpose: 'zaakobject toevoegen' }, 'zaakobject', {
      url: '/zaakobjecten', query: { zaak: raw.url }, match: { objectTypeOverige: String(b.objectTypeOverige) }, keep: existingObjectUrls,
    })));

  // Resultaat: before the statussen, the eindstatus needs it.
  const r = snap.resultaat;
  const toelichting = zaak.resultaat?.toelichting ?? '';
  if (p.resultaattype && !r) {
    await unit.create({ api: 'zaken', url: '/resultaten', body: { zaak: raw.url, resultaattype: p.resultaattype, toelichting }, purpose: 'resultaat vastleggen' }, 'resultaat', {
      url: '/resultaten', query: { zaak: raw.url }, match: { resultaattype: p.resultaattype }, keep: [],
    });
  } else if (!p.resultaattype && r) {
    await unit.remove({ api: 'zaken', url: r.url, purpose: 'resultaat verwijderen' }, { collection: '/resultaten', body: { zaak: raw.url, resultaattype: r.resultaattype, toelichting: r.toelichting ?? '' } }, 'resultaat');
  } else if (p.resultaattype && r && (r.resultaattype !== p.resultaattype || (r.toelichting ?? '') !== toelichting)) {
    await unit.patch({ api: 'zaken', url: r.url, body: { resultaattype: p.resultaattype, toelichting }, purpose: 'resultaat wijzigen' }, { resultaattype: r.resultaattype, toelichting: r.toelichting ?? '' }, 'resultaat');
  }

  // Statussen last, in time order; they cannot be undone, so a lost answer is looked up before it counts as failed.
  for (const st of [...newStatussen].sort((a, b) => (a.datumStatusGezet < b.datumStatusGezet ? -1 : 1))) {
    const door = gezetDoorUrl(st, rolUrls);
    const body = { zaak: raw.url, ...statusToZgw(st, p.statusUrls.get(st)!, ctx.timeZone), ...(door ? { gezetdoor: door } : {}) };
    const made = await unit.final<ZgwStatus>({ api: 'zaken', url: '/statussen', body, purpose: 'status zetten' }, async () => {
      const list = await ctx.http.listAll<ZgwStatus>({ api: 'zaken', url: '/statussen', query: { zaak: raw.url }, purpose: 'gezette status controleren' });
      return list.find((z) => sameStatus(st, p.statusUrls.get(st), z, ctx.timeZone));
    });
    if (st.gezetDoor) keep(made.url, statusSidecar(st));
  }
}

function matchesStored(ctx: ZgwContext, entry: ZaaktypeEntry, st: Status, z: ZgwStatus): boolean {
  const t = entry.statustypen.find((s) => s.url === z.statustype);
  return t !== undefined && String(t.volgnummer) === String(Number(st.statustype.volgnummer)) && sameStatus(st, z.statustype, z, ctx.timeZone);
}

