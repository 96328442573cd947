/** Checks several operations share. */
import { checkIdentificatie } from '../../domain/identificatie.js';
import type { IdKind, Zaak } from '../../domain/model.js';
import { DuplicateError } from '../../ports/zaak-store.js';
import { faults } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { type XmlElement, childrenNamed, text, path } from '../../xml/tree.js';
import type { OperationContext } from '../operation.js';

/** The object elements of a kennisgeving, checked for the count the message type prescribes. */
export function objects(body: XmlElement, expected: number): XmlElement[] {
  const objs = childrenNamed(body, NS.zkn, 'object');
  if (objs.length !== expected) {
    throw faults.invalid(`Bericht moet precies ${expected} object(en) bevatten`, `${body.local} bevat ${objs.length} object-elementen`);
  }
  return objs;
}

/** A caller-made identificatie must be valid (length, forbidden characters, optional gemeentecode prefix). */
export function requireValidIdentificatie(ctx: OperationContext, kind: IdKind, value: string): void {
  const prefix = ctx.config.requireGemeentecodePrefix && kind === 'zaak' ? ctx.config.gemeentecode : undefined;
  const error = checkIdentificatie(kind, value, prefix ? { requireGemeentecodePrefix: prefix } : {});
  if (error) throw faults.processing(`Ongeldige ${kind}identificatie`, `${value}: ${error}`);
}

/** The identificatie in gelijk of a vraag. */
export function gelijkIdentificatie(body: XmlElement): string {
  const id = text(path(body, NS.zkn, 'gelijk', 'identificatie'));
  if (!id) throw faults.processing('Selectie zonder identificatie', 'gelijk/identificatie ontbreekt of is leeg');
  return id;
}

export async function requireZaak(ctx: OperationContext, identificatie: string, reader = ctx.backend.store): Promise<Zaak> {
  const zaak = await reader.getZaak(identificatie);
  if (!zaak) throw faults.notFound('Zaak niet gevonden', `Er is geen zaak met identificatie ${identificatie}`);
  return zaak;
}

/** Translate a backend DuplicateError into the StUF fault a sender understands. */
export function duplicateFault(e: unknown): never {
  if (e instanceof DuplicateError) {
    const wat = { zaak: 'zaakidentificatie', document: 'documentidentificatie', besluit: 'besluitidentificatie', link: 'koppeling', message: 'bericht', overdracht: 'overdracht' }[e.kind];
    throw faults.processing(`${wat} is niet uniek`, `${e.identificatie} bestaat al`);
  }
  throw e;
}
