/**
 * Zaken API 1.5 of the ZGW TEST DOUBLE (behaves like Open Zaak 1.12.4 where the recordings show it; README
 * §16–29): identificatie, closing and reopening, rollen, statussen, resultaat, zaakobjecten, zaakeigenschappen,
 * zaakinformatieobjecten, relations, search and expand.
 */
import { ApiError, forbidden, invalid, zaakClosed } from './errors.js';
import { EIGENSCHAP, RESULTAATTYPE, ROLTYPE, STATUSTYPE, ZAAKTYPE, ZIOT } from './catalogi.js';
import { type Ctx, type Handler, type ResourceDef, listItems, listReply, render, standardHandlers } from './resource.js';
import { type Stored, elfProef, localDatePart, matchesFilter } from './store.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export const ZAAK = 'zaken/zaken';
export const ROL = 'zaken/rollen';
export const STATUS = 'zaken/statussen';
export const RESULTAAT = 'zaken/resultaten';
export const ZAAKOBJECT = 'zaken/zaakobjecten';
export const ZAAKEIGENSCHAP = 'zaken/zaakeigenschappen';
export const ZIO = 'zaken/zaakinformatieobjecten';
export const ZAAKBESLUIT = 'zaken/zaakbesluiten';
export const KLANTCONTACT = 'zaken/klantcontacten';
export const EIO = 'documenten/enkelvoudiginformatieobjecten';
export const OIO = 'documenten/objectinformatieobjecten';
export const BESLUIT = 'besluiten/besluiten';

const BETROKKENE_TYPES: Record<string, string> = {
  natuurlijkPersoon: 'natuurlijk_persoon',
  nietNatuurlijkPersoon: 'niet_natuurlijk_persoon',
  vestiging: 'vestiging',
  organisatorischeEenheid: 'organisatorische_eenheid',
  medewerker: 'medewerker',
};

function isClosed(zaak: Stored | undefined): boolean {
  return !!zaak && zaak.data.einddatum !== null && zaak.data.einddatum !== undefined;
}

/** Adding things to a closed zaak needs `zaken.geforceerd-bijwerken` (README §22). */
export function assertZaakOpen(ctx: Ctx, zaakUrl: string | undefined): void {
  const zaak = ctx.store.byUrlOf(zaakUrl);
  if (isClosed(zaak) && !ctx.can('zaken.geforceerd-bijwerken')) throw zaakClosed();
}

/** The statustype/roltype/… must belong to the zaak's zaaktype, or it is reported as not existing. */
function sameZaaktype(ctx: Ctx, field: string, typeUrl: string, zaakUrl: string): void {
  const t = ctx.store.byUrlOf(typeUrl);
  const zaak = ctx.store.byUrlOf(zaakUrl);
  if (t && zaak && t.data.zaaktype !== zaak.data.zaaktype) {
    throw invalid(field, 'does_not_exist', `Bad URL "${typeUrl}" - object could not be fetched. This *may* be because you have insufficient read permissions.`);
  }
}

/** ISO 8601 duration (PnYnMnWnD) added to a date. */
function addDuration(date: string, duration: string): string | null {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(duration);
  if (!m) return null;
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + Number(m[1] ?? 0));
  d.setUTCMonth(d.getUTCMonth() + Number(m[2] ?? 0));
  d.setUTCDate(d.getUTCDate() + Number(m[3] ?? 0) * 7 + Number(m[4] ?? 0));
  return d.toISOString().slice(0, 10);
}

/** The current status: the one with the latest datumStatusGezet (README §20). */
function currentStatus(ctx: Ctx, zaakUrl: string): Stored | undefined {
  return ctx.store
    .where(STATUS, 'zaak', zaakUrl)
    .sort((a, b) => (a.data.datumStatusGezet < b.data.datumStatusGezet ? 1 : a.data.datumStatusGezet > b.data.datumStatusGezet ? -1 : b.seq - a.seq))[0];
}

function isEindStatustype(ctx: Ctx, statustypeUrl: string): boolean {
  const st = ctx.store.byUrlOf(statustypeUrl);
  if (!st) return false;
  const all = ctx.store.where(STATUSTYPE, 'zaaktype', st.data.zaaktype);
  return Number(st.data.volgnummer) === Math.max(...all.map((x) => Number(x.data.volgnummer)));
}

