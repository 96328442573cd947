/**
 * Reading a zaak from the Zaken API as a ZDS Zaak, plus the snapshot (URLs and raw ZGW values) the writer
 * needs to turn a changed zaak into the minimal set of calls. One search with `expand` brings the zaak with its
 * rollen, resultaat and zaakobjecten; the statussen (history, not only the current one) are one more list.
 */
import type { Status, Zaak, ZaakRelatie } from '../../domain/model.js';
import { type ZgwZaakeigenschap, extraElementenFromZgw } from './map-eigenschappen.js';
import type { ZaaktypeEntry } from './catalogue.js';
import { ZAAK_REF_TTL_MS, profileFor, type ZgwContext } from './context.js';
import type { ZgwCall } from './http.js';
import { type ZgwRol, rolFingerprint, rolFromZgw } from './map-rol.js';
import type { RolSidecar, StatusSidecar, ZaakSidecar } from './write-zaak.js';
import { type ZgwStatus, type ZgwZaak, type ZgwZaakobject, tijdstipFromZgw, zaakFromZgw, zaakobjectFromZgw } from './map-zaak.js';

export interface ZgwResultaat {
  url: string;
  resultaattype: string;
  toelichting?: string;
}

/** A zaak as it is in ZGW, with everything the writer diffs against. */
export interface ZaakSnapshot {
  raw: ZgwZaak;
  entry: ZaaktypeEntry;
  rollen: ZgwRol[];
  statussen: ZgwStatus[];
  resultaat?: ZgwResultaat;
  zaakobjecten: ZgwZaakobject[];
  /** Oldest first (the API lists newest first). */
  zaakeigenschappen: ZgwZaakeigenschap[];
  zaak: Zaak;
  /** What Zaakpoort keeps of this zaak beside ZGW (src/backends/zgw/write-zaak.ts, ZaakSidecar). */
  sidecar?: ZaakSidecar;
}

/** Reads go through this, so a unit of work can count them; defaults to the plain client. */
export interface Reader {
  read<T>(call: Omit<ZgwCall, 'method'>, opts?: { allow404?: boolean }): Promise<T | undefined>;
  list<T>(call: Omit<ZgwCall, 'method'>): Promise<T[]>;
}

export function plainReader(ctx: ZgwContext): Reader {
  return {
    async read<T>(call: Omit<ZgwCall, 'method'>, opts: { allow404?: boolean } = {}) {
      const res = await ctx.http.json<T>({ ...call, method: 'GET' }, opts);
      return res.status === 404 ? undefined : res.body;
    },
    list: <T>(call: Omit<ZgwCall, 'method'>) => ctx.http.listAll<T>(call),
  };
}

const EXPAND = 'rollen,resultaat,zaakobjecten,eigenschappen,hoofdzaak,deelzaken';

/** The raw ZGW zaak with this identificatie under Zaakpoort's bronorganisatie, or undefined. */
export async function findZgwZaak(ctx: ZgwContext, r: Reader, identificatie: string, expand = true): Promise<ZgwZaak | undefined> {
  const list = await r.list<ZgwZaak>({
    api: 'zaken', url: '/zaken',
    query: { identificatie, bronorganisatie: ctx.rsin, ...(expand ? { expand: EXPAND } : {}) },
    purpose: `zaak ${identificatie} opzoeken`,
  });
  const hit = list.find((z) => z.identificatie === identificatie);
  // A bounded cache: a long-running Zaakpoort sees many zaken.
  if (ctx.zaakRefs.size >= 10_000) ctx.zaakRefs.clear();
  if (hit) ctx.zaakRefs.set(identificatie, { url: hit.url, zaaktype: hit.zaaktype, at: Date.now() });
  else ctx.zaakRefs.delete(identificatie);
  return hit;
}

/** The URL and zaaktype of a zaak by identificatie: from the recent lookups, else one search. */
export async function zaakRef(ctx: ZgwContext, r: Reader, identificatie: string): Promise<{ url: string; zaaktype: string } | undefined> {
  const hit = ctx.zaakRefs.get(identificatie);
  if (hit && Date.now() - hit.at < ZAAK_REF_TTL_MS) return hit;
  const z = await findZgwZaak(ctx, r, identificatie, false);
  return z ? { url: z.url, zaaktype: z.zaaktype } : undefined;
}

