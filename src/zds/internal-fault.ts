/**
 * The one place an unexpected error becomes a fault for the sender. The sender learns only what kind of failure
 * it was (the database unreachable, or an internal error) and never a path, address, errno or driver text: those
 * go to the log for the beheerder, masked (see redact.ts), with the code and the cause, and the stack at debug.
 */
import { findUnavailable } from '../ports/unavailable.js';
import { describeError, redact } from '../redact.js';
import { StufFault, faults } from '../stuf/fault.js';

export type FaultLog = (level: 'debug' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

const SEE_LOG = 'De fout is gelogd; neem contact op met de beheerder van het zaaksysteem';

/** Log e with its cause and answer StUF058; `omschrijving` says what was being done when it failed. */
export function internalFault(e: unknown, log: FaultLog, omschrijving = 'Interne fout bij het verwerken van het bericht'): StufFault {
  const unavailable = findUnavailable(e);
  log('error', unavailable ? 'opslag niet bereikbaar' : 'verwerking mislukt', { error: describeError(e) });
  if (e instanceof Error && e.stack) log('debug', 'verwerking mislukt: stack', { stack: redact(e.stack) });
  if (unavailable) return faults.processing(unavailable.publicMessage, 'Probeer het later opnieuw; de fout is gelogd');
  return faults.processing(omschrijving, SEE_LOG);
}
