/**
 * `senders[].zaaktypen`: an application limited to some zaaktypen sees and changes only zaken of those types.
 * Enforced on the store the operations get, not in each operation, so every operation (also ones added later)
 * obeys it:
 * - a zaak of another zaaktype does not exist for the application: reading or changing it (or a document,
 *   besluit or overdracht of it) is answered exactly as for an identificatie nobody ever used (StUF064, or an
 *   empty answer with unknownObjectAnswer "leeg"), so a refusal does not reveal which identificaties exist;
 * - a document belongs to the zaken it is linked to: it is visible only when it is linked to at least one zaak
 *   and every such zaak is of an allowed zaaktype. A document without any zaak (unlinked with
 *   ontkoppelZaakdocument) is visible only to applications without a zaaktype restriction; likewise a besluit
 *   whose zaak cannot be found;
 * - a new zaak of another zaaktype, or moving a zaak to one, is refused with StUF052 (the sender named that
 *   zaaktype itself, so the answer reveals nothing) and nothing is changed (the transaction rolls back);
 * - a selection (findZaken) silently leaves other zaaktypen out, so a search (e.g. on a BSN) does not reveal
 *   that a zaak of another type exists.
 */
import type { SenderConfig } from '../config.js';
import type { Zaak } from '../domain/model.js';
import type { Backend, StoreReader, StoreWriter, TransactionIntent, ZaakQuery, ZaakQueryResult, ZaakStore } from '../ports/index.js';
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

  /** A zaak the application itself describes (new, or the new state of an update) must be of its zaaktypen. */
  checkOwn(zaak: Zaak): void {
    if (this.allows(zaak)) return;
    throw faults.notAuthorised(
      'Zender is niet geautoriseerd voor dit zaaktype',
      `applicatie "${this.sender.applicatie}" mag geen zaken van zaaktype "${zaak.zaaktype?.code ?? ''}" vastleggen`,
    );
  }
}

/** The same faults the operations give for identificaties that do not exist. */
const zaakNotFound = (id: string) => faults.notFound('Zaak niet gevonden', `Er is geen zaak met identificatie ${id}`);
const documentNotFound = (id: string) => faults.notFound('Document niet gevonden', `Er is geen document met identificatie ${id}`);
const besluitNotFound = (id: string) => faults.notFound('Besluit niet gevonden', `Er is geen besluit met identificatie ${id}`);

export function restrictToZaaktypen(backend: Backend, sender: SenderConfig): Backend {
  const store = guardStore(backend.store, new ZaaktypeGuard(sender));
  return withOverrides<Backend>(backend, { store });
}

function guardStore(inner: ZaakStore, guard: ZaaktypeGuard): ZaakStore {
  return withOverrides(inner, {
    ...readerOverrides(inner, guard),
    transaction: <T>(fn: (tx: StoreWriter) => Promise<T>, intent?: TransactionIntent) => inner.transaction((tx) => fn(guardWriter(tx, guard)), intent),
  });
}

/** What the application may see, on one reader (the store, or a transaction). */
class Visibility {
  constructor(
    private readonly inner: StoreReader,
    private readonly guard: ZaaktypeGuard,
  ) {}

  async zaak(id: string): Promise<Zaak | undefined> {
    const zaak = await this.inner.getZaak(id);
    return zaak && this.guard.allows(zaak) ? zaak : undefined;
  }

  async zaakVisible(id: string): Promise<boolean> {
    return (await this.zaak(id)) !== undefined;
  }

  async documentVisible(id: string): Promise<boolean> {
    const links = await this.inner.listDocumentZaken(id);
    if (links.length === 0) return false;
    for (const link of links) if (!(await this.zaakVisible(link.zaakIdentificatie))) return false;
    return true;
  }

  async besluitVisible(id: string): Promise<boolean> {
    const besluit = await this.inner.getBesluit(id);
    return besluit !== undefined && (await this.zaakVisible(besluit.zaakIdentificatie));
  }
}

function guardWriter(tx: StoreWriter, guard: ZaaktypeGuard): StoreWriter {
  return withOverrides(tx, { ...readerOverrides(tx, guard), ...writerOverrides(tx, guard) });
}

