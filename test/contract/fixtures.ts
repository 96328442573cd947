/** Domain objects for the backend contract suite; every optional field is filled so round trips are complete. */
import type { Besluit, DocumentMeta, DocumentVersion, Zaak, ZaakDocumentLink } from '../../src/domain/model.js';

export function fullZaak(identificatie: string): Zaak {
  return {
    identificatie,
    zaaktype: { code: 'B1026', omschrijving: 'Aanvraag schuldhulp', ingangsdatumObject: '20200101' },
    omschrijving: 'Aanvraag schuldhulpverlening — "ë" & <tekens>',
    toelichting: 'Toelichting met\nregeleinde',
    kenmerken: [
      { kenmerk: 'K-1', bron: 'Vakapplicatie' },
      { kenmerk: 'K-2', bron: 'Balie' },
    ],
    anderZaakObjecten: [{ omschrijving: 'Perceel', aanduiding: 'A-12', registratie: 'BRK' }, { aanduiding: 'alleen' }],
    resultaat: { omschrijving: 'Toegekend', toelichting: 'Na beoordeling' },
    startdatum: { value: '20240300', onvolledig: 'D' },
    registratiedatum: { value: '20240315' },
    publicatiedatum: { value: '20240000', onvolledig: 'M' },
    einddatumGepland: { value: '20240601' },
    uiterlijkeEinddatum: { value: '00000000', onvolledig: 'J' },
    einddatum: { value: '20240520' },
    opschorting: { indicatie: 'N', reden: '' },
    verlenging: { duur: '14', reden: 'Extra informatie nodig' },
    betalingsIndicatie: 'N.v.t.',
    laatsteBetaaldatum: '20240401120000000',
    archiefnominatie: 'J',
    datumVernietigingDossier: { value: '20340101' },
    zaakniveau: '1',
    deelzakenIndicatie: 'N',
    tijdstipRegistratie: '20240315093012345',
    rollen: [
      {
        rolType: 'heeftAlsInitiator',
        betrokkene: {
          kind: 'natuurlijkPersoon',
          key: '111222333',
          keyElement: 'inp.bsn',
          leaves: [
            { ns: 'http://www.egem.nl/StUF/sector/bg/0310', local: 'inp.bsn', value: '111222333' },
            { ns: 'http://www.egem.nl/StUF/sector/bg/0310', local: 'geslachtsnaam', value: 'Jansen' },
          ],
        },
        code: 'INI',
        omschrijving: 'Aanvrager',
        toelichting: 'Via de balie',
        emailadres: 'jansen@example.org',
        beginRelatie: '20240315',
        afwijkendCorrespondentieAdres: {
          ns: 'http://www.egem.nl/StUF/sector/zkn/0310',
          local: 'afwijkendCorrespondentieAdres',
          value: '',
          children: [
            { ns: 'http://www.egem.nl/StUF/sector/bg/0310', local: 'postcode', value: '1234AB' },
            { ns: 'http://www.egem.nl/StUF/sector/bg/0310', local: 'huisnummer', value: '12' },
          ],
        },
        aanspreekpunt: {
          ns: 'http://www.egem.nl/StUF/sector/zkn/0310',
          local: 'heeftAlsAanspreekpunt',
          value: '',
          attrs: [{ ns: 'http://www.egem.nl/StUF/StUF0301', local: 'entiteittype', value: 'ZAKBTRINICTP' }],
          children: [{
            ns: 'http://www.egem.nl/StUF/sector/zkn/0310',
            local: 'gerelateerde',
            value: '',
            attrs: [{ ns: 'http://www.egem.nl/StUF/StUF0301', local: 'entiteittype', value: 'CTP' }],
            children: [{ ns: 'http://www.egem.nl/StUF/sector/zkn/0310', local: 'naam', value: 'P. de Vries' }],
          }],
        },
      },
      {
        rolType: 'heeftAlsUitvoerende',
        betrokkene: { kind: 'medewerker', key: 'mdw01', keyElement: 'identificatie', leaves: [] },
        eindRelatie: '20240401',
      },
    ],
    statussen: [
      {
        statustype: { volgnummer: '1', omschrijving: 'Ontvangen', code: 'ONT', zktCode: 'B1026', zktOmschrijving: 'Schuld' },
        datumStatusGezet: '20240315093012000',
        toelichting: 'Automatisch',
        gezetDoor: { kind: 'organisatorischeEenheid', key: 'OE1', keyElement: 'identificatie', leaves: [] },
      },
      { statustype: { volgnummer: '2' }, datumStatusGezet: '20240401100000000' },
    ],
    relaties: [
      { soort: 'heeftAlsDeelzaak', identificatie: '036320240000099' },
      { soort: 'heeftBetrekkingOpAndere', identificatie: '2017-0000561' },
    ],
    zaakobjecten: [
      {
        omschrijving: 'Buurt van de aanvraag',
        object: {
          ns: 'http://www.egem.nl/StUF/sector/zkn/0310',
          local: 'buurt',
          value: '',
          attrs: [{ ns: 'http://www.egem.nl/StUF/StUF0301', local: 'entiteittype', value: 'BRT' }],
          children: [
            { ns: 'http://www.egem.nl/StUF/sector/bg/0310', local: 'buurtCode', value: '01' },
            { ns: 'http://www.egem.nl/StUF/sector/bg/0310', local: 'gem.gemeenteCode', value: '1234' },
          ],
        },
      },
    ],
  };
}