function removeZio(ctx: Ctx, zio: Stored): void {
  for (const oio of ctx.store.where(OIO, 'object', zio.data.zaak)) if (oio.data.informatieobject === zio.data.informatieobject) ctx.store.remove(oio);
  ctx.store.remove(zio);
}

function zaakDef(): ResourceDef {
  return {
    kind: ZAAK,
    schemaRef: '#/components/schemas/Zaak',
    refs: { zaaktype: ZAAKTYPE, hoofdzaak: ZAAK },
    fixedAfterCreate: ['identificatie', 'zaaktype'],
    create: (ctx, data) => {
      if (!mayUseZaaktype(ctx, data.zaaktype)) throw badZaaktype(data.zaaktype);
      const zt = ctx.store.byUrlOf(data.zaaktype)!;
      if (zt.data.concept !== false) throw invalid('zaaktype', 'not-published', 'Het ZAAKTYPE is nog niet gepubliceerd.');
      for (const f of ['bronorganisatie', 'verantwoordelijkeOrganisatie']) {
        if (data[f] !== undefined && !elfProef(data[f])) throw invalid(f, 'invalid', 'Onjuist RSIN nummer.');
      }
      ctx.store.assignIdentificatie(ZAAK, data, 'ZAAK', String(data.startdatum).slice(0, 4), 'bronorganisatie', 'Deze identificatie bestaat al binnen de bronorganisatie.');
      checkZaakRelations(ctx, data);
      data.registratiedatum ??= ctx.store.today();
      data.vertrouwelijkheidaanduiding ??= zt.data.vertrouwelijkheidaanduiding;
      data.archiefstatus ??= 'nog_te_archiveren';
      data.opschorting ??= { indicatie: false, reden: '' };
      data.einddatum = null;
      data.archiefnominatie ??= null;
      data.archiefactiedatum ??= null;
    },
    update: (ctx, s, data, changes) => {
      if (!mayUseZaaktype(ctx, s.data.zaaktype)) throw forbidden();
      if (isClosed(s) && !ctx.can('zaken.geforceerd-bijwerken')) throw forbidden('Modifying a closed case with current scope is forbidden');
      if ('relevanteAndereZaken' in changes || 'hoofdzaak' in changes) checkZaakRelations(ctx, data);
    },
    destroy: (ctx, s) => {
      if (!mayUseZaaktype(ctx, s.data.zaaktype)) throw forbidden();
      if (ctx.store.where(BESLUIT, 'zaak', s.url).length) {
        throw invalid('nonFieldErrors', 'related-besluiten', 'Deze zaak heeft nog besluiten; verwijder deze eerst.');
      }
      for (const kind of [ROL, STATUS, RESULTAAT, ZAAKOBJECT, ZAAKEIGENSCHAP, ZAAKBESLUIT, KLANTCONTACT]) for (const x of ctx.store.where(kind, 'zaak', s.url)) ctx.store.remove(x);
      for (const zio of ctx.store.where(ZIO, 'zaak', s.url)) removeZio(ctx, zio);
    },
    scope: (ctx, items) => items.filter((z) => mayUseZaaktype(ctx, z.data.zaaktype)),
    filter: (ctx, s, name, value) => {
      if (name.startsWith('rol__')) {
        const rolName = name.slice(5);
        return ctx.store.where(ROL, 'zaak', s.url).some((r) => rolMatches(r, rolName, value));
      }
      if (name === 'maximaleVertrouwelijkheidaanduiding') return true;
      return undefined;
    },
    render: (s, ctx) => {
      const st = ctx!.store;
      const status = currentStatus(ctx!, s.url);
      return {
        ...s.data,
        deelzaken: st.where(ZAAK, 'hoofdzaak', s.url).map((z) => z.url),
        eigenschappen: st.where(ZAAKEIGENSCHAP, 'zaak', s.url).map((z) => z.url),
        rollen: st.where(ROL, 'zaak', s.url).map((z) => z.url),
        status: status?.url ?? null,
        zaakinformatieobjecten: st.where(ZIO, 'zaak', s.url).map((z) => z.url),
        zaakobjecten: st.where(ZAAKOBJECT, 'zaak', s.url).map((z) => z.url),
        resultaat: st.where(RESULTAAT, 'zaak', s.url)[0]?.url ?? null,
      };
    },
  };
}

