/**
 * voegZaakdocumentToe_EdcLk01 (document with content) and maakZaakdocument_EdcLk01 (document without content,
 * content follows by check-in): store the document, link it to its zaak, answer Bv03.
 */
import type { DocumentVersion, ZaakDocumentLink } from '../../domain/model.js';
import { formatDatum } from '../../stuf/dates.js';
import { faults } from '../../stuf/fault.js';
import { bv03 } from '../antwoord/frame.js';
import { metaFrom, readDocumentAttributes, readInhoud, readIsRelevantVoor } from '../kennisgeving/read-document.js';
import type { Operation, OperationContext } from '../operation.js';
import { duplicateFault, objects, requireValidIdentificatie, requireZaak } from './common.js';

async function addDocument(ctx: OperationContext, withContent: boolean) {
  const [obj] = objects(ctx.request.body, 1);
  const meta = metaFrom(readDocumentAttributes(obj!));
  if (!meta.identificatie) throw faults.invalid('Documentidentificatie ontbreekt', 'object/identificatie moet een waarde hebben');
  requireValidIdentificatie(ctx, 'document', meta.identificatie);
  const relevant = readIsRelevantVoor(obj!);
  if (!relevant) throw faults.invalid('Document is niet aan een zaak gekoppeld', 'object/isRelevantVoor/gerelateerde/identificatie ontbreekt');
  await requireZaak(ctx, relevant.zaakIdentificatie);
  const inhoud = readInhoud(obj!);
  if (withContent && !inhoud) throw faults.invalid('Inhoud ontbreekt', 'object/inhoud is verplicht bij voegZaakdocumentToe');

  const now = ctx.clock.now();
  const version: DocumentVersion = { versionNo: 1, size: 0, createdAt: now.toISOString() };
  if (inhoud?.bestandsnaam) version.bestandsnaam = inhoud.bestandsnaam;
  if (inhoud?.contentType) version.contentType = inhoud.contentType;
  const link: ZaakDocumentLink = {
    zaakIdentificatie: relevant.zaakIdentificatie,
    documentIdentificatie: meta.identificatie,
    registratiedatum: relevant.registratiedatum ?? formatDatum(now, ctx.config.timeZone),
  };
  for (const k of ['titel', 'beschrijving', 'sttVolgnummer', 'sttOmschrijving', 'staDatumStatusGezet', 'tijdstipRegistratie'] as const) {
    if (relevant[k]) link[k] = relevant[k];
  }
  if (relevant.tijdvakRelatie) link.tijdvakRelatie = relevant.tijdvakRelatie;
  if (relevant.tijdvakGeldigheid) link.tijdvakGeldigheid = relevant.tijdvakGeldigheid;

  // The content becomes a permanent blob first; the database row that makes it visible is committed after.
  // If the transaction fails the blob is removed again, so nothing half-written is ever visible.
  let blobRef: string | undefined;
  if (inhoud?.content) {
    blobRef = await ctx.backend.content.persist(inhoud.content.tempId);
    version.blobRef = blobRef;
    version.size = inhoud.content.size;
    version.sha256 = inhoud.content.sha256;
  }
  try {
    await ctx.backend.store.transaction(async (tx) => {
      await tx.insertDocument(meta, version).catch(duplicateFault);
      await tx.linkDocument(link).catch(duplicateFault);
      await tx.markIdentificatieUsed('document', meta.identificatie!);
    });
  } catch (e) {
    if (blobRef) await ctx.backend.content.remove(blobRef).catch(() => undefined);
    throw e;
  }
  return bv03(ctx);
}

export const voegZaakdocumentToe: Operation = {
  name: 'voegZaakdocumentToe_EdcLk01',
  port: 'OntvangAsynchroon',
  expect: { berichtcode: 'Lk01', entiteittype: 'EDC' },
  handle: (ctx) => addDocument(ctx, true),
};

export const maakZaakdocument: Operation = {
  name: 'maakZaakdocument_EdcLk01',
  port: 'OntvangAsynchroon',
  expect: { berichtcode: 'Lk01', entiteittype: 'EDC' },
  handle: (ctx) => addDocument(ctx, false),
};
