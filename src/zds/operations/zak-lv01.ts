/**
 * The generic StUF-ZKN vraag zakLv01 → zakLa01: zaken selected with gelijk / vanaf / totEnMet, answered in
 * identificatie order, maximumAantal at a time, with vervolgvragen via start.
 */
import type { Zaak } from '../../domain/model.js';
import { parseScope } from '../antwoord/scope.js';
import { writeZaakAnswerObject as writeZaak } from './geef-zaakdetails.js';
import type { Operation, OperationContext } from '../operation.js';
import { lijstLa01 } from '../vraag/antwoord.js';
import { parseVraagParameters, requireSortering, vervolgStart } from '../vraag/parameters.js';
import { parseZaakSelectie } from '../vraag/selectie.js';

/** Sortering 0 (any order) and 1 (identificatie) are both answered in identificatie order. */
const SORTERINGEN = [0, 1] as const;
/** Upper bound per answer whatever maximumAantal asks; the rest follows by vervolgvraag. */
export const MAX_PER_ANTWOORD = 500;

export const zakLv01: Operation = {
  name: 'zakLv01',
  port: 'BeantwoordVraag',
  expect: { berichtcode: 'Lv01', entiteittype: 'ZAK' },
  async handle(ctx) {
    const body = ctx.request.body;
    const params = parseVraagParameters(body);
    const selectie = parseZaakSelectie(body);
    const scope = parseScope(body);
    const after = vervolgStart(body, params);
    requireSortering(params, SORTERINGEN);
    const result = await ctx.backend.store.findZaken({
      ...selectie,
      ...(after !== undefined ? { after } : {}),
      limit: Math.min(params.maximumAantal, MAX_PER_ANTWOORD),
      countTotal: params.indicatorAantal,
    });
    const objects: string[] = [];
    for (const zaak of result.zaken) objects.push(await writeZaak(ctx, zaak, scope));
    return lijstLa01(ctx, 'zakLa01', 'ZAK', {
      vervolg: result.more,
      ...(result.total !== undefined ? { aantalVoorkomens: result.total } : {}),
      objects,
    });
  },
};
