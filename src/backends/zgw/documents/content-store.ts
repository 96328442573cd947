/**
 * The DocumentContentStore of the ZGW backend. Incoming content is received into a local staging area (temp
 * files, then a staged blob when the operation persists it); the documents module uploads it from there to the
 * Documenten API inside the bericht's unit of work and removes the staged copy. A document's blobRef is then
 * the EIO's download URL (`…/download?versie=N`), and open() streams that download, never buffering it.
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DocumentContentStore, TempContentWriter } from '../../../ports/document-content-store.js';
import { FsContentStore } from '../../fs-content-store.js';
import type { ZgwHttp } from '../http.js';
import type { Log } from '../unit-of-work.js';

const STAGED = 'zgw-staged:';
const DOWNLOAD = /\/enkelvoudiginformatieobjecten\/[0-9a-f-]{36}\/download$/;

export class ZgwContentStore implements DocumentContentStore {
  private readonly staging: FsContentStore;

  constructor(dataDir: string, private readonly http: ZgwHttp, private readonly log: Log) {
    this.staging = new FsContentStore(path.join(dataDir, 'zgw-staging'));
  }

  /** Whether a blobRef is content still on local disk (not yet uploaded). */
  static isStaged(blobRef: string): boolean {
    return blobRef.startsWith(STAGED);
  }

  /** The local file of a staged blob (FsContentStore's layout: documents/<first two>/<ref>). */
  stagedFile(blobRef: string): string {
    const ref = blobRef.slice(STAGED.length);
    if (!/^[0-9a-f]{32}$/.test(ref)) throw new Error('Ongeldige lokale inhoudsreferentie');
    return path.join(this.staging.documentsDir, ref.slice(0, 2), ref);
  }

  createTemp(): Promise<TempContentWriter> {
    return this.staging.createTemp();
  }

  async persist(tempId: string): Promise<string> {
    return STAGED + (await this.staging.persist(tempId));
  }

  discardTemp(tempId: string): Promise<void> {
    return this.staging.discardTemp(tempId);
  }

  openTemp(tempId: string): Readable {
    return this.staging.openTemp(tempId);
  }

  open(blobRef: string): Readable {
    if (ZgwContentStore.isStaged(blobRef)) return this.staging.open(blobRef.slice(STAGED.length));
    const out = new PassThrough({ highWaterMark: 256 * 1024 });
    // Only an EIO download of the configured Documenten API: nothing else is ever fetched with Zaakpoort's token.
    if (this.http.apiOf(blobRef) !== 'documenten' || !DOWNLOAD.test(new URL(blobRef).pathname)) {
      process.nextTick(() => out.destroy(new Error('Ongeldige inhoudsreferentie')));
      return out;
    }
    const fail = (e: unknown) => {
      this.log('warn', 'ZGW: documentinhoud kon niet worden gedownload', { error: e instanceof Error ? e.message : String(e) });
      // The sender's answer is cut off; the message says what, never where.
      out.destroy(new Error('Documentinhoud kon niet uit het zaaksysteem (ZGW) worden gelezen'));
    };
    this.http
      .stream({ api: 'documenten', method: 'GET', url: blobRef, headers: { Accept: 'application/octet-stream' }, purpose: 'documentinhoud downloaden' })
      .then((res) => pipeline(res.body, out).catch(fail), fail);
    return out;
  }

  /** A staged blob is removed; an uploaded one belongs to its EIO (a unit of work's undo deletes that). */
  async remove(blobRef: string): Promise<void> {
    if (ZgwContentStore.isStaged(blobRef)) await this.staging.remove(blobRef.slice(STAGED.length));
  }

  /** Temp files, and staged blobs a crash left before their upload, older than maxAgeMs. */
  async sweepTemp(maxAgeMs: number): Promise<number> {
    let removed = await this.staging.sweepTemp(maxAgeMs);
    const cutoff = Date.now() - maxAgeMs;
    for (const shard of await readdir(this.staging.documentsDir).catch(() => [] as string[])) {
      const dir = path.join(this.staging.documentsDir, shard);
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        const file = path.join(dir, name);
        const st = await stat(file).catch(() => undefined);
        if (st?.isFile() && st.mtimeMs <= cutoff) {
          await unlink(file).catch(() => undefined);
          removed++;
        }
      }
    }
    return removed;
  }
}
