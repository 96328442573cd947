import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteBackend, SQLITE_FILE } from '../../src/backends/sqlite/index.js';
import { MIGRATIONS } from '../../src/backends/sqlite/schema.js';
import { runBackendContract } from './backend-contract.js';

runBackendContract('sqlite', (dataDir, opts) => openSqliteBackend({ dataDir, ...opts }));

describe('sqlite: specifics', () => {
  const settings = {
    gemeentecode: '0363',
    timeZone: 'Europe/Amsterdam',
    idTemplates: { zaak: '{gemeentecode}{jaar}{volgnummer:7}', document: 'D{volgnummer}', besluit: 'B{volgnummer}' },
  };

  it('creates a WAL database with the newest schema version, and reopens it without migrating again', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'zaakpoort-sqlite-'));
    try {
      const b = await openSqliteBackend({ dataDir, ...settings });
      assert.equal(b.name, 'sqlite');
      await b.close();
      await b.close(); // idempotent
      await (await openSqliteBackend({ dataDir, ...settings })).close();
      const db = new Database(path.join(dataDir, SQLITE_FILE), { readonly: true });
      try {
        assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
        const versions = db.prepare('SELECT version FROM schema_version ORDER BY version').all() as Array<{ version: number }>;
        assert.deepEqual(versions.map((v) => v.version), MIGRATIONS.map((m) => m.version));
      } finally {
        db.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a database from a newer Zaakpoort', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'zaakpoort-sqlite-'));
    try {
      await (await openSqliteBackend({ dataDir, ...settings })).close();
      const db = new Database(path.join(dataDir, SQLITE_FILE));
      db.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (999, 'toekomst', '')").run();
      db.close();
      await assert.rejects(openSqliteBackend({ dataDir, ...settings }), /schemaversie 999/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses at open a template that cannot produce a valid identificatie', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'zaakpoort-sqlite-'));
    try {
      await assert.rejects(
        openSqliteBackend({ dataDir, ...settings, idTemplates: { ...settings.idTemplates, zaak: 'Z{volgnummer:6}' } }),
        /gemeentecode/,
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('fails clearly after close', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'zaakpoort-sqlite-'));
    try {
      const b = await openSqliteBackend({ dataDir, ...settings });
      await b.close();
      await assert.rejects(b.store.getZaak('x'), /gesloten/);
      await assert.rejects(b.store.ping(), /gesloten/);
      await assert.rejects(b.store.transaction(async () => 1), /gesloten/);
      await assert.rejects(b.ids.reserve('zaak', undefined), /gesloten/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a nested transaction instead of deadlocking', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'zaakpoort-sqlite-'));
    try {
      const b = await openSqliteBackend({ dataDir, ...settings });
      await assert.rejects(
        b.store.transaction(() => b.store.transaction(async () => 1)),
        /binnen een andere transaction/,
      );
      await b.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
