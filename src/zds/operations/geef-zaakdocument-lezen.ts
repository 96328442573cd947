/**
 * geefZaakdocumentLezen_EdcLv01 → geefZaakdocumentLezen_EdcLa01: document metadata and the latest checked-in
 * content, streamed from the store as base64.
 */
import { la01 } from '../antwoord/frame.js';
import { extraElementenFilter, parseScope, relationElementScope, relationScope, wants } from '../antwoord/scope.js';
import { writeGerelateerdeZaak } from '../antwoord/write-zaak.js';
import { inhoudPieces, writeDocumentMeta, writeDocumentMetagegevens, writeLinkAttributes } from '../antwoord/write-document.js';
import type { Operation, ResponsePiece } from '../operation.js';
import { writeExtraElementen } from '../antwoord/xml.js';
import { gelijkIdentificatie } from './common.js';
import { notFoundAnswer } from './geef-zaakdetails.js';

/** Mandatory in the geefZaakdocumentLezen answer object (SPEC #8). */
const REQUIRED = ['titel', 'creatiedatum', 'vertrouwelijkAanduiding', 'auteur', 'formaat', 'taal'] as const;

export const geefZaakdocumentLezen: Operation = {
  name: 'geefZaakdocumentLezen_EdcLv01',
  port: 'BeantwoordVraag',
  expect: { berichtcode: 'Lv01', entiteittype: 'EDC' },
  async handle(ctx) {
    const names = { zds: 'geefZaakdocumentLezen_EdcLa01', zkn: 'edcLa01' };
    const id = gelijkIdentificatie(ctx.request.body);
    const scope = parseScope(ctx.request.body);
    const doc = await ctx.backend.store.getDocument(id);
    if (!doc) return notFoundAnswer(ctx, 'Document', id, () => la01(ctx, names, 'EDC', undefined));
    const pieces: ResponsePiece[] = [`<ZKN:object StUF:entiteittype="EDC">${writeDocumentMeta(doc.meta, scope, REQUIRED)}`];
    pieces.push(...inhoudPieces(doc));
    let tail = writeDocumentMetagegevens(doc.meta, scope) + writeExtraElementen(doc.meta.extraElementen, extraElementenFilter(scope));
    if (wants(scope, 'isRelevantVoor')) {
      const sub = relationScope(scope, 'isRelevantVoor');
      for (const link of await ctx.backend.store.listDocumentZaken(id)) {
        // The zaak with its omschrijving and zaaktype when the scope asks more than kerngegevens.
        const zaak = sub.all || sub.explicit ? await ctx.backend.store.getZaak(link.zaakIdentificatie) : undefined;
        tail +=
          `<ZKN:isRelevantVoor StUF:entiteittype="EDCZAK">${writeGerelateerdeZaak(link.zaakIdentificatie, zaak, sub)}` +
          `${writeLinkAttributes(link, { staAsVolgnummer: false, metagegevens: scope.metagegevens, scope: relationElementScope(scope, 'isRelevantVoor') })}</ZKN:isRelevantVoor>`;
      }
    }
    pieces.push(tail + '</ZKN:object>');
    return la01(ctx, names, 'EDC', pieces);
  },
};
