/**
 * The backend contract against a real PostgreSQL (ZAAKPOORT_TEST_DATABASE_URL, default the local test database),
 * each group in its own schema, all dropped afterwards. Skipped, with a message, when no database answers.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { CHUNK_BYTES } from '../../src/backends/postgres/content-store.js';
import { openPostgresBackend } from '../../src/backends/postgres/index.js';
import { MIGRATIONS, migrate } from '../../src/backends/postgres/schema.js';
import type { Zaak } from '../../src/domain/model.js';
import type { Backend } from '../../src/ports/index.js';
import { runBackendContract } from './backend-contract.js';
import { fullBesluit, fullDocumentMeta, fullZaak, link, minimalZaak, version } from './fixtures.js';
import { dropSchemas, findTestDatabase, recordStatements, testSchemaName } from '../helpers/postgres.js';

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
  { logMessageAlone: true });

  describe('postgres: specifics', () => {
    /** A backend in a schema of its own, and a statement recorder that is stopped however the test ends. */
    async function withBackend(prefix: string, fn: (b: Backend, record: () => ReturnType<typeof recordStatements>, schema: string) => Promise<void>): Promise<void> {
      const dir = await mkdtemp(path.join(tmpdir(), prefix));
      const schema = schemaFor(dir);
      const b = await openPostgresBackend({ url: url!, schema, pool: { max: 2 }, content: { kind: 'postgres' }, ...settings });
      let recording: ReturnType<typeof recordStatements> | undefined;
      try {
        await fn(b, () => (recording = recordStatements()), schema);
      } finally {
        recording?.stop();
        await b.close();
        await rm(dir, { recursive: true, force: true });
      }
    }

    it('discarding a temp after it was persisted (as the dispatcher does for every bericht) sends nothing and keeps the blob', () =>
      withBackend('zaakpoort-pgdiscard-', async (b, record) => {
        const temp = await b.content.createTemp();
        await pipeline(Readable.from([Buffer.from('inhoud')]), temp.stream);
        await temp.finish();
        const blobRef = await b.content.persist(temp.tempId);
        const recording = record();
        await b.content.discardTemp(temp.tempId);
        recording.stop();
        assert.deepEqual(recording.sent, []);
        const chunks: Buffer[] = [];
        for await (const c of b.content.open(blobRef)) chunks.push(c as Buffer);
        assert.equal(Buffer.concat(chunks).toString(), 'inhoud');
        // A temp that was not persisted is still deleted.
        const other = await b.content.createTemp();
        await pipeline(Readable.from([Buffer.from('weg')]), other.stream);
        await other.finish();
        await b.content.discardTemp(other.tempId);
        await assert.rejects(b.content.persist(other.tempId), /bestaat niet/);
      }));

    it('content that fits in one chunk is stored in one statement at finish; a temp discarded before it sends nothing', () =>
      withBackend('zaakpoort-pgsmallcontent-', async (b, record, schema) => {
        const bytes = randomBytes(1000);
        const recording = record();
        const temp = await b.content.createTemp();
        await pipeline(Readable.from([bytes.subarray(0, 400), bytes.subarray(400)]), temp.stream);
        const done = await temp.finish();
        const blobRef = await b.content.persist(temp.tempId);
        recording.stop();
        assert.deepEqual(recording.sent.map((q) => q.split(' ').slice(0, 4).join(' ')), ['WITH o AS (INSERT', 'UPDATE content_object SET temp_id'],
          recording.sent.join('\n'));
        assert.equal(done.size, 1000);
        assert.equal(done.sha256, createHash('sha256').update(bytes).digest('hex'));
        const chunks: Buffer[] = [];
        for await (const c of b.content.open(blobRef)) chunks.push(c as Buffer);
        assert.deepEqual(Buffer.concat(chunks), bytes);

        const abandoned = await b.content.createTemp();
        abandoned.stream.write(Buffer.from('half'));
        const quiet = record();
        await abandoned.abort();
        quiet.stop();
        assert.deepEqual(quiet.sent, [], 'no row was made, so there is nothing to delete');
        await assert.rejects(abandoned.finish());

        // Discarded while the statement that makes its row (the first full chunk) is in flight: the row goes too.
        const big = await b.content.createTemp();
        big.stream.write(randomBytes(CHUNK_BYTES + 10));
        await b.content.discardTemp(big.tempId);
        const direct = new pg.Client({ connectionString: url });
        await direct.connect();
        try {
          // Long enough for that statement to have landed had the discard not waited for it.
          await new Promise((r) => setTimeout(r, 300));
          const { rows } = await direct.query(`SELECT 1 FROM ${schema}.content_object WHERE temp_id = $1`, [big.tempId]);
          assert.equal(rows.length, 0);
        } finally {
          await direct.end();
        }
      }));

    it('markIdentificatieUsed goes with the COMMIT in one round trip, its values quoted; a transaction aborted behind the caller still rolls back', () =>
      withBackend('zaakpoort-pgusedat-', async (b, record, schema) => {
        const reserved = await b.ids.reserve('zaak', 'app');
        // A reservation whose value needs quoting (written directly: reserve() makes no such values).
        const odd = "0363'x\\y";
        const direct = new pg.Client({ connectionString: url });
        await direct.connect();
        try {
          await direct.query(`INSERT INTO ${schema}.id_reservation (kind, value, reserved_at) VALUES ('zaak', $1, 'test')`, [odd]);
          const recording = record();
          await b.store.transaction(async (tx) => {
            await tx.insertZaak(minimalZaak(reserved));
            await tx.markIdentificatieUsed('zaak', reserved);
            await tx.markIdentificatieUsed('zaak', odd);
          });
          recording.stop();
          assert.equal(recording.sent.length, 3, recording.sent.join('\n'));
          assert.equal(recording.sent[0], 'BEGIN');
          assert.match(recording.sent[2]!, /^UPDATE id_reservation .*; UPDATE id_reservation .*; COMMIT$/);
          const { rows } = await direct.query<{ value: string; used_at: string | null }>(
            `SELECT value, used_at FROM ${schema}.id_reservation WHERE kind = 'zaak' AND value = ANY($1) ORDER BY value`, [[reserved, odd]]);
          assert.deepEqual(rows.map((r) => r.value), [reserved, odd].sort());
          for (const r of rows) assert.ok(r.used_at && !Number.isNaN(Date.parse(r.used_at)), `used_at of ${r.value} set by the statement sent with COMMIT`);
        } finally {
          await direct.end();
        }
        assert.ok(await b.store.getZaak(reserved));
        // A statement error caught by the body aborts the transaction: the statements sent with COMMIT are refused.
        const other = minimalZaak(`${reserved}9`);
        await assert.rejects(
          b.store.transaction(async (tx) => {
            await tx.insertZaak(other);
            await assert.rejects(tx.updateZaak({ ...other, omschrijving: 'a\u0000b' }));
            await tx.markIdentificatieUsed('zaak', other.identificatie);
          }),
          /teruggedraaid/,
        );
        assert.equal(await b.store.getZaak(other.identificatie), undefined);
      }));

    it('linkDocument refuses a missing zaak or document and a second link in one statement each, leaving the transaction usable', () =>
      withBackend('zaakpoort-pglink-', async (b, record) => {
        await b.store.transaction(async (tx) => {
          await tx.insertZaak(minimalZaak('03632001'));
          await tx.insertDocument({ ...fullDocumentMeta('D-L1'), identificatie: 'D-L1' }, version(1));
        });
        const recording = record();
        await b.store.transaction(async (tx) => {
          await assert.rejects(tx.linkDocument(link('03639999', 'D-L1')), /bestaat niet/);
          await assert.rejects(tx.linkDocument(link('03632001', 'D-geen')), /bestaat niet/);
          await tx.linkDocument(link('03632001', 'D-L1'));
          await assert.rejects(tx.linkDocument(link('03632001', 'D-L1')), (e: unknown) => e instanceof Error && e.name === 'DuplicateError');
          await tx.insertZaak(minimalZaak('03632002')); // the transaction still works after the refusals
        });
        recording.stop();
        assert.equal(recording.sent.filter((t) => t.startsWith('SAVEPOINT')).length, 0, recording.sent.join(' | '));
        assert.deepEqual((await b.store.listZaakDocumenten('03632001')).map((l) => l.document.meta.identificatie), ['D-L1']);
        assert.ok(await b.store.getZaak('03632002'));
      }));

    it('getZaakDetails reads in one statement what getZaak, listZaakDocumenten, listBesluiten and getZaak per relatie read', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'zaakpoort-pgdetails-'));
      const b = await openPostgresBackend({ url, schema: schemaFor(dir), pool: { max: 4 }, content: { kind: 'postgres' }, ...settings });
      try {
        const store = b.store;
        assert.ok(store.getZaakDetails, 'the PostgreSQL store offers getZaakDetails');
        // fullZaak relates to 036320240000099 (heeftAlsDeelzaak, stored here) and 2017-0000561 (not stored).
        await store.transaction(async (tx) => {
          await tx.insertZaak(fullZaak('03631001'));
          await tx.insertZaak(minimalZaak('036320240000099'));
          await tx.insertZaak(minimalZaak('03631002'));
          // Inserted in the reverse of the identificatie order: the answer must follow link order, not the key.
          for (const [doc, n] of [['D-2', 2], ['D-1', 1]] as const) {
            await tx.insertDocument({ ...fullDocumentMeta(doc), identificatie: doc }, version(n));
            await tx.linkDocument(link('03631001', doc, { titel: `Titel ${doc}` }));
          }
          await tx.insertBesluit(fullBesluit('B-2', '03631001'));
          await tx.insertBesluit(fullBesluit('B-1', '03631001'));
        });
        const all = { documenten: true, besluiten: true, relaties: ['heeftAlsDeelzaak', 'heeftBetrekkingOpAndere'] as const };
        for (const id of ['03631001', '03631002']) {
          const zaak = await store.getZaak(id);
          const gerelateerde = new Map<string, Zaak>();
          for (const r of zaak!.relaties) {
            const other = await store.getZaak(r.identificatie);
            if (other) gerelateerde.set(r.identificatie, other);
          }
          const separate = { zaak, documenten: await store.listZaakDocumenten(id), besluiten: await store.listBesluiten(id), gerelateerde };
          // An unmarked schema: the statement says so (allValidated), in the same snapshot as the data.
          assert.deepEqual(await store.getZaakDetails(id, all), { ...separate, allValidated: true });
          // The same statement by statement inside a transaction (rows locked there), where the mark is not read.
          assert.deepEqual(await store.transaction((tx) => tx.getZaakDetails!(id, all)), separate);
          assert.deepEqual(await store.getZaakDetails(id, { documenten: false, besluiten: false, relaties: [] }), { zaak, allValidated: true });
          assert.deepEqual(await store.getZaakDetails(id, { documenten: true, besluiten: false, relaties: [] }), { zaak, documenten: separate.documenten, allValidated: true });
        }
        const both = await store.getZaakDetails('03631001', all);
        assert.deepEqual(both?.documenten?.map((d) => d.document.meta.identificatie), ['D-2', 'D-1']);
        assert.deepEqual(both?.besluiten?.map((x) => x.identificatie), ['B-2', 'B-1']);
        assert.equal(both?.documenten?.[0]?.document.latest.size, 1002);
        assert.deepEqual([...both!.gerelateerde!.keys()], ['036320240000099']);
        // Only the soorten asked for.
        const other = await store.getZaakDetails('03631001', { documenten: false, besluiten: false, relaties: ['heeftBetrekkingOpAndere'] });
        assert.equal(other?.gerelateerde?.size, 0);
        assert.equal(await store.getZaakDetails('03639999', all), undefined);
      } finally {
        await b.close();
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('the unvalidated-data mark: set by one instance, read with the data by every instance; a schema that held data before the mark is marked by its migration', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'zaakpoort-pgmark-'));
      const schema = schemaFor(dir);
      const open = () => openPostgresBackend({ url, schema, pool: { max: 2 }, content: { kind: 'postgres' }, ...settings });
      const none = { documenten: false, besluiten: false, relaties: [] };
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const [one, two] = [await open(), await open()];
        try {
          await one.store.transaction((tx) => tx.insertZaak(minimalZaak('03631001')));
          assert.equal((await two.store.getZaakDetails!('03631001', none))?.allValidated, true);
          // The mark is only read with the data: on its own it answers "not known" and the answer is checked.
          assert.equal(await two.storedData!.allValidated(), false);
          await one.storedData!.markUnvalidated('test: validation "warn"');
          await one.storedData!.markUnvalidated('a second time: no second row');
          assert.equal((await two.store.getZaakDetails!('03631001', none))?.allValidated, false, 'the other instance sees the mark');
          const { rows } = await admin.query(`SELECT name, reason FROM ${schema}.store_mark`);
          assert.deepEqual(rows, [{ name: 'unvalidated-data', reason: 'test: validation "warn"' }]);
        } finally {
          await one.close();
          await two.close();
        }
        // Back to schema version 7, as an older Zaakpoort left it: the migration marks the data already there.
        await admin.query(`DROP TABLE ${schema}.store_mark; DELETE FROM ${schema}.schema_version WHERE version >= 8`);
        await (await open()).close();
        const { rows } = await admin.query(`SELECT reason FROM ${schema}.store_mark`);
        assert.deepEqual(rows, [{ reason: 'gegevens van voor schemaversie 8' }]);
        // An empty schema is not marked.
        const empty = schemaFor(`${dir}-leeg`);
        await (await openPostgresBackend({ url, schema: empty, pool: { max: 1 }, content: { kind: 'postgres' }, ...settings })).close();
        assert.equal((await admin.query(`SELECT 1 FROM ${empty}.store_mark`)).rowCount, 0);
      } finally {
        await admin.end();
        await rm(dir, { recursive: true, force: true });
      }
    });

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
