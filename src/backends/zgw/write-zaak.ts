/**
 * Writing a zaak to the Zaken API inside a unit of work: creeerZaak as zaak → rollen, zaakobjecten (in
 * parallel) → resultaat → statussen (in time order, last: they cannot be deleted and the eindstatus needs the
 * resultaat); updateZaak as the minimal set of PATCH / POST / DELETE calls between what ZGW holds and the zaak
 * the ZDS operation made of it. Every check that can refuse the bericht runs before the first call.
 */
import type { Rol, Status, Zaak } from '../../domain/model.js';
import { actieveRollen } from '../../domain/zaak-rules.js';
import { DuplicateError } from '../../ports/zaak-store.js';
import { parseTijdstip } from '../../stuf/dates.js';
import { faults } from '../../stuf/fault.js';
import { type ZaaktypeEntry, type ZgwStatustype, ZgwCatalogue } from './catalogue.js';
import { profileFor, type ZgwContext } from './context.js';
import { isNotUnique } from './errors.js';
import { type ZgwRol, rolFingerprint, rolFromZgw, rolToZgw, roltypeFor } from './map-rol.js';
import {
  type ZgwStatus, ZAAKOBJECT_PREFIX, anderZaakObjectToZgw, beforeValues, changedFields, sameStatus, statusToZgw, zaakFields, zaakobjectFingerprint,
  zaakobjectToZgw,
} from './map-zaak.js';
import { type ZaakSnapshot, zaakRef } from './read-zaak.js';
import type { UnitOfWork, ZgwResource } from './unit-of-work.js';

export async function requireZaaktype(ctx: ZgwContext, code: string): Promise<ZaaktypeEntry> {
  const entry = await ctx.catalogue.zaaktype(code);
  if (!entry) {
    throw faults.processing('Zaaktype onbekend', `Zaaktype met code ${code} staat niet (gepubliceerd en geldig) in de catalogus van het zaaksysteem (ZGW)`);
  }
  return entry;
}

async function statustypeFor(ctx: ZgwContext, entry: ZaaktypeEntry, st: Status): Promise<ZgwStatustype> {
  const byOmschrijving = profileFor(ctx, entry.code)?.statustypeMatch === 'omschrijving' || !st.statustype.volgnummer;
  const t = await ctx.catalogue.find(entry, (e) =>
    byOmschrijving
      ? e.statustypen.find((s) => s.omschrijving === st.statustype.omschrijving)
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
 * is read-only. So: an einddatum the message gives must be that date; an einddatum without an eindstatus is
 * refused (it cannot be stored), and so is an eindstatus without a resultaat.
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
      `einddatum ${wanted}: in het zaaksysteem (ZGW) volgt de einddatum uit de eindstatus; stuur de eindstatus (${eind?.omschrijving ?? 'hoogste volgnummer'}) mee`);
  }
  const derived = current!.datumStatusGezet.slice(0, 8);
  if (wanted !== derived) {
    throw faults.processing('Einddatum wijkt af van de eindstatus',
      `einddatum ${wanted} verschilt van de datum van de eindstatus (${derived}); in het zaaksysteem (ZGW) is de einddatum de datum waarop de eindstatus is gezet`);
  }
}

/** URL of a zaak by identificatie (relations), or StUF064. */
async function zaakUrl(ctx: ZgwContext, unit: UnitOfWork, identificatie: string): Promise<string> {
  const z = await zaakRef(ctx, unit, identificatie);
  if (!z) throw faults.notFound('Gerelateerde zaak bestaat niet', `zaak ${identificatie} bestaat niet in het zaaksysteem (ZGW)`);
  return z.url;
}

/** hoofdzaak and relevanteAndereZaken fields for the zaak's relations (deelzaken are set on the deelzaak). */
async function relationFields(ctx: ZgwContext, unit: UnitOfWork, zaak: Zaak, keepOther: Array<{ url: string; aardRelatie: string }>): Promise<Record<string, unknown>> {
  const hoofd = zaak.relaties.find((r) => r.soort === 'heeftAlsHoofdzaak');
  const andere = zaak.relaties.filter((r) => r.soort === 'heeftBetrekkingOpAndere');
  const urls = await Promise.all(andere.map((r) => zaakUrl(ctx, unit, r.identificatie)));
  return {
    hoofdzaak: hoofd ? await zaakUrl(ctx, unit, hoofd.identificatie) : null,
    // Relations of other kinds (vervolg, bijdrage) made by other applications are kept as they are.
    relevanteAndereZaken: [...keepOther, ...urls.map((url) => ({ url, aardRelatie: 'onderwerp' }))],
  };
}

