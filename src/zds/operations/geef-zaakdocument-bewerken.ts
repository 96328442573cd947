/**
 * geefZaakdocumentbewerken_Di02 (element geefZaakdocumentBewerken_Di02; ZDS 1.1: ZKN:geefZaakdocumentbewerken_Di02)
 * → geefZaakdocumentBewerken_Du02: check the document out to the zender and answer what geefZaakdocumentLezen
 * answers, plus the checkedOutId that updateZaakdocument / cancelCheckout must bring back.
 */
import type { Document, DocumentLock, ZaakDocumentLink } from '../../domain/model.js';
import { formatDatum } from '../../stuf/dates.js';
import { faults } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { writeStuurgegevens } from '../../stuf/stuurgegevens.js';
import { escapeText } from '../../xml/escape.js';
import { type Scope, parseScope, relationElementScope, wants } from '../antwoord/scope.js';
import { inhoudPieces, writeDocumentMeta, writeLinkAttributes } from '../antwoord/write-document.js';
import { ANSWER_NS_DECLS, zkn } from '../antwoord/xml.js';
import type { Operation, OperationContext, ResponsePiece } from '../operation.js';
import { gelijkIdentificatie } from './common.js';
import { newLock, requireDocument, requireNotLocked, vrijChild } from './document-checkout.js';

const FUNCTIE = 'geefZaakdocumentbewerken';

/** Mandatory (`-r`, not nillable) in EDC-antwoord-gzdb; `link` is handled apart because it may be empty but not nil. */
const REQUIRED = ['titel', 'creatiedatum', 'vertrouwelijkAanduiding', 'auteur', 'formaat', 'taal'] as const;

/** The scope without `link`, so writeDocumentMeta never writes it as nil (BG:Url-r forbids that). */
function withoutLink(scope: Scope): Scope {
  if (!scope.explicit) return scope;
  const explicit = new Map(scope.explicit);
  explicit.delete('link');
  return { ...scope, explicit };
}

/**
 * ZDS 1.1 clients may create documents without some metadata this answer cannot do without. What can be
 * derived truthfully is derived (titel from the file name, creatiedatum from when the content arrived, formaat
 * from its content type); for the rest the check-out is refused with a fault that says what to add.
 */
function withDerivedMetadata(ctx: OperationContext, doc: Document): Document {
  const meta = { ...doc.meta };
  meta.titel ??= doc.latest.bestandsnaam ?? meta.identificatie;
  meta.formaat ??= doc.latest.contentType;
  meta.creatiedatum ??= { value: formatDatum(new Date(doc.latest.createdAt), ctx.config.timeZone) };
  const missing = REQUIRED.filter((f) => meta[f] === undefined);
  if (missing.length > 0) {
    throw faults.processing(
      'Document mist gegevens die nodig zijn om het te bewerken',
      `Document ${meta.identificatie} heeft geen ${missing.join(', ')}; vul die eerst aan met updateZaakdocument`,
    );
  }
  return { ...doc, meta };
}

function objectPieces(doc: Document, scope: Scope, links: ZaakDocumentLink[]): ResponsePiece[] {
  const meta = { ...doc.meta };
  delete meta.link;
  // link is mandatory in this answer (schema quirk): an empty element when the document has none.
  const link = doc.meta.link ? zkn('link', doc.meta.link) : '<ZKN:link/>';
  const pieces: ResponsePiece[] = [`<ZKN:object StUF:entiteittype="EDC">${writeDocumentMeta(meta, withoutLink(scope), REQUIRED)}${link}`];
  pieces.push(...inhoudPieces(doc));
  let tail = '';
  for (const l of links) {
    tail +=
      `<ZKN:isRelevantVoor StUF:entiteittype="EDCZAK"><ZKN:gerelateerde StUF:entiteittype="ZAK">` +
      `<ZKN:identificatie>${escapeText(l.zaakIdentificatie)}</ZKN:identificatie></ZKN:gerelateerde>` +
      `${writeLinkAttributes(l, { staAsVolgnummer: false, scope: relationElementScope(scope, 'isRelevantVoor') })}</ZKN:isRelevantVoor>`;
  }
  pieces.push(`${tail}</ZKN:object>`);
  return pieces;
}

/** The Du02 frame: in ZDS 1.2 the first-level children are ZDS, in ZDS 1.1 everything is ZKN. */
function du02(ctx: OperationContext, lock: DocumentLock, object: ResponsePiece[]): ResponsePiece[] {
  const p = ctx.dialect === '1.2' ? 'ZDS' : 'ZKN';
  const root = ctx.dialect === '1.2' ? 'geefZaakdocumentBewerken_Du02' : 'geefZaakdocumentbewerken_Du02';
  const zdsDecl = ctx.dialect === '1.2' ? ` xmlns:ZDS="${NS.zds}"` : '';
  let params = `<${p}:checkedOutId>${escapeText(lock.checkedOutId)}</${p}:checkedOutId>`;
  if (lock.checkedOutBy) params += `<${p}:checkedOutBy>${escapeText(lock.checkedOutBy)}</${p}:checkedOutBy>`;
  const head =
    `<${p}:${root}${zdsDecl} ${ANSWER_NS_DECLS}>` +
    writeStuurgegevens({ qname: `${p}:stuurgegevens`, berichtcode: 'Du02', reply: ctx.reply, functie: FUNCTIE }) +
    `<${p}:parameters>${params}</${p}:parameters>` +
    `<${p}:edcLa01 StUF:entiteittype="EDC" StUF:functie="antwoord"><ZKN:parameters/><ZKN:antwoord>`;
  return [head, ...object, `</ZKN:antwoord></${p}:edcLa01></${p}:${root}>`];
}

export const geefZaakdocumentBewerken: Operation = {
  name: 'geefZaakdocumentbewerken_Di02',
  port: 'VerwerkSynchroonVrijBericht',
  expect: { berichtcode: 'Di02', functie: [FUNCTIE] },
  async handle(ctx) {
    const vraag = vrijChild(ctx, 'edcLv01');
    const id = gelijkIdentificatie(vraag);
    const scope = parseScope(vraag);
    // Check and lock in one transaction, so two simultaneous check-outs cannot both succeed.
    const { doc, lock, links } = await ctx.backend.store.transaction(async (tx) => {
      const found = withDerivedMetadata(ctx, requireDocument(await tx.getDocument(id), id));
      requireNotLocked(ctx, found);
      const l = newLock(ctx);
      await tx.setDocumentLock(id, l);
      const rel = wants(scope, 'isRelevantVoor') ? await tx.listDocumentZaken(id) : [];
      return { doc: found, lock: l, links: rel };
    });
    return du02(ctx, lock, objectPieces(doc, scope, links));
  },
};
