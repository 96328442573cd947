/** The frame of a list answer (zakLa01): parameters with indicatorVervolgvraag and aantalVoorkomens. */
import { writeStuurgegevens } from '../../stuf/stuurgegevens.js';
import { ANSWER_NS_DECLS } from '../antwoord/xml.js';
import type { OperationContext, ResponsePiece } from '../operation.js';

export interface LijstAntwoord {
  /** More objects match than this answer holds: the afnemer may ask a vervolgvraag. */
  vervolg: boolean;
  aantalVoorkomens?: number;
  /** Complete ZKN:object elements; none = no antwoord element (StUF: omitted when nothing matched). */
  objects: string[];
}

export function lijstLa01(ctx: OperationContext, root: string, entiteittype: string, a: LijstAntwoord): ResponsePiece[] {
  let xml =
    `<ZKN:${root} ${ANSWER_NS_DECLS}>` +
    writeStuurgegevens({ qname: 'ZKN:stuurgegevens', berichtcode: 'La01', reply: ctx.reply, entiteittype }) +
    `<ZKN:parameters><StUF:indicatorVervolgvraag>${a.vervolg}</StUF:indicatorVervolgvraag>` +
    (a.aantalVoorkomens !== undefined ? `<StUF:aantalVoorkomens>${a.aantalVoorkomens}</StUF:aantalVoorkomens>` : '') +
    '</ZKN:parameters>';
  if (a.objects.length > 0) xml += `<ZKN:antwoord>${a.objects.join('')}</ZKN:antwoord>`;
  return [xml + `</ZKN:${root}>`];
}
