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

/** voegBesluitToe_Di01 (ZKN children, zaak as a reference marked T like the STP does). */
export function voegBesluitToe(besluitId: string, zaakId: string, opts: { documenten?: string[]; toelichting?: string } = {}): string {
  const docs = (opts.documenten ?? [])
    .map((d) => `<ZKN:isVastgelegdIn StUF:entiteittype="BSLEDC" StUF:verwerkingssoort="T"><ZKN:gerelateerde StUF:entiteittype="EDC" StUF:verwerkingssoort="I"><ZKN:identificatie>${d}</ZKN:identificatie></ZKN:gerelateerde></ZKN:isVastgelegdIn>`)
    .join('');
  return (
    `<ZDS:voegBesluitToe_Di01 ${NS_DECLS}><ZKN:stuurgegevens><StUF:berichtcode>Di01</StUF:berichtcode>${addressing()}` +
    '<StUF:functie>voegBesluitToe</StUF:functie></ZKN:stuurgegevens><ZKN:object>' +
    `<ZKN:besluit StUF:entiteittype="BSL" StUF:verwerkingssoort="T"><ZKN:identificatie>${besluitId}</ZKN:identificatie>` +
    '<ZKN:bst.omschrijving>Toekenning</ZKN:bst.omschrijving><ZKN:datumBeslissing>20261201</ZKN:datumBeslissing>' +
    (opts.toelichting ? `<ZKN:toelichting>${opts.toelichting}</ZKN:toelichting>` : '') +
    `<ZKN:ingangsdatumWerking>20261202</ZKN:ingangsdatumWerking>${docs}</ZKN:besluit>` +
    `<ZKN:zaak StUF:entiteittype="ZAK" StUF:verwerkingssoort="T"><ZKN:identificatie>${zaakId}</ZKN:identificatie></ZKN:zaak>` +
    '</ZKN:object></ZDS:voegBesluitToe_Di01>'
  );
}

/** updateBesluit_BslLk01 with an old and a new object (bodies are the children after identificatie). */
export function updateBesluit(besluitId: string, oud: string, nieuw: string): string {
  const obj = (inner: string) => `<ZKN:object StUF:entiteittype="BSL" StUF:verwerkingssoort="W"><ZKN:identificatie>${besluitId}</ZKN:identificatie>${inner}</ZKN:object>`;
  return (
    `<ZDS:updateBesluit_BslLk01 ${NS_DECLS}><ZKN:stuurgegevens><StUF:berichtcode>Lk01</StUF:berichtcode>${addressing()}` +
    '<StUF:entiteittype>BSL</StUF:entiteittype></ZKN:stuurgegevens>' +
    '<ZKN:parameters><StUF:mutatiesoort>W</StUF:mutatiesoort><StUF:indicatorOvername>V</StUF:indicatorOvername></ZKN:parameters>' +
    `${obj(oud)}${obj(nieuw)}</ZDS:updateBesluit_BslLk01>`
  );
}

/** geefBesluitdetails_BslLv01 (or the geefBesluitDetails spelling) with scope alles. */
export function geefBesluitdetails(id: string, root = 'geefBesluitdetails_BslLv01'): string {
  return vraag(`ZDS:${root}`, 'BSL', id, '<ZKN:object StUF:entiteittype="BSL" StUF:scope="alles"/>');
}

/** geefLijstBesluiten_ZakLv01 asking leidtTot with the attributes RN #488595 names. */
export function geefLijstBesluiten(zaakId: string, d: Dialect): string {
  const root = d === '1.2' ? 'ZDS:geefLijstBesluiten_ZakLv01' : 'ZKN:zakLv01';
  const scope =
    '<ZKN:object StUF:entiteittype="ZAK"><ZKN:identificatie xsi:nil="true"/><ZKN:leidtTot StUF:entiteittype="ZAKBSL">' +
    '<ZKN:gerelateerde StUF:entiteittype="BSL"><ZKN:identificatie xsi:nil="true"/><ZKN:datumBeslissing xsi:nil="true"/>' +
    '<ZKN:ingangsdatumWerking xsi:nil="true"/></ZKN:gerelateerde></ZKN:leidtTot></ZKN:object>';
  return vraag(root, 'ZAK', zaakId, scope);
}