/** A client restricted to some zaaktypen neither sees nor creates zaken of others. */
function mayUseZaaktype(ctx: Ctx, zaaktype: string): boolean {
  return !ctx.client.zaaktypen || ctx.client.allScopes || ctx.client.zaaktypen.has(zaaktype);
}

function badZaaktype(url: string): ApiError {
  return invalid('zaaktype', 'does_not_exist', `Bad URL "${url}" - object could not be fetched. This *may* be because you have insufficient read permissions.`);
}

function checkZaakRelations(ctx: Ctx, data: Json): void {
  (data.relevanteAndereZaken ?? []).forEach((r: Json, i: number) => ctx.store.resolve(`relevanteAndereZaken.${i}.url`, r.url, ZAAK));
  if (data.hoofdzaak) {
    const hoofd = ctx.store.resolve('hoofdzaak', data.hoofdzaak, ZAAK);
    if (hoofd.data.hoofdzaak) throw invalid('hoofdzaak', 'deelzaak-als-hoofdzaak', 'Een deelzaak kan geen hoofdzaak zijn.');
    const hoofdType = ctx.store.byUrlOf(hoofd.data.zaaktype);
    if (!(hoofdType?.data.deelzaaktypen ?? []).includes(data.zaaktype)) {
      throw invalid('hoofdzaak', 'invalid-deelzaaktype', 'Het zaaktype van de deelzaak komt niet voor in de deelzaaktypen van het hoofdzaaktype.');
    }
  }
}

function rolMatches(r: Stored, name: string, value: string): boolean {
  const m = /^betrokkeneIdentificatie__(\w+?)__(\w+)$/.exec(name);
  if (m) {
    const type = BETROKKENE_TYPES[m[1]!];
    return r.data.betrokkeneType === type && String(r.data.betrokkeneIdentificatie?.[m[2]!] ?? '') === value;
  }
  return matchesFilter(r.data, name, value);
}

function rolDef(): ResourceDef {
  return {
    kind: ROL,
    schemaRef: '#/components/schemas/Rol',
    refs: { zaak: ZAAK, roltype: ROLTYPE },
    create: (ctx, data) => {
      assertZaakOpen(ctx, data.zaak);
      sameZaaktype(ctx, 'roltype', data.roltype, data.zaak);
      if (!data.betrokkene && !data.betrokkeneIdentificatie) {
        throw invalid('nonFieldErrors', 'invalid-betrokkene', 'betrokkene or betrokkeneIdentificatie must be provided');
      }
      const bsn = data.betrokkeneIdentificatie?.inpBsn;
      if (bsn && !elfProef(bsn)) throw invalid('betrokkeneIdentificatie.inpBsn', 'invalid', 'Onjuist BSN nummer.');
      const rt = ctx.store.byUrlOf(data.roltype)!;
      data.omschrijving = rt.data.omschrijving;
      data.omschrijvingGeneriek = rt.data.omschrijvingGeneriek;
      data.registratiedatum = ctx.store.nowUtc();
    },
    filter: (_ctx, s, name, value) => (name.startsWith('betrokkeneIdentificatie__') ? rolMatches(s, name, value) : undefined),
  };
}

