/**
 * The generic zakLv01 selection on the Zaken API. The filters the API has narrow the search (identificatie,
 * zaaktype, date bounds, einddatum__isnull, the initiator's key); the exact conditions (inclusive bounds,
 * string comparison, the *active* initiator) are then checked on the results, every page followed. The result
 * is ordered by identificatie like on the other backends, and only the zaken of the page asked for are read in
 * full (one search + statussen each).
 */
import type { ValueCondition, ZaakQuery, ZaakQueryResult } from '../../ports/zaak-store.js';
import type { ZgwContext } from './context.js';
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
  const all = await r.list<ZgwZaak>({ api: 'zaken', url: '/zaken', query, purpose: 'zaken zoeken' });
  // The zaaktype code of each result (a zaak may be of an older zaaktype version).
  const codes = new Map<string, string>();
  for (const url of new Set(all.map((z) => z.zaaktype))) codes.set(url, url === zaaktypeUrl ? q.zaaktypeCode!.gelijk! : (await ctx.catalogue.zaaktypeByUrl(url)).code);
  const matching = all
    .filter((z) => z.bronorganisatie === ctx.rsin)
    .filter((z) => holds(z.identificatie, q.identificatie) && holds(codes.get(z.zaaktype), q.zaaktypeCode)
      && holds(stuf(z.startdatum), q.startdatum) && holds(stuf(z.registratiedatum), q.registratiedatum) && holds(stuf(z.einddatum), q.einddatum))
    .sort((a, b) => (a.identificatie < b.identificatie ? -1 : a.identificatie > b.identificatie ? 1 : 0));

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