function writerOverrides(tx: StoreWriter, guard: ZaaktypeGuard): Partial<StoreWriter> {
  const see = new Visibility(tx, guard);
  const zaakOf = async (id: string) => {
    if (!(await see.zaakVisible(id))) throw zaakNotFound(id);
  };
  const documentOf = async (id: string) => {
    if (!(await see.documentVisible(id))) throw documentNotFound(id);
  };
  return {
    insertZaak: async (zaak) => {
      guard.checkOwn(zaak);
      return tx.insertZaak(zaak);
    },
    updateZaak: async (zaak) => {
      await zaakOf(zaak.identificatie);
      guard.checkOwn(zaak); // also no moving a zaak to a zaaktype the application may not see
      return tx.updateZaak(zaak);
    },
    linkDocument: async (link) => {
      await zaakOf(link.zaakIdentificatie);
      // An existing document may only be linked on by an application that can see it.
      if ((await tx.listDocumentZaken(link.documentIdentificatie)).length > 0) await documentOf(link.documentIdentificatie);
      return tx.linkDocument(link);
    },
    unlinkDocument: async (zaakId, docId) => {
      await zaakOf(zaakId);
      await documentOf(docId);
      return tx.unlinkDocument(zaakId, docId);
    },
    insertBesluit: async (b) => {
      await zaakOf(b.zaakIdentificatie);
      return tx.insertBesluit(b);
    },
    updateBesluit: async (b) => {
      if (!(await see.besluitVisible(b.identificatie))) throw besluitNotFound(b.identificatie);
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
  };
}

/**
 * Port methods deliberately not guarded: the message log (answers to the sender's own berichten), sidecar values
 * (read and written only for objects the guarded calls already allowed), a new document (it belongs to no zaak
 * until linkDocument, which is guarded), marking an identificatie used, and housekeeping. Any other method a
 * backend offers must get an override below, or the proxy passes it through unguarded; test/unit/auth.test.ts
 * checks every method of the real stores against these lists.
 */
export const PASSED_THROUGH: ReadonlySet<string> = new Set([
  'getLoggedMessage', 'logMessage', 'logMessageAlone', 'pruneMessageLog', 'getSidecar', 'putSidecar', 'insertDocument',
  'markIdentificatieUsed', 'close', 'ping',
]);

/** The method names the restriction overrides, for that check. */
export function guardedMethodNames(): { reads: string[]; writes: string[] } {
  const none = new Proxy({}, { get: () => undefined }) as unknown as StoreWriter;
  const guard = new ZaaktypeGuard({ applicatie: '', zaaktypen: [] });
  return { reads: Object.keys(readerOverrides(none, guard)), writes: Object.keys(writerOverrides(none, guard)) };
}

/** Reads: what the application may not see is absent, exactly as an identificatie nobody used. */
function readerOverrides(inner: StoreReader, guard: ZaaktypeGuard): Partial<StoreReader> {
  const see = new Visibility(inner, guard);
  return {
    getZaak: (id) => see.zaak(id),
    // Every read the inner store offers must be overridden here: the proxy would pass an unlisted one through unguarded.
    getZaakDetails: inner.getZaakDetails
      ? async (id, want) => {
          const details = await inner.getZaakDetails!(id, want);
          if (!details || !guard.allows(details.zaak)) return undefined;
          // Documents and besluiten belong to the zaak, which may be seen; related zaken of other zaaktypen may not.
          if (details.gerelateerde) details.gerelateerde = new Map([...details.gerelateerde].filter(([, z]) => guard.allows(z)));
          return details;
        }
      : undefined,
    findZaken: (query) => findAllowed(inner, query, guard),
    getDocument: async (id) => {
      const doc = await inner.getDocument(id);
      return doc && (await see.documentVisible(id)) ? doc : undefined;
    },
    listDocumentVersions: async (id) => ((await see.documentVisible(id)) ? inner.listDocumentVersions(id) : []),
    listZaakDocumenten: async (zaakId) => ((await see.zaakVisible(zaakId)) ? inner.listZaakDocumenten(zaakId) : []),
    listDocumentZaken: async (docId) => ((await see.documentVisible(docId)) ? inner.listDocumentZaken(docId) : []),
    getBesluit: async (id) => {
      const besluit = await inner.getBesluit(id);
      return besluit && (await see.zaakVisible(besluit.zaakIdentificatie)) ? besluit : undefined;
    },
    listBesluiten: async (zaakId) => ((await see.zaakVisible(zaakId)) ? inner.listBesluiten(zaakId) : []),
    getOverdracht: async (ref) => {
      const o = await inner.getOverdracht(ref);
      return o && (await see.zaakVisible(o.zaakIdentificatie)) ? o : undefined;
    },
  };
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