function statusDef(): ResourceDef {
  return {
    kind: STATUS,
    schemaRef: '#/components/schemas/Status',
    refs: { zaak: ZAAK, statustype: STATUSTYPE, gezetdoor: ROL },
    order: (a, b) => (a.data.datumStatusGezet < b.data.datumStatusGezet ? 1 : a.data.datumStatusGezet > b.data.datumStatusGezet ? -1 : b.seq - a.seq),
    create: (ctx, data) => {
      // not in the recordings: Open Zaak's status serializer has a "not in the future" validator on this field
      if (Date.parse(data.datumStatusGezet) > ctx.store.now()) throw invalid('datumStatusGezet', 'future_not_allowed', 'Deze datum mag niet in de toekomst zijn.');
      sameZaaktype(ctx, 'statustype', data.statustype, data.zaak);
      const zaak = ctx.store.byUrlOf(data.zaak)!;
      const eind = isEindStatustype(ctx, data.statustype);
      if (isClosed(zaak) && !eind && !ctx.can('zaken.heropenen')) throw forbidden('Reopening a closed case with current scope is forbidden');
      if (isClosed(zaak) && eind && !ctx.can('zaken.geforceerd-bijwerken')) throw forbidden('Modifying a closed case with current scope is forbidden');
      if (eind) {
        const resultaat = ctx.store.where(RESULTAAT, 'zaak', zaak.url)[0];
        if (!resultaat) throw invalid('nonFieldErrors', 'resultaat-does-not-exist', 'Zaak has no resultaat.');
        for (const zio of ctx.store.where(ZIO, 'zaak', zaak.url)) {
          const eio = ctx.store.byUrlOf(zio.data.informatieobject);
          if (!eio) continue;
          if (eio.data.indicatieGebruiksrecht === null || eio.data.indicatieGebruiksrecht === undefined) {
            throw invalid('nonFieldErrors', 'indicatiegebruiksrecht-unset', 'Om een zaak af te sluiten moet van alle informatieobjecten het `indicatieGebruiksrecht` gezet zijn.');
          }
          if (eio.data.lock) throw invalid('nonFieldErrors', 'informatieobject-locked', 'Er zijn gerelateerde informatieobjecten die nog gelocked zijn. Deze informatieobjecten moet eerst unlocked worden voordat de zaak afgesloten kan worden.');
        }
      }
      data.__sentDatum = (ctx.body as Json).datumStatusGezet;
    },
    afterCreate: (ctx, s) => {
      const sent: string = s.data.__sentDatum;
      delete s.data.__sentDatum;
      const zaak = ctx.store.byUrlOf(s.data.zaak)!;
      const current = currentStatus(ctx, zaak.url);
      if (current !== s) return; // an earlier datumStatusGezet does not become the zaak's status
      if (isEindStatustype(ctx, s.data.statustype)) {
        const resultaat = ctx.store.where(RESULTAAT, 'zaak', zaak.url)[0]!;
        const rt = ctx.store.byUrlOf(resultaat.data.resultaattype);
        const einddatum = localDatePart(sent);
        zaak.data.einddatum = einddatum;
        zaak.data.archiefnominatie = rt?.data.archiefnominatie ?? null;
        const termijn = rt?.data.archiefactietermijn;
        zaak.data.archiefactiedatum = rt?.data.archiefnominatie === 'vernietigen' && termijn ? addDuration(einddatum, termijn) : null;
      } else if (isClosed(zaak)) {
        zaak.data.einddatum = null;
        zaak.data.archiefnominatie = null;
        zaak.data.archiefactiedatum = null;
      }
    },
    render: (s, ctx) => ({
      ...s.data,
      indicatieLaatstGezetteStatus: currentStatus(ctx!, s.data.zaak) === s,
      zaakinformatieobjecten: ctx!.store.where(ZIO, 'status', s.url).map((z) => z.url),
    }),
  };
}

function resultaatDef(): ResourceDef {
  return {
    kind: RESULTAAT,
    schemaRef: '#/components/schemas/Resultaat',
    refs: { zaak: ZAAK, resultaattype: RESULTAATTYPE },
    create: (ctx, data) => {
      assertZaakOpen(ctx, data.zaak);
      sameZaaktype(ctx, 'resultaattype', data.resultaattype, data.zaak);
      if (ctx.store.where(RESULTAAT, 'zaak', data.zaak).length) throw invalid('zaak', 'unique', 'Resultaat met deze Zaak bestaat al.');
    },
  };
}

