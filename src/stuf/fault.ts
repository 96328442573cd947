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

/** Shorthands for the faults the operations raise most. */
export const faults = {
  schema: (details: string) => new StufFault('StUF055', 'client', 'Bericht is niet valide volgens het schema', details),
  invalid: (omschrijving: string, details?: string) => new StufFault('StUF055', 'client', omschrijving, details),
  notFound: (omschrijving: string, details?: string) => new StufFault('StUF064', 'server', omschrijving, details),
  processing: (omschrijving: string, details?: string) => new StufFault('StUF058', 'server', omschrijving, details),
  notAuthorised: (omschrijving: string, details?: string) => new StufFault('StUF052', 'client', omschrijving, details),
  unknownSender: (details: string) => new StufFault('StUF013', 'client', 'Zender is onbekend', details),
  unknownReceiver: (details: string) => new StufFault('StUF010', 'client', 'Ontvanger is onbekend', details),
  duplicateReference: (details: string) =>
    new StufFault('StUF016', 'client', 'Referentienummer van deze zender is al gebruikt voor een ander bericht', details),
};
