/**
 * The behaviour every backend must show. Run it from a `<backend>.test.ts` file with a function that opens the
 * backend on a data directory with the given settings; opening twice on the same directory must reach the same
 * data (that is how the suite tests that nothing is lost or reissued across a restart).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import { DEFAULT_ID_BLOCK_SIZE } from '../../src/backends/id-sequence.js';
import { checkIdentificatie } from '../../src/domain/identificatie.js';
import type { Besluit, DocumentMeta, DocumentVersion, Overdracht, Zaak, ZaakDocumentLink } from '../../src/domain/model.js';
import type { Backend } from '../../src/ports/index.js';
import type { StoreWriter } from '../../src/ports/zaak-store.js';
import { DuplicateError } from '../../src/ports/zaak-store.js';
import { fullBesluit as fullBesluitFixture, fullDocumentMeta, fullZaak as fullZaakFixture, link, minimalZaak as minimalZaakFixture, version } from './fixtures.js';

export interface ContractBackendOptions {
  idTemplates: Config['idTemplates'];
  gemeentecode: string;
  timeZone: string;
  now: () => Date;
  /** Identificaties reserved per commit (the configured default unless a group tests blocks). */
  idBlockSize: number;
}

export type OpenBackend = (dataDir: string, opts: ContractBackendOptions) => Promise<Backend>;

/**
 * What a backend can do, where backends honestly differ. The SQL stores can do everything (the defaults). The ZGW
 * backend has no transactions (its writes are visible at once and undone on failure), cannot store what the ZGW
 * APIs have no field for (incomplete dates, ended rollen, an einddatum without eindstatus), and the parts named
 * here are not translated yet. A test a backend cannot take is reported as skipped with the reason, never as passed.
 */
export interface ContractCapabilities {
  /** The fixture zaak as this backend can hold it (default: unchanged). */
  zaak?: (z: Zaak) => Zaak;
  /** The fixture besluit as this backend can hold it (default: unchanged). */
  besluit?: (b: Besluit) => Besluit;
  /** Writes inside a transaction stay invisible to plain reads until commit (default true). */
  isolation?: boolean;
  /** Why not, for the skipped case (default: a generic sentence). */
  isolationSkip?: string;
  /** How this backend holds documents (default: as the SQL stores do: on their own, content by opaque reference). */
  documentForm?: DocumentForm;
  /** Skip reasons for parts a backend does not have yet. */
  skip?: { documents?: string; overdrachten?: string };
  /** The store logs a message on its own in fewer round trips than a transaction (ZaakStore.logMessageAlone). */
  logMessageAlone?: boolean;
}

/**
 * Where a backend holds documents differently. The ZGW backend: a document exists only in a zaak (the zaaktype
 * decides its informatieobjecttype), and a version is what the Documenten API made of uploaded content.
 */
export interface DocumentForm {
  /** The cases make every document in a zaak, linked in the same transaction. */
  inZaak: boolean;
  /**
   * Versions are the backend's own: the cases write real content through backend.content; a version read back
   * has the backend's blobRef (checked by reading the same bytes back) and its own createdAt (checked present).
   */
  ownVersions: boolean;
  /**
   * Every change of a document is a new version with its own formaat, which is also the content type, and the
   * metadata's versie is that version's number (ZGW: each PATCH of an EIO is a new versie).
   */
  formaatPerVersion: boolean;
  /** The metadata as this backend holds it (every field it requires given, values from its lists). */
  meta?: (m: DocumentMeta) => DocumentMeta;
}

export const CONTRACT_GEMEENTECODE = '0363';
const TEMPLATES: Config['idTemplates'] = {
  zaak: '{gemeentecode}{jaar}{volgnummer:7}',
  document: '{gemeentecode}D{jaar}{volgnummer:7}',
  // No {jaar}: this sequence never restarts.
  besluit: '{gemeentecode}B{volgnummer:6}',
};

/** A backend on a fresh directory for one describe block, with a clock the tests can move. */
interface Group {
  readonly backend: Backend;
  readonly dir: string;
  setNow(iso: string): void;
  reopen(): Promise<Backend>;
  /** A second backend on the same data (another instance; closed with the group). */
  another(): Promise<Backend>;
}

function group(open: OpenBackend, idBlockSize = DEFAULT_ID_BLOCK_SIZE): Group {
  let backend: Backend | undefined;
  let dir = '';
  let now = new Date('2024-06-15T10:00:00Z');
  const opts: ContractBackendOptions = {
    idTemplates: TEMPLATES,
    gemeentecode: CONTRACT_GEMEENTECODE,
    timeZone: 'Europe/Amsterdam',
    now: () => now,
    idBlockSize,
  };
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'zaakpoort-contract-'));
    backend = await open(dir, opts);
  });
  const others: Backend[] = [];
  after(async () => {
    for (const o of others) await o.close();
    await backend?.close();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    get backend() {
      if (!backend) throw new Error('backend not open');
      return backend;
    },
    get dir() {
      return dir;
    },
    setNow(iso) {
      now = new Date(iso);
    },
    async reopen() {
      await backend?.close();
      backend = await open(dir, opts);
      return backend;
    },
    async another() {
      const b = await open(dir, opts);
      others.push(b);
      return b;
    },
  };
}

