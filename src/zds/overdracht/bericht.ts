/**
 * The overdragenZaak_Di01 Zaakpoort sends to a zaakservice-consumer (ZDS 1.2 #22b). Element order follows
 * DI01_overdragenZaak in zds0120_ent_zs-dms.xsd: stuurgegevens, melding*, object (identificatie, isVan).
 */
import { NS, PREFIX_DECLS } from '../../stuf/namespaces.js';
import { type Systeem, writeStuurgegevens } from '../../stuf/stuurgegevens.js';
import { escapeText } from '../../xml/escape.js';

export const DI01_ROOT = 'overdragenZaak_Di01';
/** BIND: namespace of the input element + '/' + operation name. */
export const DI01_SOAP_ACTION = `${NS.zds}/${DI01_ROOT}`;

export interface Di01Input {
  zender: Systeem;
  ontvanger: Systeem;
  referentienummer: string;
  tijdstipBericht: string;
  meldingen: string[];
  zaakIdentificatie: string;
  /** isVan is 1..1 (RN #488636) with code and omschrijving both required (RN #488381). */
  zaaktype: { code: string; omschrijving: string };
}

export function writeOverdragenZaakDi01(i: Di01Input): string {
  const sg = writeStuurgegevens({
    qname: 'ZKN:stuurgegevens',
    berichtcode: 'Di01',
    reply: { zender: i.zender, ontvanger: i.ontvanger, referentienummer: i.referentienummer, tijdstipBericht: i.tijdstipBericht },
    functie: 'overdragenZaak',
  });
  const meldingen = i.meldingen.map((m) => `<ZKN:melding>${escapeText(m)}</ZKN:melding>`).join('');
  return (
    `<ZDS:${DI01_ROOT} xmlns:ZDS="${NS.zds}" ${PREFIX_DECLS}>${sg}${meldingen}` +
    '<ZKN:object StUF:entiteittype="ZAK" StUF:functie="entiteit">' +
    `<ZKN:identificatie>${escapeText(i.zaakIdentificatie)}</ZKN:identificatie>` +
    '<ZKN:isVan StUF:entiteittype="ZAKZKT"><ZKN:gerelateerde StUF:entiteittype="ZKT">' +
    `<ZKN:omschrijving>${escapeText(i.zaaktype.omschrijving)}</ZKN:omschrijving><ZKN:code>${escapeText(i.zaaktype.code)}</ZKN:code>` +
    `</ZKN:gerelateerde></ZKN:isVan></ZKN:object></ZDS:${DI01_ROOT}>`
  );
}
