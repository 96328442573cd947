/**
 * Crash leftovers: the state a SIGKILL leaves (temp content of an upload that never finished, a blob persisted
 * whose transaction never committed) is recreated on disk / in the database as the process would have left it,
 * aged past the threshold; a restart (start-up sweep) and the periodic sweep remove it, while live data and
 * young leftovers of uploads that may still be in progress elsewhere stay.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import type { Config } from '../../src/config.js';
import { ChildServer } from '../helpers/child-server.js';
import * as m from '../helpers/messages.js';
import { dropSchemas, findTestDatabase, testSchemaName } from '../helpers/postgres.js';
import { splitAtInhoud } from '../helpers/streaming-client.js';
import { assertSoapResponseValid, schemas } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

const url = await findTestDatabase();
/** Short request timeout: leftovers count as stale after 2 × 1 s + 60 s. */
const TIMEOUT: Partial<Config> = { requestTimeoutMs: 1_000 };
const TEN_MINUTES_AGO = () => new Date(Date.now() - 10 * 60_000);

async function documentMet(srv: TestServer, content: Buffer): Promise<string> {
  const zaakId = m.extract((await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')))).text, 'identificatie')!;
  assert.equal((await srv.post(envelope(m.creeerZaak({ identificatie: zaakId }, '1.2')))).status, 200);
  const docId = `1234D${Date.now()}`;
  const res = await srv.post(envelope(m.voegZaakdocumentToe(docId, zaakId, content, '1.2')));
  assert.equal(res.status, 200, res.text);
  return docId;
}

async function readContent(srv: TestServer, docId: string): Promise<Buffer> {
  const res = await srv.post(envelope(m.geefZaakdocumentLezen(docId, '1.2')));
  assert.equal(res.status, 200, res.text);
  return Buffer.from(/<ZKN:inhoud[^>]*>([^<]*)</.exec(res.text)![1]!, 'base64');
}

describe('crash leftovers on SQLite + files', () => {
  it('start-up removes stale temp files and unreferenced blobs; live and young ones stay; the periodic sweep too', async () => {
    const first = await startServer(TIMEOUT, { schemas: await schemas() });
    const dataDir = first.dataDir;
    const live = randomBytes(50_000);
    const docId = await documentMet(first, live);
    await first.zp.close(); // the data stays; as after a kill, the next start finds what was left

    const tmp = path.join(dataDir, 'tmp');
    const docs = path.join(dataDir, 'documents');
    const hex = () => randomBytes(16).toString('hex');
    // A SIGKILL mid-upload leaves <tempId>.part; one between persist() and commit leaves an unreferenced blob.
    const staleTemp = `${hex()}.part`;
    const youngTemp = `${hex()}.part`;
    const staleBlob = hex();
    const youngBlob = hex();
    await writeFile(path.join(tmp, staleTemp), randomBytes(300_000));
    await writeFile(path.join(tmp, youngTemp), randomBytes(1000));
    for (const b of [staleBlob, youngBlob]) {
      await mkdir(path.join(docs, b.slice(0, 2)), { recursive: true });
      await writeFile(path.join(docs, b.slice(0, 2), b), randomBytes(2000));
    }
    await utimes(path.join(tmp, staleTemp), TEN_MINUTES_AGO(), TEN_MINUTES_AGO());
    await utimes(path.join(docs, staleBlob.slice(0, 2), staleBlob), TEN_MINUTES_AGO(), TEN_MINUTES_AGO());
    // The live document's blob is just as old: referenced, so it stays.
    for (const entry of await readdir(docs, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) await utimes(path.join(entry.parentPath, entry.name), TEN_MINUTES_AGO(), TEN_MINUTES_AGO());
    }
    await utimes(path.join(docs, youngBlob.slice(0, 2), youngBlob), new Date(), new Date());

    const second = await startServer({ ...TIMEOUT, dataDir }, { schemas: await schemas() });
    try {
      const temps = await readdir(tmp);
      assert.ok(!temps.includes(staleTemp), 'stale temp file removed');
      assert.ok(temps.includes(youngTemp), 'a young temp file (an upload possibly still running elsewhere) stays');
      const blobs = (await readdir(docs, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
      assert.ok(!blobs.includes(staleBlob), 'unreferenced old blob removed');
      assert.ok(blobs.includes(youngBlob), 'a young unreferenced blob (its transaction may be about to commit) stays');
      assert.deepEqual(await readContent(second, docId), live, 'live document intact');

      // Periodic: the young temp file ages while the server runs; the next run removes it.
      await utimes(path.join(tmp, youngTemp), TEN_MINUTES_AGO(), TEN_MINUTES_AGO());
      const report = await second.zp.housekeeping.runOnce();
      assert.equal(report.tempRemoved, 1);
      assert.ok(!(await readdir(tmp)).includes(youngTemp));
    } finally {
      await second.close();
    }
  });
});

describe('crash leftovers after a real SIGKILL (SQLite + files, the built server)', () => {
  it('an upload cut by SIGKILL leaves its .part file; once stale, the next start removes it', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-kill-'));
    const srv = new ChildServer({ dataDir });
    try {
      await srv.start();
      const post = async (body: string) => {
        const res = await fetch(`${srv.url}/zds`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: envelope(body) });
        const text = await res.text();
        await assertSoapResponseValid(text);
        return { status: res.status, text };
      };
      const zaakId = m.extract((await post(m.genereerIdentificatie('Zaak', '1.2'))).text, 'identificatie')!;
      assert.equal((await post(m.creeerZaak({ identificatie: zaakId }, '1.2'))).status, 200);
      const live = randomBytes(40_000);
      const docId = `1234D${Date.now()}`;
      assert.equal((await post(m.voegZaakdocumentToe(docId, zaakId, live, '1.2'))).status, 200);

      // Half an upload: the head and 600 KB of base64 of a much larger document, then the process is killed.
      const { head } = splitAtInhoud(envelope(m.voegZaakdocumentToe(`${docId}K`, zaakId, Buffer.alloc(0), '1.2')));
      const socket = net.connect(srv.port, '127.0.0.1');
      socket.on('error', () => undefined);
      await once(socket, 'connect');
      socket.write(`POST /zds HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: 50000000\r\n\r\n${head}`);
      socket.write(randomBytes(450_000).toString('base64'));
      const tmp = path.join(dataDir, 'tmp');
      const partFiles = async () => (await readdir(tmp)).filter((n) => n.endsWith('.part'));
      for (let i = 0; i < 400 && (await partFiles()).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      await srv.kill('SIGKILL');
      socket.destroy();
      const left = await partFiles();
      assert.equal(left.length, 1, 'the kill left the upload\'s temp file');

      // A restart right away keeps it (it might belong to an upload still running on another process)...
      await srv.start();
      assert.deepEqual(await partFiles(), left);
      await srv.kill('SIGTERM');
      // ...once it is older than the threshold (2 × request timeout + 1 min: 11 min by default), the next start removes it.
      const anHourAgo = new Date(Date.now() - 60 * 60_000);
      await utimes(path.join(tmp, left[0]!), anHourAgo, anHourAgo);
      await srv.start();
      assert.deepEqual(await partFiles(), []);
      const read = await post(m.geefZaakdocumentLezen(docId, '1.2'));
      assert.equal(read.status, 200, read.text);
      assert.deepEqual(Buffer.from(/<ZKN:inhoud[^>]*>([^<]*)</.exec(read.text)![1]!, 'base64'), live, 'live document intact');
    } finally {
      await srv.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('crash leftovers on PostgreSQL', { skip: url ? false : 'no PostgreSQL reachable (set ZAAKPOORT_TEST_DATABASE_URL)' }, () => {
  const schema = testSchemaName('leftovers');
  after(async () => dropSchemas(url!, [schema]));

  it('start-up removes stale temp objects and unreferenced blobs; one instance sweeps at a time', async () => {
    const config: Partial<Config> = { ...TIMEOUT, backend: { kind: 'postgres', url: url!, schema } };
    const first = await startServer(config, { schemas: await schemas() });
    const live = randomBytes(1_500_000); // two chunks
    const docId = await documentMet(first, live);
    await first.close();

    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const q = (sql: string, values: unknown[] = []) => admin.query(sql.replaceAll('$S', schema), values);
      const hex = () => randomBytes(16).toString('hex');
      // What a kill leaves: an unfinished temp object with a chunk, and a persisted blob nobody references.
      const leftover = async (kind: 'temp_id' | 'blob_ref', id: string, agedMinutes: number): Promise<void> => {
        const { rows } = await q(
          `INSERT INTO $S.content_object (${kind}, finished, touched_at) VALUES ($1, ${kind === 'blob_ref'}, clock_timestamp() - $2 * interval '1 minute') RETURNING id`,
          [id, agedMinutes],
        );
        await q('INSERT INTO $S.content_chunk (object_id, n, data) VALUES ($1, 0, $2)', [rows[0].id, randomBytes(1000)]);
      };
      const [staleTemp, youngTemp, staleBlob, youngBlob] = [hex(), hex(), hex(), hex()];
      await leftover('temp_id', staleTemp, 10);
      await leftover('temp_id', youngTemp, 0);
      await leftover('blob_ref', staleBlob, 10);
      await leftover('blob_ref', youngBlob, 0);
      await q(`UPDATE $S.content_object SET touched_at = clock_timestamp() - interval '10 minutes' WHERE blob_ref IN (SELECT blob_ref FROM $S.document_version)`);

      // While another instance holds the sweep, this one leaves everything alone at start-up...
      const objects = async () => (await q('SELECT coalesce(temp_id, blob_ref) AS id FROM $S.content_object')).rows.map((r: { id: string }) => r.id);
      await q('SELECT pg_advisory_lock(hashtext($1))', [`zaakpoort-sweep:${schema}`]);
      const second = await startServer(config, { schemas: await schemas() });
      try {
        assert.ok((await objects()).includes(staleTemp), 'nothing swept while another instance holds the sweep');
        await q('SELECT pg_advisory_unlock(hashtext($1))', [`zaakpoort-sweep:${schema}`]);
        // ...and sweeps at its next run.
        const report = await second.zp.housekeeping.runOnce();
        assert.deepEqual({ temp: report.tempRemoved, orphans: report.orphansRemoved }, { temp: 1, orphans: 1 });
        const left = await objects();
        assert.ok(!left.includes(staleTemp), 'stale temp object removed');
        assert.ok(!left.includes(staleBlob), 'unreferenced old blob removed');
        assert.ok(left.includes(youngTemp) && left.includes(youngBlob), 'young leftovers stay');
        const chunks = await q('SELECT count(*) AS n FROM $S.content_chunk c WHERE NOT EXISTS (SELECT 1 FROM $S.content_object o WHERE o.id = c.object_id)');
        assert.equal(Number(chunks.rows[0].n), 0, 'no chunk rows without their object');
        assert.deepEqual(await readContent(second, docId), live, 'live document intact');
      } finally {
        await second.close();
      }
    } finally {
      await admin.end();
    }
  });
});
