/**
 * A 100 MB document through a Zaakpoort with `backend: zgw`, at constant memory: the server runs as a child
 * process (the built bundle, as `npm start` runs it) in front of the ZGW TEST DOUBLE in this process (an
 * OAS-validating stand-in for Open Zaak that keeps documents in memory; not Open Zaak). The document goes in as
 * inline base64, Zaakpoort uploads it as bestandsdelen (8 MiB parts on the double) and streams it back from the
 * download, inline and as MTOM; the server's RSS is sampled throughout and the content compared by sha256.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ChildServer, RssSampler } from '../helpers/child-server.js';
import * as m from '../helpers/messages.js';
import * as sc from '../helpers/streaming-client.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type ZgwDouble, startZgwDouble } from '../zgw-double/index.js';
import { RSIN } from '../zgw/helpers.js';

const MB = 1024 * 1024;
/** What a 100 MB round trip may add to the server's RSS (the embedded backend's test allows the same). */
const MAX_GROWTH = 80 * MB;
const ZAAK = '12340000000077';

describe('100 MB document on the ZGW backend at constant memory (server as a child process, ZGW test double)', () => {
  let dataDir: string;
  let double: ZgwDouble;
  let srv: ChildServer;
  before(async () => {
    double = await startZgwDouble({ chunkSize: 8 * MB });
    await double.seed({
      catalogus: { domein: 'ZAAK', rsin: RSIN },
      zaaktypen: [{ identificatie: 'SHV01', omschrijving: 'Schuldhulpverlening', statustypen: ['Intake', 'Afgehandeld'], roltypen: ['initiator', 'behandelaar'], resultaattypen: ['Toegekend'], informatieobjecttypen: ['Aanvraagformulier'] }],
    });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-zgw-large-'));
    srv = new ChildServer({
      dataDir,
      env: {
        ZAAKPOORT_BACKEND: 'zgw',
        ZAAKPOORT_ZGW_ZAKEN_URL: double.roots.zaken,
        ZAAKPOORT_ZGW_DOCUMENTEN_URL: double.roots.documenten,
        ZAAKPOORT_ZGW_CATALOGI_URL: double.roots.catalogi,
        ZAAKPOORT_ZGW_BESLUITEN_URL: double.roots.besluiten,
        ZAAKPOORT_ZGW_CLIENT_ID: double.clientId,
        ZAAKPOORT_ZGW_SECRET: double.secret,
        ZAAKPOORT_ZGW_RSIN: RSIN,
        ZAAKPOORT_ZGW_CATALOGUS: JSON.stringify({ domein: 'ZAAK', rsin: RSIN }),
        ZAAKPOORT_ZGW_TIMEOUT_MS: '60000',
      },
    });
    await srv.start();
    const z = await sc.postText(`${srv.url}/zds`, sc.soapEnvelope(m.creeerZaak({ identificatie: ZAAK }, '1.2')));
    assert.equal(z.status, 200, z.text);
    await assertSoapResponseValid(z.text);
  });
  after(async () => {
    await srv?.stop();
    await double?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('voegZaakdocumentToe (bestandsdelen) and geefZaakdocumentLezen (inline and MTOM) keep the server RSS flat', async () => {
    const upload = (docId: string, seed: number, size: number) =>
      sc.uploadInline(srv.url, { envelopeXml: sc.soapEnvelope(m.voegZaakdocumentToe(docId, ZAAK, Buffer.alloc(0), '1.2')), seed, size });
    const lezen = (docId: string) => sc.soapEnvelope(m.geefZaakdocumentLezen(docId, '1.2'));

    // Warm up every code path (two parts: 9 MB) first, so the baseline includes what any request costs once.
    const warm = await upload('WARM1', 1, 9 * MB);
    assert.equal(warm.status, 200, warm.text);
    assert.equal((await sc.downloadInline(srv.url, lezen('WARM1'))).status, 200);
    assert.equal((await sc.downloadMtom(srv.url, lezen('WARM1'))).status, 200);
    const baseline = srv.memory()!.rss;

    const size = 100 * MB;
    const expected = await sc.sha256Of(sc.patternBytes(100, size));
    const sampler = new RssSampler(srv.pid).start();
    double.requests.length = 0;

    const up = await upload('BIG100', 100, size);
    assert.equal(up.status, 200, up.text.slice(0, 2000));
    assert.match(up.text, /Bv03Bericht/);
    const parts = double.requests.filter((r) => r.method === 'PUT' && r.path.includes('/bestandsdelen/'));
    assert.equal(parts.length, 13, 'uploaded as 13 bestandsdelen of at most 8 MiB');

    const inline = await sc.downloadInline(srv.url, lezen('BIG100'));
    assert.equal(inline.status, 200, inline.xml.slice(0, 2000));
    await assertSoapResponseValid(inline.xml);
    assert.deepEqual(inline.contents, [expected]);

    const mtom = await sc.downloadMtom(srv.url, lezen('BIG100'));
    assert.equal(mtom.status, 200);
    const { xml, cids } = sc.rootWithoutIncludes(mtom.parts[0]!.text!);
    await assertSoapResponseValid(xml);
    const part = sc.partById(mtom, cids[0]!);
    assert.ok(part, `no part for cid ${cids[0]}`);
    assert.deepEqual({ size: part.size, sha256: part.sha256 }, expected);

    const peak = sampler.stop();
    const growth = peak - baseline;
    console.log(`zgw server RSS: baseline ${(baseline / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB during 100 MB up (13 bestandsdelen) + 2x down (+${(growth / MB).toFixed(1)} MB, ${sampler.samples} samples)`);
    assert.ok(growth < MAX_GROWTH, `RSS grew by ${(growth / MB).toFixed(1)} MB for a 100 MB document\n${srv.log}`);
    // Nothing is left in the local staging area: the content lives in the Documenten API only.
    const staging = path.join(dataDir, 'zgw-staging');
    assert.deepEqual(await readdir(path.join(staging, 'tmp')), []);
    for (const shard of await readdir(path.join(staging, 'documents'))) assert.deepEqual(await readdir(path.join(staging, 'documents', shard)), []);
    assert.deepEqual(double.violations, [], 'every request Zaakpoort sent is valid against the OAS');
  });
});
