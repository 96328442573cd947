/** Recognising PostgreSQL errors: unreachable database, unique and foreign-key violations. */
import { BackendUnavailableError } from '../../ports/unavailable.js';

/** The database could not be reached or dropped the connection. The dispatcher answers StUF058. */
export class DatabaseUnavailableError extends BackendUnavailableError {
  override name = 'DatabaseUnavailableError';
  constructor(cause: unknown) {
    super('De database (PostgreSQL) is niet bereikbaar', cause);
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now; class 08 is connection exception.
const SERVER_CODES = new Set(['57P01', '57P02', '57P03']);

export function isConnectionError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith('08'))) return true;
  // pg reports a dropped socket and a connect timeout without a code; pg-pool its own wait for a connection
  // ("timeout exceeded when trying to connect": the database does not answer, or every connection is stuck).
  return /Connection terminated|connection timeout|Client has encountered a connection error|terminating connection|timeout exceeded when trying to connect/i.test(e.message);
}

/** Map a lost connection to DatabaseUnavailableError; leave every other error as it is. */
export function translate(e: unknown): unknown {
  if (e instanceof DatabaseUnavailableError) return e;
  return isConnectionError(e) ? new DatabaseUnavailableError(e) : e;
}

export function pgCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
/** in_failed_sql_transaction: a statement sent after an earlier one failed, in the same transaction. */
export const IN_FAILED_TRANSACTION = '25P02';
