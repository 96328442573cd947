/**
 * Request bodies for the vakapplicatie flow, in the ZDS 1.2 dialect (ZDS: roots) and the ZDS 1.1 dialect
 * (generic StUF-ZKN roots in the ZKN namespace), as real clients send them.
 */
export type Dialect = '1.2' | '1.1';

const NS_DECLS =
  'xmlns:ZDS="http://www.stufstandaarden.nl/koppelvlak/zds0120" xmlns:ZKN="http://www.egem.nl/StUF/sector/zkn/0310" ' +
  'xmlns:StUF="http://www.egem.nl/StUF/StUF0301" xmlns:BG="http://www.egem.nl/StUF/sector/bg/0310" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xmime="http://www.w3.org/2005/05/xmlmime"';

export const ACTION_11 = 'http://www.egem.nl/StUF/sector/zkn/0310/';
export const ACTION_12 = 'http://www.stufstandaarden.nl/koppelvlak/zds0120/';

let ref = 0;
/** A fresh referentienummer per message. */
export function nextRef(): string {
  ref += 1;
  return `TEST${process.pid}-${ref}`;
}

function addressing(referentienummer = nextRef()): string {
  return (
    '<StUF:zender><StUF:organisatie>1234</StUF:organisatie><StUF:applicatie>SHV</StUF:applicatie><StUF:gebruiker>jdevries</StUF:gebruiker></StUF:zender>' +
    '<StUF:ontvanger><StUF:organisatie>1234</StUF:organisatie><StUF:applicatie>Zaakpoort</StUF:applicatie></StUF:ontvanger>' +
    `<StUF:referentienummer>${referentienummer}</StUF:referentienummer><StUF:tijdstipBericht>20261124101500000</StUF:tijdstipBericht>`
  );
}

export function genereerIdentificatie(kind: 'Zaak' | 'Document', d: Dialect): string {
  const p = d === '1.2' ? 'ZDS' : 'ZKN';
  const functie = kind === 'Zaak' ? 'genereerZaakidentificatie' : 'genereerDocumentidentificatie';
  return (
    `<${p}:genereer${kind}Identificatie_Di02 ${NS_DECLS}><${p}:stuurgegevens><StUF:berichtcode>Di02</StUF:berichtcode>${addressing()}` +
    `<StUF:functie>${functie}</StUF:functie></${p}:stuurgegevens></${p}:genereer${kind}Identificatie_Di02>`
  );
}

export interface ZaakInput {
  identificatie: string;
  bsn?: string;
  omschrijving?: string;
  zaaktype?: string;
  /** Extra ZKN elements placed before isVan (in XSD order), e.g. toelichting. */
  extraHeeft?: string;
}

