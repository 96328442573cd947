/**
 * The berichten Zaakpoort itself sends to the legacy zaaksysteem (ZDS 1.2 vragen, the ZDS 1.1 generic zakLv01
 * for a selection on zaaktype, genereer*Identificatie): to copy a zaak in on first touch, to find a zaak's
 * zaaktype, and at cut-over. Zender is Zaakpoort's own address, ontvanger migration.legacy.ontvanger.
 */
import type { Config } from '../config.js';
import { type Clock, formatTijdstip } from '../stuf/dates.js';
import { NS, PREFIX_DECLS } from '../stuf/namespaces.js';
import { newReferentienummer } from '../stuf/reply.js';
import { type Systeem, writeStuurgegevens } from '../stuf/stuurgegevens.js';
import { escapeText } from '../xml/escape.js';

export interface VraagContext {
  self: Config['self'];
  ontvanger: Systeem;
  clock: Clock;
  timeZone: string;
}

const DECLS = `xmlns:ZDS="${NS.zds}" ${PREFIX_DECLS}`;
export const ZDS_ACTION = 'http://www.stufstandaarden.nl/koppelvlak/zds0120/';
const ZKN_ACTION = 'http://www.egem.nl/StUF/sector/zkn/0310/';

export interface LegacyVraag {
  operation: string;
  xml: string;
  soapAction: string;
}

function stuurgegevens(ctx: VraagContext, berichtcode: string, extra: { entiteittype?: string; functie?: string }, qname = 'ZKN:stuurgegevens'): string {
  return writeStuurgegevens({
    qname,
    berichtcode,
    reply: {
      zender: ctx.self,
      ontvanger: ctx.ontvanger,
      referentienummer: newReferentienummer(ctx.clock),
      tijdstipBericht: formatTijdstip(ctx.clock.now(), ctx.timeZone),
    },
    ...extra,
  });
}

function lv01(ctx: VraagContext, operation: string, entiteittype: string, id: string, scopeObject: string): LegacyVraag {
  const root = `ZDS:${operation}`;
  const xml =
    `<${root} ${DECLS}>${stuurgegevens(ctx, 'Lv01', { entiteittype })}` +
    '<ZKN:parameters><StUF:sortering>0</StUF:sortering><StUF:indicatorVervolgvraag>false</StUF:indicatorVervolgvraag></ZKN:parameters>' +
    `<ZKN:gelijk StUF:entiteittype="${entiteittype}"><ZKN:identificatie>${escapeText(id)}</ZKN:identificatie></ZKN:gelijk>` +
    `<ZKN:scope>${scopeObject}</ZKN:scope></${root}>`;
  return { operation, xml, soapAction: `${ZDS_ACTION}${operation.split('_')[0]}_Lv01` };
}

/** geefZaakdetails with scope alles: everything the legacy system knows about the zaak. */
export function geefZaakdetailsAlles(ctx: VraagContext, zaak: string): LegacyVraag {
  return lv01(ctx, 'geefZaakdetails_ZakLv01', 'ZAK', zaak, '<ZKN:object StUF:entiteittype="ZAK" StUF:scope="alles"/>');
}

/** geefZaakdetails asking only the zaaktype: to route a bericht about a zaak nobody here knows yet. */
export function geefZaaktype(ctx: VraagContext, zaak: string): LegacyVraag {
  return lv01(ctx, 'geefZaakdetails_ZakLv01', 'ZAK', zaak,
    '<ZKN:object StUF:entiteittype="ZAK"><ZKN:identificatie xsi:nil="true"/><ZKN:isVan StUF:entiteittype="ZAKZKT">' +
      '<ZKN:gerelateerde StUF:entiteittype="ZKT"><ZKN:code xsi:nil="true"/></ZKN:gerelateerde></ZKN:isVan></ZKN:object>');
}

/** geefLijstZaakdocumenten with the link's own attributes (registratiedatum, titel, status at linking). */
export function geefLijstZaakdocumenten(ctx: VraagContext, zaak: string): LegacyVraag {
  return lv01(ctx, 'geefLijstZaakdocumenten_ZakLv01', 'ZAK', zaak,
    '<ZKN:object StUF:entiteittype="ZAK"><ZKN:identificatie xsi:nil="true"/><ZKN:heeftRelevant StUF:entiteittype="ZAKEDC">' +
      '<ZKN:gerelateerde StUF:entiteittype="EDC" StUF:scope="alles"/>' +
      '<ZKN:titel xsi:nil="true"/><ZKN:beschrijving xsi:nil="true"/><ZKN:registratiedatum xsi:nil="true"/>' +
      '<ZKN:stt.volgnummer xsi:nil="true"/><ZKN:stt.omschrijving xsi:nil="true"/>' +
      '</ZKN:heeftRelevant></ZKN:object>');
}

