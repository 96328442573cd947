/**
 * `zaakpoort backup --to <dir>` and `zaakpoort restore --from <dir>` for the embedded backend (SQLite + files).
 *
 * Backup runs next to a live server: SQLite's online backup API (better-sqlite3 `db.backup`) copies a consistent
 * snapshot of the database, WAL included, while writers go on. Then exactly the document files that snapshot
 * refers to are copied and checked against the size and sha256 the database recorded. Order matters: a document
 * file is renamed into place before the row that refers to it commits, so every file the snapshot names exists;
 * files added later are simply not part of this backup. The backup is written to `<dir>.partial` and renamed to
 * `<dir>` when complete, so a `<dir>` that exists is always a whole backup.
 *
 * Restore checks the whole backup first (database integrity, every document's size and hash), then installs it
 * into the configured data directory, which must not hold a database unless --force is given (stop Zaakpoort first).
 *
 * PostgreSQL is backed up with pg_dump (README "Backup and restore").
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_FILE } from '../backends/sqlite/index.js';
import type { Config } from '../config.js';
import { VERSION } from '../server/health.js';

const MANIFEST = 'zaakpoort-backup.json';
const FORMAT = 'zaakpoort-backup-sqlite';

interface Manifest {
  format: typeof FORMAT;
  formatVersion: 1;
  zaakpoortVersion: string;
  createdAt: string;
  database: string;
  documents: number;
  documentBytes: number;
}

interface BlobRow {
  blob_ref: string;
  size: number;
  sha256: string | null;
}

export interface BackupSummary {
  dir: string;
  documents: number;
  documentBytes: number;
}

export class BackupError extends Error {
  override name = 'BackupError';
}

function requireSqlite(config: Config, what: string): void {
  if (config.backend.kind !== 'sqlite') {
    throw new BackupError(`${what} geldt voor de SQLite-backend; maak van PostgreSQL een backup met pg_dump (zie README, Backup and restore)`);
  }
}

/** documents/<first two characters>/<blobRef>, as FsContentStore lays them out. */
function blobPath(root: string, blobRef: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(blobRef)) throw new BackupError(`onverwachte documentverwijzing ${JSON.stringify(blobRef)} in de database`);
  return path.join(root, 'documents', blobRef.slice(0, 2), blobRef);
}

function referencedBlobs(dbFile: string): BlobRow[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`database ${dbFile} is beschadigd: ${String(check)}`);
    return db.prepare('SELECT DISTINCT blob_ref, size, sha256 FROM document_version WHERE blob_ref IS NOT NULL').all() as BlobRow[];
  } finally {
    db.close();
  }
}

/** Copy one file (or only read it, when `to` is undefined), checking size and sha256 on the way. */
async function copyChecked(from: string, to: string | undefined, row: BlobRow): Promise<void> {
  const hash = createHash('sha256');
  let size = 0;
  const input = await open(from, 'r').catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'ENOENT' ? new BackupError(`documentbestand ${row.blob_ref} ontbreekt`) : e;
  });
  let output: FileHandle | undefined;
  try {
    if (to) {
      await mkdir(path.dirname(to), { recursive: true });
      output = await open(to, 'wx');
    }
    for await (const chunk of input.createReadStream({ highWaterMark: 1024 * 1024, autoClose: false }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
      if (output) await output.write(chunk);
    }
    await output?.sync();
  } finally {
    await input.close();
    await output?.close();
  }
  if (size !== row.size) throw new BackupError(`documentbestand ${row.blob_ref} heeft ${size} bytes, de database noemt ${row.size}`);
  if (row.sha256 && hash.digest('hex') !== row.sha256) throw new BackupError(`documentbestand ${row.blob_ref} wijkt af van de sha256 in de database`);
}

