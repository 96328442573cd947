/**
 * `senders[].zaaktypen`: an application limited to some zaaktypen sees and changes only zaken of those types.
 * Enforced on the store the operations get, not in each operation, so every operation (also ones added later)
 * obeys it:
 * - a zaak named by identificatie (read, update, document or besluit linked to it) of another zaaktype, and a
 *   new zaak of another zaaktype, are refused with StUF052 and nothing is changed (the transaction rolls back);
 * - a document, besluit or overdracht is reached through its zaak(en): one of a zaak of another zaaktype is refused;
 * - a selection (findZaken) silently leaves other zaaktypen out, so a search (e.g. on a BSN) does not reveal
 *   that a zaak of another type exists.
 * Unknown identificaties pass through, so the operation answers them as usual (StUF064, or creates them).
 */
import type { SenderConfig } from '../config.js';
import type { Zaak, ZaakDocumentLink } from '../domain/model.js';
import type { Backend, StoreReader, StoreWriter, ZaakQuery, ZaakQueryResult, ZaakStore } from '../ports/index.js';
import { faults } from '../stuf/fault.js';
import { withOverrides } from './with-overrides.js';

/** Rows fetched per step when filtering a selection. */
const PAGE = 100;

class ZaaktypeGuard {
  private readonly allowed: ReadonlySet<string>;
  constructor(private readonly sender: SenderConfig) {
    this.allowed = new Set(sender.zaaktypen ?? []);
  }

  allows(zaak: Zaak): boolean {
    return this.allowed.has(zaak.zaaktype?.code ?? '');
  }

  check(zaak: Zaak | undefined): void {
    if (!zaak || this.allows(zaak)) return;
    throw faults.notAuthorised(
      'Zender is niet geautoriseerd voor dit zaaktype',
      `applicatie "${this.sender.applicatie}" mag zaak ${zaak.identificatie} van zaaktype "${zaak.zaaktype?.code ?? ''}" niet zien of wijzigen`,
    );
  }
}

export function restrictToZaaktypen(backend: Backend, sender: SenderConfig): Backend {
  const store = guardStore(backend.store, new ZaaktypeGuard(sender));
  return withOverrides<Backend>(backend, { store });
}

function guardStore(inner: ZaakStore, guard: ZaaktypeGuard): ZaakStore {
  return withOverrides(inner, {
    ...readerOverrides(inner, guard),
    transaction: <T>(fn: (tx: StoreWriter) => Promise<T>) => inner.transaction((tx) => fn(guardWriter(tx, guard))),
  });
}

function guardWriter(tx: StoreWriter, guard: ZaaktypeGuard): StoreWriter {
  const zaakOf = async (id: string) => guard.check(await tx.getZaak(id));
  const documentOf = (id: string) => checkDocument(tx, guard, id);
  return withOverrides(tx, {
    ...readerOverrides(tx, guard),
    insertZaak: async (zaak) => {
      guard.check(zaak);
      return tx.insertZaak(zaak);
    },
    updateZaak: async (zaak) => {
      await zaakOf(zaak.identificatie);
      guard.check(zaak); // also no moving a zaak to a zaaktype the application may not see
      return tx.updateZaak(zaak);
    },
    linkDocument: async (link) => {
      await zaakOf(link.zaakIdentificatie);
      return tx.linkDocument(link);
    },
    unlinkDocument: async (zaakId, docId) => {
      await zaakOf(zaakId);
      return tx.unlinkDocument(zaakId, docId);
    },
    insertBesluit: async (b) => {
      await zaakOf(b.zaakIdentificatie);
      return tx.insertBesluit(b);
    },
    updateBesluit: async (b) => {
      await zaakOf(b.zaakIdentificatie);
      return tx.updateBesluit(b);
    },
    insertOverdracht: async (o) => {
      await zaakOf(o.zaakIdentificatie);
      return tx.insertOverdracht(o);
    },
    updateOverdracht: async (o) => {
      await zaakOf(o.zaakIdentificatie);
      return tx.updateOverdracht(o);
    },
    updateDocumentMeta: async (meta) => {
      await documentOf(meta.identificatie);
      return tx.updateDocumentMeta(meta);
    },
    addDocumentVersion: async (id, version) => {
      await documentOf(id);
      return tx.addDocumentVersion(id, version);
    },
    setDocumentLock: async (id, lock) => {
      await documentOf(id);
      return tx.setDocumentLock(id, lock);
    },
  });
}

function readerOverrides(inner: StoreReader, guard: ZaaktypeGuard): Partial<StoreReader> {
  const zaakOf = async (id: string) => guard.check(await inner.getZaak(id));
  return {
    getZaak: async (id) => {
      const zaak = await inner.getZaak(id);
      guard.check(zaak);
      return zaak;
    },
    findZaken: (query) => findAllowed(inner, query, guard),
    getDocument: async (id) => {
      const doc = await inner.getDocument(id);
      if (doc) await checkDocument(inner, guard, id);
      return doc;
    },
    listDocumentVersions: async (id) => {
      await checkDocument(inner, guard, id);
      return inner.listDocumentVersions(id);
    },
    listZaakDocumenten: async (zaakId) => {
      await zaakOf(zaakId);
      return inner.listZaakDocumenten(zaakId);
    },
    listDocumentZaken: async (docId) => {
      const links = await inner.listDocumentZaken(docId);
      await checkLinks(inner, guard, links);
      return links;
    },
    getBesluit: async (id) => {
      const besluit = await inner.getBesluit(id);
      if (besluit) await zaakOf(besluit.zaakIdentificatie);
      return besluit;
    },
    listBesluiten: async (zaakId) => {
      await zaakOf(zaakId);
      return inner.listBesluiten(zaakId);
    },
    getOverdracht: async (ref) => {
      const o = await inner.getOverdracht(ref);
      if (o) await zaakOf(o.zaakIdentificatie);
      return o;
    },
  };
}

/** A document belongs to the zaken it is linked to; one without a zaak has no zaaktype and is not restricted. */
async function checkDocument(inner: StoreReader, guard: ZaaktypeGuard, docId: string): Promise<void> {
  await checkLinks(inner, guard, await inner.listDocumentZaken(docId));
}

async function checkLinks(inner: StoreReader, guard: ZaaktypeGuard, links: ZaakDocumentLink[]): Promise<void> {
  for (const link of links) guard.check(await inner.getZaak(link.zaakIdentificatie));
}

/** The selection with other zaaktypen left out; limit, vervolgvraag (after), more and total stay exact. */
async function findAllowed(inner: StoreReader, query: ZaakQuery, guard: ZaaktypeGuard): Promise<ZaakQueryResult> {
  const zaken: Zaak[] = [];
  let more = false;
  for await (const zaak of allowedZaken(inner, query, guard)) {
    if (zaken.length === query.limit) {
      more = true;
      break;
    }
    zaken.push(zaak);
  }
  if (!query.countTotal) return { zaken, more };
  let total = 0;
  for await (const _ of allowedZaken(inner, { ...query, after: undefined }, guard)) total++;
  return { zaken, more, total };
}

async function* allowedZaken(inner: StoreReader, query: ZaakQuery, guard: ZaaktypeGuard): AsyncGenerator<Zaak> {
  let after = query.after;
  for (;;) {
    const page = await inner.findZaken({ ...query, after, limit: PAGE, countTotal: false });
    for (const zaak of page.zaken) if (guard.allows(zaak)) yield zaak;
    const last = page.zaken[page.zaken.length - 1];
    if (!page.more || !last) return;
    after = last.identificatie;
  }
}

