/**
 * The generic zakLv01 selection on the Zaken API. The filters the API has narrow the search (identificatie,
 * zaaktype, date bounds, einddatum__isnull, the initiator's key); the exact conditions (inclusive bounds,
 * string comparison, the *active* initiator) are then checked on the results. Only the zaken of the page asked
 * for are read in full (one search + statussen each).
 *
 * Bounded: the search asks ZGW for `ordering=identificatie` and reads page after page (100 each, Open Zaak has no
 * page size parameter) only until the answer is known: `limit` matches after `after`, plus one more to say a
 * vervolgvraag finds more. That holds while ZGW's order is the code-point order the other backends answer in; the
 * order of every page is checked, and when ZGW's collation orders two identificaties otherwise (letters of both
 * cases, punctuation), or the total is asked for (indicatorAantal), every page is read, ordered here, and the
 * answer is exact. At most `searchMaxZaken` zaken are read either way: a selection that needs more gets StUF058
 * asking for a narrower one, instead of Zaakpoort paging through a whole zaaksysteem.
 */
import type { ValueCondition, ZaakQuery, ZaakQueryResult } from '../../ports/zaak-store.js';
import { faults } from '../../stuf/fault.js';
import type { ZgwContext } from './context.js';
import type { Paged } from './http.js';
import { BETROKKENE_TYPE } from './map-rol.js';
import type { ZgwZaak } from './map-zaak.js';
import { type Reader, readZaak } from './read-zaak.js';

const iso = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
const isDate = (d: string) => /^\d{8}$/.test(d);

/** Loose server-side bounds (the API's __gt/__lt are exclusive, so the day beyond the bound is not needed: use gte where it exists). */
function dateFilters(name: 'startdatum' | 'registratiedatum' | 'einddatum', c: ValueCondition | undefined, q: Record<string, string>): void {
  if (!c) return;
  if (c.gelijk === null && name === 'einddatum') q.einddatum__isnull = 'true';
  else if (typeof c.gelijk === 'string' && isDate(c.gelijk)) q[name] = iso(c.gelijk);
  if (name === 'startdatum') {
    if (c.vanaf && isDate(c.vanaf)) q.startdatum__gte = iso(c.vanaf);
    if (c.totEnMet && isDate(c.totEnMet)) q.startdatum__lte = iso(c.totEnMet);
  }
}

function holds(value: string | undefined, c: ValueCondition | undefined): boolean {
  if (!c) return true;
  if (c.gelijk === null) return value === undefined;
  if (c.gelijk !== undefined && value !== c.gelijk) return false;
  if (c.vanaf !== undefined && (value === undefined || value < c.vanaf)) return false;
  if (c.totEnMet !== undefined && (value === undefined || value > c.totEnMet)) return false;
  return true;
}

const INITIATOR_FILTER: Record<string, string> = {
  'natuurlijkPersoon|inp.bsn': 'rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn',
  'natuurlijkPersoon|anp.identificatie': 'rol__betrokkeneIdentificatie__natuurlijkPersoon__anpIdentificatie',
  'natuurlijkPersoon|inp.a-nummer': 'rol__betrokkeneIdentificatie__natuurlijkPersoon__inpA_nummer',
  'nietNatuurlijkPersoon|inn.nnpId': 'rol__betrokkeneIdentificatie__nietNatuurlijkPersoon__innNnpId',
  'nietNatuurlijkPersoon|ann.identificatie': 'rol__betrokkeneIdentificatie__nietNatuurlijkPersoon__annIdentificatie',
  'vestiging|vestigingsNummer': 'rol__betrokkeneIdentificatie__vestiging__vestigingsNummer',
  'organisatorischeEenheid|identificatie': 'rol__betrokkeneIdentificatie__organisatorischeEenheid__identificatie',
  'medewerker|identificatie': 'rol__betrokkeneIdentificatie__medewerker__identificatie',
};

const stuf = (d: string | null | undefined) => (d ? d.replace(/-/g, '') : undefined);

