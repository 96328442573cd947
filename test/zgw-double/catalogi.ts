/**
 * Catalogi API 1.3 of the ZGW TEST DOUBLE (behaves like Open Zaak 1.12.4 where the recordings show it;
 * README §10–15): concept/published types, publish rules, computed URL lists and `isEindstatus`.
 */
import { invalid, validationError } from './errors.js';
import { type Ctx, type Handler, type ResourceDef, render, standardHandlers } from './resource.js';
import type { Store, Stored } from './store.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the Selectielijst API (not part of the double) would say about a resultaat(type)omschrijving URL. */
export interface SelectielijstEntry {
  archiefnominatie?: 'blijvend_bewaren' | 'vernietigen';
  archiefactietermijn?: string | null;
  omschrijving?: string;
}

export const CATALOGUS = 'catalogi/catalogussen';
export const ZAAKTYPE = 'catalogi/zaaktypen';
export const STATUSTYPE = 'catalogi/statustypen';
export const ROLTYPE = 'catalogi/roltypen';
export const RESULTAATTYPE = 'catalogi/resultaattypen';
export const EIGENSCHAP = 'catalogi/eigenschappen';
export const IOT = 'catalogi/informatieobjecttypen';
export const BESLUITTYPE = 'catalogi/besluittypen';
export const ZIOT = 'catalogi/zaaktype-informatieobjecttypen';

const newestFirst = (a: Stored, b: Stored): number => b.seq - a.seq;

function urls(list: Stored[]): string[] {
  return list.sort(newestFirst).map((s) => s.url);
}

/** The URL lists of resources whose `field` points at `owner` (e.g. a zaaktype's statustypen), newest first. */
function linked(store: Store, owner: Stored, field: string, kinds: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(kinds).map(([name, kind]) => [name, urls(store.where(kind, field, owner.url))]));
}

/** Published-only by default; `status=concept|alles` (README §10). For sub-resources the zaaktype's state counts. */
function statusScope(conceptOf: (s: Stored, store: Store) => boolean) {
  return (ctx: Ctx, items: Stored[]): Stored[] => {
    const status = ctx.query.get('status') ?? 'definitief';
    let out = items;
    if (status === 'definitief') out = items.filter((s) => !conceptOf(s, ctx.store));
    else if (status === 'concept') out = items.filter((s) => conceptOf(s, ctx.store));
    const datum = ctx.query.get('datumGeldigheid');
    if (datum) {
      out = out.filter((s) => {
        const g = s.kind === ZAAKTYPE || s.kind === IOT || s.kind === BESLUITTYPE ? s.data : (ctx.store.byUrlOf(s.data.zaaktype)?.data ?? {});
        return (!g.beginGeldigheid || g.beginGeldigheid <= datum) && (!g.eindeGeldigheid || g.eindeGeldigheid >= datum);
      });
    }
    return out;
  };
}

const ownConcept = (s: Stored): boolean => s.data.concept !== false;
const zaaktypeConcept = (s: Stored, store: Store): boolean => store.byUrlOf(s.data.zaaktype)?.data.concept !== false;

function zaaktypeInfo(store: Store, s: Stored): Json {
  const zt = store.byUrlOf(s.data.zaaktype);
  return { zaaktypeIdentificatie: zt?.data.identificatie ?? '', catalogus: zt?.data.catalogus ?? '' };
}

/** Changing a part of a published zaaktype needs `catalogi.geforceerd-schrijven` (README §13). */
function requireConceptZaaktype(ctx: Ctx, zaaktypeUrl: string | undefined): void {
  const zt = ctx.store.byUrlOf(zaaktypeUrl);
  if (zt && zt.data.concept === false && !ctx.can('catalogi.geforceerd-schrijven')) {
    throw invalid('nonFieldErrors', 'non-concept-zaaktype', 'Creating/updating/deleting a related object of a non-concept zaaktype is not allowed');
  }
}

function beginObject(store: Store, s: Stored): string | null {
  const versions = store.all(s.kind).filter((x) => x.data.catalogus === s.data.catalogus && sameType(s, x));
  return versions.map((v) => v.data.beginGeldigheid as string).filter(Boolean).sort()[0] ?? s.data.beginGeldigheid ?? null;
}

function sameType(a: Stored, b: Stored): boolean {
  if (a.kind === ZAAKTYPE) return a.data.identificatie === b.data.identificatie;
  return a.data.omschrijving === b.data.omschrijving;
}

