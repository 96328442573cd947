/**
 * The embedded backend: one SQLite database file (WAL) plus document content as files, both under dataDir.
 * Needs no set-up; meant for a single Zaakpoort process.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.js';
import { assertUsableTemplate, yearInTimeZone } from '../../domain/identificatie.js';
import type { Backend } from '../../ports/index.js';
import { FsContentStore } from '../fs-content-store.js';
import { openConnection, StatementCache, type Db } from './connection.js';
import { createSqliteIdGenerator } from './id-generator.js';
import { DEFAULT_ID_BLOCK_SIZE } from '../id-sequence.js';
import { migrate } from './schema.js';
import { SqliteSqlStore } from './sql-store.js';
import { SqliteStoredData } from './stored-data.js';
import { SqliteZaakStore, type Lifecycle } from './store.js';
import { type SyncFile, WalSync } from './wal-sync.js';

export interface SqliteBackendOptions {
  dataDir: string;
  idTemplates: Config['idTemplates'];
  gemeentecode: string;
  timeZone: string;
  now?: () => Date;
  /** Identificaties reserved per commit (see ../id-blocks.ts); default DEFAULT_ID_BLOCK_SIZE. */
  idBlockSize?: number;
  /** How the WAL is synced after a commit (default fdatasync on the thread pool; tests put a test double here). */
  syncFile?: SyncFile;
}

export const SQLITE_FILE = 'zaakpoort.sqlite';

/** Refuse at start-up a template that could only ever produce invalid identificaties. */
function assertTemplates(opts: SqliteBackendOptions, now: Date): void {
  const jaar = yearInTimeZone(now, opts.timeZone);
  for (const kind of ['zaak', 'document', 'besluit'] as const) {
    assertUsableTemplate(kind, opts.idTemplates[kind], opts.gemeentecode, jaar);
  }
}

export async function openSqliteBackend(opts: SqliteBackendOptions): Promise<Backend> {
  const now = opts.now ?? (() => new Date());
  assertTemplates(opts, now());
  mkdirSync(opts.dataDir, { recursive: true });
  const file = path.join(opts.dataDir, SQLITE_FILE);

  const opened: Db[] = [];
  let walSync: WalSync | undefined;
  try {
    const writerDb = openConnection(file);
    opened.push(writerDb);
    migrate(writerDb);
    // The reader opens read-only after the writer has created the file and switched it to WAL.
    const readerDb = openConnection(file, { readonly: true });
    opened.push(readerDb);

    // The commit's fsync off the main thread (wal-sync.ts); without a WAL file to sync SQLite keeps doing it.
    walSync = WalSync.open(`${file}-wal`, opts.syncFile);
    if (walSync) writerDb.pragma('synchronous = NORMAL');
    const writer = new StatementCache(writerDb);
    const reader = new StatementCache(readerDb);
    const life: Lifecycle = { closed: false };
    const store = new SqliteZaakStore(writer, reader, life, now, walSync);
    const ids = createSqliteIdGenerator(
      store,
      writer,
      reader,
      { idTemplates: opts.idTemplates, gemeentecode: opts.gemeentecode, timeZone: opts.timeZone, now, blockSize: opts.idBlockSize ?? DEFAULT_ID_BLOCK_SIZE },
      () => {
        if (life.closed) throw new Error('De SQLite-opslag is gesloten');
      },
    );
    const content = new FsContentStore(opts.dataDir);
    const referenced = async (blobRefs: string[]): Promise<Set<string>> => {
      const marks = blobRefs.map(() => '?').join(',');
      const rows = readerDb.prepare(`SELECT blob_ref FROM document_version WHERE blob_ref IN (${marks})`).all(...blobRefs) as Array<{ blob_ref: string }>;
      return new Set(rows.map((r) => r.blob_ref));
    };
    return {
      name: 'sqlite',
      store,
      content,
      ids,
      sql: new SqliteSqlStore(store, writer, reader),
      storedData: new SqliteStoredData(store, writer, reader),
      async sweepLeftovers(o) {
        const temp = await content.sweepTemp(o.tempMaxAgeMs);
        const orphans = o.orphans ? await content.sweepOrphans(o.orphanMinAgeMs, referenced) : 0;
        return { temp, orphans };
      },
      close: () => store.close(),
    };
  } catch (e) {
    void walSync?.close();
    for (const db of opened) db.close();
    throw e;
  }
}
