/**
 * geefZaakstatus_ZakLv01 → geefZaakstatus_ZakLa01 (ZDS 1.1: zakLv01 → zakLa01): the current status of a zaak.
 * The answer type only allows indicatieLaatsteStatus J, so only the current status (latest datumStatusGezet)
 * is returned, whatever gelijk/heeft/indicatieLaatsteStatus says.
 */
import type { Status, Zaak } from '../../domain/model.js';
import { huidigeStatus } from '../../domain/zaak-rules.js';
import { la01 } from '../antwoord/frame.js';
import { type Scope, explicitlyAsked, parseScope, relationScope, wants } from '../antwoord/scope.js';
import { writeBetrokkene } from '../antwoord/write-zaak.js';
import { zkn, zknNil } from '../antwoord/xml.js';
import type { Operation } from '../operation.js';
import { gelijkIdentificatie } from './common.js';
import { notFoundAnswer } from './geef-zaakdetails.js';

/** A value the answer type requires: the value, or nil + geenWaarde. */
const required = (name: string, value: string | undefined) => (value ? zkn(name, value) : zknNil(name));

/** An optional value: written when asked (explicitly or by a keyword scope); nil when explicitly asked but empty. */
function optional(scope: Scope, name: string, value: string | undefined): string {
  if (!wants(scope, name)) return '';
  if (value) return zkn(name, value);
  return explicitlyAsked(scope, name) ? zknNil(name) : '';
}

function writeHuidigeStatus(zaak: Zaak, st: Status, scope: Scope): string {
  const t = st.statustype;
  const sub = relationScope(scope, 'heeft');
  let out = '<ZKN:heeft StUF:entiteittype="ZAKSTT"><ZKN:gerelateerde StUF:entiteittype="STT">';
  out += optional(sub, 'zkt.code', t.zktCode ?? zaak.zaaktype.code);
  out += required('zkt.omschrijving', t.zktOmschrijving ?? zaak.zaaktype.omschrijving);
  out += required('volgnummer', t.volgnummer);
  out += optional(sub, 'code', t.code);
  // The STP asks the statustype omschrijving explicitly; it is the one thing a vakapplicatie shows.
  out += t.omschrijving && !sub.explicit ? zkn('omschrijving', t.omschrijving) : optional(sub, 'omschrijving', t.omschrijving);
  out += '</ZKN:gerelateerde>';
  // toelichting is required-but-nillable in this answer type.
  out += required('toelichting', st.toelichting) + zkn('datumStatusGezet', st.datumStatusGezet) + zkn('indicatieLaatsteStatus', 'J');
  if (scope.all && st.gezetDoor) {
    out += `<ZKN:isGezetDoor StUF:entiteittype="ZAKSTTBTR"><ZKN:gerelateerde>${writeBetrokkene(st.gezetDoor, true)}</ZKN:gerelateerde></ZKN:isGezetDoor>`;
  }
  return out + '</ZKN:heeft>';
}

export const geefZaakstatus: Operation = {
  name: 'geefZaakstatus_ZakLv01',
  port: 'BeantwoordVraag',
  expect: { berichtcode: 'Lv01', entiteittype: 'ZAK' },
  async handle(ctx) {
    const names = { zds: 'geefZaakstatus_ZakLa01', zkn: 'zakLa01' };
    const id = gelijkIdentificatie(ctx.request.body);
    const scope = parseScope(ctx.request.body);
    const zaak = await ctx.backend.store.getZaak(id);
    if (!zaak) return notFoundAnswer(ctx, 'Zaak', id, () => la01(ctx, names, 'ZAK', undefined));
    let object = `<ZKN:object StUF:entiteittype="ZAK">${zkn('identificatie', zaak.identificatie)}`;
    object += optional(scope, 'omschrijving', zaak.omschrijving);
    if (wants(scope, 'isVan')) {
      const zt = zaak.zaaktype;
      object += `<ZKN:isVan StUF:entiteittype="ZAKZKT"><ZKN:gerelateerde StUF:entiteittype="ZKT">${zkn('omschrijving', zt.omschrijving)}${zkn('code', zt.code)}</ZKN:gerelateerde></ZKN:isVan>`;
    }
    const current = huidigeStatus(zaak);
    object += current ? writeHuidigeStatus(zaak, current, scope) : zknNil('heeft', 'geenWaarde', ' StUF:entiteittype="ZAKSTT"');
    object += '</ZKN:object>';
    return la01(ctx, names, 'ZAK', [object]);
  },
};