function zaakobjectDef(): ResourceDef {
  return {
    kind: ZAAKOBJECT,
    schemaRef: '#/components/schemas/ZaakObject',
    refs: { zaak: ZAAK },
    create: (ctx, data) => {
      assertZaakOpen(ctx, data.zaak);
      if (!data.object && !data.objectIdentificatie) {
        throw invalid('nonFieldErrors', 'invalid-zaakobject', 'object or objectIdentificatie must be set');
      }
      if (data.objectType === 'overige' && !data.objectTypeOverige && !data.objectTypeOverigeDefinitie) {
        throw invalid('nonFieldErrors', 'missing-object-type-overige', 'Als `objectType` de waarde "overige" heeft, moet `objectTypeOverige` van een waarde voorzien zijn.');
      }
      if (data.object && !ctx.store.byUrlOf(data.object) && !ctx.store.externalObjects.some((p) => data.object.startsWith(p))) {
        // Open Zaak fetches the object URL; the double only knows its own resources
        throw invalid('object', 'bad-url', `De URL ${data.object} kon niet opgehaald worden (zgw-double: only its own resources and externalObjects resolve).`);
      }
      data.relatieomschrijving ??= '';
    },
  };
}

function zaakeigenschapDef(): ResourceDef {
  return {
    kind: ZAAKEIGENSCHAP,
    schemaRef: '#/components/schemas/ZaakEigenschap',
    refs: { zaak: ZAAK, eigenschap: EIGENSCHAP },
    urlPath: (uuid, data) => `/zaken/${ctxZaakUuid(data.zaak)}/zaakeigenschappen/${uuid}`,
    create: (ctx, data) => {
      assertZaakOpen(ctx, data.zaak);
      sameZaaktype(ctx, 'eigenschap', data.eigenschap, data.zaak);
      data.naam = ctx.store.byUrlOf(data.eigenschap)!.data.naam;
    },
  };
}

