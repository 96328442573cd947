/** Turning message elements into stored data (Leaf trees) and reading common StUF groups. */
import type { Leaf } from '../../domain/model.js';
import { NS } from '../../stuf/namespaces.js';
import { type XmlElement, child, elements, isElement, text } from '../../xml/tree.js';

/** Children of an element as Leaf data; StUF:verwerkingssoort and key attributes are dropped (they are message-only). */
export function toLeaves(el: XmlElement): Leaf[] {
  return elements(el).map(toLeaf);
}

/** One element as Leaf data (same attribute rules as toLeaves). */
export function toLeaf(el: XmlElement): Leaf {
  const attrs = el.attrs
    .filter((a) => a.ns !== '' && a.ns !== NS.xmlns && !(a.ns === NS.stuf && (a.local === 'verwerkingssoort' || a.local.startsWith('sleutel'))))
    .filter((a) => !(a.ns === NS.xsi && a.local === 'schemaLocation'))
    .map((a) => ({ ns: a.ns, local: a.local, value: a.value }));
  const kids = el.children.filter(isElement);
  const leaf: Leaf = { ns: el.ns, local: el.local, value: kids.length ? '' : (text(el) ?? '') };
  if (attrs.length) leaf.attrs = attrs;
  if (kids.length) leaf.children = kids.map(toLeaf);
  return leaf;
}

/** StUF:tijdvakRelatie begin/eind as StUF strings (undefined when absent or nil). */
export function tijdvakRelatie(rel: XmlElement): { begin?: string; eind?: string } {
  const tv = child(rel, NS.stuf, 'tijdvakRelatie');
  const value = (name: string): string | undefined => {
    const t = text(child(tv, NS.stuf, name));
    return t ? t : undefined;
  };
  return { begin: value('beginRelatie'), eind: value('eindRelatie') };
}

/** The value of StUF:extraElementen/extraElement[@naam=name]. */
export function extraElement(el: XmlElement, naam: string): string | undefined {
  const extra = child(el, NS.stuf, 'extraElementen');
  if (!extra) return undefined;
  for (const e of elements(extra)) {
    if (e.local === 'extraElement' && e.attrs.some((a) => a.local === 'naam' && a.value === naam)) {
      const t = text(e);
      return t ? t : undefined;
    }
  }
  return undefined;
}
