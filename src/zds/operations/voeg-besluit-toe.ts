/**
 * voegBesluitToe_Di01: store a besluit for an existing zaak, with the documents it is laid down in, answer Bv03.
 * The zaak element is a reference even when marked T (the STP sends T): a zaak is never created here.
 */
import type { Besluit } from '../../domain/model.js';
import { faults } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { attr, child, path, text } from '../../xml/tree.js';
import { bv03 } from '../antwoord/frame.js';
import { besluitFromObject, readVastgelegdIn } from '../kennisgeving/read-besluit.js';
import type { Operation, OperationContext } from '../operation.js';
import { duplicateFault, requireValidIdentificatie } from './common.js';
import type { StoreReader } from '../../ports/zaak-store.js';

/** Documents named by isVastgelegdIn must exist: a document cannot be made from kerngegevens alone. */
export async function requireDocument(reader: StoreReader, identificatie: string): Promise<void> {
  if (!(await reader.getDocument(identificatie))) {
    throw faults.notFound('Document niet gevonden', `isVastgelegdIn: er is geen document met identificatie ${identificatie}`);
  }
}

export const voegBesluitToe: Operation = {
  name: 'voegBesluitToe_Di01',
  port: 'OntvangAsynchroon',
  expect: { berichtcode: 'Di01', functie: ['voegBesluitToe'] },
  async handle(ctx: OperationContext) {
    const object = child(ctx.request.body, NS.zkn, 'object');
    const besluitEl = child(object, NS.zkn, 'besluit');
    const zaakId = text(path(object, NS.zkn, 'zaak', 'identificatie'));
    if (!besluitEl || !zaakId) throw faults.invalid('Besluit of zaak ontbreekt', 'object/besluit en object/zaak/identificatie zijn verplicht');
    const soort = attr(besluitEl, NS.stuf, 'verwerkingssoort');
    if (soort !== 'T') throw faults.processing('Besluit moet verwerkingssoort T hebben', `object/besluit heeft StUF:verwerkingssoort="${soort ?? ''}"`);
    const besluit: Besluit = besluitFromObject(besluitEl, zaakId);
    requireValidIdentificatie(ctx, 'besluit', besluit.identificatie);
    for (const rel of readVastgelegdIn(besluitEl)) {
      if (rel.verwerkingssoort === 'V' || rel.verwerkingssoort === 'E') {
        throw faults.processing('Nieuw besluit kan geen documentkoppeling beëindigen', `isVastgelegdIn met verwerkingssoort ${rel.verwerkingssoort}`);
      }
      if (rel.documentIdentificatie && !besluit.documenten.includes(rel.documentIdentificatie)) besluit.documenten.push(rel.documentIdentificatie);
    }
    await ctx.backend.store.transaction(async (tx) => {
      // Checked inside the transaction, so the zaak and documents cannot disappear before the besluit is stored.
      if (!(await tx.getZaak(zaakId))) throw faults.notFound('Zaak niet gevonden', `Er is geen zaak met identificatie ${zaakId}`);
      for (const doc of besluit.documenten) await requireDocument(tx, doc);
      await tx.insertBesluit(besluit).catch(duplicateFault);
      await tx.markIdentificatieUsed('besluit', besluit.identificatie);
    });
    return bv03(ctx);
  },
};
