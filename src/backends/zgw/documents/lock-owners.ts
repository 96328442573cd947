/**
 * Who holds a check-out, and since when: the Documenten API only knows `locked` and the lock value, so the
 * owner (zender, gebruiker) lives in Zaakpoort's local state. It is kept as the lock of a bare document row in
 * the local store (SQLite or PostgreSQL): no schema of its own, shared by every instance on the same local
 * store, and released by `npm run vrijgeven` like an embedded check-out. The row carries no content or
 * metadata; the document itself is only in the Documenten API.
 */
import type { DocumentLock } from '../../../domain/model.js';
import type { Backend } from '../../../ports/index.js';

export class LockOwners {
  constructor(private readonly local: Backend, private readonly now: () => Date) {}

  async get(identificatie: string): Promise<DocumentLock | undefined> {
    return (await this.local.store.getDocument(identificatie))?.lock;
  }

  /** Record (lock) or forget (undefined) the owner of a document's ZGW lock. */
  async set(identificatie: string, lock: DocumentLock | undefined): Promise<void> {
    await this.local.store.transaction(async (tx) => {
      if (!(await tx.getDocument(identificatie))) {
        if (!lock) return;
        await tx.insertDocument({ identificatie }, { versionNo: 1, size: 0, createdAt: this.now().toISOString() });
      }
      await tx.setDocumentLock(identificatie, lock);
    });
  }
}
