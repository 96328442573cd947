/** Writing BSL answer content (geefBesluitdetails, leidtTot in zaak answers) in XSD element order. */
import type { Besluit, StufDate } from '../../domain/model.js';
import { type Scope, explicitlyAsked, extraElementenFilter, wants } from './scope.js';
import { writeExtraElementen, writeTijdvak, zkn, zknDate, zknNil } from './xml.js';

type Field = [element: string, value: string | StufDate | undefined];

/** The BSL attributes from identificatie to datumUiterlijkeReactie, in the order every BSL answer type shares. */
function fields(b: Besluit): Field[] {
  return [
    ['bst.omschrijving', b.bstOmschrijving],
    ['datumBeslissing', b.datumBeslissing],
    ['toelichting', b.toelichting],
    ['ingangsdatumWerking', b.ingangsdatumWerking],
    ['einddatumWerking', b.einddatumWerking],
    ['vervalreden', b.vervalreden],
    ['datumPublicatie', b.datumPublicatie],
    ['datumVerzending', b.datumVerzending],
    ['datumUiterlijkeReactie', b.datumUiterlijkeReactie],
  ];
}

/**
 * tijdvakGeldigheid of a besluit: as sent, or when none was sent (Zaakpoort keeps no besluittype validity)
 * the werking period: begin = ingangsdatumWerking, eind = einddatumWerking or open (geenWaarde).
 */
export function writeBesluitTijdvak(b: Besluit): string {
  if (b.tijdvakGeldigheid) return writeTijdvak(b.tijdvakGeldigheid);
  const eind = b.einddatumWerking
    ? `<StUF:eindGeldigheid>${b.einddatumWerking.value}</StUF:eindGeldigheid>`
    : '<StUF:eindGeldigheid xsi:nil="true" StUF:noValue="geenWaarde"/>';
  return `<StUF:tijdvakGeldigheid><StUF:beginGeldigheid>${b.ingangsdatumWerking.value}</StUF:beginGeldigheid>${eind}</StUF:tijdvakGeldigheid>`;
}

export interface BesluitWriteOptions {
  /** Elements the answer type requires whatever the scope says. */
  required?: readonly string[];
  /** tijdvakGeldigheid is mandatory (geefBesluitdetails) rather than metadata on request. */
  tijdvakRequired?: boolean;
  /** The answer type has StUF:extraElementen after tijdstipRegistratie (geefBesluitdetails; not the gerelateerde of leidtTot). */
  extraElementen?: boolean;
  /** The answer type has the besluittype attributes (bst.omschrijvingGeneriek ... bst.publicatieTermijn): geefBesluitdetails. */
  besluittype?: boolean;
}

/** Besluittype attributes Zaakpoort keeps no catalogue for: asked for explicitly, they are answered as not supported. */
const BESLUITTYPE_NIET_ONDERSTEUND = ['bst.omschrijvingGeneriek', 'bst.categorie', 'bst.reactietermijn', 'bst.publicatieIndicatie',
  'bst.publicatieTekst', 'bst.publicatieTermijn'];

/** identificatie … StUF:tijdstipRegistratie of a besluit, honouring the scope. */
export function writeBesluitAttributes(b: Besluit, scope: Scope, opts: BesluitWriteOptions = {}): string {
  const required = opts.required ?? [];
  let out = zkn('identificatie', b.identificatie);
  for (const [name, value] of fields(b)) {
    if (name === 'datumBeslissing' && opts.besluittype) {
      for (const n of BESLUITTYPE_NIET_ONDERSTEUND) if (explicitlyAsked(scope, n)) out += zknNil(n, 'nietOndersteund');
    }
    const must = required.includes(name);
    if (!must && !wants(scope, name)) continue;
    if (value === undefined || value === '') {
      if (must || explicitlyAsked(scope, name)) out += zknNil(name);
    } else out += typeof value === 'string' ? zkn(name, value) : zknDate(name, value);
  }
  if (opts.tijdvakRequired || (scope.metagegevens && (scope.all || wants(scope, 'tijdvakGeldigheid')))) out += writeBesluitTijdvak(b);
  if (scope.metagegevens && (scope.all || wants(scope, 'tijdstipRegistratie')) && b.tijdstipRegistratie) {
    out += `<StUF:tijdstipRegistratie>${b.tijdstipRegistratie}</StUF:tijdstipRegistratie>`;
  }
  if (opts.extraElementen) out += writeExtraElementen(b.extraElementen, extraElementenFilter(scope));
  return out;
}

/** One leidtTot (ZAKBSL) relation of a zaak answer; datumBeslissing and ingangsdatumWerking are always present. */
export function writeLeidtTot(b: Besluit, scope: Scope): string {
  const body = writeBesluitAttributes(b, scope, { required: ['datumBeslissing', 'ingangsdatumWerking'] });
  return `<ZKN:leidtTot StUF:entiteittype="ZAKBSL"><ZKN:gerelateerde StUF:entiteittype="BSL">${body}</ZKN:gerelateerde></ZKN:leidtTot>`;
}
