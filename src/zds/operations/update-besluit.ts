/**
 * updateBesluit_BslLk01: change a besluit with an old/new pair of objects, answer Bv03. In the new object an
 * absent element means unchanged and nil means cleared; isVastgelegdIn relations add (T), remove (V/E),
 * replace (R) or merely identify (I/W) a document link.
 */
import type { Besluit } from '../../domain/model.js';
import { faults } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { type XmlElement, child, text } from '../../xml/tree.js';
import { bv03 } from '../antwoord/frame.js';
import { MUTABLE_FIELDS, REQUIRED_FIELDS, readBesluitAttributes, readVastgelegdIn } from '../kennisgeving/read-besluit.js';
import type { Operation, OperationContext } from '../operation.js';
import { objects } from './common.js';
import { requireDocument } from './voeg-besluit-toe.js';

/** The besluit after applying the new object's attributes. */
function applyAttributes(current: Besluit, nieuw: ReturnType<typeof readBesluitAttributes>): Besluit {
  const next = { ...current } as unknown as Record<string, unknown>;
  for (const k of MUTABLE_FIELDS) {
    const v = nieuw[k];
    if (v === undefined) continue;
    if (v === null) {
      if ((REQUIRED_FIELDS as readonly string[]).includes(k)) {
        throw faults.processing(`${k} van een besluit mag niet leeg worden`, `object/${k} is verplicht (SPEC #18)`);
      }
      delete next[k];
    } else next[k] = v;
  }
  return next as unknown as Besluit;
}

export const updateBesluit: Operation = {
  name: 'updateBesluit_BslLk01',
  port: 'OntvangAsynchroon',
  expect: { berichtcode: 'Lk01', entiteittype: 'BSL' },
  async handle(ctx: OperationContext) {
    const soort = text(child(child(ctx.request.body, NS.zkn, 'parameters'), NS.stuf, 'mutatiesoort'));
    if (soort !== 'W') throw faults.processing('updateBesluit vraagt mutatiesoort W', `mutatiesoort is "${soort ?? ''}"`);
    const [oud, nieuw] = objects(ctx.request.body, 2) as [XmlElement, XmlElement];
    const oudId = text(child(oud, NS.zkn, 'identificatie'));
    const id = text(child(nieuw, NS.zkn, 'identificatie'));
    if (!id || !oudId) throw faults.invalid('Besluitidentificatie ontbreekt', 'beide objecten moeten identificatie bevatten');
    if (oudId !== id) throw faults.processing('Besluitidentificatie is niet muteerbaar', `oud ${oudId}, nieuw ${id}`);
    const attrs = readBesluitAttributes(nieuw);

    // Link changes: removals are named in the old object (the new one holds an empty placeholder), additions
    // in the new object; R names the replaced document in old and its successor in new.
    const remove = new Set<string>();
    const add: string[] = [];
    for (const rel of readVastgelegdIn(oud)) {
      if (rel.documentIdentificatie && ['V', 'E', 'R'].includes(rel.verwerkingssoort)) remove.add(rel.documentIdentificatie);
    }
    for (const rel of readVastgelegdIn(nieuw)) {
      if (!rel.documentIdentificatie) continue;
      if (rel.verwerkingssoort === 'T' || rel.verwerkingssoort === 'R') add.push(rel.documentIdentificatie);
      else if (rel.verwerkingssoort === 'V' || rel.verwerkingssoort === 'E') remove.add(rel.documentIdentificatie);
    }

    await ctx.backend.store.transaction(async (tx) => {
      const current = await tx.getBesluit(id);
      if (!current) throw faults.notFound('Besluit niet gevonden', `Er is geen besluit met identificatie ${id}`);
      const next = applyAttributes(current, attrs);
      const docs = current.documenten.filter((d) => !remove.has(d));
      for (const d of add) {
        if (docs.includes(d)) continue;
        await requireDocument(tx, d);
        docs.push(d);
      }
      next.documenten = docs;
      await tx.updateBesluit(next);
    });
    return bv03(ctx);
  },
};
