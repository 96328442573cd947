/**
 * ontkoppelZaakdocument_Di02 → Bv02: remove zaak–document links and nothing else. The document itself stays
 * (readable by its identificatie); a checked-out document cannot be unlinked.
 */
import { faults } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { child, leafValue } from '../../xml/tree.js';
import { bv02, bv03 } from '../antwoord/frame.js';
import type { Operation } from '../operation.js';
import { requireDocument, requireNotLocked, vrijChild } from './document-checkout.js';
import { readRelationChanges, relationSoorten, unlink } from './document-links.js';
import { requireMutatiesoortW, wasWordt } from './update-zaakdocument.js';

export const ontkoppelZaakdocument: Operation = {
  name: 'ontkoppelZaakdocument_Di02',
  port: 'VerwerkSynchroonVrijBericht',
  // RN #488902 adds it to the OntvangAsynchroon WSDL as well: posted there, it answers Bv03 (faults Fo03).
  alsoOn: ['OntvangAsynchroon'],
  // RN #488778 names the functie updateZaakdocument; the schema says ontkoppelZaakdocument. Both are meant.
  expect: { berichtcode: 'Di02', functie: ['ontkoppelZaakdocument', 'updateZaakdocument'] },
  async handle(ctx) {
    const edcLk02 = vrijChild(ctx, 'edcLk02');
    requireMutatiesoortW(edcLk02);
    const { oud, nieuw, id } = wasWordt(edcLk02);
    const soorten = [...relationSoorten(oud), ...relationSoorten(nieuw)];
    if (soorten.length === 0 || soorten.some((s) => s !== 'V')) {
      throw faults.processing('isRelevantVoor moet verwerkingssoort V hebben', `verwerkingssoort(en): ${soorten.join(', ') || 'geen isRelevantVoor'}`);
    }
    const zaken = [...new Set(readRelationChanges(oud).map((c) => c.zaakIdentificatie))];
    if (zaken.length === 0) throw faults.processing('Zaak om te ontkoppelen ontbreekt', 'oud object: isRelevantVoor/gerelateerde/identificatie ontbreekt');
    const dct = leafValue(child(nieuw, NS.zkn, 'dct.omschrijving'));

    await ctx.backend.store.transaction(async (tx) => {
      const doc = requireDocument(await tx.getDocument(id), id);
      requireNotLocked(ctx, doc);
      // Ontkoppelen changes the link only: a differing document property in the new object is refused.
      if (dct !== undefined && (dct ?? undefined) !== doc.meta.dctOmschrijving) {
        throw faults.processing('Ontkoppelen mag geen documentkenmerken wijzigen', `dct.omschrijving van document ${id} zou wijzigen`);
      }
      for (const zaak of zaken) await unlink(tx, id, zaak);
    });
    return ctx.port === 'OntvangAsynchroon' ? bv03(ctx) : bv02();
  },
};