export function creeerZaak(z: ZaakInput, d: Dialect, referentienummer?: string): string {
  const root = d === '1.2' ? 'ZDS:creeerZaak_ZakLk01' : 'ZKN:zakLk01';
  return (
    `<${root} ${NS_DECLS}><ZKN:stuurgegevens><StUF:berichtcode>Lk01</StUF:berichtcode>${addressing(referentienummer)}` +
    '<StUF:entiteittype>ZAK</StUF:entiteittype></ZKN:stuurgegevens>' +
    '<ZKN:parameters><StUF:mutatiesoort>T</StUF:mutatiesoort><StUF:indicatorOvername>V</StUF:indicatorOvername></ZKN:parameters>' +
    '<ZKN:object StUF:entiteittype="ZAK" StUF:verwerkingssoort="T">' +
    `<ZKN:identificatie>${z.identificatie}</ZKN:identificatie>` +
    `<ZKN:omschrijving>${z.omschrijving ?? 'Aanvraag schuldhulpverlening'}</ZKN:omschrijving>` +
    '<ZKN:kenmerk><ZKN:kenmerk>SHV-2026-001</ZKN:kenmerk><ZKN:bron>SHV</ZKN:bron></ZKN:kenmerk>' +
    '<ZKN:startdatum>20261124</ZKN:startdatum><ZKN:registratiedatum>20261124</ZKN:registratiedatum>' +
    '<ZKN:einddatumGepland>20270224</ZKN:einddatumGepland>' +
    '<ZKN:zaakniveau>1</ZKN:zaakniveau><ZKN:deelzakenIndicatie>N</ZKN:deelzakenIndicatie>' +
    '<ZKN:isVan StUF:entiteittype="ZAKZKT" StUF:verwerkingssoort="T"><ZKN:gerelateerde StUF:entiteittype="ZKT" StUF:verwerkingssoort="I">' +
    `<ZKN:omschrijving>Schuldhulpverlening</ZKN:omschrijving><ZKN:code>${z.zaaktype ?? 'SHV01'}</ZKN:code></ZKN:gerelateerde></ZKN:isVan>` +
    '<ZKN:heeftAlsInitiator StUF:entiteittype="ZAKBTRINI" StUF:verwerkingssoort="T"><ZKN:gerelateerde>' +
    '<ZKN:natuurlijkPersoon StUF:entiteittype="NPS" StUF:verwerkingssoort="T">' +
    `<BG:inp.bsn>${z.bsn ?? '123456782'}</BG:inp.bsn><BG:geslachtsnaam>Vries</BG:geslachtsnaam><BG:voorvoegselGeslachtsnaam>de</BG:voorvoegselGeslachtsnaam>` +
    '<BG:voorletters>J</BG:voorletters><BG:geslachtsaanduiding>M</BG:geslachtsaanduiding>' +
    '</ZKN:natuurlijkPersoon></ZKN:gerelateerde><ZKN:code>INI</ZKN:code><ZKN:omschrijving>Aanvrager</ZKN:omschrijving></ZKN:heeftAlsInitiator>' +
    '<ZKN:heeftAlsUitvoerende StUF:entiteittype="ZAKBTRUTV" StUF:verwerkingssoort="T"><ZKN:gerelateerde>' +
    '<ZKN:medewerker StUF:entiteittype="MDW" StUF:verwerkingssoort="I"><ZKN:identificatie>MDW042</ZKN:identificatie><ZKN:achternaam>Jansen</ZKN:achternaam></ZKN:medewerker>' +
    '</ZKN:gerelateerde></ZKN:heeftAlsUitvoerende>' +
    '<ZKN:heeft StUF:entiteittype="ZAKSTT" StUF:verwerkingssoort="T"><ZKN:gerelateerde StUF:entiteittype="STT" StUF:verwerkingssoort="I">' +
    '<ZKN:volgnummer>1</ZKN:volgnummer><ZKN:omschrijving>Intake</ZKN:omschrijving></ZKN:gerelateerde>' +
    '<ZKN:datumStatusGezet>20261124101500000</ZKN:datumStatusGezet></ZKN:heeft>' +
    `</ZKN:object></${root}>`
  );
}

export function voegZaakdocumentToe(docId: string, zaakId: string, content: Buffer, d: Dialect, opts: { bestandsnaam?: string; contentType?: string } = {}): string {
  const root = d === '1.2' ? 'ZDS:voegZaakdocumentToe_EdcLk01' : 'ZKN:edcLk01';
  const ct = opts.contentType ?? 'application/pdf';
  return (
    `<${root} ${NS_DECLS}><ZKN:stuurgegevens><StUF:berichtcode>Lk01</StUF:berichtcode>${addressing()}` +
    '<StUF:entiteittype>EDC</StUF:entiteittype></ZKN:stuurgegevens>' +
    '<ZKN:parameters><StUF:mutatiesoort>T</StUF:mutatiesoort><StUF:indicatorOvername>V</StUF:indicatorOvername></ZKN:parameters>' +
    '<ZKN:object StUF:entiteittype="EDC" StUF:verwerkingssoort="T">' +
    `<ZKN:identificatie>${docId}</ZKN:identificatie><ZKN:dct.omschrijving>Aanvraagformulier</ZKN:dct.omschrijving>` +
    '<ZKN:creatiedatum>20261124</ZKN:creatiedatum><ZKN:titel>Aanvraag schuldhulp</ZKN:titel>' +
    `<ZKN:formaat>${ct}</ZKN:formaat><ZKN:taal>nld</ZKN:taal><ZKN:vertrouwelijkAanduiding>VERTROUWELIJK</ZKN:vertrouwelijkAanduiding>` +
    '<ZKN:auteur>J. de Vries</ZKN:auteur>' +
    `<ZKN:inhoud StUF:bestandsnaam="${opts.bestandsnaam ?? 'aanvraag.pdf'}" xmime:contentType="${ct}">${content.toString('base64')}</ZKN:inhoud>` +
    '<ZKN:isRelevantVoor StUF:entiteittype="EDCZAK" StUF:verwerkingssoort="T"><ZKN:gerelateerde StUF:entiteittype="ZAK" StUF:verwerkingssoort="I">' +
    `<ZKN:identificatie>${zaakId}</ZKN:identificatie></ZKN:gerelateerde></ZKN:isRelevantVoor>` +
    `</ZKN:object></${root}>`
  );
}

