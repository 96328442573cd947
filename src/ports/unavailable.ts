/**
 * Thrown by a backend when what it stores on (a database, a remote API) cannot be reached or dropped the
 * connection. The dispatcher answers StUF058 with `publicMessage`, which names the service but never an address,
 * path or driver text; the cause goes to the log.
 */
export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
  constructor(
    /** What the sender is told, e.g. "De database (PostgreSQL) is niet bereikbaar". */
    readonly publicMessage: string,
    override readonly cause: unknown,
  ) {
    super(`${publicMessage}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** The BackendUnavailableError in e or its chain of causes (errors are wrapped on the way up). */
export function findUnavailable(e: unknown): BackendUnavailableError | undefined {
  for (let cur = e, depth = 0; cur !== undefined && cur !== null && depth < 10; depth++) {
    if (cur instanceof BackendUnavailableError) return cur;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}