export async function findZaken(ctx: ZgwContext, r: Reader, q: ZaakQuery): Promise<ZaakQueryResult> {
  const limit = Math.max(0, Math.trunc(q.limit));
  const query: Record<string, string> = { bronorganisatie: ctx.rsin };
  if (typeof q.identificatie?.gelijk === 'string') query.identificatie = q.identificatie.gelijk;
  let zaaktypeUrl: string | undefined;
  if (typeof q.zaaktypeCode?.gelijk === 'string') {
    const entry = await ctx.catalogue.zaaktype(q.zaaktypeCode.gelijk);
    if (!entry) return { zaken: [], more: false, ...(q.countTotal ? { total: 0 } : {}) };
    zaaktypeUrl = entry.url;
    query.zaaktype = entry.url;
  }
  dateFilters('startdatum', q.startdatum, query);
  dateFilters('registratiedatum', q.registratiedatum, query);
  dateFilters('einddatum', q.einddatum, query);
  if (q.initiator) {
    const f = INITIATOR_FILTER[`${q.initiator.kind}|${q.initiator.keyElement}`];
    if (f) query[f] = q.initiator.key;
    query.rol__betrokkeneType = BETROKKENE_TYPE[q.initiator.kind];
  }
  query.ordering = 'identificatie';
  const search = new Search(r, query, ctx.settings.searchMaxZaken);

  // The zaaktype code of each result (a zaak may be of an older zaaktype version).
  const codes = new Map<string, string>();
  const codeOf = async (url: string) => {
    if (!codes.has(url)) codes.set(url, url === zaaktypeUrl ? q.zaaktypeCode!.gelijk! : (await ctx.catalogue.zaaktypeByUrl(url)).code);
    return codes.get(url);
  };
  const candidate = async (z: ZgwZaak) =>
    z.bronorganisatie === ctx.rsin && holds(z.identificatie, q.identificatie) && holds(await codeOf(z.zaaktype), q.zaaktypeCode)
    && holds(stuf(z.startdatum), q.startdatum) && holds(stuf(z.registratiedatum), q.registratiedatum) && holds(stuf(z.einddatum), q.einddatum);
  const isMatch = async (z: ZgwZaak) => {
    const snap = await readZaak(ctx, r, z.identificatie);
    if (!snap) return undefined;
    if (q.initiator) {
      const i = q.initiator;
      const hit = snap.zaak.rollen.some((rol) => rol.rolType === 'heeftAlsInitiator' && !rol.eindRelatie && rol.betrokkene.kind === i.kind && rol.betrokkene.keyElement === i.keyElement && rol.betrokkene.key === i.key);
      if (!hit) return undefined;
    }
    return snap.zaak;
  };

  if (!q.countTotal) {
    // In ZGW's order, stopping as soon as the page is full and one more match is seen.
    const page = [];
    if (q.after !== undefined) await search.seek(q.after);
    for (let z = await search.next(); z && search.ordered; z = await search.next()) {
      if ((q.after !== undefined && z.identificatie <= q.after) || !(await candidate(z))) continue;
      if (page.length < limit) {
        const zaak = await isMatch(z);
        if (zaak) page.push(zaak);
      } else if (!q.initiator || (await isMatch(z))) return { zaken: page, more: true };
    }
    if (search.ordered) return { zaken: page, more: false };
    ctx.log('info', 'ZGW: de zaken-zoekvraag komt niet in codepuntvolgorde terug; alle pagina\'s worden gelezen en hier geordend');
  }

  // Every page (the total is asked, or ZGW's order cannot be trusted): ordered here.
  const all = await search.rest();
  const matching = [];
  for (const z of all) if (await candidate(z)) matching.push(z);
  matching.sort((a, b) => (a.identificatie < b.identificatie ? -1 : a.identificatie > b.identificatie ? 1 : 0));
  const page = [];
  let more = false;
  let total = 0;
  for (const z of matching) {
    const inPage = q.after === undefined || z.identificatie > q.after;
    if (!inPage && !q.countTotal) continue;
    if (inPage && page.length < limit) {
      const zaak = await isMatch(z);
      if (zaak) {
        page.push(zaak);
        total++;
      }
      continue;
    }
    // Not needed for the page: only counted, or it tells that a vervolgvraag finds more.
    if (q.initiator && !(await isMatch(z))) continue;
    total++;
    if (inPage) more = true;
    if (more && !q.countTotal) break;
  }
  return { zaken: page, more, ...(q.countTotal ? { total } : {}) };
}

/**
 * The ZGW search read page by page, at most `max` zaken. `ordered` stays true while every identificatie seen
 * sorts (code-point order) after the one before it.
 */
