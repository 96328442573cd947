/**
 * Seeding of the ZGW TEST DOUBLE's catalogue from a compact spec. The same sequence of Catalogi calls is used for
 * in-memory seeding (`double.seed`, through `invoke`: no HTTP, same validation and rules) and, in the double's own
 * tests, over HTTP (`seedOverHttp`), so the seeded objects have exactly the API's shape.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SeedStatustype {
  omschrijving: string;
  /** Default: position in the list (1-based). The highest volgnummer is the eindstatus. */
  volgnummer?: number;
  omschrijvingGeneriek?: string;
  statustekst?: string;
}

export interface SeedRoltype {
  omschrijving?: string;
  omschrijvingGeneriek: 'adviseur' | 'behandelaar' | 'belanghebbende' | 'beslisser' | 'initiator' | 'klantcontacter' | 'zaakcoordinator' | 'mede_initiator';
}

export interface SeedResultaattype {
  omschrijving: string;
  archiefnominatie?: 'blijvend_bewaren' | 'vernietigen';
  /** ISO duration, e.g. `P10Y` (vernietigen only). */
  archiefactietermijn?: string;
}

export interface SeedEigenschap {
  naam: string;
  formaat?: 'tekst' | 'getal' | 'datum' | 'datum_tijd';
  lengte?: string;
}

export interface SeedZaaktype {
  /** The zaaktype code (ZDS `zkt.code`). */
  identificatie: string;
  omschrijving?: string;
  vertrouwelijkheidaanduiding?: string;
  /** Strings are omschrijvingen with volgnummer = position. */
  statustypen?: Array<string | SeedStatustype>;
  /** Strings are omschrijvingGeneriek values (omschrijving = the same word, capitalised). */
  roltypen?: Array<SeedRoltype['omschrijvingGeneriek'] | SeedRoltype>;
  resultaattypen?: Array<string | SeedResultaattype>;
  eigenschappen?: Array<string | SeedEigenschap>;
  /** omschrijvingen of informatieobjecttypen (created in the catalogus when new). */
  informatieobjecttypen?: string[];
  /**
   * omschrijvingen of besluittypen (created in the catalogus when new); a new one accepts this zaaktype's
   * informatieobjecttypen for its besluitinformatieobjecten.
   */
  besluittypen?: string[];
  /** identificaties of other zaaktypen in this spec that may be deelzaken of this one. */
  deelzaaktypen?: string[];
  beginGeldigheid?: string;
}

export interface SeedSpec {
  catalogus?: { domein?: string; rsin?: string; naam?: string };
  zaaktypen: SeedZaaktype[];
}

export interface SeededZaaktype {
  url: string;
  statustypen: Record<string, string>;
  statustypenByVolgnummer: Record<number, string>;
  roltypen: Record<string, string>;
  resultaattypen: Record<string, string>;
  eigenschappen: Record<string, string>;
  informatieobjecttypen: Record<string, string>;
  besluittypen: Record<string, string>;
}

export interface Seeded {
  catalogus: string;
  zaaktypen: Record<string, SeededZaaktype>;
  informatieobjecttypen: Record<string, string>;
  besluittypen: Record<string, string>;
}

/** One Catalogi call: returns the status and JSON body. `path` is relative to the double's base. */
export type SeedCall = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Json }>;

const CAT = '/catalogi/api/v1';

