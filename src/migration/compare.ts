/**
 * Element-by-element comparison of two answers to the same vraag (legacy and new side), for the shadow report
 * and the cut-over check. Each answer is flattened to path → value: leaf text, attributes (@name), and for
 * document content its size and sha256. Paths use local names, with [n] where an element has same-named
 * siblings. What differs per message by nature is left out: the whole stuurgegevens (zender, ontvanger,
 * referentienummer, tijdstipBericht, crossRefnummer).
 */
import { NS } from '../stuf/namespaces.js';
import { type XmlElement, elements } from '../xml/tree.js';
import type { ShadowDifference } from './store.js';

const IGNORED_ELEMENTS = new Set(['stuurgegevens']);
/** Namespace declarations are not data; xsi:type and schemaLocation do not change the content either. */
const IGNORED_ATTRS = new Set([`${NS.xsi} schemaLocation`, `${NS.xsi} type`]);
const MAX_DIFFERENCES = 200;
/**
 * Values a ZGW system always holds that a legacy ZDS system may never have been given: the zaaktype's
 * ingangsdatumObject (the catalogue's beginGeldigheid) and a document's versie (an integer on every
 * informatieobject). Only on the new side they are knowledge gained, not a difference (else a zaak copied into
 * ZGW could never pass the cut-over check); a value both sides give is still compared.
 */
const NEW_SIDE_FILLS = [/\/isVan\/gerelateerde\/ingangsdatumObject$/, /\/versie$/];

export function flatten(root: XmlElement): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (el: XmlElement, p: string): void => {
    for (const a of el.attrs) {
      if (a.qname.startsWith('xmlns') || IGNORED_ATTRS.has(`${a.ns} ${a.local}`)) continue;
      out.set(`${p}/@${a.local}`, a.value);
    }
    if (el.content) {
      out.set(`${p}/#inhoud`, `${el.content.size} bytes, sha256 ${el.content.sha256}`);
      return;
    }
    const kids = elements(el).filter((e) => !IGNORED_ELEMENTS.has(e.local));
    if (elements(el).length === 0) {
      const t = el.children.filter((c): c is string => typeof c === 'string').join('').trim();
      if (t !== '') out.set(p, t);
      return;
    }
    const counts = new Map<string, number>();
    for (const k of kids) counts.set(k.local, (counts.get(k.local) ?? 0) + 1);
    const seen = new Map<string, number>();
    for (const k of kids) {
      const n = (seen.get(k.local) ?? 0) + 1;
      seen.set(k.local, n);
      walk(k, `${p}/${k.local}${counts.get(k.local)! > 1 ? `[${n}]` : ''}`);
    }
  };
  walk(root, `/${root.local}`);
  return out;
}

/** Every path whose value differs, or that only one side has (in the legacy answer's order, then the new one's). */
export function compareAnswers(legacy: XmlElement, nieuw: XmlElement): ShadowDifference[] {
  const a = flatten(legacy);
  const b = flatten(nieuw);
  const diffs: ShadowDifference[] = [];
  const add = (d: ShadowDifference) => {
    if (diffs.length < MAX_DIFFERENCES) diffs.push(d);
  };
  for (const [p, v] of a) {
    const w = b.get(p);
    if (w === undefined) add({ path: p, legacy: v });
    else if (w !== v) add({ path: p, legacy: v, nieuw: w });
  }
  for (const [p, w] of b) if (!a.has(p) && !NEW_SIDE_FILLS.some((f) => f.test(p))) add({ path: p, nieuw: w });
  return diffs;
}
