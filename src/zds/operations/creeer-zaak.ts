/** creeerZaak_ZakLk01 (and ZDS 1.1 zakLk01 with mutatiesoort T): store a new zaak, answer Bv03. */
import type { Zaak } from '../../domain/model.js';
import { rolInvariantFout } from '../../domain/zaak-rules.js';
import { faults } from '../../stuf/fault.js';
import { zaakFromCreeerObject } from '../kennisgeving/read-zaak.js';
import { bv03 } from '../antwoord/frame.js';
import type { Operation, OperationContext } from '../operation.js';
import { duplicateFault, objects, requireValidIdentificatie } from './common.js';
import { applyCatalogue } from './zaak-catalogue.js';
import { verwerkBesluit } from './update-zaak.js';
import { isLegeRelatie } from '../kennisgeving/was-wordt.js';
import { NS } from '../../stuf/namespaces.js';
import { childrenNamed } from '../../xml/tree.js';

export const creeerZaak: Operation = {
  name: 'creeerZaak_ZakLk01',
  port: 'OntvangAsynchroon',
  expect: { berichtcode: 'Lk01', entiteittype: 'ZAK' },
  async handle(ctx: OperationContext) {
    const [obj] = objects(ctx.request.body, 1);
    const zaak: Zaak = zaakFromCreeerObject(obj!);
    requireValidIdentificatie(ctx, 'zaak', zaak.identificatie);
    applyCatalogue(ctx, zaak);
    const rolFout = rolInvariantFout(zaak);
    if (rolFout) throw faults.invalid('Zaak heeft meer dan één initiator', rolFout);
    // leidtTot: a besluit created with the zaak (or an existing one linked to it), in the same transaction.
    const besluiten = childrenNamed(obj!, NS.zkn, 'leidtTot').filter((rel) => !isLegeRelatie(rel));
    await ctx.backend.store.transaction(async (tx) => {
      await tx.insertZaak(zaak).catch(duplicateFault);
      await tx.markIdentificatieUsed('zaak', zaak.identificatie);
      for (const [i, rel] of besluiten.entries()) {
        await verwerkBesluit(ctx, tx, zaak, { naam: 'leidtTot', positie: i + 1, soort: 'T', nieuw: rel });
      }
    });
    return bv03(ctx);
  },
};
