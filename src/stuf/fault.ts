/**
 * A StUF fault raised anywhere while handling a message. The server turns it into a SOAP Fault carrying a
 * Fo02 (synchronous ports) or Fo03 (OntvangAsynchroon) with these fields.
 */
export type Plek = 'client' | 'server';

export class StufFault extends Error {
  constructor(
    /** Official StUF foutcode, e.g. StUF055. */
    readonly code: string,
    readonly plek: Plek,
    /** Short description (≤200 characters), what a functioneel beheerder reads first. */
    readonly omschrijving: string,
    /** What exactly was wrong and where (≤1000 characters). */
    readonly details?: string,
  ) {
    super(`${code}: ${omschrijving}${details ? ` (${details})` : ''}`);
    this.name = 'StufFault';
  }
}

/**
 * The foutcode table of StUF 03.01 (SPEC-DIGEST §2.10): the omschrijving every fault with that code carries.
 * What exactly went wrong, where and with which value goes in details.
 *
 * Wording: the StUF 03.01 standard's own table could not be consulted here (SPEC-DIGEST gives it paraphrased
 * in English). Every wording below is the table as transcribed in Haarlem/zaakregistratiecomponent
 * (src/zaakmagazijn/api/stuf/choices.py, the zaaksysteem whose StUF-testplatform messages the conformance
 * tests replay; its comments carry the table's soort and details columns, which match SPEC-DIGEST §2.10).
 * Confirmed independently: StUF055 by the faultstring of ../shared/zds/fixtures/Fo02Bericht__haarlem-maykin__1.xml;
 * StUF058 and StUF064 by the Fo02/Fo03 bodies of other ZDS implementations. The others rest on that one
 * transcription alone and are not verified against the standard's text.
 */
export const FOUTCODE_OMSCHRIJVING: Readonly<Record<string, string>> = {
  StUF001: 'Versie StUF niet ondersteund',
  StUF004: 'Sectormodel niet ondersteund',
  StUF007: 'Versie sectormodel niet ondersteund',
  StUF010: 'Combinatie van ontvangende organisatie, applicatie en administratie onbekend',
  StUF013: 'Combinatie van zendende organisatie, applicatie en administratie onbekend',
  StUF016: 'Combinatie zender en referentienummer niet uniek',
  StUF019: 'TijdstipBericht niet groter dan voorgaand TijdstipBericht van zender',
  StUF022: 'Berichtcode onbekend',
  StUF025: 'Berichtcode niet ondersteund',
  StUF028: 'Entiteittype onbekend binnen sectormodel',
  StUF031: 'Entiteittype niet ondersteund',
  StUF034: 'Functie onbekend binnen sectormodel',
  StUF037: 'Functie niet ondersteund',
  StUF040: 'Combinatie van berichtcode, entiteittype en functie niet ondersteund',
  StUF043: 'Crossreferentienummer niet bekend',
  StUF046: 'Opslaan bericht niet mogelijk',
  StUF049: 'Proces voor afhandelen synchroon bericht niet beschikbaar',
  StUF052: 'Het zendende systeem is niet geautoriseerd voor de gevraagde combinatie van berichtcode, entiteittype en functie',
  StUF055: 'Berichtbody is niet conform schema in sectormodel',
  StUF058: 'Proces voor afhandelen bericht geeft fout',
  StUF062: '<StUF:tijdvakGeldigheid> niet gevuld zoals de standaard voorschrijft',
  StUF064: 'Object niet gevonden',
  StUF067: 'Dubbelen voor object gevonden',
  StUF076: '<vanaf> en <totEnMet> bevatten niet dezelfde elementen',
  StUF079: 'Een element komt voor in zowel <gelijk> als <vanaf> en <totEnMet>',
  StUF082: 'Het attribute StUF:exact is gebruikt op een element binnen <vanaf> of <totEnMet>',
  StUF085: 'Onvolledige datum binnen <vanaf> of <totEnMet>',
  StUF088: 'Meer dan één sleutel gespecificeerd als selectiecriterium',
  StUF091: 'Een sleutel en andere elementen gespecificeerd als selectiecriterium',
  StUF094: 'Ontvangend systeem registreert sleutel in het verzendende systeem niet',
  StUF097: 'Zowel het attribute scope als een inhoud gespecificeerd voor het element <scope>',
  StUF103: 'indicatorVervolgvraag is true, maar het element <start> ontbreekt',
  StUF106: 'Het element <start> bevat niet alle elementen gespecificeerd in <vanaf> en <totEnMet>',
  StUF133: 'Antwoordend systeem ondersteunt gevraagde sortering niet',
  StUF960: 'Het antwoordende systeem is niet in staat het verzoek af te handelen binnen de connection time out',
};

/**
 * The omschrijving and details a Fo02/Fo03 carries: the table's wording for the code, and in details the
 * specific description followed by where and which value.
 */
export function foutTekst(fault: Pick<StufFault, 'code' | 'omschrijving' | 'details'>): { omschrijving: string; details?: string } {
  const table = FOUTCODE_OMSCHRIJVING[fault.code];
  if (!table || table === fault.omschrijving) return { omschrijving: fault.omschrijving, ...(fault.details ? { details: fault.details } : {}) };
  return { omschrijving: table, details: fault.details ? `${fault.omschrijving}: ${fault.details}` : fault.omschrijving };
}

/** Shorthands for the faults the operations raise most. */
export const faults = {
  schema: (details: string) => new StufFault('StUF055', 'client', FOUTCODE_OMSCHRIJVING.StUF055!, details),
  invalid: (omschrijving: string, details?: string) => new StufFault('StUF055', 'client', omschrijving, details),
  notFound: (omschrijving: string, details?: string) => new StufFault('StUF064', 'server', omschrijving, details),
  processing: (omschrijving: string, details?: string) => new StufFault('StUF058', 'server', omschrijving, details),
  notAuthorised: (omschrijving: string, details?: string) => new StufFault('StUF052', 'client', omschrijving, details),
  unknownSender: (details: string) => new StufFault('StUF013', 'client', 'Zender is onbekend', details),
  unknownReceiver: (details: string) => new StufFault('StUF010', 'client', 'Ontvanger is onbekend', details),
  duplicateReference: (details: string) =>
    new StufFault('StUF016', 'client', 'Referentienummer van deze zender is al gebruikt voor een ander bericht', details),
};
