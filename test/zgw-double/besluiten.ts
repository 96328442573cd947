/**
 * Besluiten API 1.1 of the ZGW TEST DOUBLE (behaves like Open Zaak 1.12.4 where the recordings show it; README
 * §40–41): identificatie, datum rules, the zaaktype check, besluitinformatieobjecten and the zaak's besluiten.
 */
import { invalid } from './errors.js';
import { BESLUITTYPE } from './catalogi.js';
import { type Handler, type ResourceDef, standardHandlers } from './resource.js';
import { BESLUIT, EIO, OIO, ZAAK, ZAAKBESLUIT, assertZaakOpen } from './zaken.js';

export const BIO = 'besluiten/besluitinformatieobjecten';

const VERVALREDEN: Record<string, string> = {
  tijdelijk: 'Besluit met tijdelijke werking',
  ingetrokken_overheid: 'Besluit ingetrokken door overheid',
  ingetrokken_belanghebbende: 'Besluit ingetrokken o.v.v. belanghebbende',
};

function besluitDef(): ResourceDef {
  return {
    kind: BESLUIT,
    schemaRef: '#/components/schemas/Besluit',
    refs: { besluittype: BESLUITTYPE, zaak: ZAAK },
    fixedAfterCreate: ['identificatie', 'besluittype'],
    create: (ctx, data) => {
      if (ctx.store.byUrlOf(data.besluittype)?.data.concept !== false) throw invalid('besluittype', 'not-published', 'Het besluittype is nog niet gepubliceerd.');
      ctx.store.assignIdentificatie(BESLUIT, data, 'BESLUIT', String(data.datum).slice(0, 4), 'verantwoordelijkeOrganisatie', 'Deze identificatie bestaat al voor deze verantwoordelijke organisatie');
      if (data.datum > ctx.store.today()) throw invalid('datum', 'future_not_allowed', 'Deze datum mag niet in de toekomst zijn.');
      if (data.zaak) {
        assertZaakOpen(ctx, data.zaak);
        const zaaktype = ctx.store.byUrlOf(ctx.store.byUrlOf(data.zaak)?.data.zaaktype);
        if (!(zaaktype?.data.besluittypen ?? []).includes(data.besluittype)) {
          throw invalid('nonFieldErrors', 'zaaktype-mismatch', 'De referentie hoort niet bij het zaaktype van de zaak.');
        }
      }
      data.zaak ??= '';
    },
    render: (s) => ({ ...s.data, vervalredenWeergave: VERVALREDEN[s.data.vervalreden] ?? '' }),
    afterCreate: (ctx, s) => {
      if (s.data.zaak) ctx.store.add(ZAAKBESLUIT, { zaak: s.data.zaak, besluit: s.url }, (u) => `/zaken/${s.data.zaak.split('/').pop()}/besluiten/${u}`);
    },
    update: (ctx, s, data) => {
      if (data.zaak !== s.data.zaak) {
        for (const zb of ctx.store.where(ZAAKBESLUIT, 'besluit', s.url)) ctx.store.remove(zb);
        if (data.zaak) ctx.store.add(ZAAKBESLUIT, { zaak: data.zaak, besluit: s.url }, (u) => `/zaken/${data.zaak.split('/').pop()}/besluiten/${u}`);
      }
    },
    destroy: (ctx, s) => {
      for (const zb of ctx.store.where(ZAAKBESLUIT, 'besluit', s.url)) ctx.store.remove(zb);
      for (const bio of ctx.store.where(BIO, 'besluit', s.url)) ctx.store.remove(bio);
      for (const oio of ctx.store.where(OIO, 'object', s.url)) ctx.store.remove(oio);
    },
  };
}

function bioDef(): ResourceDef {
  return {
    kind: BIO,
    schemaRef: '#/components/schemas/BesluitInformatieObject',
    refs: { besluit: BESLUIT, informatieobject: EIO },
    create: (ctx, data) => {
      // not in the recordings (their besluittype listed the type): Open Zaak requires the document's
      // informatieobjecttype among the besluittype's informatieobjecttypen
      const iot = ctx.store.byUrlOf(data.informatieobject)?.data.informatieobjecttype;
      const besluittype = ctx.store.byUrlOf(ctx.store.byUrlOf(data.besluit)?.data.besluittype);
      if (iot && besluittype && !(besluittype.data.informatieobjecttypen ?? []).includes(iot)) {
        throw invalid('nonFieldErrors', 'missing-besluittype-informatieobjecttype-relation', 'Het informatieobjecttype hoort niet bij het besluitype van de besluit.');
      }
      if (ctx.store.where(BIO, 'besluit', data.besluit).some((b) => b.data.informatieobject === data.informatieobject)) {
        throw invalid('nonFieldErrors', 'unique', 'De velden besluit, informatieobject moeten een unieke set zijn.');
      }
    },
    afterCreate: (ctx, s) => {
      ctx.store.add(OIO, { informatieobject: s.data.informatieobject, object: s.data.besluit, objectType: 'besluit' });
    },
    destroy: (ctx, s) => {
      for (const oio of ctx.store.where(OIO, 'object', s.data.besluit)) if (oio.data.informatieobject === s.data.informatieobject) ctx.store.remove(oio);
    },
  };
}

export function besluitenDefs(): ResourceDef[] {
  return [besluitDef(), bioDef()];
}

export function besluitenHandlers(defs: Map<string, ResourceDef>): Record<string, Handler> {
  return {
    ...standardHandlers('besluiten', 'besluit', defs.get(BESLUIT)!),
    ...standardHandlers('besluiten', 'besluitinformatieobject', defs.get(BIO)!),
  };
}
