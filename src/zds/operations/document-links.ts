/**
 * Zaak–document link changes carried by the isRelevantVoor (EDCZAK) relations of a was/wordt pair
 * (updateZaakdocument, ontkoppelZaakdocument), driven by StUF:verwerkingssoort (SPEC-DIGEST §2.6/§2.7).
 */
import type { ZaakDocumentLink } from '../../domain/model.js';
import type { StoreWriter } from '../../ports/zaak-store.js';
import { faults } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { type XmlElement, attr, child, childrenNamed, isNil, leafValue, path, text } from '../../xml/tree.js';

/** The link attributes a relation may carry, element name → model field. */
const LINK_FIELDS: Array<[string, keyof ZaakDocumentLink]> = [
  ['titel', 'titel'], ['beschrijving', 'beschrijving'], ['registratiedatum', 'registratiedatum'],
  ['stt.volgnummer', 'sttVolgnummer'], ['stt.omschrijving', 'sttOmschrijving'], ['sta.datumStatusGezet', 'staDatumStatusGezet'],
];

export interface RelationChange {
  soort: string;
  zaakIdentificatie: string;
  /** Link attributes with a value in the message. */
  attributes: Partial<ZaakDocumentLink>;
}

/** Every isRelevantVoor with a gerelateerde identificatie; nil placeholders (the empty side of T/V) are skipped. */
export function readRelationChanges(obj: XmlElement): RelationChange[] {
  const out: RelationChange[] = [];
  for (const rel of childrenNamed(obj, NS.zkn, 'isRelevantVoor')) {
    if (isNil(rel)) continue;
    const id = text(path(rel, NS.zkn, 'gerelateerde', 'identificatie'));
    if (!id) continue;
    const attributes: Partial<ZaakDocumentLink> = {};
    for (const [el, field] of LINK_FIELDS) {
      const v = leafValue(child(rel, NS.zkn, el));
      if (typeof v === 'string') (attributes as Record<string, string>)[field] = v;
    }
    out.push({ soort: attr(rel, NS.stuf, 'verwerkingssoort') ?? '', zaakIdentificatie: id, attributes });
  }
  return out;
}

/** The verwerkingssoort of every isRelevantVoor of an object, nil placeholders included. */
export function relationSoorten(obj: XmlElement): string[] {
  return childrenNamed(obj, NS.zkn, 'isRelevantVoor').map((rel) => attr(rel, NS.stuf, 'verwerkingssoort') ?? '');
}

async function existingLink(tx: StoreWriter, documentId: string, zaakId: string): Promise<ZaakDocumentLink | undefined> {
  return (await tx.listDocumentZaken(documentId)).find((l) => l.zaakIdentificatie === zaakId);
}

/** Remove a link that must exist (StUF064 otherwise). */
export async function unlink(tx: StoreWriter, documentId: string, zaakId: string): Promise<void> {
  const removed = await tx.unlinkDocument(zaakId, documentId);
  if (!removed) throw faults.notFound('Koppeling niet gevonden', `Document ${documentId} is niet gekoppeld aan zaak ${zaakId}`);
}

/**
 * Apply the relation changes of an updateZaakdocument: T links (the zaak must exist; an existing link counts as
 * I), V/E unlink, I changes nothing, W requires the link. Zaakpoort keeps the link attributes as first
 * registered: a W that would change them gives a melding for the Bv02 instead of silently passing.
 */
export async function applyRelationChanges(
  tx: StoreWriter,
  documentId: string,
  changes: RelationChange[],
  registratiedatum: string,
): Promise<string[]> {
  const meldingen: string[] = [];
  for (const c of changes) {
    const current = await existingLink(tx, documentId, c.zaakIdentificatie);
    switch (c.soort) {
      case 'T': {
        if (current) break;
        if (!(await tx.getZaak(c.zaakIdentificatie))) {
          throw faults.notFound('Zaak niet gevonden', `Er is geen zaak met identificatie ${c.zaakIdentificatie}`);
        }
        await tx.linkDocument({ registratiedatum, ...c.attributes, zaakIdentificatie: c.zaakIdentificatie, documentIdentificatie: documentId });
        break;
      }
      case 'V':
      case 'E':
        await unlink(tx, documentId, c.zaakIdentificatie);
        break;
      case 'W': {
        if (!current) throw faults.notFound('Koppeling niet gevonden', `Document ${documentId} is niet gekoppeld aan zaak ${c.zaakIdentificatie}`);
        const differs = Object.entries(c.attributes).some(([k, v]) => current[k as keyof ZaakDocumentLink] !== v);
        if (differs) meldingen.push(`Kenmerken van de koppeling met zaak ${c.zaakIdentificatie} zijn niet gewijzigd: dat wordt niet ondersteund`);
        break;
      }
      case 'I':
      case '':
        break;
      default:
        throw faults.processing('Verwerkingssoort niet ondersteund', `isRelevantVoor met verwerkingssoort ${c.soort} (zaak ${c.zaakIdentificatie})`);
    }
  }
  return meldingen;
}