/** geefBesluitdetails with scope alles: the besluit with the documents it is laid down in. */
export function geefBesluitdetails(ctx: VraagContext, besluit: string): LegacyVraag {
  return lv01(ctx, 'geefBesluitdetails_BslLv01', 'BSL', besluit, '<ZKN:object StUF:entiteittype="BSL" StUF:scope="alles"/>');
}

/** geefZaakdocumentLezen with scope alles: metadata and content. */
export function geefZaakdocumentLezen(ctx: VraagContext, document: string): LegacyVraag {
  return lv01(ctx, 'geefZaakdocumentLezen_EdcLv01', 'EDC', document, '<ZKN:object StUF:entiteittype="EDC" StUF:scope="alles"/>');
}

/** geefZaakdocumentLezen asking only the zaak the document belongs to: to route a bericht about the document. */
export function geefDocumentZaak(ctx: VraagContext, document: string): LegacyVraag {
  return lv01(ctx, 'geefZaakdocumentLezen_EdcLv01', 'EDC', document,
    '<ZKN:object StUF:entiteittype="EDC"><ZKN:identificatie xsi:nil="true"/><ZKN:isRelevantVoor StUF:entiteittype="EDCZAK">' +
      '<ZKN:gerelateerde StUF:entiteittype="ZAK"><ZKN:identificatie xsi:nil="true"/></ZKN:gerelateerde></ZKN:isRelevantVoor></ZKN:object>');
}

/** The generic zakLv01 selecting every zaak of a zaaktype, identificatie only, from `after` on (vervolgvraag). */
export function zakenVanZaaktype(ctx: VraagContext, zaaktype: string, after: string | undefined, maximumAantal: number): LegacyVraag {
  const xml =
    `<ZKN:zakLv01 ${DECLS}>${stuurgegevens(ctx, 'Lv01', { entiteittype: 'ZAK' })}` +
    `<ZKN:parameters><StUF:sortering>1</StUF:sortering><StUF:indicatorVervolgvraag>${after !== undefined}</StUF:indicatorVervolgvraag>` +
    `<StUF:maximumAantal>${maximumAantal}</StUF:maximumAantal></ZKN:parameters>` +
    '<ZKN:gelijk StUF:entiteittype="ZAK"><ZKN:isVan StUF:entiteittype="ZAKZKT"><ZKN:gerelateerde StUF:entiteittype="ZKT">' +
    `<ZKN:code>${escapeText(zaaktype)}</ZKN:code></ZKN:gerelateerde></ZKN:isVan></ZKN:gelijk>` +
    '<ZKN:scope><ZKN:object StUF:entiteittype="ZAK"><ZKN:identificatie xsi:nil="true"/></ZKN:object></ZKN:scope>' +
    (after !== undefined ? `<ZKN:start><ZKN:object StUF:entiteittype="ZAK"><ZKN:identificatie>${escapeText(after)}</ZKN:identificatie></ZKN:object></ZKN:start>` : '') +
    '</ZKN:zakLv01>';
  return { operation: 'zakLv01', xml, soapAction: `${ZKN_ACTION}zakLv01` };
}

/** genereerZaakIdentificatie / genereerDocumentIdentificatie: a fresh legacy value is above all it issued before. */
export function genereerIdentificatie(ctx: VraagContext, kind: 'Zaak' | 'Document'): LegacyVraag {
  const operation = `genereer${kind}Identificatie_Di02`;
  const functie = kind === 'Zaak' ? 'genereerZaakidentificatie' : 'genereerDocumentidentificatie';
  const xml = `<ZDS:${operation} ${DECLS}>${stuurgegevens(ctx, 'Di02', { functie }, 'ZDS:stuurgegevens')}</ZDS:${operation}>`;
  return { operation, xml, soapAction: `${ZDS_ACTION}${operation}` };
}
