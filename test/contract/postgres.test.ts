/**
 * The backend contract against a real PostgreSQL (ZAAKPOORT_TEST_DATABASE_URL, default the local test database),
 * each group in its own schema, all dropped afterwards. Skipped, with a message, when no database answers.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openPostgresBackend } from '../../src/backends/postgres/index.js';
import { MIGRATIONS, migrate } from '../../src/backends/postgres/schema.js';
import { runBackendContract } from './backend-contract.js';
import { minimalZaak } from './fixtures.js';
import { dropSchemas, findTestDatabase, testSchemaName } from '../helpers/postgres.js';

const url = await findTestDatabase();
const settings = {
  gemeentecode: '0363',
  timeZone: 'Europe/Amsterdam',
  idTemplates: { zaak: '{gemeentecode}{jaar}{volgnummer:7}', document: 'D{volgnummer}', besluit: 'B{volgnummer}' },
};

if (!url) {
  describe('postgres backend', () => {
    it('skipped: no PostgreSQL reachable (set ZAAKPOORT_TEST_DATABASE_URL; .ci/run starts one)', { skip: true }, () => {});
  });
} else {
  const schemas = new Set<string>();
  // One schema per data directory: reopening the same directory reaches the same data, as the contract expects.
  const schemaFor = (dataDir: string): string => {
    const name = testSchemaName(createHash('sha1').update(dataDir).digest('hex').slice(0, 10));
    schemas.add(name);
    return name;
  };
  after(() => dropSchemas(url, schemas));

  runBackendContract('postgres', (dataDir, opts) =>
    openPostgresBackend({ url, schema: schemaFor(dataDir), pool: { max: 8 }, content: { kind: 'postgres' }, ...opts }),
  );

  describe('postgres: specifics', () => {
    it('stores content on a shared filesystem when configured so', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'zaakpoort-pgfs-'));
      const b = await openPostgresBackend({ url, schema: schemaFor(dir), content: { kind: 'fs', dir }, ...settings });
      try {
        const t = await b.content.createTemp();
        await pipeline(Readable.from([Buffer.from('op schijf')]), t.stream);
        await t.finish();
        const ref = await b.content.persist(t.tempId);
        const parts: Buffer[] = [];
        for await (const c of b.content.open(ref)) parts.push(c as Buffer);
        assert.equal(Buffer.concat(parts).toString(), 'op schijf');
      } finally {
        await b.close();
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('migrates once when several instances start at the same moment, and refuses a newer schema', async () => {
      const schema = schemaFor('gelijktijdig');
      const opened = await Promise.all(
        Array.from({ length: 4 }, () => openPostgresBackend({ url, schema, content: { kind: 'postgres' }, ...settings })),
      );
      await Promise.all(opened.map((b) => b.close()));
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ version: number }>(`SELECT version FROM ${schema}.schema_version ORDER BY version`);
        assert.deepEqual(rows.map((r) => r.version), MIGRATIONS.map((m) => m.version));
        await admin.query(`INSERT INTO ${schema}.schema_version (version, description) VALUES (999, 'toekomst')`);
      } finally {
        await admin.end();
      }
      await assert.rejects(openPostgresBackend({ url, schema, content: { kind: 'postgres' }, ...settings }), /schemaversie 999/);
    });

    it('refuses an unsafe schema name', async () => {
      await assert.rejects(
        openPostgresBackend({ url, schema: 'x; DROP TABLE y', content: { kind: 'postgres' }, ...settings }),
        /schemanaam/,
      );
    });

    it('fails clearly after close, and refuses a nested transaction', async () => {
      const b = await openPostgresBackend({ url, schema: schemaFor('gesloten'), content: { kind: 'postgres' }, ...settings });
      await assert.rejects(b.store.transaction(() => b.store.transaction(async () => 1)), /binnen een andere transaction/);
      await b.close();
      await b.close();
      await assert.rejects(b.store.getZaak('x'), /gesloten/);
      await assert.rejects(b.store.ping(), /gesloten/);
      await assert.rejects(b.store.transaction(async () => 1), /gesloten/);
      await assert.rejects(b.ids.reserve('zaak', undefined), /gesloten/);
    });

    it('reports an unreachable database clearly', async () => {
      const dead = 'postgres://postgres@127.0.0.1:1/test';
      await assert.rejects(
        openPostgresBackend({ url: dead, schema: schemaFor('onbereikbaar'), pool: { connectTimeoutMs: 1000 }, content: { kind: 'postgres' }, ...settings }),
        /ECONNREFUSED|niet bereikbaar/,
      );
    });

    it('does not commit a transaction whose statement failed behind the caller’s back', async () => {
      const b = await openPostgresBackend({ url, schema: schemaFor('afgebroken'), content: { kind: 'postgres' }, ...settings });
      try {
        await assert.rejects(
          b.store.transaction(async (tx) => {
            await tx.insertZaak(minimalZaak('03639001'));
            // A link to an unknown document fails inside its savepoint: the transaction stays usable.
            await assert.rejects(tx.linkDocument({ zaakIdentificatie: '03639001', documentIdentificatie: 'geen', registratiedatum: '20240101' }), /bestaat niet/);
            await tx.insertZaak(minimalZaak('03639002'));
            throw new Error('terug');
          }),
          /terug/,
        );
        assert.equal(await b.store.getZaak('03639001'), undefined);
      } finally {
        await b.close();
      }
    });
  });
}
