/** geefZaakdetails_ZakLv01 → geefZaakdetails_ZakLa01 (ZDS 1.1: zakLv01 → zakLa01). */
import { faults } from '../../stuf/fault.js';
import { la01 } from '../antwoord/frame.js';
import { type Zaak, ZAAK_RELATIE_SOORTEN } from '../../domain/model.js';
import { type Scope, parseScope, relationElementScope, relationScope, wants } from '../antwoord/scope.js';
import { writeLinkAttributes, writeDocumentMeta } from '../antwoord/write-document.js';
import { writeZaakObject } from '../antwoord/write-zaak.js';
import { writeLeidtTot } from '../antwoord/write-besluit.js';
import type { Operation, OperationContext, ResponsePiece } from '../operation.js';
import type { ZaakDetails } from '../../ports/zaak-store.js';
import { gelijkIdentificatie } from './common.js';

/** An unknown object in a detail vraag: Fo02 StUF064 by default, or an answer without antwoord when configured. */
export function notFoundAnswer(ctx: OperationContext, what: string, id: string, empty: () => ResponsePiece[]): ResponsePiece[] {
  if (ctx.config.unknownObjectAnswer === 'leeg') return empty();
  throw faults.notFound(`${what} niet gevonden`, `Er is geen ${what.toLowerCase()} met identificatie ${id}`);
}

/**
 * antwoord/object for a zaak (geefZaakdetails, zakLa01): the zaak plus what lives outside its aggregate
 * (documents, besluiten, the zaken its relaties point to), each read only when the scope asks for it. The reads
 * do not depend on each other, so they run concurrently: on PostgreSQL and ZGW each is a round trip. `read` holds
 * what the caller already read with the zaak (getZaakDetails).
 */
export async function writeZaakAnswerObject(ctx: OperationContext, zaak: Zaak, scope: Scope, read: Omit<ZaakDetails, 'zaak' | 'allValidated'> = {}): Promise<string> {
  const store = ctx.backend.store;
  const relatedIds = [...new Set(zaak.relaties.filter((r) => wants(scope, r.soort)).map((r) => r.identificatie))];
  const [documenten, besluiten, related] = await Promise.all([
    read.documenten ?? (wants(scope, 'heeftRelevant') ? store.listZaakDocumenten(zaak.identificatie) : []),
    read.besluiten ?? (wants(scope, 'leidtTot') ? store.listBesluiten(zaak.identificatie) : []),
    read.gerelateerde ? relatedIds.map((id) => read.gerelateerde!.get(id)) : Promise.all(relatedIds.map((id) => store.getZaak(id))),
  ]);
  const heeftRelevant: string[] = [];
  if (wants(scope, 'heeftRelevant')) {
    const sub = relationScope(scope, 'heeftRelevant');
    for (const { link, document } of documenten) {
      heeftRelevant.push(
        `<ZKN:heeftRelevant StUF:entiteittype="ZAKEDC"><ZKN:gerelateerde StUF:entiteittype="EDC">${writeDocumentMeta(document.meta, sub)}</ZKN:gerelateerde>` +
          `${writeLinkAttributes(link, { staAsVolgnummer: true, scope: relationElementScope(scope, 'heeftRelevant') })}</ZKN:heeftRelevant>`,
      );
    }
  }
  const leidtTot: string[] = [];
  if (wants(scope, 'leidtTot')) {
    const sub = relationScope(scope, 'leidtTot');
    for (const b of besluiten) leidtTot.push(writeLeidtTot(b, sub));
  }
  // In the order of the relaties, as before; only zaken that are in the store go in (writeZaakObject answers
  // a relatie to any other with its identificatie alone).
  const gerelateerdeZaken = new Map<string, Zaak>();
  relatedIds.forEach((id, i) => {
    const other = related[i];
    if (other) gerelateerdeZaken.set(id, other);
  });
  return `<ZKN:object StUF:entiteittype="ZAK">${writeZaakObject(zaak, scope, { heeftRelevant, leidtTot, gerelateerdeZaken })}</ZKN:object>`;
}

export const geefZaakdetails: Operation = {
  name: 'geefZaakdetails_ZakLv01',
  port: 'BeantwoordVraag',
  expect: { berichtcode: 'Lv01', entiteittype: 'ZAK' },
  async handle(ctx) {
    const names = { zds: 'geefZaakdetails_ZakLa01', zkn: 'zakLa01' };
    const id = gelijkIdentificatie(ctx.request.body);
    const scope = parseScope(ctx.request.body);
    const store = ctx.backend.store;
    // One read for the zaak with its documents, besluiten and related zaken where the backend offers it (PostgreSQL).
    const details: ZaakDetails | undefined = store.getZaakDetails
      ? await store.getZaakDetails(id, {
          documenten: wants(scope, 'heeftRelevant'),
          besluiten: wants(scope, 'leidtTot'),
          relaties: ZAAK_RELATIE_SOORTEN.filter((soort) => wants(scope, soort)),
        })
      : await store.getZaak(id).then((zaak) => (zaak ? { zaak } : undefined));
    if (!details) return notFoundAnswer(ctx, 'Zaak', id, () => la01(ctx, names, 'ZAK', undefined));
    const { zaak, allValidated, ...read } = details;
    // Everything the answer holds came from that one read (writeZaakAnswerObject reads nothing it was given).
    if (allValidated) ctx.answerReadValidated = true;
    return la01(ctx, names, 'ZAK', [await writeZaakAnswerObject(ctx, zaak, scope, read)]);
  },
};