function vraag(root: string, entiteittype: string, id: string, scope: string): string {
  return (
    `<${root} ${NS_DECLS}><ZKN:stuurgegevens><StUF:berichtcode>Lv01</StUF:berichtcode>${addressing()}` +
    `<StUF:entiteittype>${entiteittype}</StUF:entiteittype></ZKN:stuurgegevens>` +
    '<ZKN:parameters><StUF:sortering>0</StUF:sortering><StUF:indicatorVervolgvraag>false</StUF:indicatorVervolgvraag></ZKN:parameters>' +
    `<ZKN:gelijk StUF:entiteittype="${entiteittype}"><ZKN:identificatie>${id}</ZKN:identificatie></ZKN:gelijk>` +
    `<ZKN:scope>${scope}</ZKN:scope></${root.split(' ')[0]}>`
  );
}

/** geefZaakdetails with a scope keyword (alles, kerngegevens, ...) or an explicit scope object body. */
export function geefZaakdetails(id: string, d: Dialect, scope: { keyword?: string; explicit?: string } = { keyword: 'alles' }): string {
  const root = d === '1.2' ? 'ZDS:geefZaakdetails_ZakLv01' : 'ZKN:zakLv01';
  const obj = scope.explicit !== undefined
    ? `<ZKN:object StUF:entiteittype="ZAK">${scope.explicit}</ZKN:object>`
    : `<ZKN:object StUF:entiteittype="ZAK" StUF:scope="${scope.keyword}"/>`;
  return vraag(root, 'ZAK', id, obj);
}

export function geefLijstZaakdocumenten(id: string, d: Dialect): string {
  const root = d === '1.2' ? 'ZDS:geefLijstZaakdocumenten_ZakLv01' : 'ZKN:zakLv01';
  const scope =
    '<ZKN:object StUF:entiteittype="ZAK"><ZKN:identificatie xsi:nil="true"/><ZKN:heeftRelevant StUF:entiteittype="ZAKEDC">' +
    '<ZKN:gerelateerde StUF:entiteittype="EDC"><ZKN:identificatie xsi:nil="true"/><ZKN:titel xsi:nil="true"/><ZKN:formaat xsi:nil="true"/></ZKN:gerelateerde>' +
    '<ZKN:registratiedatum xsi:nil="true"/></ZKN:heeftRelevant></ZKN:object>';
  return vraag(root, 'ZAK', id, scope);
}

export function geefZaakdocumentLezen(id: string, d: Dialect): string {
  const root = d === '1.2' ? 'ZDS:geefZaakdocumentLezen_EdcLv01' : 'ZKN:edcLv01';
  return vraag(root, 'EDC', id, '<ZKN:object StUF:entiteittype="EDC" StUF:scope="alles"/>');
}

/** Pull the text of the first element with this local name (any prefix) out of a response. */
export function extract(xml: string, local: string): string | undefined {
  const m = new RegExp(`<(?:[A-Za-z0-9_]+:)?${local}(?:\\s[^>]*)?>([^<]*)</(?:[A-Za-z0-9_]+:)?${local}>`).exec(xml);
  return m?.[1];
}

export function extractAll(xml: string, local: string): string[] {
  const re = new RegExp(`<(?:[A-Za-z0-9_]+:)?${local}(?:\\s[^>]*)?>([^<]*)</(?:[A-Za-z0-9_]+:)?${local}>`, 'g');
  return [...xml.matchAll(re)].map((m) => m[1]!);
}
