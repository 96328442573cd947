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
import { ChildServer } from '../helpers/child-server.js';
import { MB, largeRoundTrip } from '../helpers/large-round-trip.js';
import * as m from '../helpers/messages.js';
import * as sc from '../helpers/streaming-client.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type ZgwDouble, startZgwDouble } from '../zgw-double/index.js';
import { RSIN, zgwEnvFor } from '../zgw/helpers.js';

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
      env: { ...zgwEnvFor(double), ZAAKPOORT_BACKEND: 'zgw', ZAAKPOORT_ZGW_TIMEOUT_MS: '60000' },
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
    // The warm-up (9 MB: two parts) runs every code path once, so the baseline includes what any request costs.
    const { baseline, peak, samples } = await largeRoundTrip(srv, ZAAK, {
      size: 100 * MB,
      warmSize: 9 * MB,
      onUploaded: () => {
        const parts = double.requests.filter((r) => r.method === 'PUT' && r.path.includes('/bestandsdelen/'));
        assert.equal(parts.length, 2 + 13, 'uploaded as bestandsdelen of at most 8 MiB (2 for the warm-up, 13 for 100 MB)');
      },
    });
    const growth = peak - baseline;
    console.log(`zgw server RSS: baseline ${(baseline / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB during 100 MB up (13 bestandsdelen) + 2x down (+${(growth / MB).toFixed(1)} MB, ${samples} samples)`);
    assert.ok(growth < MAX_GROWTH, `RSS grew by ${(growth / MB).toFixed(1)} MB for a 100 MB document\n${srv.log}`);
    // Nothing is left in the local staging area: the content lives in the Documenten API only.
    const staging = path.join(dataDir, 'zgw-staging');
    assert.deepEqual(await readdir(path.join(staging, 'tmp')), []);
    for (const shard of await readdir(path.join(staging, 'documents'))) assert.deepEqual(await readdir(path.join(staging, 'documents', shard)), []);
    assert.deepEqual(double.violations, [], 'every request Zaakpoort sent is valid against the OAS');
  });
});