/** overdragenZaak_Du01 from a ZSC answering an overdracht (crossRefnummer = our Di01's referentienummer). */
export function overdragenZaakDu01(
  zaakId: string,
  crossRef: string,
  opts: { antwoord?: 'Overdracht geaccepteerd' | 'Overdracht geweigerd'; meldingen?: string[]; referentienummer?: string } = {},
): string {
  const meldingen = (opts.meldingen ?? []).map((t) => `<ZKN:melding>${t}</ZKN:melding>`).join('');
  return (
    `<ZDS:overdragenZaak_Du01 ${NS_DECLS}><ZKN:stuurgegevens><StUF:berichtcode>Du01</StUF:berichtcode>${addressing(opts.referentienummer)}` +
    `<StUF:crossRefnummer>${crossRef}</StUF:crossRefnummer><StUF:functie>overdragenZaak</StUF:functie></ZKN:stuurgegevens>${meldingen}` +
    `<ZKN:object StUF:entiteittype="ZAK" StUF:functie="entiteit"><ZKN:identificatie>${zaakId}</ZKN:identificatie>` +
    `<ZKN:antwoord>${opts.antwoord ?? 'Overdracht geaccepteerd'}</ZKN:antwoord></ZKN:object></ZDS:overdragenZaak_Du01>`
  );
}

/**
 * A generic StUF-ZKN zakLv01. `selectie` holds the gelijk / vanaf / totEnMet / scope / start elements as XML
 * (each complete, in XSD order); parameters as given.
 */
export function zakLv01(selectie: string, p: { sortering?: number; vervolg?: boolean; maximumAantal?: number; indicatorAantal?: boolean } = {}): string {
  return (
    `<ZKN:zakLv01 ${NS_DECLS}><ZKN:stuurgegevens><StUF:berichtcode>Lv01</StUF:berichtcode>${addressing()}` +
    '<StUF:entiteittype>ZAK</StUF:entiteittype></ZKN:stuurgegevens>' +
    `<ZKN:parameters><StUF:sortering>${p.sortering ?? 0}</StUF:sortering><StUF:indicatorVervolgvraag>${p.vervolg ?? false}</StUF:indicatorVervolgvraag>` +
    (p.maximumAantal !== undefined ? `<StUF:maximumAantal>${p.maximumAantal}</StUF:maximumAantal>` : '') +
    (p.indicatorAantal !== undefined ? `<StUF:indicatorAantal>${p.indicatorAantal}</StUF:indicatorAantal>` : '') +
    `</ZKN:parameters>${selectie}</ZKN:zakLv01>`
  );
}

/* ---- zaak mutations (updateZaak, actualiseerZaakstatus, geefZaakstatus) ---- */

const ROL_ET: Record<string, string> = {
  heeftAlsBelanghebbende: 'ZAKBTRBLH', heeftAlsGemachtigde: 'ZAKBTRGMC', heeftAlsInitiator: 'ZAKBTRINI',
  heeftAlsUitvoerende: 'ZAKBTRUTV', heeftAlsVerantwoordelijke: 'ZAKBTRVRA', heeftAlsOverigBetrokkene: 'ZAKBTROVR',
};

/** A subject inside a rol's gerelateerde: a medewerker by identificatie or a natuurlijk persoon by bsn. */
export type Subject = { medewerker: string } | { bsn: string };

function subjectXml(s: Subject): string {
  return 'medewerker' in s
    ? `<ZKN:medewerker StUF:entiteittype="MDW" StUF:verwerkingssoort="I"><ZKN:identificatie>${s.medewerker}</ZKN:identificatie></ZKN:medewerker>`
    : `<ZKN:natuurlijkPersoon StUF:entiteittype="NPS" StUF:verwerkingssoort="T"><BG:inp.bsn>${s.bsn}</BG:inp.bsn></ZKN:natuurlijkPersoon>`;
}

