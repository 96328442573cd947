/** Turning message elements into stored data (Leaf trees) and reading common StUF groups. */
import type { ExtraElement, Leaf, Tijdvak } from '../../domain/model.js';
import { normaliseTijdstip } from '../../stuf/dates.js';
import { NS } from '../../stuf/namespaces.js';
import { type XmlElement, attr, child, elements, isElement, isNil, text } from '../../xml/tree.js';

/**
 * Children of an element as Leaf data; StUF:verwerkingssoort and key attributes are dropped (they are
 * message-only). Unqualified attributes (gml srsName, srsDimension, ...) are kept: geometry is stored as sent.
 */
export function toLeaves(el: XmlElement): Leaf[] {
  return elements(el).map(toLeaf);
}

/** One element as Leaf data (same attribute rules as toLeaves). */
export function toLeaf(el: XmlElement): Leaf {
  const attrs = el.attrs
    .filter((a) => a.ns !== NS.xmlns && a.local !== 'xmlns' && !a.qname.startsWith('xmlns:') && !(a.ns === NS.stuf && (a.local === 'verwerkingssoort' || a.local.startsWith('sleutel'))))
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

/** StUF:tijdvakGeldigheid (or, with names, tijdvakRelatie) of an element; undefined when absent or nil. */
export function readTijdvak(el: XmlElement, group = 'tijdvakGeldigheid', names: [string, string] = ['beginGeldigheid', 'eindGeldigheid']): Tijdvak | undefined {
  const tv = child(el, NS.stuf, group);
  if (!tv || isNil(tv)) return undefined;
  const out: Tijdvak = {};
  const value = (name: string): string | undefined => {
    const e = child(tv, NS.stuf, name);
    const t = e && !isNil(e) ? text(e) : undefined;
    return t ? normaliseTijdstip(t) : undefined;
  };
  const begin = value(names[0]);
  const eind = value(names[1]);
  if (begin) out.begin = begin;
  if (eind) out.eind = eind;
  return out;
}

/** StUF:tijdvakRelatie as a Tijdvak. */
export function readTijdvakRelatie(rel: XmlElement): Tijdvak | undefined {
  return readTijdvak(rel, 'tijdvakRelatie', ['beginRelatie', 'eindRelatie']);
}

/**
 * StUF:extraElementen: undefined when absent, null when sent as nil or empty (a W clears them), otherwise every
 * extraElement in message order.
 */
export function readExtraElementen(el: XmlElement): ExtraElement[] | null | undefined {
  const extra = child(el, NS.stuf, 'extraElementen');
  if (!extra) return undefined;
  if (isNil(extra)) return null;
  const out: ExtraElement[] = [];
  for (const e of elements(extra)) {
    if (e.local !== 'extraElement') continue;
    const naam = e.attrs.find((a) => a.ns === '' && a.local === 'naam')?.value ?? '';
    const x: ExtraElement = { naam };
    const nil = isNil(e);
    const t = text(e);
    if (!nil && t !== undefined) x.waarde = t;
    const nv = attr(e, NS.stuf, 'noValue');
    if (nv) x.noValue = nv;
    const ind = attr(e, NS.stuf, 'indOnvolledigeDatum');
    if (ind) x.indOnvolledigeDatum = ind;
    out.push(x);
  }
  return out.length ? out : null;
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

/** StUF:tijdstipRegistratie of an element, normalised to 17 digits; undefined when absent or nil. */
export function readTijdstipRegistratie(el: XmlElement): string | undefined {
  const e = child(el, NS.stuf, 'tijdstipRegistratie');
  const t = e && !isNil(e) ? text(e) : undefined;
  return t ? normaliseTijdstip(t) : undefined;
}

/** The metagegevens of a relation as sent: tijdvakRelatie, tijdvakGeldigheid, tijdstipRegistratie (only those present). */
export function relatieMetagegevens(rel: XmlElement): { tijdvakRelatie?: Tijdvak; tijdvakGeldigheid?: Tijdvak; tijdstipRegistratie?: string } {
  const out: { tijdvakRelatie?: Tijdvak; tijdvakGeldigheid?: Tijdvak; tijdstipRegistratie?: string } = {};
  const tr = readTijdvakRelatie(rel);
  if (tr) out.tijdvakRelatie = tr;
  const tg = readTijdvak(rel);
  if (tg) out.tijdvakGeldigheid = tg;
  const reg = readTijdstipRegistratie(rel);
  if (reg) out.tijdstipRegistratie = reg;
  return out;
}
