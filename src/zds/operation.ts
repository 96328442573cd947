/** The contract between the dispatcher and one ZDS operation module. */
import type { Config, SenderDeviations } from '../config.js';
import type { Backend, Catalogue } from '../ports/index.js';
import type { ParsedRequest } from '../soap/parsed-request.js';
import type { ReplyAddressing, Stuurgegevens } from '../stuf/stuurgegevens.js';
import type { Clock } from '../stuf/dates.js';

/** The three StUF ports a zaaksysteem serves. The port decides Fo02 (synchronous) or Fo03 (OntvangAsynchroon). */
export type { Port } from '../stuf/messages.js';
import type { Port } from '../stuf/messages.js';

/** ZDS 1.2 messages or the ZDS 1.1 (StUF-ZKN 0310 namespace) variant of the same operation. */
export type Dialect = '1.2' | '1.1';

/**
 * A piece of a response body: literal XML, or document content streamed from the store as base64 (so a
 * 1 GB document never sits in memory).
 */
export type ResponsePiece = string | { blobRef: string; size: number };

export interface OperationContext {
  config: Config;
  backend: Backend;
  catalogue: Catalogue;
  clock: Clock;
  request: ParsedRequest;
  stuurgegevens: Stuurgegevens;
  dialect: Dialect;
  /** The zender identity as one string (organisatie|applicatie|administratie|gebruiker). */
  zenderKey: string;
  /** Addressing of this message's answer (zender/ontvanger swapped, our referentienummer), made once. */
  reply: ReplyAddressing;
  /** The port this message is handled on: the operation's own, or one of its alsoOn ports. */
  port: Port;
  /** The sender's configured deviations from ZDS (config senders[].deviations); absent = none. */
  deviations?: SenderDeviations;
  /**
   * Set by an operation whose answer holds only stored values read in one snapshot with the store's mark absent
   * (ZaakDetails.allValidated): the dispatcher then needs no answer check and no separate read of the mark.
   */
  answerReadValidated?: boolean;
}

/** What the stuurgegevens of this operation's request must say (checked before the schema). */
export interface StuurgegevensExpectation {
  berichtcode: string;
  entiteittype?: string;
  /** Accepted functie values for vrije berichten (several where errata renamed them). */
  functie?: string[];
}

export interface Operation {
  /** The ZDS 1.2 operation name, e.g. creeerZaak_ZakLk01. */
  name: string;
  port: Port;
  /**
   * Ports this operation is also accepted on, when posted to that port's path; it then answers in that port's
   * style (OntvangAsynchroon: Bv03 / Fo03). ontkoppelZaakdocument (RN #488902) is the one case.
   */
  alsoOn?: Port[];
  expect: StuurgegevensExpectation;
  /**
   * The answer holds nothing read from the store: only values of this request and values Zaakpoort made and
   * checked itself (a new identificatie passes checkIdentificatie). When the request was found schema-valid,
   * the answer is valid by construction and the answer guard (answer-guard.ts) is skipped.
   */
  answerFromRequestOnly?: boolean;
  /** Handle the message; throw StufFault for anything the sender must hear about. */
  handle(ctx: OperationContext): Promise<ResponsePiece[]>;
}
