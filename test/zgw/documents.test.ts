/**
 * The document part of the ZGW backend's store, on the ZGW TEST DOUBLE (an OAS-validating stand-in for Open
 * Zaak, not Open Zaak): the backend contract's document cases as far as ZGW can hold them (a document always
 * belongs to a zaak there; versie and link registratiedatum are the API's), plus what is ZGW-specific: the
 * checkedOutId is the ZGW lock with its owner in the local state, a lock nobody in Zaakpoort took, versions as
 * EIO versies, a large new version through bestandsdelen, and besluitinformatieobjecten.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import type { DocumentLock, DocumentMeta, DocumentVersion } from '../../src/domain/model.js';
import { type BackendStep, runWithSteps } from '../../src/observability/steps.js';
import { DuplicateError } from '../../src/ports/zaak-store.js';
import { StufFault } from '../../src/stuf/fault.js';
import { type ZgwDouble, startZgwDouble } from '../zgw-double/index.js';
import { RSIN, type ZgwFixture, authHeaders, listInZgw, openZgwFixture, translatorClient, zaakVoorZgw } from './helpers.js';

const Z = '036320240000800';
const Z2 = '036320240000801';

const fullMeta = (identificatie: string): DocumentMeta => ({
  identificatie,
  dctOmschrijving: 'Aanvraag',
  creatiedatum: { value: '20240315' },
  ontvangstdatum: { value: '20240316' },
  titel: 'Aanvraag.pdf',
  beschrijving: 'Aanvraagformulier — "ë" & <tekens>',
  formaat: 'application/pdf',
  taal: 'nld',
  status: 'definitief',
  verzenddatum: { value: '20240317' },
  vertrouwelijkAanduiding: 'ZAAKVERTROUWELIJK',
  auteur: 'J. de Vries',
  link: 'https://dms.example/doc/1',
});

interface Eio { url: string; versie: number; locked: boolean }

describe('zgw backend: documents on the ZGW test double', () => {
  let f: ZgwFixture;
  let double: ZgwDouble;
  before(async () => {
    double = await startZgwDouble();
    f = await openZgwFixture({ double, settings: translatorClient(double) });
    await f.backend.store.transaction(async (tx) => {
      await tx.insertZaak(zaakVoorZgw(Z));
      await tx.insertZaak(zaakVoorZgw(Z2));
    });
  });
  after(async () => {
    await f?.close();
    await double?.close();
  });
  afterEach(() => {
    assert.deepEqual(f.double.violations, [], 'every request Zaakpoort sent is valid against the OAS');
  });

  async function staged(content: Buffer, versionNo = 1): Promise<DocumentVersion> {
    const w = await f.backend.content.createTemp();
    w.stream.end(content);
    const { size, sha256 } = await w.finish();
    return { versionNo, blobRef: await f.backend.content.persist(w.tempId), size, sha256, bestandsnaam: `v${versionNo}.pdf`, contentType: 'application/pdf', createdAt: new Date().toISOString() };
  }
  const link = (zaakIdentificatie: string, documentIdentificatie: string) => ({ zaakIdentificatie, documentIdentificatie, registratiedatum: '20240315', titel: 'Aanvraag', beschrijving: 'Via ZDS' });
  async function add(id: string, content: Buffer, meta: DocumentMeta = fullMeta(id)): Promise<void> {
    const v = await staged(content);
    await f.backend.store.transaction(async (tx) => {
      await tx.insertDocument(meta, v);
      await tx.linkDocument(link(Z, id));
    });
  }
  async function read(blobRef: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of f.backend.content.open(blobRef)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }
  const eio = async (id: string) => (await listInZgw<Eio>(f.double, `${f.double.roots.documenten}/enkelvoudiginformatieobjecten?bronorganisatie=${RSIN}&identificatie=${id}`))[0];

  it('stores the metadata and the first version and reads them back; the content streams from the download', async () => {
    const content = Buffer.from('%PDF-1.4 aanvraag\n');
    await add('D-1', content);
    const doc = await f.backend.store.getDocument('D-1');
    assert.ok(doc);
    // Everything ZDS sent comes back; versie is the EIO versie (Open Zaak numbers it, a ZDS versie is not kept).
    assert.deepEqual(doc.meta, { ...fullMeta('D-1'), versie: '1' });
    assert.equal(doc.latest.versionNo, 1);
    assert.equal(doc.latest.size, content.length);
    assert.equal(doc.latest.sha256, createHash('sha256').update(content).digest('hex'));
    assert.equal(doc.latest.bestandsnaam, 'v1.pdf');
    assert.equal(doc.latest.contentType, 'application/pdf');
    assert.equal(doc.lock, undefined);
    assert.deepEqual(await read(doc.latest.blobRef!), content);
    assert.equal(await f.backend.store.getDocument('D-onbekend'), undefined);
  });

  it('stores a document without content (maakZaakdocument)', async () => {
    await f.backend.store.transaction(async (tx) => {
      await tx.insertDocument({ ...fullMeta('D-leeg') }, { versionNo: 1, size: 0, createdAt: new Date().toISOString() });
      await tx.linkDocument(link(Z, 'D-leeg'));
    });
    const doc = await f.backend.store.getDocument('D-leeg');
    assert.equal(doc?.latest.blobRef, undefined);
    assert.equal(doc?.latest.size, 0);
  });

  it('refuses a duplicate document and a duplicate link with DuplicateError; nothing is changed', async () => {
    const v = await staged(Buffer.from('ander'));
    await assert.rejects(f.backend.store.transaction(async (tx) => {
      await tx.insertDocument(fullMeta('D-1'), v);
      await tx.linkDocument(link(Z2, 'D-1'));
    }), (e: unknown) => e instanceof DuplicateError && e.kind === 'document');
    await assert.rejects(f.backend.store.transaction((tx) => tx.linkDocument(link(Z, 'D-1'))), (e: unknown) => e instanceof DuplicateError && e.kind === 'link');
    assert.equal((await f.backend.store.getDocument('D-1'))?.meta.titel, 'Aanvraag.pdf');
    assert.deepEqual((await f.backend.store.listDocumentZaken('D-1')).map((l) => l.zaakIdentificatie), [Z]);
  });

  it('leaves nothing behind when the bericht fails after the document was made', async () => {
    const v = await staged(Buffer.from('terug'));
    await assert.rejects(f.backend.store.transaction(async (tx) => {
      await tx.insertDocument(fullMeta('D-rollback'), v);
      await tx.linkDocument(link(Z, 'D-rollback'));
      throw new Error('boom');
    }));
    assert.equal(await f.backend.store.getDocument('D-rollback'), undefined);
    assert.equal(await eio('D-rollback'), undefined);
  });

  it('refuses a document that is never linked to a zaak (the zaaktype decides its informatieobjecttype)', async () => {
    const v = await staged(Buffer.from('los'));
    await assert.rejects(f.backend.store.transaction((tx) => tx.insertDocument(fullMeta('D-los'), v)), (e: unknown) => e instanceof StufFault && /niet aan een zaak gekoppeld/.test(e.message));
  });

  it('updates metadata in one PATCH with a temporary lock, and adds versions; every EIO versie is listed oldest first', async () => {
    await f.backend.store.transaction((tx) => tx.updateDocumentMeta({ ...fullMeta('D-1'), titel: 'Nieuwe titel' }));
    const v2 = Buffer.from('tweede versie');
    const staged2 = await staged(v2, 2);
    await f.backend.store.transaction(async (tx) => {
      await tx.addDocumentVersion('D-1', staged2);
      await tx.updateDocumentMeta({ ...fullMeta('D-1'), titel: 'Derde titel' });
    });
    const doc = await f.backend.store.getDocument('D-1');
    assert.equal(doc?.meta.titel, 'Derde titel');
    assert.equal(doc?.lock, undefined, 'the temporary lock was released');
    assert.equal((await eio('D-1'))!.locked, false);
    const versions = await f.backend.store.listDocumentVersions('D-1');
    assert.deepEqual(versions.map((v) => [v.versionNo, v.size]), [[1, 18], [2, 18], [3, v2.length]]);
    assert.deepEqual(await read(versions[2]!.blobRef!), v2);
    assert.deepEqual(await read(versions[0]!.blobRef!), Buffer.from('%PDF-1.4 aanvraag\n'));
    assert.deepEqual(await f.backend.store.listDocumentVersions('D-onbekend'), []);
  });

  it('a large new version goes through bestandsdelen, merged by the unlock at the end', async () => {
    f.backend.zgw.documents.inlineLimit = 1000;
    f.double.chunkSize = 1500;
    try {
      const big = Buffer.alloc(4000, 3);
      const v = await staged(big, 4);
      await f.backend.store.transaction((tx) => tx.addDocumentVersion('D-1', v));
      const puts = f.double.requests.filter((r) => r.method === 'PUT' && r.path.includes('/bestandsdelen/'));
      assert.ok(puts.length >= 3, `3 parts uploaded (${puts.length})`);
      const doc = await f.backend.store.getDocument('D-1');
      assert.equal(doc?.latest.size, big.length);
      assert.deepEqual(await read(doc!.latest.blobRef!), big);
      assert.equal((await eio('D-1'))!.locked, false);
    } finally {
      f.backend.zgw.documents.inlineLimit = 1024 * 1024;
    }
  });

  it('a lock is the ZGW lock (its value is the checkedOutId); who holds it is kept in the local state; clearing it unlocks', async () => {
    const lock: DocumentLock = { checkedOutId: 'wordt vervangen', checkedOutBy: 'jdevries', owner: '1900|SHV||jdevries', at: '2024-03-15T10:00:00.000Z' };
    await f.backend.store.transaction((tx) => tx.setDocumentLock('D-1', lock));
    assert.match(lock.checkedOutId, /^[0-9a-f]{32}$/);
    assert.equal((await eio('D-1'))!.locked, true);
    assert.deepEqual((await f.backend.store.getDocument('D-1'))?.lock, lock);
    // While checked out, a metadata change uses the check-out's lock (and does not release it).
    await f.backend.store.transaction((tx) => tx.updateDocumentMeta({ ...fullMeta('D-1'), titel: 'Tijdens bewerking' }));
    assert.equal((await eio('D-1'))!.locked, true);
    await f.backend.store.transaction((tx) => tx.setDocumentLock('D-1', undefined));
    assert.equal((await eio('D-1'))!.locked, false);
    assert.equal((await f.backend.store.getDocument('D-1'))?.lock, undefined);
    assert.equal((await f.backend.store.getDocument('D-1'))?.meta.titel, 'Tijdens bewerking');
  });

  it('a failing bericht after the lock unlocks again', async () => {
    await assert.rejects(f.backend.store.transaction(async (tx) => {
      await tx.setDocumentLock('D-1', { checkedOutId: 'x', owner: 'a', at: '2024-03-15T10:00:00.000Z' });
      throw new Error('boom');
    }));
    assert.equal((await eio('D-1'))!.locked, false);
    assert.equal((await f.backend.store.getDocument('D-1'))?.lock, undefined);
  });

  it('a lock taken in ZGW by another application shows as such, and nobody can change the document through Zaakpoort', async () => {
    const e = (await eio('D-leeg'))!;
    const res = await fetch(`${e.url}/lock`, { method: 'POST', headers: await authHeaders(f.double) });
    const { lock } = (await res.json()) as { lock: string };
    const doc = await f.backend.store.getDocument('D-leeg');
    assert.ok(doc?.lock);
    assert.equal(doc.lock.checkedOutId, '');
    assert.match(doc.lock.checkedOutBy!, /andere applicatie/);
    await assert.rejects(f.backend.store.transaction((tx) => tx.updateDocumentMeta({ ...fullMeta('D-leeg'), titel: 'Mag niet' })), (err: unknown) => err instanceof StufFault && /vergrendeld/.test(err.message));
    await fetch(`${e.url}/unlock`, { method: 'POST', headers: { ...(await authHeaders(f.double)), 'Content-Type': 'application/json' }, body: JSON.stringify({ lock }) });
  });

  it('lists links in creation order, lists the zaken of a document, unlinks (the document stays) and links again', async () => {
    await add('D-2', Buffer.from('twee'));
    await f.backend.store.transaction((tx) => tx.linkDocument(link(Z2, 'D-1')));
    const list = await f.backend.store.listZaakDocumenten(Z);
    assert.deepEqual(list.map((l) => l.document.meta.identificatie), ['D-1', 'D-leeg', 'D-2']);
    assert.equal(list[0]!.link.titel, 'Aanvraag');
    assert.equal(list[0]!.link.beschrijving, 'Via ZDS');
    assert.match(list[0]!.link.registratiedatum, /^\d{8}$/);
    assert.deepEqual((await f.backend.store.listDocumentZaken('D-1')).map((l) => l.zaakIdentificatie), [Z, Z2]);
    assert.equal(await f.backend.store.transaction((tx) => tx.unlinkDocument(Z, 'D-1')), true);
    assert.equal(await f.backend.store.transaction((tx) => tx.unlinkDocument(Z, 'D-1')), false);
    assert.deepEqual((await f.backend.store.listZaakDocumenten(Z)).map((l) => l.document.meta.identificatie), ['D-leeg', 'D-2']);
    assert.ok(await f.backend.store.getDocument('D-1'));
    await f.backend.store.transaction((tx) => tx.linkDocument(link(Z, 'D-1')));
    assert.deepEqual((await f.backend.store.listZaakDocumenten(Z)).map((l) => l.document.meta.identificatie), ['D-leeg', 'D-2', 'D-1']);
    assert.deepEqual(await f.backend.store.listZaakDocumenten('0363geen'), []);
  });

  it('records every ZGW call of a document bericht as a step, never with the document content in it', async () => {
    const marker = Buffer.from('GEHEIME-INHOUD-'.repeat(200));
    f.backend.zgw.documents.inlineLimit = 1000;
    f.double.chunkSize = 1200;
    const steps: BackendStep[] = [];
    try {
      for (const [id, limit] of [['D-stap-klein', 1024 * 1024], ['D-stap-groot', 1000]] as const) {
        f.backend.zgw.documents.inlineLimit = limit;
        const v = await staged(marker);
        await runWithSteps({ steps }, () => f.backend.store.transaction(async (tx) => {
          await tx.insertDocument(fullMeta(id), v);
          await tx.linkDocument(link(Z2, id));
        }));
        await runWithSteps({ steps }, async () => {
          for await (const chunk of f.backend.content.open((await f.backend.store.getDocument(id))!.latest.blobRef!)) void chunk;
        });
      }
    } finally {
      f.backend.zgw.documents.inlineLimit = 1024 * 1024;
    }
    const names = steps.map((st) => st.name);
    for (const n of ['POST documenten /enkelvoudiginformatieobjecten', 'PUT documenten /bestandsdelen/{uuid}', 'POST documenten /enkelvoudiginformatieobjecten/{uuid}/unlock', 'POST zaken /zaakinformatieobjecten', 'GET documenten /enkelvoudiginformatieobjecten/{uuid}/download']) {
      assert.ok(names.includes(n), `step ${n} recorded (${names.join(', ')})`);
    }
    const base64 = marker.toString('base64').slice(0, 40);
    for (const st of steps) {
      const text = `${st.requestBody ?? ''} ${st.responseBody ?? ''}`;
      assert.ok(!text.includes('GEHEIME-INHOUD') && !text.includes(base64), `no content in step ${st.name}`);
    }
  });

  it('a besluit is laid down in documents (besluitinformatieobjecten) and reads them back', async () => {
    await f.backend.store.transaction((tx) => tx.insertBesluit({ identificatie: '0363B000090', zaakIdentificatie: Z, bstOmschrijving: 'Toekenning', datumBeslissing: { value: '20240320' }, ingangsdatumWerking: { value: '20240401' }, documenten: ['D-1', 'D-2'] }));
    assert.deepEqual((await f.backend.store.getBesluit('0363B000090'))?.documenten.sort(), ['D-1', 'D-2']);
    const b = (await f.backend.store.getBesluit('0363B000090'))!;
    await f.backend.store.transaction((tx) => tx.updateBesluit({ ...b, documenten: ['D-2'] }));
    assert.deepEqual((await f.backend.store.getBesluit('0363B000090'))?.documenten, ['D-2']);
  });
});
