/**
 * The selection of a generic zakLv01 (gelijk / vanaf / totEnMet) as a ZaakQuery, with the StUF checks on
 * selections (StUF076–StUF094). Criteria are flattened to paths such as `isVan/gerelateerde/code`.
 */
import type { BetrokkeneKind } from '../../domain/model.js';
import type { ValueCondition, ZaakQuery } from '../../ports/zaak-store.js';
import { parseDatum } from '../../stuf/dates.js';
import { FOUTCODE_OMSCHRIJVING, StufFault, faults } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { type XmlElement, attr, child, elements, isNil, noValue, text } from '../../xml/tree.js';

export type SelectieSoort = 'gelijk' | 'vanaf' | 'totEnMet';

/** One leaf of a selection: its path below the selection object and its element. */
export interface Criterium {
  path: string;
  el: XmlElement;
}

/** Leaves of a selection element, depth first, in message order. */
export function flatten(el: XmlElement, prefix = ''): Criterium[] {
  const out: Criterium[] = [];
  for (const c of elements(el)) {
    const p = prefix ? `${prefix}/${c.local}` : c.local;
    const kids = elements(c);
    if (kids.length === 0) out.push({ path: p, el: c });
    else out.push(...flatten(c, p));
  }
  return out;
}

type ConditionField = 'identificatie' | 'zaaktypeCode' | 'startdatum' | 'registratiedatum' | 'einddatum';

const FIELDS: Record<string, { field: ConditionField; date: boolean }> = {
  identificatie: { field: 'identificatie', date: false },
  'isVan/gerelateerde/code': { field: 'zaaktypeCode', date: false },
  startdatum: { field: 'startdatum', date: true },
  registratiedatum: { field: 'registratiedatum', date: true },
  einddatum: { field: 'einddatum', date: true },
};

/** Identifying elements per subject kind (as in the kennisgevingen); the initiator is selectable on these. */
const INITIATOR_KEYS: Record<BetrokkeneKind, string[]> = {
  medewerker: ['identificatie'],
  organisatorischeEenheid: ['identificatie'],
  natuurlijkPersoon: ['inp.bsn', 'anp.identificatie', 'inp.a-nummer'],
  nietNatuurlijkPersoon: ['inn.nnpId', 'ann.identificatie'],
  vestiging: ['vestigingsNummer'],
};

const INITIATOR_PATH = /^heeftAlsInitiator\/gerelateerde\/([A-Za-z]+)\/([A-Za-z.-]+)$/;
const SLEUTELS = ['sleutelVerzendend', 'sleutelOntvangend', 'sleutelGegevensbeheer', 'sleutelSynchronisatie'];

/** The selection part of a ZaakQuery (no paging). */
export type ZaakSelectie = Omit<ZaakQuery, 'limit' | 'after' | 'countTotal'>;

function fout(code: string, plek: 'client' | 'server', omschrijving: string, details: string): StufFault {
  return new StufFault(code, plek, omschrijving, details);
}

/** StUF088 / StUF091 / StUF094: selection by key. Zaakpoort registers no keys of other systems. */
function checkSleutels(gelijk: XmlElement): void {
  const keys = SLEUTELS.filter((k) => attr(gelijk, NS.stuf, k) !== undefined);
  if (keys.length > 1) throw fout('StUF088', 'client', FOUTCODE_OMSCHRIJVING.StUF088!, keys.join(', '));
  if (keys.length === 1 && elements(gelijk).length > 0) {
    throw fout('StUF091', 'client', FOUTCODE_OMSCHRIJVING.StUF091!, `${keys[0]} samen met ${elements(gelijk).map((e) => e.local).join(', ')}`);
  }
  if (keys.length === 1) {
    throw fout('StUF094', 'server', 'Ontvanger registreert de sleutel van de zender niet', `selectie op StUF:${keys[0]} wordt niet ondersteund; selecteer op identificatie`);
  }
}

/** The value of a leaf in vanaf/totEnMet: never nil, complete dates only. */
function rangeValue(c: Criterium, soort: SelectieSoort, date: boolean): string {
  if (isNil(c.el) || noValue(c.el) !== undefined) throw faults.processing(`${soort} zonder waarde`, `${soort}/${c.path} heeft geen waarde`);
  if (!date) return text(c.el) ?? '';
  const ind = attr(c.el, NS.stuf, 'indOnvolledigeDatum');
  if (ind !== undefined && ind !== 'V') {
    throw fout('StUF085', 'client', 'Onvolledige datum in vanaf of totEnMet', `${soort}/${c.path} heeft indOnvolledigeDatum="${ind}"`);
  }
  const d = parseDatum(c.el);
  return d ? d.value : '';
}

function gelijkValue(c: Criterium, date: boolean): string | null {
  if (isNil(c.el) || noValue(c.el) !== undefined) return null;
  const t = text(c.el) ?? '';
  if (t === '') return null;
  if (!date) return t;
  return parseDatum(c.el)?.value ?? null;
}