/** A rol relation with a subject (optionally with tijdvakRelatie), or, without subject, the empty placeholder. */
export function rol(rolType: string, soort: string, subject?: Subject, tijdvak: { begin?: string; eind?: string } = {}): string {
  const et = ROL_ET[rolType];
  if (!subject) return `<ZKN:${rolType} StUF:entiteittype="${et}" StUF:verwerkingssoort="${soort}" xsi:nil="true" StUF:noValue="geenWaarde"/>`;
  const tv = tijdvak.begin || tijdvak.eind
    ? '<StUF:tijdvakRelatie>' +
      (tijdvak.begin ? `<StUF:beginRelatie>${tijdvak.begin}</StUF:beginRelatie>` : '<StUF:beginRelatie xsi:nil="true" StUF:noValue="waardeOnbekend"/>') +
      (tijdvak.eind ? `<StUF:eindRelatie>${tijdvak.eind}</StUF:eindRelatie>` : '<StUF:eindRelatie xsi:nil="true" StUF:noValue="geenWaarde"/>') +
      '</StUF:tijdvakRelatie>'
    : '';
  return `<ZKN:${rolType} StUF:entiteittype="${et}" StUF:verwerkingssoort="${soort}"><ZKN:gerelateerde>${subjectXml(subject)}</ZKN:gerelateerde>${tv}</ZKN:${rolType}>`;
}

export interface StatusInput {
  volgnummer: string;
  omschrijving: string;
  /** StUF tijdstip (17 digits) or date. */
  datum: string;
  toelichting?: string;
}

/** A `heeft` relation with verwerkingssoort T (or its empty placeholder for the old object). */
export function heeft(s: StatusInput | undefined): string {
  if (!s) return '<ZKN:heeft StUF:entiteittype="ZAKSTT" StUF:verwerkingssoort="T" xsi:nil="true" StUF:noValue="geenWaarde"/>';
  return (
    '<ZKN:heeft StUF:entiteittype="ZAKSTT" StUF:verwerkingssoort="T"><ZKN:gerelateerde StUF:entiteittype="STT" StUF:verwerkingssoort="I">' +
    `<ZKN:volgnummer>${s.volgnummer}</ZKN:volgnummer><ZKN:omschrijving>${s.omschrijving}</ZKN:omschrijving></ZKN:gerelateerde>` +
    (s.toelichting ? `<ZKN:toelichting>${s.toelichting}</ZKN:toelichting>` : '') +
    `<ZKN:datumStatusGezet>${s.datum}</ZKN:datumStatusGezet>` +
    '<ZKN:isGezetDoor StUF:entiteittype="ZAKSTTBTR" StUF:verwerkingssoort="T"><ZKN:gerelateerde>' +
    '<ZKN:medewerker StUF:entiteittype="MDW" StUF:verwerkingssoort="I"><ZKN:identificatie>MDW042</ZKN:identificatie></ZKN:medewerker>' +
    '</ZKN:gerelateerde></ZKN:isGezetDoor></ZKN:heeft>'
  );
}

function wijziging(root12: string, zaakId: string, oud: string, nieuw: string, d: Dialect, opts: { mutatiesoort?: string; nieuwId?: string } = {}): string {
  const root = d === '1.2' ? `ZDS:${root12}` : 'ZKN:zakLk01';
  const obj = (id: string, inner: string) =>
    `<ZKN:object StUF:entiteittype="ZAK" StUF:verwerkingssoort="W"><ZKN:identificatie>${id}</ZKN:identificatie>${inner}</ZKN:object>`;
  return (
    `<${root} ${NS_DECLS}><ZKN:stuurgegevens><StUF:berichtcode>Lk01</StUF:berichtcode>${addressing()}` +
    '<StUF:entiteittype>ZAK</StUF:entiteittype></ZKN:stuurgegevens>' +
    `<ZKN:parameters><StUF:mutatiesoort>${opts.mutatiesoort ?? 'W'}</StUF:mutatiesoort><StUF:indicatorOvername>V</StUF:indicatorOvername></ZKN:parameters>` +
    obj(zaakId, oud) + obj(opts.nieuwId ?? zaakId, nieuw) + `</${root}>`
  );
}

/** updateZaak with the inner XML (after identificatie, in XSD order) of the old and the new object. */
export function updateZaak(zaakId: string, oud: string, nieuw: string, d: Dialect = '1.2', opts: { mutatiesoort?: string; nieuwId?: string } = {}): string {
  return wijziging('updateZaak_ZakLk01', zaakId, oud, nieuw, d, opts);
}

/** actualiseerZaakstatus adding one status; `nieuwExtra` goes between identificatie and heeft of the new object. */
export function actualiseerZaakstatus(zaakId: string, s: StatusInput, d: Dialect, nieuwExtra = ''): string {
  return wijziging('actualiseerZaakstatus_ZakLk01', zaakId, heeft(undefined), nieuwExtra + heeft(s), d);
}