function ctxZaakUuid(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

function zioDef(): ResourceDef {
  return {
    kind: ZIO,
    schemaRef: '#/components/schemas/ZaakInformatieObject',
    refs: { zaak: ZAAK, informatieobject: EIO, status: STATUS },
    create: (ctx, data) => {
      assertZaakOpen(ctx, data.zaak);
      // not in the recordings (their zaaktypen always listed the type): Open Zaak's ZIO validator requires the
      // document's informatieobjecttype among the zaaktype's (zaaktype-informatieobjecttypen)
      const iot = ctx.store.byUrlOf(data.informatieobject)?.data.informatieobjecttype;
      const zaaktype = ctx.store.byUrlOf(data.zaak)?.data.zaaktype;
      if (iot && zaaktype && !ctx.store.where(ZIOT, 'zaaktype', zaaktype).some((z) => z.data.informatieobjecttype === iot)) {
        throw invalid('nonFieldErrors', 'missing-zaaktype-informatieobjecttype-relation', 'Het informatieobjecttype hoort niet bij het zaaktype van de zaak.');
      }
      if (ctx.store.where(ZIO, 'zaak', data.zaak).some((z) => z.data.informatieobject === data.informatieobject)) {
        throw invalid('nonFieldErrors', 'unique', 'De velden zaak, informatieobject moeten een unieke set zijn.');
      }
      data.aardRelatieWeergave = 'Hoort bij, omgekeerd: kent';
      data.registratiedatum = ctx.store.nowUtc();
    },
    // Open Zaak creates the matching objectinformatieobject itself (README §36)
    afterCreate: (ctx, s) => {
      ctx.store.add(OIO, { informatieobject: s.data.informatieobject, object: s.data.zaak, objectType: 'zaak' });
    },
    destroy: (ctx, s) => {
      for (const oio of ctx.store.where(OIO, 'object', s.data.zaak)) if (oio.data.informatieobject === s.data.informatieobject) ctx.store.remove(oio);
    },
  };
}

/** Klantcontacten: deprecated in Zaken 1.5; they work, and every answer carries Open Zaak's `Warning` (README §27). */
function klantcontactDef(): ResourceDef {
  return {
    kind: KLANTCONTACT,
    schemaRef: '#/components/schemas/KlantContact',
    refs: { zaak: ZAAK },
    create: (ctx, data) => assertZaakOpen(ctx, data.zaak),
  };
}

function zaakbesluitDef(): ResourceDef {
  return {
    kind: ZAAKBESLUIT,
    schemaRef: '#/components/schemas/ZaakBesluit',
    urlPath: (uuid, data) => `/zaken/${ctxZaakUuid(data.zaak)}/besluiten/${uuid}`,
  };
}

/** The expanded form of a URL (or list of URLs): the rendered resource(s), with nested `_expand` for dotted paths. */
function expandValue(ctx: Ctx, value: unknown, path: string[], defs: Map<string, ResourceDef>): unknown {
  const one = (url: unknown): unknown => {
    const s = ctx.store.byUrlOf(url as string);
    if (!s) return null;
    const def = defs.get(s.kind);
    const r = def ? render(def, s, ctx) : { url: s.url };
    if (path.length) {
      const [head, ...rest] = path;
      r._expand = { [head!]: expandValue(ctx, r[head!], rest, defs) };
    }
    return r;
  };
  if (Array.isArray(value)) return value.map(one);
  if (value === null || value === undefined || value === '') return null;
  return one(value);
}

const EXPANDABLE = ['zaaktype', 'status', 'resultaat', 'rollen', 'zaakinformatieobjecten', 'zaakobjecten', 'eigenschappen', 'hoofdzaak', 'deelzaken', 'relevanteAndereZaken'];

function applyExpand(ctx: Ctx, zaak: Json, expand: string[], defs: Map<string, ResourceDef>): Json {
  const out: Json = {};
  for (const e of expand) {
    const [head, ...rest] = e.split('.');
    const v = head === 'relevanteAndereZaken' ? (zaak.relevanteAndereZaken ?? []).map((r: Json) => r.url) : zaak[head!];
    const expanded = expandValue(ctx, v, rest, defs);
    // merge nested _expand of several dotted paths on the same head
    if (out[head!] && rest.length && expanded && typeof expanded === 'object' && !Array.isArray(expanded)) {
      (out[head!] as Json)._expand = { ...((out[head!] as Json)._expand ?? {}), ...((expanded as Json)._expand ?? {}) };
    } else out[head!] = expanded;
  }
  return { ...zaak, _expand: out };
}

function parseExpand(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  return [];
}

function checkExpand(expand: string[]): void {
  for (const e of expand) {
    const [head, ...rest] = e.split('.');
    if (!EXPANDABLE.includes(head!) || (rest.length && !['status', 'zaaktype', 'resultaat', 'rollen', 'hoofdzaak'].includes(head!))) {
      throw invalid('expand', 'invalid_choice', `Het veld "${e}" kan niet uitgebreid worden.`);
    }
  }
}

export function zakenDefs(): ResourceDef[] {
  return [zaakDef(), rolDef(), statusDef(), resultaatDef(), zaakobjectDef(), zaakeigenschapDef(), zioDef(), zaakbesluitDef(), klantcontactDef()];
}

export function zakenHandlers(defs: Map<string, ResourceDef>): Record<string, Handler> {
  const def = (k: string): ResourceDef => defs.get(k)!;
  const out: Record<string, Handler> = {
    ...standardHandlers('zaken', 'zaak', def(ZAAK)),
    ...standardHandlers('zaken', 'rol', def(ROL)),
    ...standardHandlers('zaken', 'status', def(STATUS)),
    ...standardHandlers('zaken', 'resultaat', def(RESULTAAT)),
    ...standardHandlers('zaken', 'zaakobject', def(ZAAKOBJECT)),
    ...standardHandlers('zaken', 'zaakinformatieobject', def(ZIO)),
  };
  for (const [op, h] of Object.entries(standardHandlers('zaken', 'klantcontact', def(KLANTCONTACT)))) {
    out[op] = async (ctx) => {
      const r = await h(ctx);
      const warning = `299 "${ctx.store.root('zaken')}/klantcontacten" "Deze endpoint is verouderd en zal binnenkort uit dienst worden genomen. Maak gebruik van de vervangende contactmomenten API."`;
      return { ...r, headers: { ...(r.headers ?? {}), Warning: warning } };
    };
  }
  const zaakD = def(ZAAK);
  // zaak list results always carry `_expand` (README §29)
  const expandList = (ctx: Ctx, items: Stored[], expand: string[]) => listReply(ctx, zaakD, items, (z) => applyExpand(ctx, z, expand, defs));
  out['zaken:zaak_list'] = (ctx) => {
    const expand = (ctx.query.get('expand') ?? '').split(',').filter(Boolean);
    checkExpand(expand);
    return expandList(ctx, listItems(ctx, zaakD, ctx.store.all(ZAAK), ctx.query), expand);
  };
  out['zaken:zaak_read'] = (ctx) => {
    const s = ctx.store.mustGet(ZAAK, ctx.params.uuid!);
    if (!mayUseZaaktype(ctx, s.data.zaaktype)) throw forbidden();
    const expand = (ctx.query.get('expand') ?? '').split(',').filter(Boolean);
    checkExpand(expand);
    const body = render(zaakD, s, ctx);
    return { status: 200, body: expand.length ? applyExpand(ctx, body, expand, defs) : body };
  };
  out['zaken:zaak__zoek'] = (ctx) => {
    const body: Json = ctx.body ?? {};
    if (!body || Object.keys(body).length === 0) throw invalid('nonFieldErrors', 'empty_search_body', 'Search parameters must be specified');
    const expand = parseExpand(body.expand); // a string is silently ignored, as Open Zaak does
    checkExpand(expand);
    const q = new URLSearchParams();
    let items = ctx.store.all(ZAAK);
    for (const [k, v] of Object.entries<Json>(body)) {
      if (k === 'expand' || k === 'zaakgeometrie') continue;
      if (k === 'uuid__in') items = items.filter((z) => (v as string[]).includes(z.uuid));
      else q.set(k, Array.isArray(v) ? v.join(',') : String(v));
    }
    if (body.zaakgeometrie?.within) items = items.filter((z) => within(z.data.zaakgeometrie, body.zaakgeometrie.within));
    return expandList(ctx, listItems(ctx, zaakD, items, q), expand);
  };
  const zeD = def(ZAAKEIGENSCHAP);
  const zeCrud = standardHandlers('zaken', 'zaakeigenschap', zeD);
  const zaakUrlOf = (ctx: Ctx): string => ctx.store.mustGet(ZAAK, ctx.params.zaak_uuid!).url;
  const nested = (h: Handler): Handler => (ctx) => {
    const zaakUrl = zaakUrlOf(ctx);
    if (ctx.params.uuid) {
      const s = ctx.store.get(ctx.op.operationId.startsWith('zaakbesluit') ? ZAAKBESLUIT : ZAAKEIGENSCHAP, ctx.params.uuid);
      if (!s || s.data.zaak !== zaakUrl) throw new ApiError(404, 'NotFound', 'not_found', 'Niet gevonden.');
    }
    return h(ctx);
  };
  out['zaken:zaakeigenschap_list'] = nested((ctx) => listReply(ctx, zeD, ctx.store.where(ZAAKEIGENSCHAP, 'zaak', zaakUrlOf(ctx)).sort((a, b) => b.seq - a.seq)));
  for (const k of ['create', 'read', 'update', 'partial_update', 'delete']) out[`zaken:zaakeigenschap_${k}`] = nested(zeCrud[`zaken:zaakeigenschap_${k}`]!);
  const zbD = def(ZAAKBESLUIT);
  out['zaken:zaakbesluit_list'] = nested((ctx) => listReply(ctx, zbD, ctx.store.where(ZAAKBESLUIT, 'zaak', zaakUrlOf(ctx)).sort((a, b) => b.seq - a.seq)));
  out['zaken:zaakbesluit_read'] = nested((ctx) => ({ status: 200, body: render(zbD, ctx.store.mustGet(ZAAKBESLUIT, ctx.params.uuid!), ctx) }));
  return out;
}

/** Point-in-polygon for `zaakgeometrie.within` (Points and the first ring of a Polygon only). */
function within(geom: Json, area: Json): boolean {
  if (!geom || geom.type !== 'Point' || !area || area.type !== 'Polygon') return false;
  const [x, y] = geom.coordinates as [number, number];
  const ring: Array<[number, number]> = area.coordinates[0];
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

