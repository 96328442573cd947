/**
 * The connection pool: every connection works in the configured schema (search_path set at connect time), with a
 * statement timeout, and a dropped connection is removed from the pool instead of crashing the process. The pool
 * opens new connections on demand, so it recovers by itself when the database comes back.
 */
import type pg from 'pg';
import { lazyRequire } from '../../lazy-require.js';
import { DatabaseUnavailableError, isConnectionError, translate } from './errors.js';

export interface PoolSettings {
  max?: number;
  statementTimeoutMs?: number;
  idleTimeoutMs?: number;
  /** How long to wait for a connection before giving up (a down database must fail fast, not hang). */
  connectTimeoutMs?: number;
}

/** pg loads with the first pool: a SQLite or ZGW instance never needs it. */
const loadPg = lazyRequire<typeof pg>('pg');

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`Ongeldige PostgreSQL-schemanaam "${schema}" (alleen kleine letters, cijfers en _, max. 63 tekens)`);
  }
}

export type Queryable = Pick<pg.PoolClient, 'query'>;

export function createPool(url: string, schema: string, settings: PoolSettings = {}, onError?: (e: Error) => void): pg.Pool {
  assertSchemaName(schema);
  const pool = new (loadPg().Pool)({
    connectionString: url,
    max: settings.max ?? 10,
    idleTimeoutMillis: settings.idleTimeoutMs ?? 30_000,
    connectionTimeoutMillis: settings.connectTimeoutMs ?? 5_000,
    // Validated above, so the name needs no quoting; the public schema is not searched on purpose.
    options: `-c search_path=${schema}`,
    statement_timeout: settings.statementTimeoutMs ?? 30_000,
    // A transaction left open by a stuck request must not hold row locks for ever.
    idle_in_transaction_session_timeout: 60_000,
    // Per schema, so operators (and tests) can tell which instance group a connection belongs to.
    application_name: `zaakpoort/${schema}`.slice(0, 63),
  });
  // An idle connection killed by the server emits 'error' on the pool; without a listener Node would exit.
  pool.on('error', (e) => onError?.(new DatabaseUnavailableError(e)));
  return pool;
}

/** Take a connection from the pool, reporting an unreachable database clearly. */
export async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (e) {
    throw translate(e);
  }
}

/** Run one statement on the pool (autocommit). */
export async function poolQuery<R extends pg.QueryResultRow>(pool: pg.Pool, text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
  try {
    return await pool.query<R>(text, values);
  } catch (e) {
    throw translate(e);
  }
}

/**
 * Hold one connection for fn. A connection that broke on the way (server restart, network) is destroyed on
 * release instead of going back to the pool; the pool opens a fresh one next time.
 */
export async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await connect(pool);
  let broken: Error | undefined;
  // A checked-out connection that dies between statements emits 'error'; unheard, that would end the process.
  const onError = (e: Error): void => {
    broken = e;
  };
  client.on('error', onError);
  try {
    return await fn(client);
  } catch (e) {
    if (isConnectionError(e)) broken = e as Error;
    throw translate(e);
  } finally {
    // Keep the listener on a broken connection: it may still report errors while it is torn down.
    if (!broken) client.removeListener('error', onError);
    client.release(broken);
  }
}

/**
 * Run fn while holding a session advisory lock named key, if no other session (instance) holds it; undefined
 * when one does. The lock lives on its own pooled connection and goes with it if that connection breaks.
 */
export async function whileHoldingLock<T>(pool: pg.Pool, key: string, fn: () => Promise<T>): Promise<T | undefined> {
  return withClient(pool, async (client) => {
    const { rows } = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS got', [key]);
    if (!rows[0]?.got) return undefined;
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
    }
  });
}