/** zaaktype isVan for an old/new object (verwerkingssoort I). */
export function isVan(code: string): string {
  return '<ZKN:isVan StUF:entiteittype="ZAKZKT" StUF:verwerkingssoort="I"><ZKN:gerelateerde StUF:entiteittype="ZKT" StUF:verwerkingssoort="I">' +
    `<ZKN:code>${code}</ZKN:code></ZKN:gerelateerde></ZKN:isVan>`;
}

/** geefZaakstatus with the scope the STP sends (or a StUF:scope keyword). */
export function geefZaakstatus(id: string, d: Dialect, keyword?: string): string {
  const root = d === '1.2' ? 'ZDS:geefZaakstatus_ZakLv01' : 'ZKN:zakLv01';
  const scope = keyword
    ? `<ZKN:object StUF:entiteittype="ZAK" StUF:scope="${keyword}"/>`
    : '<ZKN:object StUF:entiteittype="ZAK"><ZKN:identificatie xsi:nil="true" StUF:noValue="geenWaarde"/><ZKN:heeft StUF:entiteittype="ZAKSTT">' +
      '<ZKN:gerelateerde StUF:entiteittype="STT"><ZKN:zkt.omschrijving xsi:nil="true" StUF:noValue="geenWaarde"/><ZKN:volgnummer xsi:nil="true" StUF:noValue="geenWaarde"/>' +
      '<ZKN:omschrijving xsi:nil="true" StUF:noValue="geenWaarde"/></ZKN:gerelateerde><ZKN:toelichting xsi:nil="true" StUF:noValue="geenWaarde"/>' +
      '<ZKN:datumStatusGezet xsi:nil="true" StUF:noValue="geenWaarde"/><ZKN:indicatieLaatsteStatus xsi:nil="true" StUF:noValue="geenWaarde"/></ZKN:heeft></ZKN:object>';
  return (
    `<${root} ${NS_DECLS}><ZKN:stuurgegevens><StUF:berichtcode>Lv01</StUF:berichtcode>${addressing()}` +
    '<StUF:entiteittype>ZAK</StUF:entiteittype></ZKN:stuurgegevens>' +
    '<ZKN:parameters><StUF:sortering>0</StUF:sortering><StUF:indicatorVervolgvraag>false</StUF:indicatorVervolgvraag></ZKN:parameters>' +
    `<ZKN:gelijk StUF:entiteittype="ZAK"><ZKN:identificatie>${id}</ZKN:identificatie>` +
    '<ZKN:heeft StUF:entiteittype="ZAKSTT"><ZKN:indicatieLaatsteStatus>J</ZKN:indicatieLaatsteStatus></ZKN:heeft></ZKN:gelijk>' +
    `<ZKN:scope>${scope}</ZKN:scope></${root}>`
  );
}

// ---------------------------------------------------------------------------------------------------------
// Check-out family: maakZaakdocument without content, geefZaakdocumentbewerken, updateZaakdocument,
// cancelCheckout, ontkoppelZaakdocument (vrije berichten: first-level children ZDS in 1.2, ZKN in 1.1).
// ---------------------------------------------------------------------------------------------------------

/** Stuurgegevens of a Di02 from the vakapplicatie, as user `gebruiker` (default jdevries, as addressing()). */
function di02Stuurgegevens(p: string, functie: string, gebruiker = 'jdevries'): string {
  return (
    `<${p}:stuurgegevens><StUF:berichtcode>Di02</StUF:berichtcode>` +
    `<StUF:zender><StUF:organisatie>1234</StUF:organisatie><StUF:applicatie>SHV</StUF:applicatie><StUF:gebruiker>${gebruiker}</StUF:gebruiker></StUF:zender>` +
    '<StUF:ontvanger><StUF:organisatie>1234</StUF:organisatie><StUF:applicatie>Zaakpoort</StUF:applicatie></StUF:ontvanger>' +
    `<StUF:referentienummer>${nextRef()}</StUF:referentienummer><StUF:tijdstipBericht>20261124101500000</StUF:tijdstipBericht>` +
    `<StUF:functie>${functie}</StUF:functie></${p}:stuurgegevens>`
  );
}

