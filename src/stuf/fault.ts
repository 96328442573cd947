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
 */
export const FOUTCODE_OMSCHRIJVING: Readonly<Record<string, string>> = {
  StUF001: 'StUF-versie wordt niet ondersteund',
  StUF004: 'Sectormodel wordt niet ondersteund',
  StUF007: 'Versie van het sectormodel wordt niet ondersteund',
  StUF010: 'Ontvangende organisatie, applicatie of administratie is onbekend',
  StUF013: 'Zendende organisatie, applicatie of administratie is onbekend',
  StUF016: 'Combinatie van zender en referentienummer is niet uniek',
  StUF019: 'TijdstipBericht is niet later dan dat van het vorige bericht van deze zender',
  StUF022: 'Berichtcode is onbekend',
  StUF025: 'Berichtcode wordt niet ondersteund',
  StUF028: 'Entiteittype is onbekend in het sectormodel',
  StUF031: 'Entiteittype wordt niet ondersteund',
  StUF034: 'Functie is onbekend in het sectormodel',
  StUF037: 'Functie wordt niet ondersteund',
  StUF040: 'Combinatie van berichtcode, entiteittype en functie wordt niet ondersteund',
  StUF043: 'CrossRefnummer is onbekend',
  StUF046: 'Bericht kan niet worden opgeslagen',
  StUF049: 'Proces voor het synchrone bericht is niet beschikbaar',
  StUF052: 'Zender is niet geautoriseerd voor dit bericht',
  StUF055: 'Bericht is niet valide ten opzichte van het schema van het sectormodel',
  StUF058: 'Proces voor de afhandeling van het bericht meldt een fout',
  StUF062: 'TijdvakGeldigheid is niet gevuld zoals voorgeschreven',
  StUF064: 'Object niet gevonden',
  StUF067: 'Meer dan één object gevonden',
  StUF076: 'Vanaf en totEnMet bevatten verschillende elementen',
  StUF079: 'Element komt zowel in gelijk als in vanaf of totEnMet voor',
  StUF082: 'StUF:exact is gebruikt binnen vanaf of totEnMet',
  StUF085: 'Onvolledige datum binnen vanaf of totEnMet',
  StUF088: 'Meer dan één sleutel als selectiecriterium',
  StUF091: 'Sleutel en andere elementen als selectiecriterium',
  StUF094: 'De sleutel van de zender wordt door de ontvanger niet geregistreerd',
  StUF097: 'Scope bevat zowel het attribuut StUF:scope als elementen',
  StUF103: 'IndicatorVervolgvraag is true maar start ontbreekt',
  StUF106: 'Start mist elementen die in vanaf of totEnMet voorkomen',
  StUF133: 'Gevraagde sortering wordt niet ondersteund',
  StUF960: 'Antwoord kan niet binnen de time-out worden gegeven',
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
