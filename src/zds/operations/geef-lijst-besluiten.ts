/** geefLijstBesluiten_ZakLv01 → geefLijstBesluiten_ZakLa01: every besluit of a zaak as leidtTot (RN #488386). */
import { escapeText } from '../../xml/escape.js';
import { la01 } from '../antwoord/frame.js';
import { parseScope, relationScope } from '../antwoord/scope.js';
import { writeLeidtTot } from '../antwoord/write-besluit.js';
import type { Operation } from '../operation.js';
import { gelijkIdentificatie } from './common.js';
import { notFoundAnswer } from './geef-zaakdetails.js';

export const geefLijstBesluiten: Operation = {
  name: 'geefLijstBesluiten_ZakLv01',
  port: 'BeantwoordVraag',
  expect: { berichtcode: 'Lv01', entiteittype: 'ZAK' },
  async handle(ctx) {
    const names = { zds: 'geefLijstBesluiten_ZakLa01', zkn: 'zakLa01' };
    const id = gelijkIdentificatie(ctx.request.body);
    const scope = parseScope(ctx.request.body);
    const zaak = await ctx.backend.store.getZaak(id);
    if (!zaak) return notFoundAnswer(ctx, 'Zaak', id, () => la01(ctx, names, 'ZAK', undefined));
    const sub = relationScope(scope, 'leidtTot');
    // An unspecified gerelateerde scope gets the besluit attributes a list shows, not just the identificatie.
    const bslScope = sub.explicit ? sub : { ...sub, all: true };
    const besluiten = await ctx.backend.store.listBesluiten(id);
    let object = `<ZKN:object StUF:entiteittype="ZAK"><ZKN:identificatie>${escapeText(zaak.identificatie)}</ZKN:identificatie>`;
    if (besluiten.length === 0) object += '<ZKN:leidtTot StUF:entiteittype="ZAKBSL" xsi:nil="true" StUF:noValue="geenWaarde"/>';
    // The answer type sorts leidtTot on gerelateerde/identificatie.
    for (const b of [...besluiten].sort((a, c) => (a.identificatie < c.identificatie ? -1 : a.identificatie > c.identificatie ? 1 : 0))) {
      object += writeLeidtTot(b, bslScope);
    }
    object += '</ZKN:object>';
    return la01(ctx, names, 'ZAK', [object]);
  },
};