function unsupported(soort: SelectieSoort, p: string): StufFault {
  return faults.processing('Selectiecriterium wordt niet ondersteund',
    `${soort}/${p}; ondersteund: identificatie, startdatum, registratiedatum, einddatum, isVan/gerelateerde/code en (alleen in gelijk) heeftAlsInitiator/gerelateerde/<betrokkene>/<sleutelelement>`);
}

/** Parse gelijk, vanaf and totEnMet of a zakLv01 into a selection. */
export function parseZaakSelectie(vraag: XmlElement): ZaakSelectie {
  const gelijk = child(vraag, NS.zkn, 'gelijk');
  const vanaf = child(vraag, NS.zkn, 'vanaf');
  const totEnMet = child(vraag, NS.zkn, 'totEnMet');
  const g = gelijk ? flatten(gelijk) : [];
  const v = vanaf ? flatten(vanaf) : [];
  const t = totEnMet ? flatten(totEnMet) : [];

  // The checks in the order of the StUF foutcode table: the first failure is reported.
  if (vanaf && totEnMet) {
    const a = new Set(v.map((c) => c.path));
    const b = new Set(t.map((c) => c.path));
    const diff = [...a].filter((p) => !b.has(p)).concat([...b].filter((p) => !a.has(p)));
    if (diff.length > 0) throw fout('StUF076', 'client', 'vanaf en totEnMet bevatten verschillende elementen', diff.join(', '));
  }
  const ranged = new Set([...v, ...t].map((c) => c.path));
  const both = g.find((c) => ranged.has(c.path));
  if (both) throw fout('StUF079', 'client', 'Element zowel in gelijk als in vanaf/totEnMet', both.path);
  const exact = [...v.map((c) => ['vanaf', c] as const), ...t.map((c) => ['totEnMet', c] as const)].find(([, c]) => attr(c.el, NS.stuf, 'exact') !== undefined);
  if (exact) throw fout('StUF082', 'client', 'StUF:exact in vanaf of totEnMet', `${exact[0]}/${exact[1].path}`);
  for (const [soort, list] of [['vanaf', v], ['totEnMet', t]] as const) {
    for (const c of list) {
      const ind = attr(c.el, NS.stuf, 'indOnvolledigeDatum');
      if (ind !== undefined && ind !== 'V') throw fout('StUF085', 'client', 'Onvolledige datum in vanaf of totEnMet', `${soort}/${c.path} heeft indOnvolledigeDatum="${ind}"`);
    }
  }
  if (gelijk) checkSleutels(gelijk);

  const out: ZaakSelectie = {};
  const cond = (f: ConditionField): ValueCondition => (out[f] ??= {});
  for (const c of g) {
    if (attr(c.el, NS.stuf, 'exact') === 'false') {
      throw faults.processing('Zoeken met StUF:exact="false" wordt niet ondersteund', `gelijk/${c.path}`);
    }
    const spec = FIELDS[c.path];
    if (spec) {
      cond(spec.field).gelijk = gelijkValue(c, spec.date);
      continue;
    }
    if (c.path === 'heeftAlsInitiator/gerelateerde/identificatie') {
      // The ZKN 0310 selection type names a betrokkene (BTR) by a typed identificatie: "11" + bsn for a
      // natuurlijk persoon (the convention zaakbrug and Suites4SociaalDomein use). Other types are not mapped.
      const v = gelijkValue(c, false) ?? '';
      const bsn = /^11([0-9]{9})$/.exec(v)?.[1];
      if (!bsn) throw faults.processing('Initiatoridentificatie wordt niet herkend', `gelijk/${c.path} "${v}": alleen "11" + BSN wordt ondersteund`);
      out.initiator = { kind: 'natuurlijkPersoon', keyElement: 'inp.bsn', key: bsn };
      continue;
    }
    const m = INITIATOR_PATH.exec(c.path);
    const kind = m?.[1] as BetrokkeneKind | undefined;
    if (m && kind && INITIATOR_KEYS[kind]?.includes(m[2]!)) {
      const key = gelijkValue(c, false);
      if (key === null) throw faults.processing('Initiator zonder sleutelwaarde', `gelijk/${c.path} heeft geen waarde`);
      if (out.initiator) throw faults.processing('Selectie op meer dan één initiatorsleutel wordt niet ondersteund', `gelijk/${c.path}`);
      out.initiator = { kind, keyElement: m[2]!, key };
      continue;
    }
    throw unsupported('gelijk', c.path);
  }
  for (const [soort, list] of [['vanaf', v], ['totEnMet', t]] as const) {
    for (const c of list) {
      const spec = FIELDS[c.path];
      if (!spec) throw unsupported(soort, c.path);
      cond(spec.field)[soort] = rangeValue(c, soort, spec.date);
    }
  }
  return out;
}
