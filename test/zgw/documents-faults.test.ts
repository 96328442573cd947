/**
 * voegZaakdocumentToe on the ZGW backend when a ZGW call fails, on the ZGW TEST DOUBLE (an OAS-validating
 * stand-in for Open Zaak, not Open Zaak): for every write call (POST EIO, each PUT bestandsdeel, the unlock,
 * POST ZIO) and every kind of failure (500, 400, timeout, "took effect but the answer was lost"), the sender
 * gets a StUF fault and the Documenten/Zaken API hold no half-made document, or the call was safely repeated
 * and the document is complete; a resend of the same bericht then completes it.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { DocumentMeta, DocumentVersion } from '../../src/domain/model.js';
import { StufFault } from '../../src/stuf/fault.js';
import { type FaultAction, type RecordedRequest, type ZgwDouble, startZgwDouble } from '../zgw-double/index.js';
import { RSIN, type ZgwFixture, authHeaders, listInZgw, openZgwFixture, translatorClient, zaakVoorZgw } from './helpers.js';

const ZAAK = '036320240000700';
const RETRIES = 2;

const ACTIONS: Array<[string, FaultAction]> = [
  ['500', { type: 'status', status: 500 }],
  ['400', { type: 'status', status: 400, body: { type: 'x', code: 'invalid', title: 'Invalid input.', status: 400, detail: '', instance: 'urn:uuid:1', invalidParams: [{ name: 'nonFieldErrors', code: 'invalid', reason: 'Test.' }] } }],
  ['answer lost', { type: 'lose-response', mode: 'destroy' }],
  ['timeout', { type: 'timeout' }],
];

interface Eio { url: string; identificatie: string; locked: boolean; bestandsomvang: number | null }

const meta = (identificatie: string): DocumentMeta => ({
  identificatie, dctOmschrijving: 'Aanvraag', titel: 'Aanvraag', auteur: 'J. de Vries', taal: 'nld', creatiedatum: { value: '20240315' }, formaat: 'application/octet-stream',
});

/** The write calls of a dry run, each with its position among the calls to the same path pattern. */
function writes(reqs: RecordedRequest[]): Array<{ method: string; path: string; nth: number }> {
  const out: Array<{ method: string; path: string; nth: number }> = [];
  const seen = new Map<string, number>();
  for (const r of reqs) {
    if (r.method === 'GET' || r.path.includes('/catalogi/')) continue;
    const path = r.path.replace(/[0-9a-f-]{36}/g, '[0-9a-f-]{36}');
    const key = `${r.method} ${path}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    out.push({ method: r.method, path, nth: seen.get(key)! });
  }
  return out;
}

describe('zgw backend: voegZaakdocumentToe never leaves a half-made document', () => {
  let f: ZgwFixture;
  let double: ZgwDouble;
  before(async () => {
    double = await startZgwDouble();
    f = await openZgwFixture({ double, settings: { ...translatorClient(double), timeoutMs: 1500, retries: RETRIES } });
    await f.backend.store.transaction((tx) => tx.insertZaak(zaakVoorZgw(ZAAK)));
  });
  after(async () => {
    await f?.close();
    await double?.close();
  });

  /** What voegZaakdocumentToe does: persist the received content, then insert + link in one unit. */
  async function voegToe(id: string, content: Buffer): Promise<void> {
    const w = await f.backend.content.createTemp();
    w.stream.end(content);
    const { size, sha256 } = await w.finish();
    const blobRef = await f.backend.content.persist(w.tempId);
    const version: DocumentVersion = { versionNo: 1, blobRef, size, sha256, bestandsnaam: 'aanvraag.bin', contentType: 'application/octet-stream', createdAt: new Date().toISOString() };
    try {
      await f.backend.store.transaction(async (tx) => {
        await tx.insertDocument(meta(id), version);
        await tx.linkDocument({ zaakIdentificatie: ZAAK, documentIdentificatie: id, registratiedatum: '20240315' });
      });
    } finally {
      await f.backend.content.remove(blobRef);
    }
  }

  const eios = (id: string) => listInZgw<Eio>(f.double, `${f.double.roots.documenten}/enkelvoudiginformatieobjecten?bronorganisatie=${RSIN}&identificatie=${id}`);

  /** ZIOs of the zaak pointing at a document that no longer exists: half-made leftovers. */
  async function danglingZios(): Promise<string[]> {
    const zaak = (await listInZgw<{ url: string }>(f.double, `${f.double.roots.zaken}/zaken?identificatie=${ZAAK}&bronorganisatie=${RSIN}`))[0]!;
    const all = new Set((await listInZgw<Eio>(f.double, `${f.double.roots.documenten}/enkelvoudiginformatieobjecten?bronorganisatie=${RSIN}`)).map((e) => e.url));
    const zios = await listInZgw<{ url: string; informatieobject: string }>(f.double, `${f.double.roots.zaken}/zaakinformatieobjecten?zaak=${encodeURIComponent(zaak.url)}`);
    return zios.filter((z) => !all.has(z.informatieobject)).map((z) => z.url);
  }

  async function assertComplete(id: string, content: Buffer, label: string): Promise<void> {
    const [e, ...more] = await eios(id);
    assert.ok(e && more.length === 0, `${label}: exactly one EIO ${id}`);
    assert.equal(e.locked, false, `${label}: unlocked`);
    const res = await fetch(`${e.url}/download`, { headers: { ...(await authHeaders(f.double)), Accept: 'application/octet-stream' } });
    assert.equal(res.status, 200, `${label}: downloadable`);
    assert.equal(createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex'), createHash('sha256').update(content).digest('hex'), `${label}: content`);
    const zios = await listInZgw<{ informatieobject: string }>(f.double, `${f.double.roots.zaken}/zaakinformatieobjecten?informatieobject=${encodeURIComponent(e.url)}`);
    assert.equal(zios.length, 1, `${label}: linked once`);
  }

  for (const mode of ['base64 inhoud', 'bestandsdelen (3 parts)'] as const) {
    it(`${mode}: at every write call and every kind of failure, a fault and nothing half-made, or complete; a resend completes it`, async () => {
      const large = mode !== 'base64 inhoud';
      f.backend.zgw.documents.inlineLimit = large ? 0 : 1024 * 1024;
      f.double.chunkSize = 1000;
      const content = Buffer.alloc(large ? 2500 : 300, 7);
      let i = 0;
      f.double.requests.length = 0;
      await voegToe(`DRY-${large ? 'L' : 'S'}`, content);
      const plan = writes(f.double.requests);
      assert.deepEqual(plan.map((p) => `${p.method} ${p.path.split('/').filter((s) => !s.startsWith('[')).pop()}`),
        large
          ? ['POST enkelvoudiginformatieobjecten', 'PUT bestandsdelen', 'PUT bestandsdelen', 'PUT bestandsdelen', 'POST unlock', 'POST zaakinformatieobjecten']
          : ['POST enkelvoudiginformatieobjecten', 'POST zaakinformatieobjecten']);

      for (const target of plan) {
        for (const [label, action] of ACTIONS) {
          if (action.type === 'timeout' && target.method === 'PUT') continue; // a timed-out PUT is retried like a 500
          const id = `FLT-${large ? 'L' : 'S'}-${i++}`;
          const what = `${label} on ${target.method} ${target.path} #${target.nth}`;
          f.double.faults.clear();
          // A PUT of a part is safe to repeat, so the client retries it: it fails for good only when every attempt fails.
          const fault = f.double.faults.add({ method: target.method, path: new RegExp(`${target.path}$`), nth: target.nth, times: target.method === 'PUT' ? RETRIES : 1, action });
          let failed: unknown;
          await voegToe(id, content).catch((e: unknown) => (failed = e));
          assert.ok(fault.fired >= 1, `${what} fired`);
          f.double.faults.clear();
          if (failed === undefined) {
            // Only a lost answer of the unlock may pass: the read after it shows the unlock took effect.
            assert.ok(target.path.endsWith('/unlock') && action.type === 'lose-response', `${what}: the sender must get a fault`);
            await assertComplete(id, content, what);
            continue;
          }
          assert.ok(failed instanceof StufFault, `${what}: a StUF fault, not ${String(failed)}`);
          assert.doesNotMatch(`${failed.message} ${failed.details ?? ''}`, /127\.0\.0\.1|ECONN|https?:/, `${what}: no URL or errno text for the sender`);
          assert.deepEqual(await eios(id), [], `${what}: no EIO ${id} left in ZGW`);
          assert.deepEqual(await danglingZios(), [], `${what}: no dangling ZIO`);
          assert.deepEqual(f.backend.zgw.context.journal.open(), [], `${what}: the unit was undone completely`);
          await voegToe(id, content);
          await assertComplete(id, content, `${what}, resent`);
        }
      }
      assert.deepEqual(f.double.violations, [], 'every request Zaakpoort sent is valid against the OAS');
    });
  }
});