export function catalogiDefs(selectielijst: Map<string, SelectielijstEntry>): ResourceDef[] {
  const subTypeRules = {
    create: (ctx: Ctx, data: Json) => requireConceptZaaktype(ctx, data.zaaktype),
    update: (ctx: Ctx, s: Stored) => requireConceptZaaktype(ctx, s.data.zaaktype),
    destroy: (ctx: Ctx, s: Stored) => requireConceptZaaktype(ctx, s.data.zaaktype),
    scope: statusScope(zaaktypeConcept),
    specialParams: ['status', 'datumGeldigheid'],
  };
  /** Zaaktypen, informatieobjecttypen and besluittypen: created as concept, listed published-only by default. */
  const publishable: Partial<ResourceDef> = {
    create: (_ctx, data) => {
      data.concept = true;
    },
    scope: statusScope(ownConcept),
    specialParams: ['status', 'datumGeldigheid'],
  };
  const catalogus: ResourceDef = {
    kind: CATALOGUS,
    schemaRef: '#/components/schemas/Catalogus',
    render: (s, ctx) => ({ ...s.data, ...linked(ctx!.store, s, 'catalogus', { zaaktypen: ZAAKTYPE, besluittypen: BESLUITTYPE, informatieobjecttypen: IOT }) }),
  };
  const zaaktype: ResourceDef = {
    kind: ZAAKTYPE,
    schemaRef: '#/components/schemas/ZaakType',
    refs: { catalogus: CATALOGUS, besluittypen: BESLUITTYPE, deelzaaktypen: ZAAKTYPE },
    ...publishable,
    update: (ctx, s, _data, changes) => {
      // ending the geldigheid of a published version is allowed (README §11)
      const onlyEinde = Object.keys(changes).every((k) => k === 'eindeGeldigheid');
      if (s.data.concept === false && !onlyEinde && !ctx.can('catalogi.geforceerd-schrijven')) {
        const errs = [{ name: 'nonFieldErrors', code: 'non-concept-object', reason: 'Het is niet toegestaan om een non-concept object bij te werken' }];
        if ((s.data.besluittypen ?? []).length) errs.push({ name: 'nonFieldErrors', code: 'non-concept-relation', reason: 'Relations to non-concept besluittypen objects can\'t be removed' });
        throw validationError(errs);
      }
    },
    destroy: (ctx, s) => {
      if (s.data.concept === false && !ctx.can('catalogi.geforceerd-verwijderen')) {
        throw invalid('nonFieldErrors', 'non-concept-object', 'Alleen concepten kunnen worden verwijderd.');
      }
      for (const kind of [STATUSTYPE, ROLTYPE, RESULTAATTYPE, EIGENSCHAP, ZIOT]) for (const x of ctx.store.where(kind, 'zaaktype', s.url)) ctx.store.remove(x);
    },
    render: (s, ctx) => {
      const st = ctx!.store;
      return {
        ...s.data,
        ...linked(st, s, 'zaaktype', { statustypen: STATUSTYPE, roltypen: ROLTYPE, resultaattypen: RESULTAATTYPE, eigenschappen: EIGENSCHAP }),
        informatieobjecttypen: st.where(ZIOT, 'zaaktype', s.url).sort(newestFirst).map((z) => z.data.informatieobjecttype),
        beginObject: beginObject(st, s),
      };
    },
  };
  const statustype: ResourceDef = {
    kind: STATUSTYPE,
    schemaRef: '#/components/schemas/StatusType',
    refs: { zaaktype: ZAAKTYPE },
    ...subTypeRules,
    order: (a, b) => b.data.volgnummer - a.data.volgnummer,
    render: (s, ctx) => {
      const siblings = ctx!.store.where(STATUSTYPE, 'zaaktype', s.data.zaaktype);
      const max = Math.max(...siblings.map((x) => Number(x.data.volgnummer)));
      return { ...s.data, ...zaaktypeInfo(ctx!.store, s), isEindstatus: Number(s.data.volgnummer) === max };
    },
  };
  /** A part of a zaaktype: refers to it, answers its identificatie and catalogus, changes only while concept. */
  const partOfZaaktype = (kind: string, schema: string, refs: Record<string, string>, extra: Partial<ResourceDef> = {}): ResourceDef => ({
    kind,
    schemaRef: `#/components/schemas/${schema}`,
    refs: { zaaktype: ZAAKTYPE, ...refs },
    ...subTypeRules,
    render: (s, ctx) => ({ ...s.data, ...zaaktypeInfo(ctx!.store, s) }),
    ...extra,
  });
  const roltype = partOfZaaktype(ROLTYPE, 'RolType', {});
  const resultaattype = partOfZaaktype(RESULTAATTYPE, 'ResultaatType', {}, {
    create: (ctx, data) => {
      subTypeRules.create(ctx, data);
      const klasse = selectielijst.get(data.selectielijstklasse) ?? {};
      const oms = selectielijst.get(data.resultaattypeomschrijving) ?? {};
      data.archiefnominatie ??= klasse.archiefnominatie ?? 'vernietigen';
      if (data.archiefactietermijn === undefined) data.archiefactietermijn = klasse.archiefactietermijn !== undefined ? klasse.archiefactietermijn : 'P10Y';
      data.omschrijvingGeneriek = oms.omschrijving ?? data.omschrijving;
    },
  });
  const eigenschap = partOfZaaktype(EIGENSCHAP, 'Eigenschap', { statustype: STATUSTYPE });
  const ziot = partOfZaaktype(ZIOT, 'ZaakTypeInformatieObjectType', { informatieobjecttype: IOT, statustype: STATUSTYPE });
  const iot: ResourceDef = {
    kind: IOT,
    schemaRef: '#/components/schemas/InformatieObjectType',
    refs: { catalogus: CATALOGUS },
    ...publishable,
    render: (s, ctx) => {
      const st = ctx!.store;
      return {
        ...s.data,
        zaaktypen: st.where(ZIOT, 'informatieobjecttype', s.url).map((z) => z.data.zaaktype),
        besluittypen: st.all(BESLUITTYPE).filter((b) => (b.data.informatieobjecttypen ?? []).includes(s.url)).map((b) => b.url),
        beginObject: beginObject(st, s),
      };
    },
  };
  const besluittype: ResourceDef = {
    kind: BESLUITTYPE,
    schemaRef: '#/components/schemas/BesluitType',
    refs: { catalogus: CATALOGUS, informatieobjecttypen: IOT },
    ...publishable,
    filter: (ctx, s, name, value) => (name === 'zaaktypen' ? ctx.store.byUrlOf(value)?.data.besluittypen?.includes(s.url) ?? false : undefined),
    render: (s, ctx) => {
      const st = ctx!.store;
      return {
        ...s.data,
        zaaktypen: st.all(ZAAKTYPE).filter((z) => (z.data.besluittypen ?? []).includes(s.url)).map((z) => z.url),
        vastgelegdIn: (s.data.informatieobjecttypen ?? []).map((u: string) => st.byUrlOf(u)?.data.omschrijving ?? ''),
        beginObject: beginObject(st, s),
      };
    },
  };
  return [catalogus, zaaktype, statustype, roltype, resultaattype, eigenschap, ziot, iot, besluittype];
}