/** The identificatie of a zaak URL (for relations), read once per call site. */
async function identificatieOf(ctx: ZgwContext, r: Reader, url: string): Promise<string | undefined> {
  const z = await r.read<{ identificatie: string }>({ api: 'zaken', url, purpose: 'gerelateerde zaak lezen' }, { allow404: true });
  return z?.identificatie;
}

/** Reads sidecar values; a unit of work's writer overlays what it has not written yet. */
export type SidecarRead = (keys: string[]) => Promise<Map<string, unknown>>;

export async function readZaak(ctx: ZgwContext, r: Reader, identificatie: string, sidecar: SidecarRead = (k) => ctx.local.store.getSidecar(k)): Promise<ZaakSnapshot | undefined> {
  const raw = await findZgwZaak(ctx, r, identificatie);
  if (!raw) return undefined;
  const ex = raw._expand ?? {};
  const [entry, statussen, rollen, zaakobjecten, resultaat, relaties, eigenschappenNewestFirst] = await Promise.all([
    ctx.catalogue.zaaktypeByUrl(raw.zaaktype),
    r.list<ZgwStatus>({ api: 'zaken', url: '/statussen', query: { zaak: raw.url }, purpose: 'statussen van de zaak lezen' }),
    Array.isArray(ex.rollen) ? (ex.rollen as ZgwRol[]) : r.list<ZgwRol>({ api: 'zaken', url: '/rollen', query: { zaak: raw.url }, purpose: 'rollen van de zaak lezen' }),
    Array.isArray(ex.zaakobjecten) ? (ex.zaakobjecten as ZgwZaakobject[]) : r.list<ZgwZaakobject>({ api: 'zaken', url: '/zaakobjecten', query: { zaak: raw.url }, purpose: 'zaakobjecten lezen' }),
    ex.resultaat && typeof ex.resultaat === 'object' ? (ex.resultaat as ZgwResultaat) : raw.resultaat ? r.read<ZgwResultaat>({ api: 'zaken', url: raw.resultaat, purpose: 'resultaat lezen' }) : undefined,
    readRelaties(ctx, r, raw),
    Array.isArray(ex.eigenschappen) ? (ex.eigenschappen as ZgwZaakeigenschap[])
      : raw.eigenschappen?.length ? r.list<ZgwZaakeigenschap>({ api: 'zaken', url: `${raw.url}/zaakeigenschappen`, purpose: 'zaakeigenschappen lezen' }) : [],
  ]);
  const zaakeigenschappen = [...eigenschappenNewestFirst].reverse();
  const profile = profileFor(ctx, entry.code);
  const side = await sidecar([raw.url, ...rollen.map((x) => x.url), ...statussen.map((x) => x.url)]);
  const zaak = zaakFromZgw(raw, { code: entry.code, omschrijving: entry.omschrijving, ...(entry.beginGeldigheid ? { ingangsdatumObject: entry.beginGeldigheid.replace(/-/g, '') } : {}) }, ctx.timeZone);
  // Rollen in the order they were registered (Open Zaak lists newest first).
  for (const z of [...rollen].sort((a, b) => ((a.registratiedatum ?? '') < (b.registratiedatum ?? '') ? -1 : 1))) {
    const kept = side.get(z.url) as RolSidecar | undefined;
    // The rol as the ZDS bericht sent it, while ZGW still holds what was sent; else what ZGW holds now.
    const rol = kept && kept.fp === rolFingerprint(z) ? kept.rol : rolFromZgw(z, profile);
    if (rol) zaak.rollen.push(rol);
  }
  const zaakSide = side.get(raw.url) as ZaakSidecar | undefined;
  if (zaakSide?.beeindigdeRollen) zaak.rollen.push(...zaakSide.beeindigdeRollen);
  if (zaakSide?.tijdstipRegistratie) zaak.tijdstipRegistratie = zaakSide.tijdstipRegistratie;
  if (zaakSide?.tijdvakGeldigheid) zaak.tijdvakGeldigheid = zaakSide.tijdvakGeldigheid;
  const extraElementen = extraElementenFromZgw(zaakSide?.extraElementen, zaakeigenschappen, entry, profile);
  if (extraElementen.length) zaak.extraElementen = extraElementen;
  // Oldest first, as the other backends keep them (the API lists newest first).
  zaak.statussen = statussen.map((s) => {
    const st = statusFromZgw(ctx, entry, s);
    const kept = side.get(s.url) as StatusSidecar | undefined;
    if (st && kept?.gezetDoor) st.gezetDoor = kept.gezetDoor;
    if (st && kept?.gezetDoorRol) st.gezetDoorRol = kept.gezetDoorRol;
    return st;
  }).filter((s): s is Status => s !== undefined)
    .sort((a, b) => (a.datumStatusGezet < b.datumStatusGezet ? -1 : a.datumStatusGezet > b.datumStatusGezet ? 1 : 0));
  for (const o of zaakobjecten) {
    const m = zaakobjectFromZgw(o);
    if (m.zaakobject) (zaak.zaakobjecten ??= []).push(m.zaakobject);
    if (m.anderZaakObject) zaak.anderZaakObjecten.push(m.anderZaakObject);
  }
  if (resultaat) {
    const rt = entry.resultaattypen.find((t) => t.url === resultaat.resultaattype);
    zaak.resultaat = { ...(rt ? { omschrijving: rt.omschrijving } : {}), ...(resultaat.toelichting ? { toelichting: resultaat.toelichting } : {}) };
  }
  zaak.relaties = withKeptRelaties(relaties, zaakSide?.relaties);
  if (zaak.relaties.some((x) => x.soort === 'heeftAlsHoofdzaak')) zaak.zaakniveau = '2';
  if (zaak.relaties.some((x) => x.soort === 'heeftAlsDeelzaak')) zaak.deelzakenIndicatie = 'J';
  return { raw, entry, rollen, statussen, zaakobjecten, zaakeigenschappen, zaak, ...(resultaat ? { resultaat } : {}), ...(zaakSide ? { sidecar: zaakSide } : {}) };
}