/** maakZaakdocument: a document without content (the placeholder a check-out starts from). */
export function maakZaakdocumentZonderInhoud(docId: string, zaakId: string, d: Dialect): string {
  const root = d === '1.2' ? 'ZDS:maakZaakdocument_EdcLk01' : 'ZKN:edcLk01';
  return (
    `<${root} ${NS_DECLS}><ZKN:stuurgegevens><StUF:berichtcode>Lk01</StUF:berichtcode>${addressing()}` +
    '<StUF:entiteittype>EDC</StUF:entiteittype></ZKN:stuurgegevens>' +
    '<ZKN:parameters><StUF:mutatiesoort>T</StUF:mutatiesoort><StUF:indicatorOvername>V</StUF:indicatorOvername></ZKN:parameters>' +
    '<ZKN:object StUF:entiteittype="EDC" StUF:verwerkingssoort="T">' +
    `<ZKN:identificatie>${docId}</ZKN:identificatie><ZKN:dct.omschrijving>Besluitbrief</ZKN:dct.omschrijving>` +
    '<ZKN:creatiedatum>20261124</ZKN:creatiedatum><ZKN:titel>Besluit schuldhulp</ZKN:titel>' +
    '<ZKN:formaat>application/pdf</ZKN:formaat><ZKN:taal>nld</ZKN:taal><ZKN:vertrouwelijkAanduiding>VERTROUWELIJK</ZKN:vertrouwelijkAanduiding>' +
    '<ZKN:auteur>J. de Vries</ZKN:auteur>' +
    '<ZKN:isRelevantVoor StUF:entiteittype="EDCZAK" StUF:verwerkingssoort="T"><ZKN:gerelateerde StUF:entiteittype="ZAK" StUF:verwerkingssoort="I">' +
    `<ZKN:identificatie>${zaakId}</ZKN:identificatie></ZKN:gerelateerde></ZKN:isRelevantVoor>` +
    `</ZKN:object></${root}>`
  );
}

export function geefZaakdocumentBewerken(docId: string, d: Dialect, opts: { gebruiker?: string; scope?: string } = {}): string {
  const p = d === '1.2' ? 'ZDS' : 'ZKN';
  const root = d === '1.2' ? 'ZDS:geefZaakdocumentBewerken_Di02' : 'ZKN:geefZaakdocumentbewerken_Di02';
  const scope = opts.scope === undefined ? '' : `<ZKN:scope><ZKN:object StUF:entiteittype="EDC">${opts.scope}</ZKN:object></ZKN:scope>`;
  return (
    `<${root} ${NS_DECLS}>${di02Stuurgegevens(p, 'geefZaakdocumentbewerken', opts.gebruiker)}` +
    `<${p}:edcLv01 StUF:entiteittype="EDC" StUF:functie="selectie">` +
    '<ZKN:parameters><StUF:indicatorAfnemerIndicatie>false</StUF:indicatorAfnemerIndicatie></ZKN:parameters>' +
    `<ZKN:gelijk StUF:entiteittype="EDC"><ZKN:identificatie>${docId}</ZKN:identificatie></ZKN:gelijk>${scope}` +
    `</${p}:edcLv01></${root}>`
  );
}

/** EDC elements an update may carry, in XSD order (before inhoud). */
const EDC_UPDATE_ORDER = [
  'dct.omschrijving', 'creatiedatum', 'ontvangstdatum', 'titel', 'beschrijving', 'formaat', 'taal', 'versie', 'status',
  'verzenddatum', 'vertrouwelijkAanduiding', 'auteur', 'link',
];

export interface DocumentUpdate {
  checkedOutId?: string;
  versioningState?: 'major' | 'minor';
  content?: Buffer;
  bestandsnaam?: string;
  contentType?: string;
  /** New values by element name. */
  set?: Record<string, string>;
  /** Elements the new object clears (nil + geenWaarde). */
  clear?: string[];
  /** Raw isRelevantVoor XML for the old and new object. */
  relatie?: { oud: string; nieuw: string };
  gebruiker?: string;
  mutatiesoort?: string;
}

