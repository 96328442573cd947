/**
 * updateZaakdocument_Di02 → Bv02: check-in / update of a document with a was/wordt pair in edcLk02. Absent
 * elements stay, nil ones are cleared, new inhoud becomes a new version (older versions stay stored), and a
 * successful check-in releases the lock.
 */
import { type VersioningState, nextVersie } from '../../domain/document-versie.js';
import type { Document, DocumentMeta, DocumentVersion } from '../../domain/model.js';
import { formatDatum } from '../../stuf/dates.js';
import { faults } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { type XmlElement, child, text } from '../../xml/tree.js';
import { bv02 } from '../antwoord/frame.js';
import { type DocumentAttributes, type InhoudInfo, readDocumentAttributes, readInhoud } from '../kennisgeving/read-document.js';
import type { Operation, OperationContext } from '../operation.js';
import { objects } from './common.js';
import { readCheckoutParameters, requireDocument, requireLockHolder, vrijChild } from './document-checkout.js';
import { type RelationChange, applyRelationChanges, readRelationChanges } from './document-links.js';

/** EDC attributes a document must always have (SPEC #12 / §6 row 34): clearing them is refused. */
const MANDATORY: ReadonlyArray<keyof DocumentMeta> = ['titel', 'creatiedatum', 'vertrouwelijkAanduiding', 'auteur', 'formaat', 'taal'];

/** Element name in the message for a model field. */
const ELEMENT: Partial<Record<keyof DocumentMeta, string>> = { dctOmschrijving: 'dct.omschrijving' };

/** edcLk02/parameters/mutatiesoort must be W: a was/wordt pair. */
export function requireMutatiesoortW(edcLk02: XmlElement): void {
  const soort = text(child(child(edcLk02, NS.zkn, 'parameters'), NS.stuf, 'mutatiesoort'));
  if (soort !== 'W') throw faults.processing('Mutatiesoort moet W zijn', `edcLk02/parameters/mutatiesoort is ${soort ? `"${soort}"` : 'leeg'}`);
}

/** The was/wordt pair, both about the same document (its identificatie cannot change). */
export function wasWordt(edcLk02: XmlElement): { oud: XmlElement; nieuw: XmlElement; id: string } {
  const [oud, nieuw] = objects(edcLk02, 2) as [XmlElement, XmlElement];
  const id = text(child(oud, NS.zkn, 'identificatie'));
  const newId = text(child(nieuw, NS.zkn, 'identificatie'));
  if (!id || !newId) throw faults.invalid('Documentidentificatie ontbreekt', 'beide objecten moeten een identificatie hebben');
  if (id !== newId) throw faults.processing('Identificatie van een document is niet muteerbaar', `oud ${id}, nieuw ${newId}`);
  return { oud, nieuw, id };
}

/** The new metadata: absent = unchanged, null (nil / noValue) = cleared, a value = replaced. */
function mergeMeta(current: DocumentMeta, changes: DocumentAttributes): DocumentMeta {
  const merged: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(changes)) {
    if (k === 'identificatie' || v === undefined) continue;
    if (v === null) delete merged[k];
    else merged[k] = v;
  }
  return merged as unknown as DocumentMeta;
}

function refuseClearedMandatory(changes: DocumentAttributes): void {
  const cleared = MANDATORY.filter((f) => changes[f] === null).map((f) => ELEMENT[f] ?? f);
  if (cleared.length > 0) {
    throw faults.processing('Verplicht documentkenmerk mag niet leeg worden gemaakt', `${cleared.join(', ')} ${cleared.length === 1 ? 'is' : 'zijn'} verplicht`);
  }
}

/** The version row for new content (already persisted as blobRef). */
function newVersion(ctx: OperationContext, doc: Document, inhoud: InhoudInfo, blobRef: string): DocumentVersion {
  const content = inhoud.content!;
  const v: DocumentVersion = { versionNo: doc.latest.versionNo + 1, blobRef, size: content.size, sha256: content.sha256, createdAt: ctx.clock.now().toISOString() };
  if (inhoud.bestandsnaam) v.bestandsnaam = inhoud.bestandsnaam;
  if (inhoud.contentType) v.contentType = inhoud.contentType;
  return v;
}

/** The caller's versie wins; otherwise new content gets the next major/minor label. */
function versieFor(changes: DocumentAttributes, doc: Document, state: VersioningState): string {
  if (typeof changes.versie === 'string') return changes.versie;
  return nextVersie(doc.meta.versie, state, doc.latest.blobRef !== undefined);
}

/** Relation changes: V/E come from the old object (the new one holds only an empty placeholder), the rest from the new one. */
function relationChanges(oud: XmlElement, nieuw: XmlElement): RelationChange[] {
  const all = [...readRelationChanges(oud).filter((c) => c.soort === 'V' || c.soort === 'E'), ...readRelationChanges(nieuw)];
  const seen = new Set<string>();
  return all.filter((c) => {
    const key = `${c.soort}|${c.zaakIdentificatie}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export const updateZaakdocument: Operation = {
  name: 'updateZaakdocument_Di02',
  port: 'VerwerkSynchroonVrijBericht',
  expect: { berichtcode: 'Di02', functie: ['updateZaakdocument'] },
  async handle(ctx) {
    const params = readCheckoutParameters(ctx);
    const edcLk02 = vrijChild(ctx, 'edcLk02');
    requireMutatiesoortW(edcLk02);
    const { oud, nieuw, id } = wasWordt(edcLk02);
    const changes = readDocumentAttributes(nieuw);
    refuseClearedMandatory(changes);
    const relations = relationChanges(oud, nieuw);
    const inhoud = readInhoud(nieuw);

    // New content becomes a permanent blob before the transaction that makes it visible; if anything after
    // this fails, the blob is removed again and the document is exactly as it was.
    const blobRef = inhoud?.content ? await ctx.backend.content.persist(inhoud.content.tempId) : undefined;
    try {
      const meldingen = await ctx.backend.store.transaction(async (tx) => {
        const doc = requireDocument(await tx.getDocument(id), id);
        const locked = requireLockHolder(ctx, doc, params.checkedOutId);
        const meta = mergeMeta(doc.meta, changes);
        if (blobRef && inhoud) {
          meta.versie = versieFor(changes, doc, params.versioningState);
          await tx.addDocumentVersion(id, newVersion(ctx, doc, inhoud, blobRef));
        }
        await tx.updateDocumentMeta(meta);
        const registratiedatum = formatDatum(ctx.clock.now(), ctx.config.timeZone);
        const notes = await applyRelationChanges(tx, id, relations, registratiedatum);
        // Check-in: a successful update ends the check-out.
        if (locked) await tx.setDocumentLock(id, undefined);
        return notes;
      });
      return bv02(meldingen);
    } catch (e) {
      if (blobRef) await ctx.backend.content.remove(blobRef).catch(() => undefined);
      throw e;
    }
  },
};