/** `POST …/publish`: README §11. */
function publish(def: ResourceDef): Handler {
  return (ctx) => {
    const s = ctx.store.mustGet(def.kind, ctx.params.uuid!);
    if (def.kind === ZAAKTYPE) {
      const errs = [];
      const count = (kind: string) => ctx.store.where(kind, 'zaaktype', s.url).length;
      if (count(ROLTYPE) < 1) errs.push({ name: 'roltypen', code: 'concept-relation', reason: 'Zaaktype concepten moeten minimaal 1 roltype hebben' });
      if (count(RESULTAATTYPE) < 1) errs.push({ name: 'resultaattypen', code: 'concept-relation', reason: 'Zaaktype concepten moeten minimaal 1 resultaattype hebben' });
      if (count(STATUSTYPE) < 2) errs.push({ name: 'statustypen', code: 'concept-relation', reason: 'Zaaktype concepten moeten minimaal 2 statustypen hebben' });
      for (const u of s.data.besluittypen ?? []) {
        if (ctx.store.byUrlOf(u)?.data.concept !== false) errs.push({ name: 'besluittypen', code: 'concept-relation', reason: 'All related resources should be published' });
      }
      if (errs.length) throw validationError(errs);
    }
    const overlap = ctx.store.all(def.kind).some(
      (x) =>
        x !== s &&
        x.data.concept === false &&
        x.data.catalogus === s.data.catalogus &&
        sameType(s, x) &&
        (!x.data.eindeGeldigheid || x.data.eindeGeldigheid >= s.data.beginGeldigheid) &&
        (!s.data.eindeGeldigheid || s.data.eindeGeldigheid >= x.data.beginGeldigheid),
    );
    if (overlap) {
      throw invalid('beginGeldigheid', 'overlap', 'Dit type komt al voor binnen de catalogus en opgegeven geldigheidsperiode.');
    }
    s.data.concept = false;
    return { status: 200, body: render(def, s, ctx) };
  };
}

const OP_PREFIX: Record<string, string> = {
  [CATALOGUS]: 'catalogus',
  [ZAAKTYPE]: 'zaaktype',
  [STATUSTYPE]: 'statustype',
  [ROLTYPE]: 'roltype',
  [RESULTAATTYPE]: 'resultaattype',
  [EIGENSCHAP]: 'eigenschap',
  [ZIOT]: 'zaaktypeinformatieobjecttype',
  [IOT]: 'informatieobjecttype',
  [BESLUITTYPE]: 'besluittype',
};

export function catalogiHandlers(defs: ResourceDef[]): Record<string, Handler> {
  const out: Record<string, Handler> = {};
  for (const def of defs) {
    Object.assign(out, standardHandlers('catalogi', OP_PREFIX[def.kind]!, def));
    if ([ZAAKTYPE, IOT, BESLUITTYPE].includes(def.kind)) out[`catalogi:${OP_PREFIX[def.kind]}_publish`] = publish(def);
  }
  return out;
}
