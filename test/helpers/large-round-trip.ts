/**
 * One large document through a Zaakpoort child process and back, for the constant-memory tests of every
 * backend: a warm-up of each code path (so the baseline includes what any request costs once), then
 * voegZaakdocumentToe with inline base64 streamed by the client, and geefZaakdocumentLezen inline and as MTOM,
 * each answer XSD-validated and its content compared by sha256, while the server's RSS is sampled.
 */
import assert from 'node:assert/strict';
import type { ChildServer } from './child-server.js';
import { RssSampler } from './child-server.js';
import * as m from './messages.js';
import * as sc from './streaming-client.js';
import { assertSoapResponseValid } from './xsd.js';

export const MB = 1024 * 1024;

export interface RoundTrip {
  baseline: number;
  peak: number;
  samples: number;
}

/**
 * `onUploaded` runs between the upload and the downloads (backend-specific checks). Returns the RSS figures
 * (bytes); the caller asserts the growth it allows.
 */
export async function largeRoundTrip(srv: ChildServer, zaak: string, o: { size: number; warmSize: number; onUploaded?: () => void | Promise<void> }): Promise<RoundTrip> {
  const upload = (docId: string, seed: number, size: number) =>
    sc.uploadInline(srv.url, { envelopeXml: sc.soapEnvelope(m.voegZaakdocumentToe(docId, zaak, Buffer.alloc(0), '1.2')), seed, size });
  const lezen = (docId: string) => sc.soapEnvelope(m.geefZaakdocumentLezen(docId, '1.2'));

  const warm = await upload('WARM1', 1, o.warmSize);
  assert.equal(warm.status, 200, warm.text);
  assert.equal((await sc.downloadInline(srv.url, lezen('WARM1'))).status, 200);
  assert.equal((await sc.downloadMtom(srv.url, lezen('WARM1'))).status, 200);
  const baseline = srv.memory()!.rss;

  const expected = await sc.sha256Of(sc.patternBytes(100, o.size));
  const sampler = new RssSampler(srv.pid).start();

  const up = await upload('BIG100', 100, o.size);
  assert.equal(up.status, 200, up.text.slice(0, 2000));
  assert.match(up.text, /Bv03Bericht/);
  await assertSoapResponseValid(up.text);
  await o.onUploaded?.();

  const inline = await sc.downloadInline(srv.url, lezen('BIG100'));
  assert.equal(inline.status, 200, inline.xml.slice(0, 2000));
  assert.ok(inline.contentType.startsWith('text/xml'), inline.contentType);
  await assertSoapResponseValid(inline.xml); // the answer with its base64 text cut out
  assert.deepEqual(inline.contents, [expected]);

  const mtom = await sc.downloadMtom(srv.url, lezen('BIG100'));
  assert.equal(mtom.status, 200);
  const { xml, cids } = sc.rootWithoutIncludes(mtom.parts[0]!.text!);
  await assertSoapResponseValid(xml);
  assert.equal(cids.length, 1);
  const part = sc.partById(mtom, cids[0]!);
  assert.ok(part, `no part for cid ${cids[0]}`);
  assert.deepEqual({ size: part.size, sha256: part.sha256 }, expected);

  const peak = sampler.stop();
  return { baseline, peak, samples: sampler.samples };
}
