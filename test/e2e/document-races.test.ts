/**
 * Many messages at once on one document, on SQLite and on a real PostgreSQL: every update is applied (none is
 * answered "document niet gevonden" because another transaction moved the current version on meanwhile).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import * as m from '../helpers/messages.js';
import { dropSchemas, findTestDatabase, testSchemaName } from '../helpers/postgres.js';
import { assertSoapResponseValid, schemas } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

const url = await findTestDatabase();
const CONCURRENT = 20;

async function send(srv: TestServer, body: string): Promise<{ status: number; text: string }> {
  const res = await srv.post(envelope(body));
  await assertSoapResponseValid(res.text);
  return res;
}

async function zaakMetDocument(srv: TestServer): Promise<{ zaakId: string; docId: string }> {
  const zaakId = m.extract((await send(srv, m.genereerIdentificatie('Zaak', '1.2'))).text, 'identificatie')!;
  assert.equal((await send(srv, m.creeerZaak({ identificatie: zaakId }, '1.2'))).status, 200);
  const docId = m.extract((await send(srv, m.genereerIdentificatie('Document', '1.2'))).text, 'identificatie')!;
  const added = await send(srv, m.voegZaakdocumentToe(docId, zaakId, Buffer.from('versie 0'), '1.2'));
  assert.equal(added.status, 200, added.text);
  return { zaakId, docId };
}

function races(name: string, config: () => Partial<Config>, skip: string | false, cleanup: () => Promise<void> = async () => undefined): void {
  describe(`concurrent work on one document (${name})`, { skip }, () => {
    let srv: TestServer;
    before(async () => {
      srv = await startServer(config(), { schemas: await schemas() });
    });
    after(async () => {
      await srv?.close();
      await cleanup();
    });

    it(`${CONCURRENT} concurrent updateZaakdocument calls with new content all succeed and all become versions`, async () => {
      const { docId } = await zaakMetDocument(srv);
      const answers = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, i) =>
          send(srv, m.updateZaakdocument(docId, '1.2', { content: Buffer.from(`versie ${i + 1}`), set: { beschrijving: `poging ${i}` } })),
        ),
      );
      for (const a of answers) assert.equal(a.status, 200, a.text);
      const versions = await srv.zp.backend.store.listDocumentVersions(docId);
      assert.equal(versions.length, CONCURRENT + 1, 'every update added its version');
    });

    it('concurrent check-outs of one document: exactly one wins, the others are refused as checked out (not "not found")', async () => {
      const { docId } = await zaakMetDocument(srv);
      // Content updates running at the same time move current_version on while the check-outs wait.
      const [checkouts, updates] = await Promise.all([
        Promise.all(Array.from({ length: 10 }, () => send(srv, m.geefZaakdocumentBewerken(docId, '1.2')))),
        Promise.all(Array.from({ length: 10 }, (_, i) => send(srv, m.updateZaakdocument(docId, '1.2', { content: Buffer.from(`u${i}`) })))),
      ]);
      for (const a of [...checkouts, ...updates]) {
        assert.notEqual(m.extract(a.text, 'code'), 'StUF064', `no "niet gevonden": ${a.text}`);
      }
      assert.equal(checkouts.filter((a) => a.status === 200).length, 1, 'exactly one check-out succeeded');
    });
  });
}

races('sqlite', () => ({}), false);

const schema = testSchemaName('races');
races(
  'postgres',
  () => ({ backend: { kind: 'postgres', url: url!, schema, poolMax: 24 } }),
  url ? false : 'no PostgreSQL reachable (set ZAAKPOORT_TEST_DATABASE_URL)',
  async () => {
    if (url) await dropSchemas(url, [schema]);
  },
);