/** A zaak with only the mandatory fields. */
export function minimalZaak(identificatie: string): Zaak {
  return {
    identificatie,
    zaaktype: { code: 'B1026' },
    kenmerken: [],
    anderZaakObjecten: [],
    startdatum: { value: '20240315' },
    registratiedatum: { value: '20240315' },
    zaakniveau: '1',
    deelzakenIndicatie: 'N',
    rollen: [],
    statussen: [],
    relaties: [],
  };
}

export function fullDocumentMeta(identificatie: string): DocumentMeta {
  return {
    identificatie,
    dctOmschrijving: 'Aanvraagformulier',
    creatiedatum: { value: '20240315' },
    ontvangstdatum: { value: '20240300', onvolledig: 'D' },
    titel: 'Aanvraag.pdf',
    beschrijving: 'Het ingevulde formulier',
    formaat: 'application/pdf',
    taal: 'nld',
    versie: '1',
    status: 'definitief',
    verzenddatum: { value: '20240316' },
    vertrouwelijkAanduiding: 'ZAAKVERTROUWELIJK',
    auteur: 'J. Jansen',
    link: 'https://example.org/doc',
  };
}

export function version(versionNo: number, extra: Partial<DocumentVersion> = {}): DocumentVersion {
  return {
    versionNo,
    blobRef: `${'0'.repeat(31)}${versionNo % 10}`,
    size: 1000 + versionNo,
    sha256: 'ab'.repeat(32),
    bestandsnaam: `aanvraag-v${versionNo}.pdf`,
    contentType: 'application/pdf',
    createdAt: `2024-03-15T09:0${versionNo % 10}:00.000Z`,
    ...extra,
  };
}

export function link(zaak: string, document: string, extra: Partial<ZaakDocumentLink> = {}): ZaakDocumentLink {
  return {
    zaakIdentificatie: zaak,
    documentIdentificatie: document,
    titel: `Koppeling ${document}`,
    beschrijving: 'Bij de aanvraag',
    registratiedatum: '20240315',
    sttVolgnummer: '1',
    sttOmschrijving: 'Ontvangen',
    staDatumStatusGezet: '20240315093012000',
    ...extra,
  };
}

export function fullBesluit(identificatie: string, zaak: string): Besluit {
  return {
    identificatie,
    zaakIdentificatie: zaak,
    bstOmschrijving: 'Toekenning',
    datumBeslissing: { value: '20240501' },
    ingangsdatumWerking: { value: '20240500', onvolledig: 'D' },
    einddatumWerking: { value: '20250501' },
    vervalreden: 'tijdelijk',
    datumPublicatie: { value: '20240502' },
    datumVerzending: { value: '20240503' },
    datumUiterlijkeReactie: { value: '20240614' },
    toelichting: 'Besluit op aanvraag',
    tijdstipRegistratie: '20240501120000000',
    documenten: ['D-1', 'D-2'],
  };
}
