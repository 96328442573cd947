/**
 * Copy-on-first-touch: a zaak the new backend does not know is read from the legacy system (geefZaakdetails
 * scope alles with its besluiten, geefLijstZaakdocumenten, geefZaakdocumentLezen per document, content included,
 * geefBesluitdetails per besluit) and written to
 * the new backend before the change that touched it is applied there. Fetching and writing are separate steps:
 * the snapshot is always taken before the change goes to the legacy system, so when the new side is down it
 * goes into the outbox as it was, and the change follows it there.
 */
import type { Document, DocumentVersion, ZaakDocumentLink } from '../domain/model.js';
import { DuplicateError } from '../ports/zaak-store.js';
import { NS } from '../stuf/namespaces.js';
import { formatDatum } from '../stuf/dates.js';
import { type XmlElement, child, childrenNamed, isNil, leafValue, path, text } from '../xml/tree.js';
import { metaFrom, readDocumentAttributes, readInhoud } from '../zds/kennisgeving/read-document.js';
import { zaakFromCreeerObject } from '../zds/kennisgeving/read-zaak.js';
import { besluitFromObject, readVastgelegdIn } from '../zds/kennisgeving/read-besluit.js';
import { type LegacyAnswer, type LegacyClient, LegacyError } from './legacy-client.js';
import { type LegacyVraag, type VraagContext, geefBesluitdetails, geefLijstZaakdocumenten, geefZaakdetailsAlles, geefZaakdocumentLezen } from './legacy-vragen.js';
import { type NewSide, parseBody } from './new-side.js';

/** The legacy answers a copy is made from, as text (document content inline as base64). */
export interface ZaakSnapshot {
  zaak: string;
  zaakdetails: string;
  documentenlijst: string;
  documenten: string[];
  /** geefBesluitdetails per besluit of the zaak (for the documents each is laid down in). */
  besluiten?: string[];
}

export function foutcode(fo: XmlElement | undefined): string | undefined {
  return text(path(fo, NS.stuf, 'body', 'code'));
}

/** Ask the legacy system; a fault other than "not found" (StUF064) is an error. undefined = not found. */
export async function askLegacy(legacy: LegacyClient, vraag: LegacyVraag): Promise<Extract<LegacyAnswer, { kind: 'ok' }> | undefined> {
  const answer = await legacy.call('BeantwoordVraag', vraag.operation, [vraag.xml], vraag.soapAction);
  if (answer.kind === 'ok') return answer;
  await legacy.release(answer);
  if (foutcode(answer.fo) === 'StUF064') return undefined;
  throw new LegacyError(`legacy zaaksysteem weigerde ${vraag.operation}: ${answer.faultstring}${answer.fo ? ` (${foutcode(answer.fo) ?? ''})` : ''}`);
}

/** The answer as text, its temp content released. */
async function answerText(legacy: LegacyClient, answer: Extract<LegacyAnswer, { kind: 'ok' }>): Promise<string> {
  try {
    return await legacy.answerXml(answer);
  } finally {
    await legacy.release(answer);
  }
}

function antwoordObjects(body: XmlElement): XmlElement[] {
  return childrenNamed(child(body, NS.zkn, 'antwoord'), NS.zkn, 'object');
}

/** The documents a geefLijstZaakdocumenten answer lists, with the link's attributes. */
function readLinks(lijst: XmlElement, zaak: string, vandaag: string): ZaakDocumentLink[] {
  const out: ZaakDocumentLink[] = [];
  for (const obj of antwoordObjects(lijst)) {
    for (const rel of childrenNamed(obj, NS.zkn, 'heeftRelevant')) {
      if (isNil(rel)) continue;
      const id = text(path(rel, NS.zkn, 'gerelateerde', 'identificatie'));
      if (!id) continue;
      const link: ZaakDocumentLink = { zaakIdentificatie: zaak, documentIdentificatie: id, registratiedatum: vandaag };
      const fields: Array<[string, 'titel' | 'beschrijving' | 'registratiedatum' | 'sttVolgnummer' | 'sttOmschrijving']> = [
        ['titel', 'titel'], ['beschrijving', 'beschrijving'], ['registratiedatum', 'registratiedatum'],
        ['stt.volgnummer', 'sttVolgnummer'], ['stt.omschrijving', 'sttOmschrijving'],
      ];
      for (const [el, field] of fields) {
        const v = leafValue(child(rel, NS.zkn, el));
        if (typeof v === 'string') link[field] = v;
      }
      out.push(link);
    }
  }
  return out;
}

