/**
 * The zaaktypecatalogus as the ZGW backend needs it: a zaaktype by its ZDS code (= ZGW zaaktype.identificatie)
 * in the configured catalogus, with its statustypen, roltypen, resultaattypen, eigenschappen and the
 * catalogus' informatieobjecttypen and besluittypen. Entries are cached for a TTL; a lookup that misses inside
 * a cached entry (a statustype published since) reloads the entry once before it gives up.
 * The same cache answers the synchronous Catalogue port the ZDS operations use (what it holds right now).
 */
import type { Catalogue, CatalogueStatustype, CatalogueZaaktype } from '../../ports/catalogue.js';
import type { ZgwHttp } from './http.js';

export interface ZgwStatustype { url: string; omschrijving: string; omschrijvingGeneriek?: string; volgnummer: number; isEindstatus?: boolean }
export interface ZgwRoltype { url: string; omschrijving: string; omschrijvingGeneriek: string }
export interface ZgwResultaattype { url: string; omschrijving: string; omschrijvingGeneriek?: string; resultaattypeomschrijving?: string }
export interface ZgwEigenschap { url: string; naam: string }
export interface ZgwInformatieobjecttype { url: string; omschrijving: string; vertrouwelijkheidaanduiding?: string }
export interface ZgwBesluittype { url: string; omschrijving?: string; identificatie?: string; zaaktypen?: string[] }

interface ZgwZaaktypeRaw {
  url: string;
  identificatie: string;
  omschrijving: string;
  beginGeldigheid?: string;
  eindeGeldigheid?: string | null;
  versiedatum?: string;
  concept?: boolean;
  catalogus?: string;
  deelzaaktypen?: string[];
  besluittypen?: string[];
  informatieobjecttypen?: string[];
}

export interface ZaaktypeEntry {
  url: string;
  code: string;
  omschrijving: string;
  beginGeldigheid?: string;
  statustypen: ZgwStatustype[];
  roltypen: ZgwRoltype[];
  resultaattypen: ZgwResultaattype[];
  eigenschappen: ZgwEigenschap[];
  informatieobjecttypen: ZgwInformatieobjecttype[];
  besluittypen: ZgwBesluittype[];
  loadedAt: number;
}

export interface CatalogueCacheOptions {
  http: ZgwHttp;
  /** The catalogus URL, or domein + rsin to look it up. */
  catalogus: string | { domein: string; rsin: string };
  ttlMs: number;
  now?: () => number;
  /** Today as yyyy-mm-dd, to pick the zaaktype version valid now. */
  today: () => string;
}

export class ZgwCatalogue {
  private catalogusUrl: Promise<string> | undefined;
  private readonly byCode = new Map<string, ZaaktypeEntry>();
  private readonly byUrl = new Map<string, ZaaktypeEntry>();
  private readonly loading = new Map<string, Promise<ZaaktypeEntry | undefined>>();
  private readonly now: () => number;

  constructor(private readonly o: CatalogueCacheOptions) {
    this.now = o.now ?? Date.now;
  }

  /** The catalogus URL (looked up once by domein + rsin when configured that way). */
  async catalogus(): Promise<string> {
    if (typeof this.o.catalogus === 'string') return this.o.catalogus;
    const c = this.o.catalogus;
    this.catalogusUrl ??= this.o.http
      .listAll<{ url: string }>({ api: 'catalogi', url: '/catalogussen', query: { domein: c.domein, rsin: c.rsin }, purpose: 'catalogus opzoeken' })
      .then((list) => {
        if (!list[0]) throw new Error(`Geen catalogus met domein ${c.domein} en rsin ${c.rsin} in de Catalogi API`);
        return list[0].url;
      })
      .catch((e: unknown) => {
        this.catalogusUrl = undefined;
        throw e;
      });
    return this.catalogusUrl;
  }

  private fresh(e: ZaaktypeEntry | undefined): e is ZaaktypeEntry {
    return e !== undefined && this.now() - e.loadedAt < this.o.ttlMs;
  }