async function ok(call: SeedCall, method: string, path: string, body?: unknown): Promise<Json> {
  const r = await call(method, path, body);
  if (r.status >= 300) throw new Error(`zgw-double seed: ${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

function uuidOf(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** Run the Catalogi calls that build `spec` (create, then publish), in the order Open Zaak needs. */
export async function runSeed(spec: SeedSpec, call: SeedCall, day = new Date().toISOString().slice(0, 10)): Promise<Seeded> {
  const rsin = spec.catalogus?.rsin ?? '002220647';
  const catalogus = await ok(call, 'POST', `${CAT}/catalogussen`, {
    domein: spec.catalogus?.domein ?? 'TEST',
    rsin,
    contactpersoonBeheerNaam: 'zgw-double',
    naam: spec.catalogus?.naam ?? 'Catalogus (zgw-double)',
    versie: '1',
    begindatumVersie: day,
  });
  const seeded: Seeded = { catalogus: catalogus.url, zaaktypen: {}, informatieobjecttypen: {}, besluittypen: {} };
  const begin = (zt?: SeedZaaktype) => zt?.beginGeldigheid ?? day;
  for (const zt of spec.zaaktypen) {
    for (const oms of zt.informatieobjecttypen ?? []) {
      if (seeded.informatieobjecttypen[oms]) continue;
      const iot = await ok(call, 'POST', `${CAT}/informatieobjecttypen`, {
        catalogus: catalogus.url,
        omschrijving: oms,
        vertrouwelijkheidaanduiding: 'openbaar',
        beginGeldigheid: begin(zt),
        informatieobjectcategorie: 'overig',
      });
      await ok(call, 'POST', `${CAT}/informatieobjecttypen/${uuidOf(iot.url)}/publish`);
      seeded.informatieobjecttypen[oms] = iot.url;
    }
    for (const oms of zt.besluittypen ?? []) {
      if (seeded.besluittypen[oms]) continue;
      const bt = await ok(call, 'POST', `${CAT}/besluittypen`, {
        catalogus: catalogus.url,
        omschrijving: oms,
        publicatieIndicatie: false,
        // documents of the zaaktype that first names this besluittype may be linked to its besluiten
        informatieobjecttypen: (zt.informatieobjecttypen ?? []).map((i) => seeded.informatieobjecttypen[i]!),
        beginGeldigheid: begin(zt),
      });
      await ok(call, 'POST', `${CAT}/besluittypen/${uuidOf(bt.url)}/publish`);
      seeded.besluittypen[oms] = bt.url;
    }
  }
  // deelzaaktypen must exist before the zaaktype that names them: create those without deelzaaktypen first
  const ordered = [...spec.zaaktypen].sort((a, b) => (a.deelzaaktypen?.length ? 1 : 0) - (b.deelzaaktypen?.length ? 1 : 0));
  for (const zt of ordered) {
    const z = await ok(call, 'POST', `${CAT}/zaaktypen`, {
      identificatie: zt.identificatie,
      omschrijving: zt.omschrijving ?? zt.identificatie,
      vertrouwelijkheidaanduiding: zt.vertrouwelijkheidaanduiding ?? 'openbaar',
      doel: 'Test (zgw-double)',
      aanleiding: 'Test (zgw-double)',
      indicatieInternOfExtern: 'extern',
      handelingInitiator: 'aanvragen',
      onderwerp: zt.omschrijving ?? zt.identificatie,
      handelingBehandelaar: 'behandelen',
      doorlooptijd: 'P30D',
      opschortingEnAanhoudingMogelijk: false,
      verlengingMogelijk: false,
      publicatieIndicatie: false,
      productenOfDiensten: [],
      referentieproces: { naam: 'Referentieproces' },
      verantwoordelijke: rsin,
      catalogus: catalogus.url,
      besluittypen: (zt.besluittypen ?? []).map((b) => seeded.besluittypen[b]!),
      deelzaaktypen: (zt.deelzaaktypen ?? []).map((d) => seeded.zaaktypen[d]?.url).filter(Boolean),
      gerelateerdeZaaktypen: [],
      beginGeldigheid: begin(zt),
      versiedatum: begin(zt),
    });
    const out: SeededZaaktype = { url: z.url, statustypen: {}, statustypenByVolgnummer: {}, roltypen: {}, resultaattypen: {}, eigenschappen: {}, informatieobjecttypen: {}, besluittypen: {} };
    const statustypen = zt.statustypen ?? ['Ontvangen', 'Afgehandeld'];
    for (const [i, raw] of statustypen.entries()) {
      const st = typeof raw === 'string' ? { omschrijving: raw } : raw;
      const volgnummer = st.volgnummer ?? i + 1;
      const r = await ok(call, 'POST', `${CAT}/statustypen`, {
        zaaktype: z.url,
        omschrijving: st.omschrijving,
        omschrijvingGeneriek: st.omschrijvingGeneriek ?? '',
        statustekst: st.statustekst ?? '',
        volgnummer,
        informeren: false,
      });
      out.statustypen[st.omschrijving] = r.url;
      out.statustypenByVolgnummer[volgnummer] = r.url;
    }
    for (const raw of zt.roltypen ?? ['initiator', 'behandelaar']) {
      const rt = typeof raw === 'string' ? { omschrijvingGeneriek: raw } : raw;
      const omschrijving = rt.omschrijving ?? rt.omschrijvingGeneriek.charAt(0).toUpperCase() + rt.omschrijvingGeneriek.slice(1);
      const r = await ok(call, 'POST', `${CAT}/roltypen`, { zaaktype: z.url, omschrijving, omschrijvingGeneriek: rt.omschrijvingGeneriek });
      out.roltypen[rt.omschrijvingGeneriek] ??= r.url;
      out.roltypen[omschrijving] = r.url;
    }
    for (const raw of zt.resultaattypen ?? ['Afgehandeld']) {
      const rt = typeof raw === 'string' ? { omschrijving: raw } : raw;
      const r = await ok(call, 'POST', `${CAT}/resultaattypen`, {
        zaaktype: z.url,
        omschrijving: rt.omschrijving,
        resultaattypeomschrijving: 'http://selectielijst.example/api/v1/resultaattypeomschrijvingen/zgw-double',
        selectielijstklasse: 'http://selectielijst.example/api/v1/resultaten/zgw-double',
        archiefnominatie: rt.archiefnominatie ?? 'vernietigen',
        archiefactietermijn: rt.archiefnominatie === 'blijvend_bewaren' ? null : (rt.archiefactietermijn ?? 'P10Y'),
        brondatumArchiefprocedure: { afleidingswijze: 'afgehandeld', datumkenmerk: '', einddatumBekend: false, objecttype: '', registratie: '', procestermijn: null },
      });
      out.resultaattypen[rt.omschrijving] = r.url;
    }
    for (const raw of zt.eigenschappen ?? []) {
      const e = typeof raw === 'string' ? { naam: raw } : raw;
      const r = await ok(call, 'POST', `${CAT}/eigenschappen`, {
        zaaktype: z.url,
        naam: e.naam,
        definitie: e.naam,
        specificatie: { groep: '', formaat: e.formaat ?? 'tekst', lengte: e.lengte ?? '255', kardinaliteit: '1', waardenverzameling: [] },
        toelichting: '',
      });
      out.eigenschappen[e.naam] = r.url;
    }
    for (const [i, oms] of (zt.informatieobjecttypen ?? []).entries()) {
      await ok(call, 'POST', `${CAT}/zaaktype-informatieobjecttypen`, {
        zaaktype: z.url,
        informatieobjecttype: seeded.informatieobjecttypen[oms],
        volgnummer: i + 1,
        richting: 'inkomend',
      });
      out.informatieobjecttypen[oms] = seeded.informatieobjecttypen[oms]!;
    }
    for (const b of zt.besluittypen ?? []) out.besluittypen[b] = seeded.besluittypen[b]!;
    await ok(call, 'POST', `${CAT}/zaaktypen/${uuidOf(z.url)}/publish`);
    seeded.zaaktypen[zt.identificatie] = out;
  }
  return seeded;
}