function isDuplicate(kind: DuplicateError['kind']) {
  return (e: unknown) => e instanceof DuplicateError && e.kind === kind;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function storeBytes(b: Backend, bytes: Buffer): Promise<{ blobRef: string; size: number; sha256: string }> {
  const temp = await b.content.createTemp();
  await pipeline(Readable.from([bytes]), temp.stream);
  const { size, sha256 } = await temp.finish();
  return { blobRef: await b.content.persist(temp.tempId), size, sha256 };
}

export function runBackendContract(label: string, open: OpenBackend, caps: ContractCapabilities = {}): void {
  const fullZaak = (id: string) => (caps.zaak ?? ((z) => z))(fullZaakFixture(id));
  const minimalZaak = (id: string) => (caps.zaak ?? ((z) => z))(minimalZaakFixture(id));
  const fullBesluit = (id: string, zaak: string) => (caps.besluit ?? ((b) => b))(fullBesluitFixture(id, zaak));
  const form = caps.documentForm;
  const documentMeta = (m: DocumentMeta) => (form?.meta ?? ((x) => x))(m);
  /** A version to write: the fixture's, with real content ("<doc> versie <n>") for a backend that makes its own versions. */
  async function newVersion(b: Backend, doc: string, n: number, extra: Partial<DocumentVersion> = {}): Promise<DocumentVersion> {
    if (!form?.ownVersions) return version(n, extra);
    const { blobRef: _ref, size: _size, sha256: _sha, ...rest } = version(n, extra);
    return { ...rest, ...(await storeBytes(b, Buffer.from(`${doc} versie ${n}`))), createdAt: '' };
  }
  /** Make a document the way the backend holds documents: in `zaak` (linked in the same transaction) where it must be. */
  async function makeDocument(tx: StoreWriter, m: DocumentMeta, v: DocumentVersion, zaak: string): Promise<void> {
    await tx.insertDocument(m, v);
    if (form?.inZaak) await tx.linkDocument(link(zaak, m.identificatie));
  }
  const documents = caps.skip?.documents ? { skip: caps.skip.documents } : {};
  const overdrachten = caps.skip?.overdrachten ? { skip: caps.skip.overdrachten } : {};
  const isolation = caps.isolation === false ? { skip: caps.isolationSkip ?? 'no transactions: a write is visible at once (and undone when the transaction fails)' } : {};
  describe(`${label}: backend contract`, () => {
    describe('zaken', () => {
      const g = group(open);

      it('stores every field of a zaak and returns it unchanged', async () => {
        const zaak = fullZaak('036320240000001');
        await g.backend.store.transaction(async (tx) => {
          await tx.insertZaak(zaak);
          assert.deepEqual(await tx.getZaak(zaak.identificatie), zaak);
        });
        assert.deepEqual(await g.backend.store.getZaak(zaak.identificatie), zaak);
        const minimal = minimalZaak('036320240000002');
        await g.backend.store.transaction((tx) => tx.insertZaak(minimal));
        assert.deepEqual(await g.backend.store.getZaak(minimal.identificatie), minimal);
      });

      it('returns undefined for an unknown zaak', async () => {
        assert.equal(await g.backend.store.getZaak('0363onbekend'), undefined);
      });

      it('replaces a zaak on update', async () => {
        const updated = { ...fullZaak('036320240000001'), omschrijving: 'Gewijzigd', ...(caps.zaak ? {} : { einddatum: { value: '20241231' } }) };
        delete updated.resultaat;
        await g.backend.store.transaction((tx) => tx.updateZaak(updated));
        assert.deepEqual(await g.backend.store.getZaak(updated.identificatie), updated);
      });

      it('refuses a duplicate zaak with DuplicateError', async () => {
        await assert.rejects(
          g.backend.store.transaction((tx) => tx.insertZaak(minimalZaak('036320240000001'))),
          isDuplicate('zaak'),
        );
        // The original is untouched.
        assert.equal((await g.backend.store.getZaak('036320240000001'))?.omschrijving, 'Gewijzigd');
      });

      it('lets a transaction carry on after catching a DuplicateError', async () => {
        await g.backend.store.transaction(async (tx) => {
          await assert.rejects(tx.insertZaak(minimalZaak('036320240000001')), isDuplicate('zaak'));
          await tx.insertZaak(minimalZaak('036320240000003'));
        });
        assert.ok(await g.backend.store.getZaak('036320240000003'));
      });
    });

    describe('transactions', () => {
      const g = group(open);

      it('returns the value of fn', async () => {
        assert.equal(await g.backend.store.transaction(async () => 42), 42);
      });

      it('leaves nothing behind when fn throws', async () => {
        const boom = new Error('boom');
        await assert.rejects(
          g.backend.store.transaction(async (tx) => {
            await tx.insertZaak(minimalZaak('03631000'));
            if (!documents.skip) {
              await tx.insertDocument(documentMeta(fullDocumentMeta('D-rollback')), await newVersion(g.backend, 'D-rollback', 1));
              await tx.linkDocument(link('03631000', 'D-rollback'));
            }
            // Laid down in the document made here where documents must exist (the fixture names D-1 and D-2).
            await tx.insertBesluit({ ...fullBesluit('B-rollback', '03631000'), ...(documents.skip ? { documenten: [] } : form?.inZaak ? { documenten: ['D-rollback'] } : {}) });
            await tx.logMessage({ zenderKey: 'z', referentienummer: 'r-rollback', requestHash: 'h', responseXml: '<x/>', at: '2024-01-01T00:00:00Z' });
            await sleep(5);
            throw boom;
          }),
          (e) => e === boom,
        );
        const s = g.backend.store;
        assert.equal(await s.getZaak('03631000'), undefined);
        if (!documents.skip) {
          assert.equal(await s.getDocument('D-rollback'), undefined);
          assert.deepEqual(await s.listZaakDocumenten('03631000'), []);
        }
        assert.equal(await s.getBesluit('B-rollback'), undefined);
        assert.equal(await s.getLoggedMessage('z', 'r-rollback'), undefined);
        // The same identificaties can be used afterwards.
        await s.transaction((tx) => tx.insertZaak(minimalZaak('03631000')));
        assert.ok(await s.getZaak('03631000'));
      });

      it('keeps uncommitted writes invisible to plain reads', isolation, async () => {
        const s = g.backend.store;
        await s.transaction(async (tx) => {
          await tx.insertZaak(minimalZaak('03632000'));
          assert.ok(await tx.getZaak('03632000'), 'the transaction sees its own write');
          assert.equal(await s.getZaak('03632000'), undefined, 'a plain read does not');
          await sleep(5);
          assert.equal(await s.getZaak('03632000'), undefined);
        });
        assert.ok(await s.getZaak('03632000'), 'visible after commit');
      });

      it('never shows one transaction half of another', async () => {
        const s = g.backend.store;
        const a = s.transaction(async (tx) => {
          await tx.insertZaak(minimalZaak('03633001'));
          await sleep(30);
          await tx.insertZaak(minimalZaak('03633002'));
        });
        const b = (async () => {
          await sleep(10);
          return s.transaction(async (tx) => [await tx.getZaak('03633001'), await tx.getZaak('03633002')]);
        })();
        const [, [first, second]] = await Promise.all([a, b]);
        assert.equal(first === undefined, second === undefined, 'both or neither of A’s zaken');
      });

      it('keeps concurrent transactions apart: a failing one takes only its own work with it', async () => {
        const s = g.backend.store;
        const ids = Array.from({ length: 40 }, (_, i) => `0363500${String(i).padStart(2, '0')}`);
        const results = await Promise.allSettled(
          ids.map((id, i) =>
            s.transaction(async (tx) => {
              await tx.insertZaak(minimalZaak(id));
              await tx.logMessage({ zenderKey: 'z', referentienummer: `r-${id}`, requestHash: 'h', responseXml: '<x/>', at: '2024-01-01T00:00:00Z' });
              if (i % 5 === 0) throw new Error(`fail ${id}`);
              return id;
            }),
          ),
        );
        for (const [i, id] of ids.entries()) {
          const failed = i % 5 === 0;
          assert.equal(results[i]!.status, failed ? 'rejected' : 'fulfilled', id);
          assert.equal((await s.getZaak(id)) === undefined, failed, `zaak ${id}`);
          assert.equal((await s.getLoggedMessage('z', `r-${id}`)) === undefined, failed, `log ${id}`);
        }
      });

      it('refuses use of the writer after the transaction ended', async () => {
        let kept: Parameters<Parameters<typeof g.backend.store.transaction>[0]>[0] | undefined;
        await g.backend.store.transaction(async (tx) => {
          kept = tx;
        });
        await assert.rejects(async () => kept!.insertZaak(minimalZaak('03634000')));
        assert.equal(await g.backend.store.getZaak('03634000'), undefined);
      });

      it('answers ping', async () => {
        await g.backend.store.ping();
      });
    });

    describe('documenten', documents, () => {
      const g = group(open);
      const Z = '036320240000010';
      /** Where a backend that holds documents only in a zaak makes them before the cases link them elsewhere. */
      const HOME = '036320240000019';
      const meta = documentMeta;
      const insertDocument = (tx: StoreWriter, m: DocumentMeta, v: DocumentVersion) => makeDocument(tx, m, v, HOME);

      /** A version as read back equals the one written; on a backend with its own versions by content and presence. */
      async function assertVersion(got: DocumentVersion | undefined, want: DocumentVersion, doc: string): Promise<void> {
        if (!form?.ownVersions || !want.blobRef) {
          assert.deepEqual(got, want);
          return;
        }
        assert.ok(got?.blobRef, `${doc} v${want.versionNo}: no content reference`);
        assert.ok(got.createdAt, `${doc} v${want.versionNo}: no createdAt`);
        assert.deepEqual({ ...got, blobRef: want.blobRef, createdAt: want.createdAt }, want);
        assert.deepEqual(await readAll(g.backend.content.open(got.blobRef)), Buffer.from(`${doc} versie ${want.versionNo}`));
      }

      /** The links of a document as the cases made them, after the home link of a backend that needs one. */
      const withHome = (doc: string, links: ZaakDocumentLink[]) => (form?.inZaak ? [link(HOME, doc), ...links] : links);

      before(async () => {
        await g.backend.store.transaction(async (tx) => {
          await tx.insertZaak(minimalZaak(Z));
          if (form?.inZaak) await tx.insertZaak(minimalZaak(HOME));
        });
      });

      it('stores metadata and the first version', async () => {
        const m = meta(fullDocumentMeta('D-1'));
        const v1 = await newVersion(g.backend, 'D-1', 1);
        await g.backend.store.transaction((tx) => insertDocument(tx, m, v1));
        const doc = await g.backend.store.getDocument('D-1');
        assert.deepEqual(doc?.meta, m);
        await assertVersion(doc?.latest, v1, 'D-1');
        assert.equal(await g.backend.store.getDocument('D-onbekend'), undefined);
      });

      it('stores a document without content (placeholder)', async () => {
        const latest = { versionNo: 1, size: 0, createdAt: '2024-03-15T10:00:00.000Z' };
        const m = meta({ identificatie: 'D-leeg' });
        await g.backend.store.transaction((tx) => insertDocument(tx, m, latest));
        const doc = await g.backend.store.getDocument('D-leeg');
        assert.deepEqual(doc?.meta, m);
        if (form?.ownVersions) {
          // The zaaksysteem's own registration time; no content.
          assert.deepEqual({ ...doc!.latest, createdAt: latest.createdAt }, latest);
        } else assert.deepEqual(doc, { meta: m, latest });
      });

      it('refuses a duplicate document', async () => {
        const v = await newVersion(g.backend, 'D-1', 1);
        await assert.rejects(
          g.backend.store.transaction((tx) => insertDocument(tx, meta({ identificatie: 'D-1' }), v)),
          isDuplicate('document'),
        );
        assert.equal((await g.backend.store.getDocument('D-1'))?.meta.titel, 'Aanvraag.pdf');
      });

      it('returns the latest version after adding versions', async () => {
        const v2 = await newVersion(g.backend, 'D-1', 2);
        const v3 = await newVersion(g.backend, 'D-1', 3, { contentType: 'text/plain', bestandsnaam: 'v3.txt' });
        await g.backend.store.transaction(async (tx) => {
          await tx.addDocumentVersion('D-1', v2);
          await tx.addDocumentVersion('D-1', v3);
        });
        const doc = await g.backend.store.getDocument('D-1');
        const m = meta(fullDocumentMeta('D-1'));
        await assertVersion(doc?.latest, form?.formaatPerVersion ? { ...v3, contentType: m.formaat! } : v3, 'D-1');
        assert.deepEqual(doc?.meta, form?.formaatPerVersion ? { ...m, versie: '3' } : m);
      });

      it('lists every version oldest first, the older ones kept as history', async () => {
        const versions = await g.backend.store.listDocumentVersions('D-1');
        assert.equal(versions.length, 3);
        if (form?.ownVersions) {
          for (const [i, v] of versions.entries()) assert.equal(v.versionNo, i + 1);
          assert.deepEqual(await readAll(g.backend.content.open(versions[0]!.blobRef!)), Buffer.from('D-1 versie 1'));
          assert.deepEqual(await readAll(g.backend.content.open(versions[2]!.blobRef!)), Buffer.from('D-1 versie 3'));
        } else {
          assert.deepEqual(versions, [version(1), version(2), version(3, { contentType: 'text/plain', bestandsnaam: 'v3.txt' })]);
        }
        const leeg = await g.backend.store.listDocumentVersions('D-leeg');
        assert.deepEqual(leeg.map((v) => [v.versionNo, v.size, v.blobRef]), [[1, 0, undefined]]);
        if (!form?.ownVersions) assert.deepEqual(leeg, [{ versionNo: 1, size: 0, createdAt: '2024-03-15T10:00:00.000Z' }]);
        assert.deepEqual(await g.backend.store.listDocumentVersions('D-onbekend'), []);
        // Inside a transaction the writer sees the same history, including its own uncommitted version.
        const v4 = await newVersion(g.backend, 'D-1', 4);
        await assert.rejects(
          g.backend.store.transaction(async (tx) => {
            await tx.addDocumentVersion('D-1', v4);
            assert.equal((await tx.listDocumentVersions('D-1')).length, 4);
            throw new Error('rollback');
          }),
          /rollback/,
        );
        assert.equal((await g.backend.store.listDocumentVersions('D-1')).length, 3);
      });

      it('updates metadata without touching versions', async () => {
        // Where every change is a versie (ZGW), the metadata change is versie 4 with the content of versie 3.
        const versionNo = form?.formaatPerVersion ? 4 : 3;
        const m = { ...meta(fullDocumentMeta('D-1')), titel: 'Nieuwe titel', versie: String(versionNo) };
        await g.backend.store.transaction((tx) => tx.updateDocumentMeta(m));
        const doc = await g.backend.store.getDocument('D-1');
        assert.deepEqual(doc?.meta, m);
        assert.equal(doc?.latest.versionNo, versionNo);
        if (form?.ownVersions) assert.deepEqual(await readAll(g.backend.content.open(doc!.latest.blobRef!)), Buffer.from('D-1 versie 3'));
      });

      it('sets and clears a lock', async () => {
        const lock = { checkedOutId: randomBytes(16).toString('hex'), checkedOutBy: 'mdw01', owner: '0363|VA|ADM|mdw01', at: '2024-03-16T08:00:00.000Z' };
        await g.backend.store.transaction((tx) => tx.setDocumentLock('D-1', lock));
        assert.deepEqual((await g.backend.store.getDocument('D-1'))?.lock, lock);
        const bare = { checkedOutId: randomBytes(16).toString('hex'), owner: 'app', at: '2024-03-16T08:00:00.000Z' };
        await g.backend.store.transaction((tx) => tx.setDocumentLock('D-leeg', bare));
        assert.deepEqual((await g.backend.store.getDocument('D-leeg'))?.lock, bare);
        await g.backend.store.transaction(async (tx) => {
          await tx.setDocumentLock('D-1', undefined);
          await tx.setDocumentLock('D-leeg', undefined);
        });
        const doc = await g.backend.store.getDocument('D-1');
        assert.equal(doc?.lock, undefined);
        assert.equal('lock' in (doc ?? {}), false, 'no lock property when unlocked');
      });

      it('lists links in creation order and refuses a duplicate link', async () => {
        const v = await newVersion(g.backend, 'D-2', 1);
        const w = await newVersion(g.backend, 'D-0', 1);
        await g.backend.store.transaction(async (tx) => {
          await insertDocument(tx, meta({ identificatie: 'D-2' }), v);
          await insertDocument(tx, meta({ identificatie: 'D-0' }), w);
          await tx.linkDocument(link(Z, 'D-2'));
          await tx.linkDocument(link(Z, 'D-1'));
          await tx.linkDocument(link(Z, 'D-0'));
        });
        await assert.rejects(g.backend.store.transaction((tx) => tx.linkDocument(link(Z, 'D-1'))), isDuplicate('link'));
        const list = await g.backend.store.listZaakDocumenten(Z);
        assert.deepEqual(list.map((l) => l.document.meta.identificatie), ['D-2', 'D-1', 'D-0']);
        assert.deepEqual(list[1]?.link, link(Z, 'D-1'));
        assert.equal(list[1]?.document.latest.versionNo, form?.formaatPerVersion ? 4 : 3);
        assert.deepEqual(await g.backend.store.listZaakDocumenten('0363geen'), []);
      });

      it('lists the zaken of a document and unlinks', async () => {
        const Z2 = '036320240000011';
        await g.backend.store.transaction(async (tx) => {
          await tx.insertZaak(minimalZaak(Z2));
          await tx.linkDocument(link(Z2, 'D-1', { registratiedatum: '20240320' }));
        });
        assert.deepEqual(await g.backend.store.listDocumentZaken('D-1'), withHome('D-1', [link(Z, 'D-1'), link(Z2, 'D-1', { registratiedatum: '20240320' })]));
        const removed = await g.backend.store.transaction((tx) => tx.unlinkDocument(Z, 'D-1'));
        assert.equal(removed, true);
        assert.equal(await g.backend.store.transaction((tx) => tx.unlinkDocument(Z, 'D-1')), false);
        assert.deepEqual((await g.backend.store.listZaakDocumenten(Z)).map((l) => l.document.meta.identificatie), ['D-2', 'D-0']);
        assert.deepEqual(await g.backend.store.listDocumentZaken('D-1'), withHome('D-1', [link(Z2, 'D-1', { registratiedatum: '20240320' })]));
        // Relinking puts it at the end.
        await g.backend.store.transaction((tx) => tx.linkDocument(link(Z, 'D-1')));
        assert.deepEqual((await g.backend.store.listZaakDocumenten(Z)).map((l) => l.document.meta.identificatie), ['D-2', 'D-0', 'D-1']);
      });
    });

    describe('besluiten', () => {
      const g = group(open);
      const Z = '036320240000020';

      it('stores, lists, updates and refuses duplicates', async () => {
        const b1 = { ...fullBesluit('0363B000001', Z), ...(documents.skip ? { documenten: [] } : {}) };
        const b2 = { ...fullBesluit('0363B000002', Z), documenten: [] };
        await g.backend.store.transaction(async (tx) => {
          await tx.insertZaak(minimalZaak(Z));
          // The documents the besluit is laid down in, where the backend needs them to exist.
          if (form?.inZaak && !documents.skip) {
            for (const d of b1.documenten) await makeDocument(tx, documentMeta({ identificatie: d }), await newVersion(g.backend, d, 1), Z);
          }
          await tx.insertBesluit(b2);
          await tx.insertBesluit(b1);
        });
        assert.deepEqual(await g.backend.store.getBesluit(b1.identificatie), b1);
        assert.deepEqual(await g.backend.store.listBesluiten(Z), [b2, b1]);
        assert.deepEqual(await g.backend.store.listBesluiten('0363geen'), []);
        assert.equal(await g.backend.store.getBesluit('0363B999999'), undefined);
        await assert.rejects(g.backend.store.transaction((tx) => tx.insertBesluit(b1)), isDuplicate('besluit'));
        const changed = { ...b1, toelichting: 'Herzien' };
        await g.backend.store.transaction((tx) => tx.updateBesluit(changed));
        assert.deepEqual(await g.backend.store.getBesluit(b1.identificatie), changed);
      });
    });

    describe('overdrachten', overdrachten, () => {
      const g = group(open);
      const Z = '036320240000030';
      const verzonden: Overdracht = {
        referentienummer: 'zp-00000001-overdracht',
        zaakIdentificatie: Z,
        ontvanger: { organisatie: '0363', applicatie: 'ZSC', administratie: 'Archief' },
        endpoint: 'https://zsc.example/overdragen',
        status: 'verzonden',
        verzondenOp: '2024-06-15T10:00:00.000Z',
      };

      it('stores an overdracht unchanged, answers undefined for an unknown one, refuses a duplicate', async () => {
        await g.backend.store.transaction(async (tx) => {
          await tx.insertZaak(minimalZaak(Z));
          await tx.insertOverdracht(verzonden);
          assert.deepEqual(await tx.getOverdracht(verzonden.referentienummer), verzonden);
        });
        assert.deepEqual(await g.backend.store.getOverdracht(verzonden.referentienummer), verzonden);
        assert.equal(await g.backend.store.getOverdracht('zp-onbekend'), undefined);
        await assert.rejects(g.backend.store.transaction((tx) => tx.insertOverdracht({ ...verzonden, endpoint: 'x' })), isDuplicate('overdracht'));
        const minimal: Overdracht = { ...verzonden, referentienummer: 'zp-00000002-overdracht', ontvanger: { applicatie: 'ZSC' } };
        await g.backend.store.transaction((tx) => tx.insertOverdracht(minimal));
        assert.deepEqual(await g.backend.store.getOverdracht(minimal.referentienummer), minimal);
      });

      it('updates status, meldingen and beantwoordOp; refuses an unknown one and an overdracht of an unknown zaak', async () => {
        const answered: Overdracht = { ...verzonden, status: 'geweigerd', meldingen: ['Geen capaciteit', 'ë & <x>'], beantwoordOp: '2024-06-16T08:00:00.000Z' };
        await g.backend.store.transaction((tx) => tx.updateOverdracht(answered));
        assert.deepEqual(await g.backend.store.getOverdracht(verzonden.referentienummer), answered);
        await assert.rejects(g.backend.store.transaction((tx) => tx.updateOverdracht({ ...verzonden, referentienummer: 'zp-onbekend' })), /bestaat niet/);
        await assert.rejects(g.backend.store.transaction((tx) => tx.insertOverdracht({ ...verzonden, referentienummer: 'zp-3', zaakIdentificatie: '0363geen' })));
        assert.equal(await g.backend.store.getOverdracht('zp-3'), undefined);
      });

      it('rolls an overdracht back with its transaction and keeps it across a reopen', async () => {
        await assert.rejects(
          g.backend.store.transaction(async (tx) => {
            await tx.insertOverdracht({ ...verzonden, referentienummer: 'zp-terug' });
            throw new Error('terug');
          }),
          /terug/,
        );
        assert.equal(await g.backend.store.getOverdracht('zp-terug'), undefined);
        const b = await g.reopen();
        assert.equal((await b.store.getOverdracht(verzonden.referentienummer))?.status, 'geweigerd');
      });
    });

    describe('zaken zoeken (findZaken)', () => {
      const g = group(open);
      const ids = (r: { zaken: Array<{ identificatie: string }> }) => r.zaken.map((z) => z.identificatie);
      const zaak = (id: string, o: { code?: string; start?: string; reg?: string; eind?: string; bsn?: string; initiatorEnded?: boolean }) => {
        const z = minimalZaak(id);
        z.zaaktype = { code: o.code ?? 'B1026' };
        z.startdatum = { value: o.start ?? '20240315' };
        z.registratiedatum = { value: o.reg ?? '20240316' };
        if (o.eind) z.einddatum = { value: o.eind };
        if (o.bsn) {
          z.rollen.push({
            rolType: 'heeftAlsInitiator',
            betrokkene: { kind: 'natuurlijkPersoon', key: o.bsn, keyElement: 'inp.bsn', leaves: [] },
            ...(o.initiatorEnded ? { eindRelatie: '20240401' } : {}),
          });
        }
        return caps.zaak ? caps.zaak(z) : z;
      };

      before(async () => {
        await g.backend.store.transaction(async (tx) => {
          // Inserted out of order: results must come back ordered by identificatie.
          await tx.insertZaak(zaak('0363Q05', { code: 'B2000', start: '20240501', eind: '20240601', bsn: '111222333' }));
          await tx.insertZaak(zaak('0363Q01', { start: '20240101', bsn: '111222333' }));
          await tx.insertZaak(zaak('0363Q03', { start: '20240301', reg: '20240302', bsn: '123456782' }));
          await tx.insertZaak(zaak('0363Q02', { code: 'B2000', start: '20240201' }));
          await tx.insertZaak(zaak('0363Q04', { start: '20240401', eind: '20240410', bsn: '111222333', initiatorEnded: true }));
        });
      });

      it('returns everything in identificatie order without conditions', async () => {
        const r = await g.backend.store.findZaken({ limit: 10 });
        assert.deepEqual(ids(r), ['0363Q01', '0363Q02', '0363Q03', '0363Q04', '0363Q05']);
        assert.equal(r.more, false);
        assert.equal(r.total, undefined);
      });

      it('applies gelijk, vanaf and totEnMet (inclusive) on every field', async () => {
        const s = g.backend.store;
        assert.deepEqual(ids(await s.findZaken({ limit: 10, identificatie: { gelijk: '0363Q03' } })), ['0363Q03']);
        assert.deepEqual(ids(await s.findZaken({ limit: 10, identificatie: { vanaf: '0363Q02', totEnMet: '0363Q03' } })), ['0363Q02', '0363Q03']);
        assert.deepEqual(ids(await s.findZaken({ limit: 10, zaaktypeCode: { gelijk: 'B2000' } })), ['0363Q02', '0363Q05']);
        assert.deepEqual(ids(await s.findZaken({ limit: 10, startdatum: { vanaf: '20240301' } })), ['0363Q03', '0363Q04', '0363Q05']);
        assert.deepEqual(ids(await s.findZaken({ limit: 10, startdatum: { totEnMet: '20240201' } })), ['0363Q01', '0363Q02']);
        assert.deepEqual(ids(await s.findZaken({ limit: 10, registratiedatum: { gelijk: '20240302' } })), ['0363Q03']);
        assert.deepEqual(ids(await s.findZaken({ limit: 10, einddatum: { vanaf: '20240501' } })), ['0363Q05']);
        // gelijk null: zaken without einddatum (still open).
        assert.deepEqual(ids(await s.findZaken({ limit: 10, einddatum: { gelijk: null } })), ['0363Q01', '0363Q02', '0363Q03']);
        // Conditions combine with AND.
        assert.deepEqual(ids(await s.findZaken({ limit: 10, zaaktypeCode: { gelijk: 'B1026' }, startdatum: { vanaf: '20240201', totEnMet: '20240401' } })), ['0363Q03', '0363Q04']);
      });

      it('finds zaken by their active initiator only', async () => {
        const s = g.backend.store;
        const by = (key: string) => s.findZaken({ limit: 10, initiator: { kind: 'natuurlijkPersoon', keyElement: 'inp.bsn', key } });
        // 0363Q04's initiator 111222333 has an eindRelatie: it is history, not the initiator.
        assert.deepEqual(ids(await by('111222333')), ['0363Q01', '0363Q05']);
        assert.deepEqual(ids(await by('123456782')), ['0363Q03']);
        assert.deepEqual(ids(await s.findZaken({ limit: 10, initiator: { kind: 'natuurlijkPersoon', keyElement: 'anp.identificatie', key: '111222333' } })), []);
        // The key follows updates of the zaak.
        const moved = zaak('0363Q03', { start: '20240301', reg: '20240302', bsn: '111222333' });
        await s.transaction((tx) => tx.updateZaak(moved));
        assert.deepEqual(ids(await by('111222333')), ['0363Q01', '0363Q03', '0363Q05']);
        assert.deepEqual(ids(await by('123456782')), []);
        await s.transaction((tx) => tx.updateZaak(zaak('0363Q03', { start: '20240301', reg: '20240302', bsn: '123456782' })));
      });

      it('pages with limit and after, and counts every match on request', async () => {
        const s = g.backend.store;
        const p1 = await s.findZaken({ limit: 2, countTotal: true });
        assert.deepEqual(ids(p1), ['0363Q01', '0363Q02']);
        assert.equal(p1.more, true);
        assert.equal(p1.total, 5);
        const p2 = await s.findZaken({ limit: 2, after: '0363Q02', countTotal: true });
        assert.deepEqual(ids(p2), ['0363Q03', '0363Q04']);
        assert.equal(p2.more, true);
        assert.equal(p2.total, 5, 'total ignores after');
        const p3 = await s.findZaken({ limit: 2, after: '0363Q04' });
        assert.deepEqual(ids(p3), ['0363Q05']);
        assert.equal(p3.more, false);
        const exact = await s.findZaken({ limit: 5 });
        assert.equal(exact.more, false, 'exactly limit matches: nothing more');
        const none = await s.findZaken({ limit: 0, countTotal: true, zaaktypeCode: { gelijk: 'B2000' } });
        assert.deepEqual(ids(none), []);
        assert.equal(none.more, true);
        assert.equal(none.total, 2);
      });

      it('returns stored zaken unchanged', async () => {
        const r = await g.backend.store.findZaken({ limit: 1, identificatie: { gelijk: '0363Q05' } });
        assert.deepEqual(r.zaken[0], zaak('0363Q05', { code: 'B2000', start: '20240501', eind: '20240601', bsn: '111222333' }));
      });
    });

    describe('berichtlog', () => {
      const g = group(open);

      it('stores an answer per (zender, referentienummer) and refuses a second one', async () => {
        const msg = {
          zenderKey: '0363|Vakapp|ADM|',
          referentienummer: 'ref-0001',
          requestHash: createHash('sha256').update('body').digest('hex'),
          responseXml: '<ZKN:Bv03Bericht xmlns:ZKN="urn:x">ë &amp; é</ZKN:Bv03Bericht>',
          at: '2024-03-15T09:30:12.345Z',
        };
        await g.backend.store.transaction((tx) => tx.logMessage(msg));
        assert.deepEqual(await g.backend.store.getLoggedMessage(msg.zenderKey, msg.referentienummer), msg);
        assert.equal(await g.backend.store.getLoggedMessage(msg.zenderKey, 'ref-0002'), undefined);
        assert.equal(await g.backend.store.getLoggedMessage('ander', msg.referentienummer), undefined);
        await assert.rejects(
          g.backend.store.transaction((tx) => tx.logMessage({ ...msg, requestHash: 'anders' })),
          isDuplicate('message'),
        );
        // Same referentienummer from another zender is a different message.
        await g.backend.store.transaction((tx) => tx.logMessage({ ...msg, zenderKey: 'ander' }));
      });

      it(caps.logMessageAlone ? 'logMessageAlone logs as a transaction would and refuses a second answer' : 'offers no logMessageAlone (the idempotency log uses transaction())', async () => {
        const store = g.backend.store;
        assert.equal(typeof store.logMessageAlone, caps.logMessageAlone ? 'function' : 'undefined');
        if (!store.logMessageAlone) return;
        const msg = { zenderKey: '0363|Vakapp|ADM|', referentienummer: 'ref-alone', requestHash: 'h1', responseXml: '<Du02>ë</Du02>', at: '2024-03-15T09:30:12.345Z' };
        await store.logMessageAlone(msg);
        assert.deepEqual(await store.getLoggedMessage(msg.zenderKey, msg.referentienummer), msg);
        await assert.rejects(store.logMessageAlone({ ...msg, requestHash: 'h2' }), isDuplicate('message'));
        await assert.rejects(store.transaction((tx) => tx.logMessage({ ...msg, requestHash: 'h3' })), isDuplicate('message'));
        assert.equal((await store.getLoggedMessage(msg.zenderKey, msg.referentienummer))?.requestHash, 'h1', 'the first answer stays');
      });

      it('prunes entries older than a moment in small batches, newer ones stay', async () => {
        const entry = (ref: string, at: string) => ({ zenderKey: 'prune|A||', referentienummer: ref, requestHash: 'h', responseXml: '<x/>', at });
        await g.backend.store.transaction(async (tx) => {
          for (let i = 0; i < 5; i++) await tx.logMessage(entry(`old-${i}`, `2020-01-0${i + 1}T00:00:00.000Z`));
          await tx.logMessage(entry('new', '2020-02-01T00:00:00.000Z'));
        });
        assert.equal(await g.backend.store.pruneMessageLog('2020-01-15T00:00:00.000Z', 2), 2);
        assert.equal(await g.backend.store.pruneMessageLog('2020-01-15T00:00:00.000Z', 2), 2);
        assert.equal(await g.backend.store.pruneMessageLog('2020-01-15T00:00:00.000Z', 2), 1);
        assert.equal(await g.backend.store.pruneMessageLog('2020-01-15T00:00:00.000Z', 2), 0);
        for (let i = 0; i < 5; i++) assert.equal(await g.backend.store.getLoggedMessage('prune|A||', `old-${i}`), undefined);
        assert.ok(await g.backend.store.getLoggedMessage('prune|A||', 'new'));
      });
    });

    describe('identificaties: many at once', () => {
      const g = group(open);

      it('gives 500 concurrent reserve() calls 500 distinct valid values', async () => {
        const values = await Promise.all(Array.from({ length: 500 }, (_, i) => g.backend.ids.reserve('zaak', `app${i % 7}`)));
        assert.equal(new Set(values).size, 500);
        for (const v of values) {
          assert.equal(checkIdentificatie('zaak', v, { requireGemeentecodePrefix: CONTRACT_GEMEENTECODE }), undefined, v);
          assert.match(v, /^03632024\d{7}$/);
        }
        const reserved = await Promise.all(values.map((v) => g.backend.ids.isReserved('zaak', v)));
        assert.ok(reserved.every(Boolean));
      });

      it('reserves documents and besluiten from their own templates', async () => {
        const docs = await Promise.all([1, 2, 3].map(() => g.backend.ids.reserve('document', undefined)));
        assert.deepEqual(docs.sort(), ['0363D20240000001', '0363D20240000002', '0363D20240000003']);
        assert.equal(await g.backend.ids.reserve('besluit', 'app'), '0363B000001');
        for (const d of docs) assert.equal(checkIdentificatie('document', d, {}), undefined);
      });

      it('isReserved is false for values never handed out, and per kind', async () => {
        assert.equal(await g.backend.ids.isReserved('zaak', '036320249999999'), false);
        assert.equal(await g.backend.ids.isReserved('document', '036320240000001'), false);
        assert.equal(await g.backend.ids.isReserved('document', '0363D20240000001'), true);
      });

      it('markIdentificatieUsed accepts reserved and caller-made values', async () => {
        await g.backend.store.transaction(async (tx) => {
          await tx.markIdentificatieUsed('zaak', '036320240000001');
          await tx.markIdentificatieUsed('zaak', 'zelfgemaakt-1');
        });
        assert.equal(await g.backend.ids.isReserved('zaak', '036320240000001'), true);
        assert.equal(await g.backend.ids.isReserved('zaak', 'zelfgemaakt-1'), false);
      });

      it('does not deadlock when reserve() is called inside a transaction', async () => {
        const value = await Promise.race([
          g.backend.store.transaction(async (tx) => {
            const v = await g.backend.ids.reserve('zaak', 'in-tx');
            await tx.insertZaak(minimalZaak(v));
            return v;
          }),
          sleep(5000).then(() => 'timeout'),
        ]);
        assert.notEqual(value, 'timeout');
        assert.ok(await g.backend.store.getZaak(value));
        assert.equal(await g.backend.ids.isReserved('zaak', value), true);
      });

      it('serves reserve() while another transaction is open, without losing either', async () => {
        const tx = g.backend.store.transaction(async (t) => {
          await sleep(30);
          await t.insertZaak(minimalZaak('03635000'));
        });
        const v = await g.backend.ids.reserve('zaak', 'parallel');
        await tx;
        assert.ok(await g.backend.store.getZaak('03635000'));
        assert.equal(await g.backend.ids.isReserved('zaak', v), true);
      });
    });

    describe('identificaties: existing values, restart, year', () => {
      const g = group(open);

      it('skips values that already exist as zaak, document or besluit', async () => {
        g.setNow('2024-06-15T10:00:00Z');
        await g.backend.store.transaction(async (tx) => {
          await tx.insertZaak(minimalZaak('036320240000001'));
          await tx.insertZaak(minimalZaak('036320240000002'));
          if (!documents.skip) await makeDocument(tx, documentMeta({ identificatie: '0363D20240000001' }), await newVersion(g.backend, '0363D20240000001', 1), '036320240000001');
          await tx.insertBesluit({ ...fullBesluit('0363B000001', '036320240000001'), documenten: [] });
        });
        assert.equal(await g.backend.ids.reserve('zaak', undefined), '036320240000003');
        if (!documents.skip) assert.equal(await g.backend.ids.reserve('document', undefined), '0363D20240000002');
        assert.equal(await g.backend.ids.reserve('besluit', undefined), '0363B000002');
        // A kind only skips its own values: 0363B000001 exists as besluit, not as document.
      });

      it('never reissues a value after close and reopen', async () => {
        const before = [];
        for (let i = 0; i < 5; i++) before.push(await g.backend.ids.reserve('zaak', undefined));
        const reopened = await g.reopen();
        const afterwards = [];
        for (let i = 0; i < 5; i++) afterwards.push(await reopened.ids.reserve('zaak', undefined));
        const all = ['036320240000003', ...before, ...afterwards];
        assert.equal(new Set(all).size, all.length);
        assert.deepEqual([...all].sort(), all, 'values keep increasing');
        for (const v of all) assert.equal(await reopened.ids.isReserved('zaak', v), true);
      });

      it('restarts {jaar} sequences at new year in the configured time zone; others continue', async () => {
        g.setNow('2024-12-31T22:59:59Z'); // 23:59:59 in Amsterdam
        const last2024 = await g.backend.ids.reserve('zaak', undefined);
        assert.match(last2024, /^03632024/);
        const besluit2024 = await g.backend.ids.reserve('besluit', undefined);
        g.setNow('2024-12-31T23:00:00Z'); // 00:00 on 1 January 2025 in Amsterdam
        assert.equal(await g.backend.ids.reserve('zaak', undefined), '036320250000001');
        assert.equal(await g.backend.ids.reserve('document', undefined), '0363D20250000001');
        const besluit2025 = await g.backend.ids.reserve('besluit', undefined);
        assert.equal(Number(besluit2025.slice(5)), Number(besluit2024.slice(5)) + 1);
        g.setNow('2024-12-31T12:00:00Z');
        assert.equal(Number((await g.backend.ids.reserve('zaak', undefined)).slice(8)), Number(last2024.slice(8)) + 1);
        g.setNow('2025-03-01T12:00:00Z');
        assert.equal(await g.backend.ids.reserve('zaak', undefined), '036320250000002');
      });
    });

    describe('identificaties: ensureAbove (cut-over from a legacy zaaksysteem)', () => {
      const g = group(open);

      it('raises the counter past a legacy value of the template\'s form, never lowers it', async () => {
        g.setNow('2024-06-15T10:00:00Z');
        assert.equal(await g.backend.ids.reserve('zaak', undefined), '036320240000001');
        assert.equal(await g.backend.ids.ensureAbove('zaak', '036320240000041'), true);
        assert.equal(await g.backend.ids.reserve('zaak', undefined), '036320240000042');
        // A lower value leaves the counter where it is.
        assert.equal(await g.backend.ids.ensureAbove('zaak', '036320240000005'), true);
        assert.equal(await g.backend.ids.reserve('zaak', undefined), '036320240000043');
        // Survives a restart; the rest of the block taken at 42 is skipped.
        const reopened = await g.reopen();
        assert.equal(await reopened.ids.reserve('zaak', undefined), `03632024${String(42 + DEFAULT_ID_BLOCK_SIZE).padStart(7, '0')}`);
      });

      it('raises the sequence of the value\'s own year; a template without {jaar} has one sequence', async () => {
        g.setNow('2024-06-15T10:00:00Z');
        assert.equal(await g.backend.ids.ensureAbove('document', '0363D20250000009'), true);
        assert.equal(await g.backend.ids.reserve('document', undefined), '0363D20240000001');
        g.setNow('2025-02-01T10:00:00Z');
        assert.equal(await g.backend.ids.reserve('document', undefined), '0363D20250000010');
        assert.equal(await g.backend.ids.ensureAbove('besluit', '0363B000120'), true);
        assert.equal(await g.backend.ids.reserve('besluit', undefined), '0363B000121');
      });

      it('returns false and changes nothing for a value not of the template\'s form', async () => {
        g.setNow('2024-06-15T10:00:00Z');
        const before = await g.backend.ids.reserve('zaak', undefined);
        for (const other of ['ZK-2024-000999', '999920240000999', '0363202400009x9']) {
          assert.equal(await g.backend.ids.ensureAbove('zaak', other), false, other);
        }
        const next = await g.backend.ids.reserve('zaak', undefined);
        assert.equal(Number(next.slice(8)), Number(before.slice(8)) + 1);
      });
    });

    describe('identificaties: blocks', () => {
      const four = group(open, 4);
      const one = group(open, 1);
      const shared = group(open, 4);

      it('hands a block out in order; after a restart its unused values are skipped, never reissued', async () => {
        four.setNow('2024-06-15T10:00:00Z');
        assert.deepEqual([await four.backend.ids.reserve('zaak', 'a'), await four.backend.ids.reserve('zaak', 'b')], ['036320240000001', '036320240000002']);
        // The whole block was reserved with the first value.
        assert.equal(await four.backend.ids.isReserved('zaak', '036320240000004'), true);
        assert.equal(await four.backend.ids.isReserved('zaak', '036320240000005'), false);
        const reopened = await four.reopen();
        assert.equal(await reopened.ids.reserve('zaak', undefined), '036320240000005');
      });

      it('with block size 1 numbers without gaps across a restart', async () => {
        one.setNow('2024-06-15T10:00:00Z');
        assert.equal(await one.backend.ids.reserve('zaak', undefined), '036320240000001');
        assert.equal(await one.backend.ids.isReserved('zaak', '036320240000002'), false);
        const reopened = await one.reopen();
        assert.equal(await reopened.ids.reserve('zaak', undefined), '036320240000002');
      });

      it('two instances reserving at once take their own blocks: 300 distinct values', async () => {
        shared.setNow('2024-06-15T10:00:00Z');
        const b = await shared.another();
        const instances = [shared.backend, b];
        const values = await Promise.all(Array.from({ length: 300 }, (_, i) => instances[i % 2]!.ids.reserve('zaak', `app${i % 3}`)));
        assert.equal(new Set(values).size, 300);
        for (const v of values) assert.match(v, /^03632024\d{7}$/);
        for (const v of values.slice(0, 20)) assert.equal(await b.ids.isReserved('zaak', v), true);
      });

      it('ensureAbove on another instance (or the cut-over command) makes every instance drop block values at or below it', async () => {
        shared.setNow('2024-06-15T10:00:00Z');
        const b = await shared.another();
        const a = shared.backend;
        // Both hold a partly used block.
        const fromA = await a.ids.reserve('document', undefined);
        const fromB = await b.ids.reserve('document', undefined);
        const highest = Math.max(Number(fromA.slice(-7)), Number(fromB.slice(-7)));
        const floor = `0363D2024${String(highest + 2).padStart(7, '0')}`;
        assert.equal(await b.ids.ensureAbove('document', floor), true);
        const after = await Promise.all([a, b, a, b, a, b].map((x) => x.ids.reserve('document', undefined)));
        for (const v of after) assert.ok(v > floor, `${v} must be above the floor ${floor}`);
        assert.equal(new Set([fromA, fromB, ...after]).size, 8);
        // A floor inside A's block drops only what is at or below it; B's next block starts after A's.
        assert.equal(await a.ids.reserve('besluit', undefined), '0363B000001');
        assert.equal(await b.ids.ensureAbove('besluit', '0363B000002'), true);
        assert.equal(await a.ids.reserve('besluit', undefined), '0363B000003');
        assert.equal(await b.ids.reserve('besluit', undefined), '0363B000005');
        assert.equal(await a.ids.reserve('besluit', undefined), '0363B000004');
      });
    });

    describe('document content', () => {
      const g = group(open);

      it('returns exactly the bytes written (temp, finish, persist, open)', async () => {
        const bytes = Buffer.from('Hallo wereld — ë\n\u0000\u00ff', 'utf8');
        const { blobRef, size, sha256 } = await storeBytes(g.backend, bytes);
        assert.equal(size, bytes.length);
        assert.equal(sha256, createHash('sha256').update(bytes).digest('hex'));
        assert.deepEqual(await readAll(g.backend.content.open(blobRef)), bytes);
        const empty = await storeBytes(g.backend, Buffer.alloc(0));
        assert.equal(empty.size, 0);
        assert.equal((await readAll(g.backend.content.open(empty.blobRef))).length, 0);
      });

      it('streams 20 MB written in small chunks', async () => {
        const total = 20 * 1024 * 1024;
        const chunk = 4096;
        const expected = createHash('sha256');
        async function* source() {
          // A fresh buffer per chunk: the store must not rely on a chunk staying unchanged after write() returns.
          for (let off = 0; off < total; off += chunk) {
            const b = randomBytes(chunk);
            expected.update(b);
            yield b;
          }
        }
        const temp = await g.backend.content.createTemp();
        await pipeline(Readable.from(source()), temp.stream);
        const done = await temp.finish();
        const expectedHash = expected.digest('hex');
        assert.equal(done.size, total);
        assert.equal(done.sha256, expectedHash);
        const blobRef = await g.backend.content.persist(temp.tempId);
        const actual = createHash('sha256');
        let read = 0;
        for await (const c of g.backend.content.open(blobRef)) {
          actual.update(c as Buffer);
          read += (c as Buffer).length;
        }
        assert.equal(read, total);
        assert.equal(actual.digest('hex'), expectedHash);
      });

      it('cannot persist aborted or discarded content; both are idempotent', async () => {
        const a = await g.backend.content.createTemp();
        a.stream.write(Buffer.from('half'));
        await a.abort();
        await a.abort();
        await assert.rejects(g.backend.content.persist(a.tempId));

        const d = await g.backend.content.createTemp();
        await pipeline(Readable.from([Buffer.from('klaar')]), d.stream);
        await d.finish();
        await g.backend.content.discardTemp(d.tempId);
        await g.backend.content.discardTemp(d.tempId);
        await assert.rejects(g.backend.content.persist(d.tempId));
      });

      it('reads finished temp content back before it is persisted (openTemp)', async () => {
        const t = await g.backend.content.createTemp();
        t.stream.end(Buffer.from('nog tijdelijk'));
        await t.finish();
        assert.equal((await readAll(g.backend.content.openTemp(t.tempId))).toString(), 'nog tijdelijk');
        const blobRef = await g.backend.content.persist(t.tempId);
        assert.equal((await readAll(g.backend.content.open(blobRef))).toString(), 'nog tijdelijk');
        await assert.rejects(readAll(g.backend.content.openTemp(t.tempId)));
      });

      it('persists a temp only once', async () => {
        const t = await g.backend.content.createTemp();
        t.stream.end(Buffer.from('eenmaal'));
        await t.finish();
        await g.backend.content.persist(t.tempId);
        await assert.rejects(g.backend.content.persist(t.tempId));
      });

      it('removes blobs', async () => {
        const { blobRef } = await storeBytes(g.backend, Buffer.from('weg'));
        await g.backend.content.remove(blobRef);
        await assert.rejects(readAll(g.backend.content.open(blobRef)));
        await g.backend.content.remove(blobRef);
      });

      it('sweeps stale temp content but keeps fresh content', async () => {
        const stale = await g.backend.content.createTemp();
        stale.stream.end(Buffer.from('oud'));
        await stale.finish();
        await sleep(50);
        const fresh = await g.backend.content.createTemp();
        fresh.stream.end(Buffer.from('nieuw'));
        await fresh.finish();
        assert.ok((await g.backend.content.sweepTemp(25)) >= 1);
        await assert.rejects(g.backend.content.persist(stale.tempId));
        const blobRef = await g.backend.content.persist(fresh.tempId);
        assert.equal((await readAll(g.backend.content.open(blobRef))).toString(), 'nieuw');
        assert.equal(await g.backend.content.sweepTemp(60 * 60 * 1000), 0);
      });

      it('refuses references that could reach outside its storage', async () => {
        for (const bad of ['../zaakpoort.sqlite', '../../etc/passwd', '/etc/passwd', 'a/../../b', '', '..']) {
          await assert.rejects(async () => readAll(g.backend.content.open(bad)), `open(${bad})`);
          await assert.rejects(g.backend.content.persist(bad), `persist(${bad})`);
        }
      });
    });
  });
}
