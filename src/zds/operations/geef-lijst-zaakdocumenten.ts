/** geefLijstZaakdocumenten_ZakLv01 → geefLijstZaakdocumenten_ZakLa01: every document linked to a zaak. */
import { escapeText } from '../../xml/escape.js';
import { la01 } from '../antwoord/frame.js';
import { parseScope, relationElementScope, relationScope } from '../antwoord/scope.js';
import { writeDocumentMeta, writeLinkAttributes } from '../antwoord/write-document.js';
import type { Operation } from '../operation.js';
import { gelijkIdentificatie } from './common.js';
import { notFoundAnswer } from './geef-zaakdetails.js';

export const geefLijstZaakdocumenten: Operation = {
  name: 'geefLijstZaakdocumenten_ZakLv01',
  port: 'BeantwoordVraag',
  expect: { berichtcode: 'Lv01', entiteittype: 'ZAK' },
  async handle(ctx) {
    const names = { zds: 'geefLijstZaakdocumenten_ZakLa01', zkn: 'zakLa01' };
    const id = gelijkIdentificatie(ctx.request.body);
    const scope = parseScope(ctx.request.body);
    const zaak = await ctx.backend.store.getZaak(id);
    if (!zaak) return notFoundAnswer(ctx, 'Zaak', id, () => la01(ctx, names, 'ZAK', undefined));
    // Exactly what the scope asks: ...MaarKerngegevensGerelateerden gives each document's identificatie only.
    const docScope = relationScope(scope, 'heeftRelevant');
    const links = await ctx.backend.store.listZaakDocumenten(id);
    let object = `<ZKN:object StUF:entiteittype="ZAK"><ZKN:identificatie>${escapeText(zaak.identificatie)}</ZKN:identificatie>`;
    if (links.length === 0) {
      // heeftRelevant is mandatory in this answer: a zaak without documents answers with one empty relation.
      object += '<ZKN:heeftRelevant StUF:entiteittype="ZAKEDC" xsi:nil="true" StUF:noValue="geenWaarde"/>';
    }
    for (const { link, document } of links) {
      object +=
        `<ZKN:heeftRelevant StUF:entiteittype="ZAKEDC"><ZKN:gerelateerde StUF:entiteittype="EDC">${writeDocumentMeta(document.meta, docScope)}</ZKN:gerelateerde>` +
        `${writeLinkAttributes(link, { staAsVolgnummer: true, scope: relationElementScope(scope, 'heeftRelevant') })}</ZKN:heeftRelevant>`;
    }
    object += '</ZKN:object>';
    return la01(ctx, names, 'ZAK', [object]);
  },
};