/**
 * The relations ZGW holds, with the tijdvakRelatie / tijdstipRegistratie kept for them, followed by the references
 * to zaken that were not in ZGW when they were sent (kept beside it; answered as sent, never StUF064).
 */
function withKeptRelaties(inZgw: ZaakRelatie[], kept: ZaakSidecar['relaties']): ZaakRelatie[] {
  const same = (a: ZaakRelatie, b: ZaakRelatie) => a.soort === b.soort && a.identificatie === b.identificatie;
  const strip = ({ referentie: _r, ...rel }: NonNullable<ZaakSidecar['relaties']>[number]): ZaakRelatie => rel;
  const out = inZgw.map((rel) => {
    const k = kept?.find((x) => same(x, rel));
    return k ? { ...strip(k), ...rel } : rel;
  });
  for (const k of kept ?? []) if (k.referentie && !out.some((x) => same(x, k))) out.push(strip(k));
  return out;
}

function statusFromZgw(ctx: ZgwContext, entry: ZaaktypeEntry, s: ZgwStatus): Status | undefined {
  const t = entry.statustypen.find((st) => st.url === s.statustype);
  if (!t) return undefined;
  return {
    statustype: {
      volgnummer: String(t.volgnummer),
      omschrijving: t.omschrijving,
      ...(t.omschrijvingGeneriek ? { code: t.omschrijvingGeneriek } : {}),
      zktCode: entry.code,
      zktOmschrijving: entry.omschrijving,
    },
    datumStatusGezet: tijdstipFromZgw(s.datumStatusGezet, ctx.timeZone),
    ...(s.statustoelichting ? { toelichting: s.statustoelichting } : {}),
  };
}

async function readRelaties(ctx: ZgwContext, r: Reader, raw: ZgwZaak): Promise<ZaakRelatie[]> {
  const ex = raw._expand ?? {};
  const out: ZaakRelatie[] = [];
  if (raw.hoofdzaak) {
    const h = (ex.hoofdzaak as { identificatie?: string } | undefined)?.identificatie ?? (await identificatieOf(ctx, r, raw.hoofdzaak));
    if (h) out.push({ soort: 'heeftAlsHoofdzaak', identificatie: h });
  }
  const deel = Array.isArray(ex.deelzaken) ? (ex.deelzaken as Array<{ identificatie: string }>).map((d) => d.identificatie) : await Promise.all((raw.deelzaken ?? []).map((u) => identificatieOf(ctx, r, u)));
  for (const d of deel) if (d) out.push({ soort: 'heeftAlsDeelzaak', identificatie: d });
  const andere = await Promise.all((raw.relevanteAndereZaken ?? []).map((rel) => identificatieOf(ctx, r, rel.url)));
  for (const a of andere) if (a) out.push({ soort: 'heeftBetrekkingOpAndere', identificatie: a });
  return out;
}
