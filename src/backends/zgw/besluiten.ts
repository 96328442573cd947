/**
 * Besluiten on the Besluiten API: voegBesluitToe, updateBesluit, geefBesluitdetails, geefLijstBesluiten, and a
 * besluit made through leidtTot in a zaak update. A ZDS besluit ↔ a ZGW besluit of the zaak; the besluittype is
 * found by bst.omschrijving among the zaaktype's besluittypen (when the message names none and the zaaktype has
 * exactly one, that one). Its documents go through the documents module (besluitinformatieobjecten).
 */
import type { Besluit, ExtraElement, Tijdvak } from '../../domain/model.js';
import { DuplicateError } from '../../ports/zaak-store.js';
import { faults } from '../../stuf/fault.js';
import type { ZgwBesluittype } from './catalogue.js';
import { type ZgwContext, profileFor } from './context.js';
import type { ZgwDocuments } from './documents/index.js';
import { isNotUnique } from './errors.js';
import { beforeValues, changedFields, dateFromZgw, dateToZgw } from './map-zaak.js';
import { type Reader, type SidecarRead, zaakRef } from './read-zaak.js';
import type { UnitOfWork, ZgwResource } from './unit-of-work.js';
import type { Keep } from './write-zaak.js';

/** What a ZDS besluit carries that the Besluiten API has no field for, kept beside ZGW per besluit URL. */
export interface BesluitSidecar {
  tijdvakGeldigheid?: Tijdvak;
  tijdstipRegistratie?: string;
  extraElementen?: ExtraElement[];
}

