/** The outer shape of answers: La01 (vraag/antwoord), Du02 (vrije berichten) and Bv03 (kennisgevingen). */
import { writeBv02, writeBv03 } from '../../stuf/messages.js';
import { NS } from '../../stuf/namespaces.js';
import { writeStuurgegevens } from '../../stuf/stuurgegevens.js';
import type { OperationContext, ResponsePiece } from '../operation.js';
import { ANSWER_NS_DECLS } from './xml.js';

/**
 * An La01 answer. `root` is the local name of the answer element: the ZDS 1.2 name (geefZaakdetails_ZakLa01)
 * or, in the ZDS 1.1 dialect, the generic StUF-ZKN one (zakLa01).
 */
export function la01(
  ctx: OperationContext,
  names: { zds: string; zkn: string },
  entiteittype: string,
  objectPieces: ResponsePiece[] | undefined,
): ResponsePiece[] {
  const root = ctx.dialect === '1.2' ? `ZDS:${names.zds}` : `ZKN:${names.zkn}`;
  const zdsDecl = ctx.dialect === '1.2' ? ` xmlns:ZDS="${NS.zds}"` : '';
  const head =
    `<${root}${zdsDecl} ${ANSWER_NS_DECLS}>` +
    writeStuurgegevens({ qname: 'ZKN:stuurgegevens', berichtcode: 'La01', reply: ctx.reply, entiteittype }) +
    '<ZKN:parameters><StUF:indicatorVervolgvraag>false</StUF:indicatorVervolgvraag></ZKN:parameters>';
  if (!objectPieces) return [head + `</${root}>`];
  return [head + '<ZKN:antwoord>', ...objectPieces, `</ZKN:antwoord></${root}>`];
}

/**
 * A Du02 answer to a vrij bericht. In ZDS 1.2 the first-level children are in the ZDS namespace; in the
 * ZDS 1.1 (ZKN) variant everything is ZKN.
 */
export function du02(ctx: OperationContext, root: string, functie: string, contentXml: string, parametersXml = ''): ResponsePiece[] {
  const p = ctx.dialect === '1.2' ? 'ZDS' : 'ZKN';
  const zdsDecl = ctx.dialect === '1.2' ? ` xmlns:ZDS="${NS.zds}"` : '';
  return [
    `<${p}:${root}${zdsDecl} ${ANSWER_NS_DECLS}>` +
      writeStuurgegevens({ qname: `${p}:stuurgegevens`, berichtcode: 'Du02', reply: ctx.reply, functie }) +
      parametersXml +
      contentXml.replaceAll('{P}', p) +
      `</${p}:${root}>`,
  ];
}

export function bv03(ctx: OperationContext): ResponsePiece[] {
  return [writeBv03(ctx.reply)];
}

export function bv02(meldingen?: string[]): ResponsePiece[] {
  return [writeBv02(meldingen)];
}