export function updateZaakdocument(docId: string, d: Dialect, u: DocumentUpdate = {}): string {
  const p = d === '1.2' ? 'ZDS' : 'ZKN';
  let params = u.checkedOutId === undefined ? '' : `<${p}:checkedOutId>${u.checkedOutId}</${p}:checkedOutId>`;
  if (u.versioningState) params += `<${p}:versioningState>${u.versioningState}</${p}:versioningState>`;
  let nieuw = '';
  for (const el of EDC_UPDATE_ORDER) {
    if (u.set?.[el] !== undefined) nieuw += `<ZKN:${el}>${u.set[el]}</ZKN:${el}>`;
    else if (u.clear?.includes(el)) nieuw += `<ZKN:${el} xsi:nil="true" StUF:noValue="geenWaarde"/>`;
  }
  if (u.content) {
    const ct = u.contentType ? ` xmime:contentType="${u.contentType}"` : '';
    nieuw += `<ZKN:inhoud StUF:bestandsnaam="${u.bestandsnaam ?? 'besluit.pdf'}"${ct}>${u.content.toString('base64')}</ZKN:inhoud>`;
  }
  const object = (body: string) => `<ZKN:object StUF:entiteittype="EDC" StUF:verwerkingssoort="W"><ZKN:identificatie>${docId}</ZKN:identificatie>${body}</ZKN:object>`;
  return (
    `<${p}:updateZaakdocument_Di02 ${NS_DECLS}>${di02Stuurgegevens(p, 'updateZaakdocument', u.gebruiker)}` +
    `<${p}:parameters>${params}</${p}:parameters>` +
    `<${p}:edcLk02 StUF:entiteittype="EDC" StUF:functie="update"><ZKN:parameters><StUF:mutatiesoort>${u.mutatiesoort ?? 'W'}</StUF:mutatiesoort></ZKN:parameters>` +
    `${object(u.relatie?.oud ?? '')}${object(nieuw + (u.relatie?.nieuw ?? ''))}</${p}:edcLk02></${p}:updateZaakdocument_Di02>`
  );
}

export function cancelCheckout(docId: string, checkedOutId: string | undefined, d: Dialect, opts: { gebruiker?: string } = {}): string {
  const p = d === '1.2' ? 'ZDS' : 'ZKN';
  const params = checkedOutId === undefined ? '' : `<${p}:checkedOutId>${checkedOutId}</${p}:checkedOutId>`;
  return (
    `<${p}:cancelCheckout_Di02 ${NS_DECLS}>${di02Stuurgegevens(p, 'cancelCheckout', opts.gebruiker)}` +
    `<${p}:parameters>${params}</${p}:parameters>` +
    // The STP sends a verwerkingssoort and more EDC fields here; the server must ignore them.
    `<${p}:document StUF:entiteittype="EDC" StUF:functie="entiteit" StUF:verwerkingssoort="W"><ZKN:identificatie>${docId}</ZKN:identificatie>` +
    `<ZKN:titel>wordt genegeerd</ZKN:titel></${p}:document></${p}:cancelCheckout_Di02>`
  );
}

/** ontkoppelZaakdocument (ZDS 1.2 only): old object names the zaak with V, new holds the empty V placeholder. */
export function ontkoppelZaakdocument(docId: string, zaakId: string, opts: { functie?: string; mutatiesoort?: string; soort?: string } = {}): string {
  const soort = opts.soort ?? 'V';
  return (
    `<ZDS:ontkoppelZaakdocument_Di02 ${NS_DECLS}>${di02Stuurgegevens('ZDS', opts.functie ?? 'ontkoppelZaakdocument')}` +
    '<ZDS:parameters/>' +
    `<ZDS:edcLk02 StUF:entiteittype="EDC" StUF:functie="update"><ZKN:parameters><StUF:mutatiesoort>${opts.mutatiesoort ?? 'W'}</StUF:mutatiesoort></ZKN:parameters>` +
    `<ZKN:object StUF:entiteittype="EDC" StUF:verwerkingssoort="W"><ZKN:identificatie>${docId}</ZKN:identificatie>` +
    `<ZKN:isRelevantVoor StUF:entiteittype="EDCZAK" StUF:verwerkingssoort="${soort}"><ZKN:gerelateerde StUF:entiteittype="ZAK" StUF:verwerkingssoort="I">` +
    `<ZKN:identificatie>${zaakId}</ZKN:identificatie></ZKN:gerelateerde></ZKN:isRelevantVoor></ZKN:object>` +
    `<ZKN:object StUF:entiteittype="EDC" StUF:verwerkingssoort="W"><ZKN:identificatie>${docId}</ZKN:identificatie>` +
    `<ZKN:isRelevantVoor StUF:entiteittype="EDCZAK" StUF:verwerkingssoort="${soort}" xsi:nil="true"/></ZKN:object>` +
    '</ZDS:edcLk02></ZDS:ontkoppelZaakdocument_Di02>'
  );
}