function besluitSidecar(b: Besluit): BesluitSidecar | undefined {
  const out: BesluitSidecar = {
    ...(b.tijdvakGeldigheid ? { tijdvakGeldigheid: b.tijdvakGeldigheid } : {}),
    ...(b.tijdstipRegistratie ? { tijdstipRegistratie: b.tijdstipRegistratie } : {}),
    ...(b.extraElementen?.length ? { extraElementen: b.extraElementen } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

/** ZDS vervalreden (the StUF-ZKN enumeration texts) ↔ ZGW VervalredenEnum. */
const VERVALREDEN: Record<string, string> = {
  'besluit met tijdelijke werking': 'tijdelijk',
  'besluit ingetrokken door overheid': 'ingetrokken_overheid',
  'besluit ingetrokken o.v.v. belanghebbende': 'ingetrokken_belanghebbende',
};
const VERVALREDEN_TEKST: Record<string, string> = {
  tijdelijk: 'Besluit met tijdelijke werking',
  ingetrokken_overheid: 'Besluit ingetrokken door overheid',
  ingetrokken_belanghebbende: 'Besluit ingetrokken o.v.v. belanghebbende',
};

export interface ZgwBesluit {
  url: string;
  identificatie: string;
  verantwoordelijkeOrganisatie: string;
  besluittype: string;
  zaak: string;
  datum: string;
  toelichting: string;
  ingangsdatum: string;
  vervaldatum: string | null;
  vervalreden: string;
  publicatiedatum: string | null;
  verzenddatum: string | null;
  uiterlijkeReactiedatum: string | null;
}

function vervalredenToZgw(v: string | undefined): string {
  if (!v) return '';
  const z = VERVALREDEN[v.trim().toLowerCase()];
  if (!z) {
    throw faults.processing('Vervalreden onbekend in het zaaksysteem (ZGW)',
      `vervalreden "${v}": toegestaan zijn ${Object.values(VERVALREDEN_TEKST).map((t) => `"${t}"`).join(', ')}`);
  }
  return z;
}

/** The besluit's own fields (without besluittype and zaak). */
function besluitFields(b: Besluit): Record<string, unknown> {
  return {
    datum: dateToZgw(b.datumBeslissing, 'datumBeslissing'),
    ingangsdatum: dateToZgw(b.ingangsdatumWerking, 'ingangsdatumWerking'),
    vervaldatum: dateToZgw(b.einddatumWerking, 'einddatumWerking'),
    vervalreden: vervalredenToZgw(b.vervalreden),
    publicatiedatum: dateToZgw(b.datumPublicatie, 'datumPublicatie'),
    verzenddatum: dateToZgw(b.datumVerzending, 'datumVerzending'),
    uiterlijkeReactiedatum: dateToZgw(b.datumUiterlijkeReactie, 'datumUiterlijkeReactie'),
    toelichting: b.toelichting ?? '',
  };
}

export class ZgwBesluiten {
  /** besluittype URL → omschrijving (besluittypen change rarely; the catalogue cache holds them per zaaktype too). */
  private readonly besluittypen = new Map<string, ZgwBesluittype>();

  constructor(
    private readonly ctx: ZgwContext,
    private readonly documents: ZgwDocuments,
  ) {}

  private async findZgw(r: Reader, identificatie: string): Promise<ZgwBesluit | undefined> {
    const list = await r.list<ZgwBesluit>({
      api: 'besluiten', url: '/besluiten', query: { identificatie, verantwoordelijkeOrganisatie: this.ctx.rsin }, purpose: `besluit ${identificatie} opzoeken`,
    });
    return list.find((b) => b.identificatie === identificatie);
  }

  private async besluittype(r: Reader, url: string): Promise<ZgwBesluittype | undefined> {
    const hit = this.besluittypen.get(url);
    if (hit) return hit;
    const bt = await r.read<ZgwBesluittype>({ api: 'catalogi', url, purpose: 'besluittype lezen' }, { allow404: true });
    if (bt) this.besluittypen.set(url, bt);
    return bt;
  }

  private async toDomain(r: Reader, z: ZgwBesluit, side: SidecarRead, zaakIdentificatie?: string): Promise<Besluit> {
    const [zaakId, bt, documenten, kept] = await Promise.all([
      zaakIdentificatie ?? (z.zaak ? r.read<{ identificatie: string }>({ api: 'zaken', url: z.zaak, purpose: 'zaak van het besluit lezen' }).then((x) => x?.identificatie ?? '') : ''),
      this.besluittype(r, z.besluittype),
      this.documents.listBesluitDocumenten(z.url, r),
      side([z.url]).then((m) => m.get(z.url) as BesluitSidecar | undefined),
    ]);
    const b: Besluit = {
      identificatie: z.identificatie,
      zaakIdentificatie: zaakId,
      datumBeslissing: dateFromZgw(z.datum)!,
      ingangsdatumWerking: dateFromZgw(z.ingangsdatum)!,
      documenten,
    };
    const set = <K extends keyof Besluit>(k: K, v: Besluit[K] | undefined) => {
      if (v !== undefined && v !== '') b[k] = v;
    };
    set('bstOmschrijving', bt?.omschrijving);
    set('einddatumWerking', dateFromZgw(z.vervaldatum));
    set('vervalreden', VERVALREDEN_TEKST[z.vervalreden]);
    set('datumPublicatie', dateFromZgw(z.publicatiedatum));
    set('datumVerzending', dateFromZgw(z.verzenddatum));
    set('datumUiterlijkeReactie', dateFromZgw(z.uiterlijkeReactiedatum));
    set('toelichting', z.toelichting);
    set('tijdvakGeldigheid', kept?.tijdvakGeldigheid);
    set('tijdstipRegistratie', kept?.tijdstipRegistratie);
    set('extraElementen', kept?.extraElementen);
    return b;
  }

  async getBesluit(r: Reader, identificatie: string, side: SidecarRead): Promise<Besluit | undefined> {
    const z = await this.findZgw(r, identificatie);
    return z ? this.toDomain(r, z, side) : undefined;
  }

  async listBesluiten(r: Reader, zaakIdentificatie: string, side: SidecarRead): Promise<Besluit[]> {
    const zaak = await zaakRef(this.ctx, r, zaakIdentificatie);
    if (!zaak) return [];
    const list = await r.list<ZgwBesluit>({ api: 'besluiten', url: '/besluiten', query: { zaak: zaak.url }, purpose: 'besluiten van de zaak lezen' });
    // Oldest first like the other backends: the API lists newest first (README of the recordings, item 5).
    return Promise.all(list.filter((b) => b.zaak === zaak.url).reverse().map((b) => this.toDomain(r, b, side, zaakIdentificatie)));
  }

  /** The besluittype for a ZDS bst.omschrijving among the besluittypen of the zaak's zaaktype. */
  private async besluittypeFor(zaaktypeUrl: string, omschrijving: string | undefined): Promise<string> {
    const entry = await this.ctx.catalogue.zaaktypeByUrl(zaaktypeUrl);
    // Without bst.omschrijving: the profile's besluittype, else the zaaktype's only one.
    const wanted = omschrijving || profileFor(this.ctx, entry.code)?.besluittype;
    const pick = (list: ZgwBesluittype[]) => (wanted ? list.find((b) => b.omschrijving === wanted) : list.length === 1 ? list[0] : undefined);
    const bt = await this.ctx.catalogue.find(entry, (e) => pick(e.besluittypen));
    if (!bt) {
      throw faults.processing('Besluittype onbekend voor dit zaaktype',
        wanted
          ? `bst.omschrijving "${wanted}"${omschrijving ? '' : ' (het besluittype van het profiel)'} is geen besluittype van zaaktype ${entry.code} in de catalogus (ZGW)`
          : `het besluit noemt geen bst.omschrijving en zaaktype ${entry.code} heeft ${entry.besluittypen.length} besluittypen; noem het besluittype`);
    }
    return bt.url;
  }

  async insertBesluit(unit: UnitOfWork, besluit: Besluit, keep: Keep): Promise<void> {
    const zaak = await zaakRef(this.ctx, unit, besluit.zaakIdentificatie);
    if (!zaak) throw faults.notFound('Zaak niet gevonden', `Er is geen zaak met identificatie ${besluit.zaakIdentificatie} in het zaaksysteem (ZGW)`);
    const body = {
      identificatie: besluit.identificatie,
      verantwoordelijkeOrganisatie: this.ctx.rsin,
      besluittype: await this.besluittypeFor(zaak.zaaktype, besluit.bstOmschrijving),
      zaak: zaak.url,
      ...besluitFields(besluit),
    };
    let created: ZgwResource;
    try {
      created = await unit.create<ZgwResource>({ api: 'besluiten', url: '/besluiten', body, purpose: 'besluit vastleggen' }, `besluit ${besluit.identificatie}`, {
        url: '/besluiten', query: { identificatie: besluit.identificatie, verantwoordelijkeOrganisatie: this.ctx.rsin }, match: { identificatie: besluit.identificatie }, keep: [],
      });
    } catch (e) {
      if (isNotUnique(e)) throw new DuplicateError('besluit', besluit.identificatie);
      throw e;
    }
    const extra = besluitSidecar(besluit);
    if (extra) keep(created.url, extra);
    await this.documents.setBesluitDocumenten(unit, created.url, besluit.documenten, { newBesluit: true });
  }

  async updateBesluit(unit: UnitOfWork, besluit: Besluit, keep: Keep): Promise<void> {
    const z = await this.findZgw(unit, besluit.identificatie);
    if (!z) throw new Error(`besluit ${besluit.identificatie} bestaat niet`);
    const stored = z as unknown as Record<string, unknown>;
    const wanted: Record<string, unknown> = { ...besluitFields(besluit) };
    const current = await this.besluittype(unit, z.besluittype);
    if (besluit.bstOmschrijving && besluit.bstOmschrijving !== current?.omschrijving) {
      const zaak = z.zaak ? await unit.read<{ zaaktype: string }>({ api: 'zaken', url: z.zaak, purpose: 'zaak van het besluit lezen' }) : undefined;
      if (!zaak) throw faults.processing('Besluittype kan niet wijzigen', `besluit ${besluit.identificatie} hoort bij geen zaak`);
      wanted.besluittype = await this.besluittypeFor(zaak.zaaktype, besluit.bstOmschrijving);
    }
    const diff = changedFields(stored, wanted);
    if (Object.keys(diff).length > 0) {
      await unit.patch({ api: 'besluiten', url: z.url, body: diff, purpose: 'besluit wijzigen' }, beforeValues(stored, diff), `besluit ${besluit.identificatie}`);
    }
    // A local write only (undefined removes what was kept): cheaper than reading it first to compare.
    keep(z.url, besluitSidecar(besluit));
    await this.documents.setBesluitDocumenten(unit, z.url, besluit.documenten);
  }
}
