/**
 * The scale-out backend: zaken, documents and identificaties in PostgreSQL, document content in PostgreSQL
 * (chunked rows) or on a shared filesystem. Any number of Zaakpoort instances may use one database schema at once.
 */
import type { Config } from '../../config.js';
import { assertUsableTemplate, yearInTimeZone } from '../../domain/identificatie.js';
import type { Backend, SweepOptions } from '../../ports/index.js';
import { FsContentStore } from '../fs-content-store.js';
import { PgContentStore } from './content-store.js';
import { createPgIdGenerator } from './id-generator.js';
import { DEFAULT_ID_BLOCK_SIZE } from '../id-sequence.js';
import { createPool, poolQuery, type PoolSettings, whileHoldingLock } from './pool.js';
import { migrate } from './schema.js';
import { PgSqlStore } from './sql-store.js';
import { type Lifecycle, PgZaakStore } from './store.js';
import { PgStoredData } from './stored-data.js';

export { DatabaseUnavailableError } from './errors.js';
export { MIGRATIONS, migrate } from './schema.js';

export interface PostgresBackendOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** PostgreSQL schema holding Zaakpoort's tables (created when missing). Default "zaakpoort". */
  schema?: string;
  pool?: PoolSettings;
  /** Where document bytes live: in the database, or in a folder every instance shares. */
  content: { kind: 'postgres' } | { kind: 'fs'; dir: string };
  idTemplates: Config['idTemplates'];
  gemeentecode: string;
  timeZone: string;
  now?: () => Date;
  /** Identificaties reserved per commit (see ../id-blocks.ts); default DEFAULT_ID_BLOCK_SIZE. */
  idBlockSize?: number;
  /** Run migrations at start-up (default true); switch off when `npm run migrate` is a separate deploy step. */
  migrate?: boolean;
  /** Told about connections the server dropped while idle (the pool replaces them by itself). */
  onConnectionError?: (e: Error) => void;
}

export const DEFAULT_SCHEMA = 'zaakpoort';

export async function openPostgresBackend(opts: PostgresBackendOptions): Promise<Backend> {
  const now = opts.now ?? (() => new Date());
  const jaar = yearInTimeZone(now(), opts.timeZone);
  for (const kind of ['zaak', 'document', 'besluit'] as const) {
    assertUsableTemplate(kind, opts.idTemplates[kind], opts.gemeentecode, jaar);
  }
  const schema = opts.schema ?? DEFAULT_SCHEMA;
  const pool = createPool(opts.url, schema, opts.pool, opts.onConnectionError);
  try {
    if (opts.migrate !== false) await migrate(pool, schema);
    const life: Lifecycle = { closed: false };
    const assertOpen = (): void => {
      if (life.closed) throw new Error('De PostgreSQL-opslag is gesloten');
    };
    const store = new PgZaakStore(pool, life, now);
    const ids = createPgIdGenerator(pool, assertOpen, {
      idTemplates: opts.idTemplates,
      gemeentecode: opts.gemeentecode,
      timeZone: opts.timeZone,
      now,
      blockSize: opts.idBlockSize ?? DEFAULT_ID_BLOCK_SIZE,
    });
    const content = opts.content.kind === 'fs' ? new FsContentStore(opts.content.dir) : new PgContentStore(pool, assertOpen);
    const referenced = async (blobRefs: string[]): Promise<Set<string>> => {
      const { rows } = await poolQuery<{ blob_ref: string }>(pool, 'SELECT blob_ref FROM document_version WHERE blob_ref = ANY ($1::text[])', [blobRefs]);
      return new Set(rows.map((r) => r.blob_ref));
    };
    const sweepLeftovers = (o: SweepOptions) =>
      // One instance sweeps at a time; the others skip this round.
      whileHoldingLock(pool, `zaakpoort-sweep:${schema}`, async () => {
        const temp = await content.sweepTemp(o.tempMaxAgeMs);
        let orphans = 0;
        if (o.orphans) orphans = content instanceof PgContentStore ? await content.sweepOrphans(o.orphanMinAgeMs) : await content.sweepOrphans(o.orphanMinAgeMs, referenced);
        return { temp, orphans };
      });
    // Per schema: instances on another schema are another installation.
    const tryExclusive = <T>(key: string, fn: () => Promise<T>) => whileHoldingLock(pool, `zaakpoort:${schema}:${key}`, async () => ({ value: await fn() }));
    return {
      name: 'postgres',
      store,
      content,
      ids,
      sql: new PgSqlStore(pool, assertOpen),
      storedData: new PgStoredData(pool, assertOpen),
      sweepLeftovers,
      tryExclusive,
      close: () => store.close(),
    };
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }
}