/** Read everything the legacy system has on the zaak; undefined when it does not know the zaak either. */
export async function fetchSnapshot(legacy: LegacyClient, v: VraagContext, side: NewSide, zaak: string): Promise<ZaakSnapshot | undefined> {
  const details = await askLegacy(legacy, geefZaakdetailsAlles(v, zaak));
  if (!details) return undefined;
  const zaakdetails = await answerText(legacy, details);
  const lijstAnswer = await askLegacy(legacy, geefLijstZaakdocumenten(v, zaak));
  const documentenlijst = lijstAnswer ? await answerText(legacy, lijstAnswer) : '';
  const documenten: string[] = [];
  if (documentenlijst) {
    const lijst = await parseBody(side, documentenlijst);
    try {
      for (const link of readLinks(lijst.body, zaak, '')) {
        const doc = await askLegacy(legacy, geefZaakdocumentLezen(v, link.documentIdentificatie));
        if (doc) documenten.push(await answerText(legacy, doc));
      }
    } finally {
      await lijst.release();
    }
  }
  const besluiten: string[] = [];
  const parsedDetails = await parseBody(side, zaakdetails);
  try {
    for (const id of besluitIds(parsedDetails.body)) {
      const b = await askLegacy(legacy, geefBesluitdetails(v, id));
      if (b) besluiten.push(await answerText(legacy, b));
    }
  } finally {
    await parsedDetails.release();
  }
  return { zaak, zaakdetails, documentenlijst, documenten, besluiten };
}

/** The besluiten geefZaakdetails names (leidtTot), as elements with the besluit's attributes. */
function besluitElements(details: XmlElement): XmlElement[] {
  const [zaakObj] = antwoordObjects(details);
  return childrenNamed(zaakObj, NS.zkn, 'leidtTot')
    .filter((rel) => !isNil(rel))
    .map((rel) => child(rel, NS.zkn, 'gerelateerde'))
    .filter((g): g is XmlElement => g !== undefined && text(child(g, NS.zkn, 'identificatie')) !== undefined);
}

function besluitIds(details: XmlElement): string[] {
  return besluitElements(details).map((g) => text(child(g, NS.zkn, 'identificatie'))!);
}

/**
 * Write a snapshot to the new backend. 'present' (nothing written) when the zaak is there already: a copy
 * retried from the outbox, or made by another instance in the meantime.
 */