  /** The zaaktype valid today with this ZDS code, or undefined when the catalogus has none. */
  async zaaktype(code: string, opts: { reload?: boolean } = {}): Promise<ZaaktypeEntry | undefined> {
    const cached = this.byCode.get(code);
    if (!opts.reload && this.fresh(cached)) return cached;
    return this.once(`code:${code}`, async () => {
      // Filtered on catalogus here, not in the query: the served OAS types that filter as an integer.
      const [catalogus, list] = await Promise.all([
        this.catalogus(),
        this.o.http.listAll<ZgwZaaktypeRaw>({ api: 'catalogi', url: '/zaaktypen', query: { identificatie: code }, purpose: `zaaktype ${code} opzoeken` }),
      ]);
      const pick = this.validToday(list.filter((z) => z.identificatie === code && z.concept !== true && (z.catalogus === undefined || z.catalogus === catalogus)));
      if (!pick) {
        this.byCode.delete(code);
        return undefined;
      }
      const entry = await this.load(pick);
      this.byCode.set(code, entry);
      return entry;
    });
  }

  /** The zaaktype behind a URL found on a zaak (possibly an older version). */
  async zaaktypeByUrl(url: string): Promise<ZaaktypeEntry> {
    const cached = this.byUrl.get(url);
    if (this.fresh(cached)) return cached;
    const entry = await this.once(`url:${url}`, async () => {
      const raw = (await this.o.http.json<ZgwZaaktypeRaw>({ api: 'catalogi', method: 'GET', url, purpose: 'zaaktype van de zaak lezen' })).body;
      return this.load(raw);
    });
    return entry!;
  }

  /** A lookup inside a zaaktype entry; on a miss the entry is reloaded once (the catalogue may have changed). */
  async find<T>(entry: ZaaktypeEntry, pick: (e: ZaaktypeEntry) => T | undefined): Promise<T | undefined> {
    const hit = pick(entry);
    if (hit !== undefined) return hit;
    if (this.now() - entry.loadedAt < 1000) return undefined;
    const reloaded = this.byCode.get(entry.code) === entry ? await this.zaaktype(entry.code, { reload: true }) : await this.reloadUrl(entry.url);
    return reloaded ? pick(reloaded) : undefined;
  }

  private async reloadUrl(url: string): Promise<ZaaktypeEntry> {
    this.byUrl.delete(url);
    return this.zaaktypeByUrl(url);
  }

  private validToday(list: ZgwZaaktypeRaw[]): ZgwZaaktypeRaw | undefined {
    const today = this.o.today();
    const valid = list.filter((z) => (!z.beginGeldigheid || z.beginGeldigheid <= today) && (!z.eindeGeldigheid || z.eindeGeldigheid >= today));
    const pool = valid.length > 0 ? valid : list;
    return [...pool].sort((a, b) => ((a.beginGeldigheid ?? '') < (b.beginGeldigheid ?? '') ? 1 : -1))[0];
  }

  private once(key: string, fn: () => Promise<ZaaktypeEntry | undefined>): Promise<ZaaktypeEntry | undefined> {
    const running = this.loading.get(key);
    if (running) return running;
    const p = fn().finally(() => this.loading.delete(key));
    this.loading.set(key, p);
    return p;
  }

  /** Informatieobjecttypen and besluittypen by URL: shared by zaaktypen, they change rarely. */
  private readonly byTypeUrl = new Map<string, { at: number; value: Promise<unknown> }>();

  private typeByUrl<T>(url: string, purpose: string): Promise<T> {
    const hit = this.byTypeUrl.get(url);
    if (hit && this.now() - hit.at < this.o.ttlMs) return hit.value as Promise<T>;
    const value = this.o.http.json<T>({ api: 'catalogi', method: 'GET', url, purpose }).then((r) => r.body);
    value.catch(() => this.byTypeUrl.delete(url));
    this.byTypeUrl.set(url, { at: this.now(), value });
    return value;
  }