interface Plan {
  entry: ZaaktypeEntry;
  statusUrls: Map<Status, string>;
  rolBodies: Array<Record<string, unknown>>;
  objectBodies: Array<Record<string, unknown>>;
  resultaattype?: string;
}

async function plan(ctx: ZgwContext, zaak: Zaak, entry: ZaaktypeEntry, newStatussen: Status[]): Promise<Plan> {
  refuseFutureStatus(ctx, newStatussen);
  const statusUrls = new Map<Status, string>();
  for (const st of zaak.statussen) statusUrls.set(st, (await statustypeFor(ctx, entry, st)).url);
  const rolBodies: Array<Record<string, unknown>> = [];
  for (const rol of actieveRollen(zaak)) rolBodies.push(rolToZgw(rol, await roltypeUrl(ctx, entry, rol)));
  const objectBodies = [...(zaak.zaakobjecten ?? []).map(zaakobjectToZgw), ...zaak.anderZaakObjecten.map(anderZaakObjectToZgw)];
  const p: Plan = { entry, statusUrls, rolBodies, objectBodies };
  if (zaak.resultaat) p.resultaattype = await resultaattypeUrl(ctx, entry, zaak.resultaat.omschrijving);
  return p;
}

/** creeerZaak. Rollen, zaakobjecten, resultaat and statussen go with the zaak when it is deleted, so undoing the zaak undoes all. */
export async function insertZaak(ctx: ZgwContext, unit: UnitOfWork, zaak: Zaak): Promise<ZgwResource> {
  const entry = await requireZaaktype(ctx, zaak.zaaktype.code);
  const p = await plan(ctx, zaak, entry, zaak.statussen);
  checkClosing(zaak, entry, p.statusUrls, undefined, zaak.statussen);
  const body: Record<string, unknown> = {
    identificatie: zaak.identificatie,
    bronorganisatie: ctx.rsin,
    verantwoordelijkeOrganisatie: ctx.rsin,
    zaaktype: entry.url,
    ...zaakFields(zaak, ctx.timeZone),
    ...(zaak.relaties.some((r) => r.soort !== 'heeftAlsDeelzaak') ? await relationFields(ctx, unit, zaak, []) : {}),
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
  const child = (url: string, b: Record<string, unknown>, purpose: string) =>
    unit.child({ api: 'zaken', url, body: { zaak: created.url, ...b }, purpose });
  // One after the other: the order they are read back in is the order the bericht named them.
  for (const b of p.rolBodies) await child('/rollen', b, 'rol toevoegen');
  for (const b of p.objectBodies) await child('/zaakobjecten', b, 'zaakobject toevoegen');
  for (const d of zaak.relaties.filter((r) => r.soort === 'heeftAlsDeelzaak')) await linkDeelzaak(ctx, unit, created.url, d.identificatie);
  if (p.resultaattype) await child('/resultaten', { resultaattype: p.resultaattype, toelichting: zaak.resultaat?.toelichting ?? '' }, 'resultaat vastleggen');
  for (const st of [...zaak.statussen].sort((a, b) => (a.datumStatusGezet < b.datumStatusGezet ? -1 : 1))) {
    await child('/statussen', statusToZgw(st, p.statusUrls.get(st)!, ctx.timeZone), 'status zetten');
  }
  return created;
}

/** A deelzaak names its hoofdzaak (ZGW keeps the relation on the deelzaak): set it (hoofdUrl) or clear it (null). */
async function linkDeelzaak(ctx: ZgwContext, unit: UnitOfWork, hoofdUrl: string | null, deelIdentificatie: string, previous: string | null = null): Promise<void> {
  const url = await zaakUrl(ctx, unit, deelIdentificatie);
  await unit.patch({ api: 'zaken', url, body: { hoofdzaak: hoofdUrl }, purpose: hoofdUrl ? 'deelzaak koppelen' : 'deelzaak ontkoppelen' }, { hoofdzaak: previous }, `deelzaak ${deelIdentificatie}`);
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
function pairUp<E, W>(existing: E[], wanted: W[], fpE: (e: E) => string, fpW: (w: W) => string): { remove: E[]; add: W[] } {
  const pool = new Map<string, E[]>();
  for (const e of existing) pool.set(fpE(e), [...(pool.get(fpE(e)) ?? []), e]);
  const add: W[] = [];
  for (const w of wanted) {
    const hit = pool.get(fpW(w));
    if (hit && hit.length > 0) hit.shift();
    else add.push(w);
  }
  return { remove: [...pool.values()].flat(), add };
}

/**
 * updateZaak / actualiseerZaakstatus: only what differs is sent. Rollen that did not change stay (same
 * fingerprint); a changed rol is deleted and created again (ZGW rollen cannot be PATCHed). Rollen and
 * zaakobjecten Zaakpoort cannot represent (made by other applications) are never touched.
 */
export async function updateZaak(ctx: ZgwContext, unit: UnitOfWork, snap: ZaakSnapshot, zaak: Zaak): Promise<void> {
  const { raw, entry } = snap;
  const newStatussen = zaak.statussen.filter((st) => !snap.statussen.some((z) => sameStatus(st, undefined, z, ctx.timeZone) || matchesStored(ctx, entry, st, z)));
  const p = await plan(ctx, zaak, entry, newStatussen);
  checkClosing(zaak, entry, p.statusUrls, snap.zaak.einddatum?.value, newStatussen);

  // The zaak's own fields and its relations.
  const keepOther = (raw.relevanteAndereZaken ?? []).filter((r) => r.aardRelatie !== 'onderwerp');
  const wanted = { ...zaakFields(zaak, ctx.timeZone), ...(await relationFields(ctx, unit, zaak, keepOther)) };
  const diff = changedFields(raw as unknown as Record<string, unknown>, wanted);
  if (Object.keys(diff).length > 0) {
    await unit.patch({ api: 'zaken', url: raw.url, body: diff, purpose: 'zaak wijzigen' }, beforeValues(raw as unknown as Record<string, unknown>, diff), `zaak ${zaak.identificatie}`);
  }
  const deelVoor = new Set(snap.zaak.relaties.filter((r) => r.soort === 'heeftAlsDeelzaak').map((r) => r.identificatie));
  const deelNa = new Set(zaak.relaties.filter((r) => r.soort === 'heeftAlsDeelzaak').map((r) => r.identificatie));
  for (const d of deelNa) if (!deelVoor.has(d)) await linkDeelzaak(ctx, unit, raw.url, d);
  for (const d of deelVoor) if (!deelNa.has(d)) await linkDeelzaak(ctx, unit, null, d, raw.url);

  // Rollen.
  const profile = profileFor(ctx, entry.code);
  const known = snap.rollen.filter((z) => rolFromZgw(z, profile) !== undefined);
  const rollen = pairUp(known, p.rolBodies, (z) => rolFingerprint(z), (b) => rolFingerprint(b as Parameters<typeof rolFingerprint>[0]));
  await Promise.all(rollen.remove.map((z) =>
    unit.remove({ api: 'zaken', url: z.url, purpose: 'rol verwijderen' }, { collection: '/rollen', body: rolRecreateBody(z, raw.url) }, 'rol')));
  const existingRolUrls = snap.rollen.map((r) => r.url);
  await Promise.all(rollen.add.map((b) =>
    unit.create({ api: 'zaken', url: '/rollen', body: { zaak: raw.url, ...b }, purpose: 'rol toevoegen' }, 'rol', {
      url: '/rollen', query: { zaak: raw.url }, match: { roltype: String(b.roltype), betrokkeneType: String(b.betrokkeneType), roltoelichting: String(b.roltoelichting) }, keep: existingRolUrls,
    })));

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
    const body = { zaak: raw.url, ...statusToZgw(st, p.statusUrls.get(st)!, ctx.timeZone) };
    await unit.final({ api: 'zaken', url: '/statussen', body, purpose: 'status zetten' }, async () => {
      const list = await ctx.http.listAll<ZgwStatus>({ api: 'zaken', url: '/statussen', query: { zaak: raw.url }, purpose: 'gezette status controleren' });
      return list.find((z) => sameStatus(st, p.statusUrls.get(st), z, ctx.timeZone));
    });
  }
}

function matchesStored(ctx: ZgwContext, entry: ZaaktypeEntry, st: Status, z: ZgwStatus): boolean {
  const t = entry.statustypen.find((s) => s.url === z.statustype);
  return t !== undefined && String(t.volgnummer) === String(Number(st.statustype.volgnummer)) && sameStatus(st, z.statustype, z, ctx.timeZone);
}

