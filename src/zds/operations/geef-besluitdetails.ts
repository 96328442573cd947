/** geefBesluitdetails_BslLv01 (also spelled geefBesluitDetails) → geefBesluitdetails_BslLa01. */
import type { Besluit } from '../../domain/model.js';
import { escapeText } from '../../xml/escape.js';
import { la01 } from '../antwoord/frame.js';
import { type Scope, parseScope, relationScope, wants } from '../antwoord/scope.js';
import { writeBesluitAttributes } from '../antwoord/write-besluit.js';
import { zkn } from '../antwoord/xml.js';
import type { Operation, OperationContext } from '../operation.js';
import { gelijkIdentificatie } from './common.js';
import { notFoundAnswer } from './geef-zaakdetails.js';

/** isVastgelegdIn (BSLEDC): identificatie always, dct.omschrijving and titel when the document knows them. */
async function writeVastgelegdIn(ctx: OperationContext, b: Besluit, scope: Scope): Promise<string> {
  const sub = relationScope(scope, 'isVastgelegdIn');
  let out = '';
  for (const id of [...b.documenten].sort()) {
    const doc = await ctx.backend.store.getDocument(id);
    let ger = zkn('identificatie', id);
    if (doc && wants(sub, 'dct.omschrijving')) ger += zkn('dct.omschrijving', doc.meta.dctOmschrijving);
    if (doc && wants(sub, 'titel')) ger += zkn('titel', doc.meta.titel);
    out += `<ZKN:isVastgelegdIn StUF:entiteittype="BSLEDC"><ZKN:gerelateerde StUF:entiteittype="EDC">${ger}</ZKN:gerelateerde></ZKN:isVastgelegdIn>`;
  }
  return out;
}

export const geefBesluitdetails: Operation = {
  name: 'geefBesluitdetails_BslLv01',
  port: 'BeantwoordVraag',
  expect: { berichtcode: 'Lv01', entiteittype: 'BSL' },
  async handle(ctx) {
    const names = { zds: 'geefBesluitdetails_BslLa01', zkn: 'bslLa01' };
    const id = gelijkIdentificatie(ctx.request.body);
    const scope = parseScope(ctx.request.body);
    const besluit = await ctx.backend.store.getBesluit(id);
    if (!besluit) return notFoundAnswer(ctx, 'Besluit', id, () => la01(ctx, names, 'BSL', undefined));
    // datumBeslissing, ingangsdatumWerking, tijdvakGeldigheid and isUitkomstVan are mandatory in this answer.
    let object = `<ZKN:object StUF:entiteittype="BSL">`;
    object += writeBesluitAttributes(besluit, scope, { required: ['datumBeslissing', 'ingangsdatumWerking'], tijdvakRequired: true, extraElementen: true, besluittype: true });
    object += `<ZKN:isUitkomstVan StUF:entiteittype="BSLZAK"><ZKN:gerelateerde StUF:entiteittype="ZAK"><ZKN:identificatie>${escapeText(besluit.zaakIdentificatie)}</ZKN:identificatie></ZKN:gerelateerde></ZKN:isUitkomstVan>`;
    if (wants(scope, 'isVastgelegdIn')) object += await writeVastgelegdIn(ctx, besluit, scope);
    object += '</ZKN:object>';
    return la01(ctx, names, 'BSL', [object]);
  },
};