  private async load(z: ZgwZaaktypeRaw): Promise<ZaaktypeEntry> {
    const h = this.o.http;
    // By zaaktypeIdentificatie and then on the zaaktype URL: the served OAS types the zaaktype filter as an integer.
    const q = { zaaktypeIdentificatie: z.identificatie };
    const ofThisVersion = <T extends { zaaktype?: string }>(list: T[]) => list.filter((x) => x.zaaktype === undefined || x.zaaktype === z.url);
    const [statustypen, roltypen, resultaattypen, eigenschappen, informatieobjecttypen, besluittypen] = await Promise.all([
      h.listAll<ZgwStatustype & { zaaktype?: string }>({ api: 'catalogi', url: '/statustypen', query: q, purpose: 'statustypen lezen' }).then(ofThisVersion),
      h.listAll<ZgwRoltype & { zaaktype?: string }>({ api: 'catalogi', url: '/roltypen', query: q, purpose: 'roltypen lezen' }).then(ofThisVersion),
      h.listAll<ZgwResultaattype & { zaaktype?: string }>({ api: 'catalogi', url: '/resultaattypen', query: q, purpose: 'resultaattypen lezen' }).then(ofThisVersion),
      h.listAll<ZgwEigenschap & { zaaktype?: string }>({ api: 'catalogi', url: '/eigenschappen', query: q, purpose: 'eigenschappen lezen' }).then(ofThisVersion),
      Promise.all((z.informatieobjecttypen ?? []).map((u) => this.typeByUrl<ZgwInformatieobjecttype>(u, 'informatieobjecttype lezen'))),
      Promise.all((z.besluittypen ?? []).map((u) => this.typeByUrl<ZgwBesluittype>(u, 'besluittype lezen'))),
    ]);
    const entry: ZaaktypeEntry = {
      url: z.url,
      code: z.identificatie,
      omschrijving: z.omschrijving,
      ...(z.beginGeldigheid ? { beginGeldigheid: z.beginGeldigheid } : {}),
      statustypen: [...statustypen].sort((a, b) => a.volgnummer - b.volgnummer),
      roltypen,
      resultaattypen,
      eigenschappen,
      informatieobjecttypen,
      besluittypen,
      loadedAt: this.now(),
    };
    this.byUrl.set(z.url, entry);
    return entry;
  }

  /** The eindstatus: the statustype with the highest volgnummer (Open Zaak computes isEindstatus that way). */
  static eindstatus(entry: ZaaktypeEntry): ZgwStatustype | undefined {
    return entry.statustypen[entry.statustypen.length - 1];
  }

  /**
   * The synchronous Catalogue port for the ZDS operations, answered from what the cache holds. Permissive:
   * the ZGW backend itself refuses unknown zaaktypen and statustypen, after a real lookup.
   */
  portView(): Catalogue {
    const toPort = (e: ZaaktypeEntry): CatalogueZaaktype => {
      const eind = ZgwCatalogue.eindstatus(e);
      const statustypen: CatalogueStatustype[] = e.statustypen.map((s) => ({
        volgnummer: String(s.volgnummer),
        omschrijving: s.omschrijving,
        ...(s.omschrijvingGeneriek ? { code: s.omschrijvingGeneriek } : {}),
        zktCode: e.code,
        zktOmschrijving: e.omschrijving,
        isEindstatus: s === eind,
      }));
      return {
        code: e.code,
        omschrijving: e.omschrijving,
        ...(e.beginGeldigheid ? { ingangsdatumObject: e.beginGeldigheid.replace(/-/g, '') } : {}),
        statustypen,
        roltypen: e.roltypen.map((r) => ({ rolType: r.omschrijvingGeneriek, omschrijving: r.omschrijving })),
        documenttypen: e.informatieobjecttypen.map((i) => ({ omschrijving: i.omschrijving })),
      };
    };
    return {
      mode: 'permissive',
      getZaaktype: (code) => {
        const e = this.byCode.get(code);
        return e ? toPort(e) : undefined;
      },
      findStatustype: (code, volgnummer, omschrijving) => {
        const e = this.byCode.get(code);
        if (!e) return undefined;
        const zt = toPort(e);
        if (volgnummer !== undefined) return zt.statustypen.find((s) => s.volgnummer === String(Number(volgnummer)));
        if (omschrijving !== undefined) return zt.statustypen.find((s) => s.omschrijving === omschrijving);
        return undefined;
      },
    };
  }
}