class Search {
  private seen: ZgwZaak[] = [];
  private buffer: ZgwZaak[] = [];
  private nextUrl: string | null = '/zaken';
  private first = true;
  /** Zaken fetched from ZGW so far (the cap counts these, seen or skipped). */
  private fetched = 0;
  /** Whether seek() jumped over pages (then `seen` is not the whole search). */
  private skipped = false;
  /** The number of zaken the search matches in ZGW (known after the first page). */
  count = 0;
  ordered = true;

  constructor(private readonly r: Reader, private readonly query: Record<string, string>, private readonly max: number) {}

  private async fetch(url: string, query: Record<string, string>): Promise<Paged<ZgwZaak> | undefined> {
    if (this.fetched >= this.max) throw this.tooBroad();
    const page = await this.r.read<Paged<ZgwZaak>>({ api: 'zaken', url, query, purpose: 'zaken zoeken' }, { allow404: true });
    this.fetched += page?.results.length ?? 0;
    return page;
  }

  /** The next zaak in ZGW's order, or undefined after the last. */
  async next(): Promise<ZgwZaak | undefined> {
    while (this.buffer.length === 0) {
      if (!this.nextUrl) return undefined;
      const page = await this.fetch(this.nextUrl, this.first ? this.query : {});
      this.first = false;
      this.count = page?.count ?? 0;
      this.buffer = [...(page?.results ?? [])];
      this.nextUrl = page?.next ?? null;
    }
    const z = this.buffer.shift()!;
    const last = this.seen[this.seen.length - 1];
    if (last && z.identificatie < last.identificatie) this.ordered = false;
    this.seen.push(z);
    return z;
  }

  /**
   * A vervolgvraag: jump to the first page that holds an identificatie after `after`, found with `page=N` probes
   * (pages 2, 4, 8, ... until one ends after it, then halving between), so a start on page p costs about
   * 2·log2(p) pages instead of p. Relies on ZGW's order like the streaming itself; each page read is checked.
   */
  async seek(after: string): Promise<void> {
    await this.peek();
    const size = this.buffer.length;
    const endsAfter = (page: Paged<ZgwZaak> | undefined) => (page?.results[page.results.length - 1]?.identificatie ?? '') > after;
    if (!this.nextUrl || size === 0 || endsAfter({ count: this.count, next: null, previous: null, results: this.buffer })) return;
    const pages = Math.ceil(this.count / size);
    const probe = async (n: number) => {
      const page = await this.fetch('/zaken', { ...this.query, page: String(n) });
      const results = page?.results ?? [];
      if (results.some((z, i) => i > 0 && z.identificatie < results[i - 1]!.identificatie)) this.ordered = false;
      return page;
    };
    let lo = 2;
    let hi = 0;
    let found: Paged<ZgwZaak> | undefined;
    for (let n = Math.min(2, pages); ; n = Math.min(n * 2, pages)) {
      const page = await probe(n);
      if (endsAfter(page)) {
        found = page;
        hi = n - 1;
        break;
      }
      lo = n + 1;
      if (n === pages) break;
    }
    while (found && lo <= hi) {
      const mid = Math.floor((lo + hi) / 2);
      const page = await probe(mid);
      if (endsAfter(page)) {
        found = page;
        hi = mid - 1;
      } else lo = mid + 1;
    }
    this.skipped = true;
    this.seen = [];
    this.buffer = [...(found?.results ?? [])];
    this.nextUrl = found?.next ?? null;
  }

  /** Every zaak of the search (from the first page), refused at once when there are more than `max`. */
  async rest(): Promise<ZgwZaak[]> {
    if (this.skipped) {
      Object.assign(this, { seen: [], buffer: [], nextUrl: '/zaken', first: true, fetched: 0, skipped: false });
    }
    if (this.first) await this.peek();
    if (this.count > this.max) throw this.tooBroad();
    while (await this.next());
    return this.seen;
  }

  private async peek(): Promise<void> {
    if (!this.first) return;
    const z = await this.next();
    if (z) {
      this.seen.pop();
      this.buffer.unshift(z);
    }
  }

  private tooBroad() {
    return faults.processing('Selectie te ruim voor het zaaksysteem (ZGW)',
      `de vraag treft ${this.count} zaken in het zaaksysteem; Zaakpoort leest er per vraag hoogstens ${this.max}. Vernauw de selectie (zaaktype, startdatum, einddatum, identificatie of initiator)`);
  }
}