export async function applySnapshot(side: NewSide, s: ZaakSnapshot, now: Date, timeZone: string): Promise<'copied' | 'present'> {
  const store = side.backend.store;
  if (await store.getZaak(s.zaak)) return 'present';
  const parsed = [await parseBody(side, s.zaakdetails)];
  const blobs: string[] = [];
  try {
    const [zaakObj] = antwoordObjects(parsed[0]!.body);
    if (!zaakObj) throw new LegacyError(`geefZaakdetails van zaak ${s.zaak} bevat geen antwoord/object`);
    const zaak = zaakFromCreeerObject(zaakObj);
    // Besluiten come with geefZaakdetails scope alles (leidtTot), the documents they are laid down in with
    // geefBesluitdetails.
    const besluiten = besluitElements(parsed[0]!.body).map((g) => besluitFromObject(g, s.zaak));
    for (const xml of s.besluiten ?? []) {
      const detail = await parseBody(side, xml);
      parsed.push(detail);
      const [obj] = antwoordObjects(detail.body);
      const b = besluiten.find((x) => x.identificatie === text(child(obj, NS.zkn, 'identificatie')));
      if (obj && b) b.documenten = readVastgelegdIn(obj).map((r) => r.documentIdentificatie).filter((d): d is string => d !== undefined);
    }
    const vandaag = formatDatum(now, timeZone);
    let links: ZaakDocumentLink[] = [];
    if (s.documentenlijst) {
      const lijst = await parseBody(side, s.documentenlijst);
      parsed.push(lijst);
      links = readLinks(lijst.body, s.zaak, vandaag);
    }
    const documenten: Array<{ meta: Document['meta']; version: DocumentVersion }> = [];
    for (const xml of s.documenten) {
      const doc = await parseBody(side, xml);
      parsed.push(doc);
      const [obj] = antwoordObjects(doc.body);
      if (!obj) continue;
      const meta = metaFrom(readDocumentAttributes(obj));
      if (!meta.identificatie) continue;
      const inhoud = readInhoud(obj);
      const version: DocumentVersion = { versionNo: 1, size: 0, createdAt: now.toISOString() };
      if (inhoud?.bestandsnaam) version.bestandsnaam = inhoud.bestandsnaam;
      if (inhoud?.contentType) version.contentType = inhoud.contentType;
      if (inhoud?.content) {
        version.blobRef = await side.backend.content.persist(inhoud.content.tempId);
        blobs.push(version.blobRef);
        version.size = inhoud.content.size;
        version.sha256 = inhoud.content.sha256;
      }
      documenten.push({ meta, version });
    }
    const result = await store.transaction(async (tx) => {
      if (await tx.getZaak(s.zaak)) return 'present' as const;
      await tx.insertZaak(zaak);
      for (const d of documenten) {
        if (!(await tx.getDocument(d.meta.identificatie!))) await tx.insertDocument(d.meta, d.version);
      }
      for (const link of links) {
        await tx.linkDocument(link).catch((e: unknown) => {
          if (!(e instanceof DuplicateError)) throw e;
        });
      }
      // After the links: on ZGW a document is only created when it is linked to its zaak (its
      // informatieobjecttype comes from the zaaktype), and a besluit's documents must exist there.
      for (const b of besluiten) if (!(await tx.getBesluit(b.identificatie))) await tx.insertBesluit(b);
      return 'copied' as const;
    });
    if (result === 'present') for (const b of blobs) await side.backend.content.remove(b).catch(() => undefined);
    return result;
  } catch (e) {
    for (const b of blobs) await side.backend.content.remove(b).catch(() => undefined);
    throw e;
  } finally {
    for (const p of parsed) await p.release();
  }
}

/**
 * Bring one document on the new side up to the legacy system's current state (after a check-in the legacy
 * system accepted): its metadata, and its content as a new version when the content differs. The lock and its
 * checkedOutId stay the legacy system's business while it leads. Throws when the new side lacks the document.
 */
export async function syncDocument(legacy: LegacyClient, v: VraagContext, side: NewSide, id: string, now: Date): Promise<void> {
  const answer = await askLegacy(legacy, geefZaakdocumentLezen(v, id));
  if (!answer) throw new LegacyError(`legacy zaaksysteem kent document ${id} niet (meer)`);
  const parsed = await parseBody(side, await answerText(legacy, answer));
  let blobRef: string | undefined;
  try {
    const [obj] = antwoordObjects(parsed.body);
    if (!obj) throw new LegacyError(`geefZaakdocumentLezen van document ${id} bevat geen antwoord/object`);
    const meta = metaFrom(readDocumentAttributes(obj));
    const inhoud = readInhoud(obj);
    const current = await side.backend.store.getDocument(id);
    if (!current) throw new Error(`document ${id} ontbreekt aan de nieuwe kant`);
    let version: DocumentVersion | undefined;
    if (inhoud?.content && inhoud.content.sha256 !== current.latest.sha256) {
      blobRef = await side.backend.content.persist(inhoud.content.tempId);
      version = { versionNo: current.latest.versionNo + 1, blobRef, size: inhoud.content.size, sha256: inhoud.content.sha256, createdAt: now.toISOString() };
      if (inhoud.bestandsnaam) version.bestandsnaam = inhoud.bestandsnaam;
      if (inhoud.contentType) version.contentType = inhoud.contentType;
    }
    await side.backend.store.transaction(async (tx) => {
      if (version) await tx.addDocumentVersion(id, version);
      await tx.updateDocumentMeta({ ...meta, identificatie: id });
    });
    blobRef = undefined;
  } finally {
    if (blobRef) await side.backend.content.remove(blobRef).catch(() => undefined);
    await parsed.release();
  }
}