async function fsyncFile(file: string): Promise<void> {
  const h = await open(file, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

async function isEmptyOrAbsent(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
}

export async function backupCommand(config: Config, to: string): Promise<BackupSummary> {
  requireSqlite(config, 'backup');
  const target = path.resolve(to);
  const dbFile = path.join(config.dataDir, SQLITE_FILE);
  if (!existsSync(dbFile)) throw new BackupError(`er is geen database in ${config.dataDir} (ZAAKPOORT_DATA_DIR)`);
  if (!(await isEmptyOrAbsent(target))) throw new BackupError(`${target} bestaat al en is niet leeg; kies een nieuwe map`);
  const partial = `${target}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    const source = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      // Online backup: a consistent snapshot while the server keeps writing (restarted by SQLite when needed).
      await source.backup(path.join(partial, SQLITE_FILE));
    } finally {
      source.close();
    }
    await fsyncFile(path.join(partial, SQLITE_FILE));
    const blobs = referencedBlobs(path.join(partial, SQLITE_FILE));
    let bytes = 0;
    for (const row of blobs) {
      await copyChecked(blobPath(config.dataDir, row.blob_ref), blobPath(partial, row.blob_ref), row);
      bytes += row.size;
    }
    const manifest: Manifest = {
      format: FORMAT,
      formatVersion: 1,
      zaakpoortVersion: VERSION,
      createdAt: new Date().toISOString(),
      database: SQLITE_FILE,
      documents: blobs.length,
      documentBytes: bytes,
    };
    await writeFile(path.join(partial, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    await fsyncFile(path.join(partial, MANIFEST));
    await rm(target, { recursive: true, force: true }); // only ever an empty folder here (checked above)
    await rename(partial, target);
    return { dir: target, documents: blobs.length, documentBytes: bytes };
  } catch (e) {
    await rm(partial, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
}

async function readManifest(dir: string): Promise<Manifest> {
  let parsed: Partial<Manifest>;
  try {
    parsed = JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as Partial<Manifest>;
  } catch {
    throw new BackupError(`${dir} is geen Zaakpoort-backup (${MANIFEST} ontbreekt of is onleesbaar)`);
  }
  if (parsed.format !== FORMAT || parsed.formatVersion !== 1) throw new BackupError(`${dir}: onbekend backupformaat ${String(parsed.format)} ${String(parsed.formatVersion)}`);
  return parsed as Manifest;
}

export async function restoreCommand(config: Config, from: string, opts: { force?: boolean } = {}): Promise<BackupSummary> {
  requireSqlite(config, 'restore');
  const source = path.resolve(from);
  const manifest = await readManifest(source);
  const dbTarget = path.join(config.dataDir, SQLITE_FILE);
  if (existsSync(dbTarget) && !opts.force) {
    throw new BackupError(`${config.dataDir} bevat al een database; stop Zaakpoort en geef --force om die te vervangen`);
  }
  // Check the whole backup before touching the data directory.
  const blobs = referencedBlobs(path.join(source, manifest.database));
  for (const row of blobs) await copyChecked(blobPath(source, row.blob_ref), undefined, row);

  await mkdir(config.dataDir, { recursive: true });
  let bytes = 0;
  for (const row of blobs) {
    const dest = blobPath(config.dataDir, row.blob_ref);
    if (existsSync(dest)) {
      await copyChecked(dest, undefined, row); // already there (restore over the same data): must be the same bytes
    } else {
      const tmp = `${dest}.restore-${process.pid}`;
      await rm(tmp, { force: true });
      await copyChecked(blobPath(source, row.blob_ref), tmp, row);
      await rename(tmp, dest);
    }
    bytes += row.size;
  }
  const tmpDb = `${dbTarget}.restore-${process.pid}`;
  await rm(tmpDb, { force: true });
  const db = new Database(path.join(source, manifest.database), { readonly: true, fileMustExist: true });
  try {
    await db.backup(tmpDb);
  } finally {
    db.close();
  }
  await fsyncFile(tmpDb);
  // A WAL or shared-memory file of the database being replaced would be replayed onto the restored one.
  for (const suffix of ['-wal', '-shm', '-journal']) await rm(`${dbTarget}${suffix}`, { force: true });
  await rename(tmpDb, dbTarget);
  if ((await stat(dbTarget)).size === 0) throw new BackupError('de teruggezette database is leeg');
  return { dir: config.dataDir, documents: blobs.length, documentBytes: bytes };
}
