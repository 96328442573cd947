/**
 * cancelCheckout_Di02 → Bv02: end a check-out without a new version. Only the identificatie of `document`
 * counts; the schema lets it carry a whole EDC (even with a verwerkingssoort), and all of that is ignored.
 */
import { faults } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { child, text } from '../../xml/tree.js';
import { bv02 } from '../antwoord/frame.js';
import type { Operation } from '../operation.js';
import { readCheckoutParameters, requireDocument, requireLockHolder, vrijChild } from './document-checkout.js';

export const cancelCheckout: Operation = {
  name: 'cancelCheckout_Di02',
  port: 'VerwerkSynchroonVrijBericht',
  expect: { berichtcode: 'Di02', functie: ['cancelCheckout'] },
  async handle(ctx) {
    const { checkedOutId } = readCheckoutParameters(ctx);
    const id = text(child(vrijChild(ctx, 'document'), NS.zkn, 'identificatie'));
    if (!id) throw faults.invalid('Documentidentificatie ontbreekt', 'document/identificatie moet een waarde hebben');
    await ctx.backend.store.transaction(async (tx) => {
      const doc = requireDocument(await tx.getDocument(id), id);
      if (!doc.lock) throw faults.processing('Document is niet uitgecheckt', `Document ${id} is niet in bewerking; er is niets te annuleren`);
      requireLockHolder(ctx, doc, checkedOutId);
      await tx.setDocumentLock(id, undefined);
    });
    return bv02();
  },
};
