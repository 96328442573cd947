/**
 * Which mode a bericht is handled in, and what it is about (zaak, document, besluit, zaaktype) so the mode can
 * be chosen per zaaktype. Rules, most specific first:
 *   1. a mode override recorded by a cut-over for the zaaktype;
 *   2. migration.zaaktypen[code].operations[operation], then migration.zaaktypen[code] (or its .mode);
 *   3. migration.operations[operation];
 *   4. migration.default; translate when nothing says otherwise.
 */
import type { MigrationConfig, MigrationMode } from '../config.js';
import { NS } from '../stuf/namespaces.js';
import { type XmlElement, attr, child, elements, text } from '../xml/tree.js';

export function chooseMode(
  m: Pick<MigrationConfig, 'default' | 'operations' | 'zaaktypen'>,
  overrides: ReadonlyMap<string, MigrationMode>,
  operation: string,
  zaaktype: string | undefined,
): MigrationMode {
  if (zaaktype !== undefined) {
    const o = overrides.get(zaaktype);
    if (o) return o;
    const z = m.zaaktypen?.[zaaktype];
    if (typeof z === 'string') return z;
    const perOp = z?.operations?.[operation] ?? z?.mode;
    if (perOp) return perOp;
  }
  return m.operations?.[operation] ?? m.default ?? 'translate';
}

/** Whether any rule depends on the zaaktype (otherwise routing needs no look-up at all). */
export function dependsOnZaaktype(m: Pick<MigrationConfig, 'zaaktypen'>, overrides: ReadonlyMap<string, MigrationMode>): boolean {
  return overrides.size > 0 || Object.keys(m.zaaktypen ?? {}).length > 0;
}

/** What a bericht names: the first zaak, document and besluit identificatie and zaaktype code in it. */
export interface RoutingKey {
  zaaktype?: string;
  zaak?: string;
  document?: string;
  besluit?: string;
}

const KEY_BY_ENTITEITTYPE: Record<string, keyof RoutingKey> = { ZAK: 'zaak', EDC: 'document', BSL: 'besluit' };

/**
 * Depth first through the body (stuurgegevens skipped): the first element with StUF:entiteittype ZAK / EDC /
 * BSL that has an identificatie gives the zaak / document / besluit, the first ZKT with a code the zaaktype.
 * That covers object and gelijk of every operation, isRelevantVoor (documents), isUitkomstVan (besluiten) and
 * isVan (creeerZaak, zakLv01 on zaaktype).
 */
export function routingKey(body: XmlElement): RoutingKey {
  const key: RoutingKey = {};
  const stack: XmlElement[] = [body];
  let seen = 0;
  while (stack.length > 0 && seen++ < 5000) {
    const el = stack.pop()!;
    const et = attr(el, NS.stuf, 'entiteittype');
    if (et === 'ZKT') {
      const code = text(child(el, NS.zkn, 'code'))?.trim();
      if (code && key.zaaktype === undefined) key.zaaktype = code;
    } else if (et && KEY_BY_ENTITEITTYPE[et]) {
      const id = text(child(el, NS.zkn, 'identificatie'))?.trim();
      const k = KEY_BY_ENTITEITTYPE[et]!;
      if (id && key[k] === undefined) key[k] = id;
    }
    const kids = elements(el).filter((e) => e.local !== 'stuurgegevens');
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return key;
}
