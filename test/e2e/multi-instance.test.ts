/**
 * Several Zaakpoort instances on one PostgreSQL schema: identificaties never collide, every instance sees every
 * zaak, a check-out on one holds on the other, and a lost database connection gives StUF058 and recovers by itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import { SchemaRegistry } from '../../src/schema/index.js';
import * as m from '../helpers/messages.js';
import { CuttableProxy, dropSchemas, findTestDatabase, recordStatements, testSchemaName, withPort } from '../helpers/postgres.js';
import { type TestServer, envelope, REPO_ROOT, startServer } from '../helpers/zaakpoort.js';
import path from 'node:path';
import pg from 'pg';
import { openBackend } from '../../src/compose.js';
import { systemClock } from '../../src/stuf/dates.js';

const url = await findTestDatabase();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fault = (text: string) => /<StUF:code>([^<]*)</.exec(text)?.[1];

describe('several instances on one PostgreSQL schema', { skip: url ? false : 'no PostgreSQL reachable (set ZAAKPOORT_TEST_DATABASE_URL)' }, () => {
  const schema = testSchemaName('multi');
  const proxySchema = testSchemaName('proxy');
  let a: TestServer;
  let b: TestServer;
  let schemas: SchemaRegistry;

  const pgConfig = (s: string, u = url!): Partial<Config> => ({ backend: { kind: 'postgres', url: u, schema: s, poolMax: 10 } });

  before(async () => {
    schemas = await SchemaRegistry.load(process.env.ZAAKPOORT_SCHEMA_DIR ?? path.join(REPO_ROOT, 'xsd'));
    // Every answer either instance gives is validated against the official XSDs (validateAnswers).
    [a, b] = await Promise.all([startServer(pgConfig(schema), { schemas, validateAnswers: true }), startServer(pgConfig(schema), { schemas, validateAnswers: true })]);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await dropSchemas(url!, [schema, proxySchema]);
  });

  it('hands out 200 distinct identificaties under concurrent creeerZaak on both, each zaak readable from either', async () => {
    const servers = [a, b];
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const first = servers[i % 2]!;
        const second = servers[(i + 1) % 2]!;
        const gen = await first.post(envelope(m.genereerIdentificatie('Zaak', '1.2')));
        assert.equal(gen.status, 200, gen.text);
        const id = m.extract(gen.text, 'identificatie')!;
        // Created on the other instance than the one that handed out the identificatie.
        const created = await second.post(envelope(m.creeerZaak({ identificatie: id }, '1.2')));
        assert.equal(created.status, 200, created.text);
        assert.match(created.text, /Bv03Bericht/);
        return id;
      }),
    );
    assert.equal(new Set(results).size, 200, 'no identificatie handed out twice');
    for (const id of results) {
      assert.ok(await a.zp.backend.store.getZaak(id), `${id} via A`);
      assert.ok(await b.zp.backend.store.getZaak(id), `${id} via B`);
    }
    for (const id of results.slice(0, 10)) {
      for (const srv of servers) {
        const details = await srv.post(envelope(m.geefZaakdetails(id, '1.2')));
        assert.equal(details.status, 200, details.text);
        assert.equal(m.extract(details.text, 'identificatie'), id);
      }
    }
  });

  it('blocks: both instances hand out at once; a floor raised meanwhile by a third process holds for both from then on', async () => {
    const genereer = async (srv: TestServer): Promise<string> => {
      const r = await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')));
      assert.equal(r.status, 200, r.text);
      return m.extract(r.text, 'identificatie')!;
    };
    const burst = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => genereer(i % 2 ? b : a)));
    const first = await burst(60);
    // The cut-over command opens the backend in a process of its own: it knows nothing of A's and B's blocks.
    const cutover = await openBackend(a.zp.config, systemClock);
    const highest = first.reduce((x, y) => (x > y ? x : y));
    const floor = highest.slice(0, -7) + String(Number(highest.slice(-7)) + 5).padStart(7, '0');
    try {
      assert.equal(await cutover.ids.ensureAbove('zaak', floor), true);
    } finally {
      await cutover.close();
    }
    const afterwards = await burst(60);
    for (const v of afterwards) assert.ok(v > floor, `${v} was issued after the floor ${floor} was raised`);
    assert.equal(new Set([...first, ...afterwards]).size, 120, 'no identificatie handed out twice');
  });

  it('the same creeerZaak sent to both instances at once (and five times to one) gets the original Bv03 everywhere, never "niet uniek"', async () => {
    for (const round of [0, 1]) {
      const id = m.extract((await a.post(envelope(m.genereerIdentificatie('Zaak', '1.2')))).text, 'identificatie')!;
      const msg = envelope(m.creeerZaak({ identificatie: id }, '1.2', `REF-MULTI-${round}-${id}`));
      const targets = round === 0 ? [a, b, a, b] : [a, a, a, a, a];
      const answers = await Promise.all(targets.map((s) => s.post(msg)));
      for (const r of answers) assert.equal(r.status, 200, r.text);
      assert.equal(new Set(answers.map((r) => r.text)).size, 1, 'every copy gets the one original answer');
      assert.ok(await b.zp.backend.store.getZaak(id));
    }
  });

  it('genereerZaakIdentificatie logs its Du02 in one statement (no BEGIN/COMMIT), and its resend to the other instance gets the same identificatie', async () => {
    const msg = envelope(m.genereerIdentificatie('Zaak', '1.2'));
    await a.post(envelope(m.genereerIdentificatie('Zaak', '1.2'))); // a block of identificaties is reserved by now
    // Every statement the pool's connections send while A answers the Di02 (in this process: startServer runs in it).
    const recording = recordStatements();
    let first;
    try {
      first = await a.post(msg);
    } finally {
      recording.stop();
    }
    assert.equal(first.status, 200, first.text);
    const writes = recording.sent.filter((t) => /^(BEGIN|COMMIT|INSERT INTO message_log)/.test(t)).map((t) => t.split(' ').slice(0, 3).join(' '));
    assert.deepEqual(writes, ['INSERT INTO message_log'], recording.sent.join(' | '));
    const again = await b.post(msg);
    assert.equal(again.text, first.text, 'the resend gets the original Du02');
  });

  it('a check-out on A holds on B (HTTP), and a lock set through A’s ports is seen through B’s', async () => {
    const zaakId = m.extract((await a.post(envelope(m.genereerIdentificatie('Zaak', '1.2')))).text, 'identificatie')!;
    assert.equal((await a.post(envelope(m.creeerZaak({ identificatie: zaakId }, '1.2')))).status, 200);
    const docId = m.extract((await b.post(envelope(m.genereerIdentificatie('Document', '1.2')))).text, 'identificatie')!;
    const added = await b.post(envelope(m.voegZaakdocumentToe(docId, zaakId, Buffer.from('inhoud van A en B'), '1.2')));
    assert.equal(added.status, 200, added.text);

    // Both instances try at once: exactly one check-out wins.
    const [ra, rb] = await Promise.all([
      a.post(envelope(m.geefZaakdocumentBewerken(docId, '1.2', { gebruiker: 'mdwA' }))),
      b.post(envelope(m.geefZaakdocumentBewerken(docId, '1.2', { gebruiker: 'mdwB' }))),
    ]);
    const wins = [ra, rb].filter((r) => r.status === 200);
    assert.equal(wins.length, 1, `${ra.status} ${rb.status}\n${ra.text}\n${rb.text}`);
    const loser = ra.status === 200 ? rb : ra;
    assert.ok(fault(loser.text), loser.text);
    const lock = (await b.zp.backend.store.getDocument(docId))?.lock;
    assert.ok(lock, 'the lock is a row: B sees it');
    assert.deepEqual((await a.zp.backend.store.getDocument(docId))?.lock, lock);

    // And directly through the ports.
    await a.zp.backend.store.transaction((tx) => tx.setDocumentLock(docId, undefined));
    assert.equal((await b.zp.backend.store.getDocument(docId))?.lock, undefined);
    const viaPorts = { checkedOutId: 'c0ffee', owner: '1234|SHV||mdwA', at: '2026-01-01T00:00:00.000Z' };
    await a.zp.backend.store.transaction((tx) => tx.setDocumentLock(docId, viaPorts));
    assert.deepEqual((await b.zp.backend.store.getDocument(docId))?.lock, viaPorts);
  });

  it('recovers by itself after its connections are terminated (pg_terminate_backend)', async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // Only this schema's connections (application_name names the schema), so other test runs are untouched.
      const { rows } = await admin.query<{ n: string }>(
        'SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1',
        [`zaakpoort/${schema}`.slice(0, 63)],
      );
      assert.ok(Number(rows[0]!.n) > 0, 'connections were terminated');
    } finally {
      await admin.end();
    }
    await sleep(50);
    // The first request may meet a connection that died: StUF058, never a hang or a crash. Then it works again.
    const first = await a.post(envelope(m.genereerIdentificatie('Zaak', '1.2')));
    assert.ok(first.status === 200 || fault(first.text) === 'StUF058', first.text);
    let ok = 0;
    for (let i = 0; i < 5; i++) if ((await a.post(envelope(m.genereerIdentificatie('Zaak', '1.2')))).status === 200) ok++;
    assert.ok(ok >= 4, `${ok} of 5 succeeded after recovery`);
    assert.equal((await fetch(a.url + '/health')).status, 200);
  });

  it('answers StUF058 while the database is unreachable, says so, and recovers when it returns', async () => {
    const target = new URL(url!);
    const proxy = new CuttableProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.start();
    const srv = await startServer(pgConfig(proxySchema, withPort(url!, proxy.port)), { schemas, validateAnswers: true });
    try {
      const zaakId = m.extract((await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')))).text, 'identificatie')!;
      assert.ok(zaakId);
      await proxy.cut();

      const down = await srv.post(envelope(m.creeerZaak({ identificatie: zaakId }, '1.2')));
      assert.equal(fault(down.text), 'StUF058', down.text);
      await assert.rejects(srv.zp.backend.store.getZaak(zaakId), /database \(PostgreSQL\) is niet bereikbaar/);
      assert.equal((await fetch(srv.url + '/health')).status, 503);

      await proxy.start(); // same port again: the database is back
      const again = await srv.post(envelope(m.creeerZaak({ identificatie: zaakId }, '1.2')));
      assert.equal(again.status, 200, again.text);
      assert.equal((await fetch(srv.url + '/health')).status, 200);
      assert.ok(await srv.zp.backend.store.getZaak(zaakId));
    } finally {
      await srv.close();
      await proxy.cut().catch(() => undefined);
    }
  });
});
