/**
 * The one error type the SOAP reader throws. It carries everything the server needs to answer: the HTTP
 * status, the StUF fault (becomes a Fo02/Fo03 in the SOAP Fault detail), the SOAP version to answer in, and
 * the Body's first child when it was seen (so the caller can pick Fo02 for a synchronous port, Fo03 for
 * OntvangAsynchroon).
 */
import { StufFault } from '../stuf/fault.js';
import type { SoapVersion } from './parsed-request.js';

export interface RootName {
  ns: string;
  local: string;
}

/** What the reader knew about the message when it failed. */
export interface ReadContext {
  soapVersion: SoapVersion;
  root?: RootName;
}

export class SoapReadError extends Error {
  readonly httpStatus: number;
  readonly fault: StufFault;
  readonly soapVersion: SoapVersion;
  readonly root?: RootName;
  /** Set for a SOAP-level fault (a mustUnderstand header block Zaakpoort does not understand). */
  soapCode?: 'MustUnderstand';

  constructor(httpStatus: number, fault: StufFault, ctx: ReadContext, cause?: unknown) {
    super(fault.message, cause === undefined ? undefined : { cause });
    this.name = 'SoapReadError';
    this.httpStatus = httpStatus;
    this.fault = fault;
    this.soapVersion = ctx.soapVersion;
    if (ctx.root) this.root = { ns: ctx.root.ns, local: ctx.root.local };
  }
}

/**
 * HTTP status for a fault, per the SOAP bindings: SOAP 1.1 (WS-I BP) answers every fault with 500;
 * SOAP 1.2 answers Sender faults with 400 and Receiver faults with 500.
 */
function faultStatus(ctx: ReadContext, plek: 'client' | 'server'): number {
  return ctx.soapVersion === '1.2' && plek === 'client' ? 400 : 500;
}

/** The message itself is wrong (malformed XML, not SOAP, bad base64, ...): StUF055, plek client. */
export function clientReadError(ctx: ReadContext, omschrijving: string, details?: string, cause?: unknown): SoapReadError {
  const fault = new StufFault('StUF055', 'client', omschrijving, details === undefined ? undefined : details.slice(0, 1000));
  return new SoapReadError(faultStatus(ctx, 'client'), fault, ctx, cause);
}

/**
 * Something on our side failed while reading (temp store, database, bug): StUF058, plek server. The cause is
 * kept for the log only: its text (a temp path, an address, an errno) never goes into the fault.
 */
export function serverReadError(ctx: ReadContext, omschrijving: string, cause: unknown): SoapReadError {
  const fault = new StufFault('StUF058', 'server', omschrijving, 'De fout is gelogd; neem contact op met de beheerder van het zaaksysteem');
  return new SoapReadError(faultStatus(ctx, 'server'), fault, ctx, cause);
}

/** The body is larger than the configured limit: HTTP 413 with StUF058. */
export function tooLargeError(ctx: ReadContext, maxBytes: number): SoapReadError {
  const fault = new StufFault(
    'StUF058',
    'server',
    `Bericht is groter dan de ingestelde limiet van ${maxBytes} bytes`,
    `maximale berichtgrootte: ${maxBytes} bytes`,
  );
  return new SoapReadError(413, fault, ctx);
}
