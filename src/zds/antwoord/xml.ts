/** Small helpers for writing answer elements with our fixed prefixes (ZKN, StUF, BG, xsi, xmime). */
import type { ExtraElement, Leaf, StufDate, Tijdvak } from '../../domain/model.js';
import { NS } from '../../stuf/namespaces.js';
import { escapeAttr, escapeText } from '../../xml/escape.js';

const PREFIX_BY_NS: Record<string, string> = {
  [NS.zkn]: 'ZKN',
  [NS.stuf]: 'StUF',
  [NS.bg]: 'BG',
  [NS.xsi]: 'xsi',
  [NS.xmime]: 'xmime',
  [NS.gml]: 'gml',
};

/** <ZKN:name>value</ZKN:name>, or '' when the value is absent. */
export function zkn(name: string, value: string | undefined): string {
  return value === undefined || value === '' ? '' : `<ZKN:${name}>${escapeText(value)}</ZKN:${name}>`;
}

/** A StUF date element with its indOnvolledigeDatum attribute when the date is incomplete. */
export function zknDate(name: string, d: StufDate | undefined): string {
  if (!d) return '';
  const ind = d.onvolledig ? ` StUF:indOnvolledigeDatum="${d.onvolledig}"` : '';
  return `<ZKN:${name}${ind}>${escapeText(d.value)}</ZKN:${name}>`;
}

/** An element that is asked for but has no value: xsi:nil plus StUF:noValue. */
export function zknNil(name: string, noValue = 'geenWaarde', extraAttrs = ''): string {
  return `<ZKN:${name}${extraAttrs} xsi:nil="true" StUF:noValue="${noValue}"/>`;
}

/** A requested group (resultaat, opschorting, ...) without value: groups take xsi:nil but no StUF:noValue. */
export function zknNilGroup(name: string): string {
  return `<ZKN:${name} xsi:nil="true"/>`;
}

/**
 * Re-emit data taken from a message (a person, an address, a geometry) with our prefixes. A namespace we have
 * no prefix for (GML metadata, xlink, a vendor's own) is declared where it is used, so nothing sent is lost.
 */
export function writeLeaves(leaves: Leaf[], filter?: (leaf: Leaf) => boolean): string {
  let out = '';
  for (const leaf of leaves) {
    if (filter && !filter(leaf)) continue;
    let decls = '';
    const own = new Map<string, string>();
    const prefixFor = (ns: string): string => {
      const known = PREFIX_BY_NS[ns];
      if (known) return known;
      let p = own.get(ns);
      if (!p) {
        p = `ns${own.size + 1}`;
        own.set(ns, p);
        decls += ` xmlns:${p}="${escapeAttr(ns)}"`;
      }
      return p;
    };
    const qname = leaf.ns === '' ? leaf.local : `${prefixFor(leaf.ns)}:${leaf.local}`;
    let attrs = '';
    for (const a of leaf.attrs ?? []) {
      if (a.ns === '') attrs += ` ${a.local}="${escapeAttr(a.value)}"`;
      else attrs += ` ${prefixFor(a.ns)}:${a.local}="${escapeAttr(a.value)}"`;
    }
    attrs = decls + attrs;
    if (leaf.children && leaf.children.length > 0) {
      out += `<${qname}${attrs}>${writeLeaves(leaf.children)}</${qname}>`;
    } else if (leaf.value === '') {
      out += `<${qname}${attrs}/>`;
    } else {
      out += `<${qname}${attrs}>${escapeText(leaf.value)}</${qname}>`;
    }
  }
  return out;
}

/**
 * StUF:tijdvakGeldigheid or StUF:tijdvakRelatie (pass the element names). An open end is nil with geenWaarde,
 * an unknown begin nil with waardeOnbekend (both elements are required in the group).
 */
export function writeTijdvak(tv: Tijdvak, group = 'tijdvakGeldigheid', names: [string, string] = ['beginGeldigheid', 'eindGeldigheid']): string {
  const [b, e] = names;
  const begin = tv.begin ? `<StUF:${b}>${escapeText(tv.begin)}</StUF:${b}>` : `<StUF:${b} xsi:nil="true" StUF:noValue="waardeOnbekend"/>`;
  const eind = tv.eind ? `<StUF:${e}>${escapeText(tv.eind)}</StUF:${e}>` : `<StUF:${e} xsi:nil="true" StUF:noValue="geenWaarde"/>`;
  return `<StUF:${group}>${begin}${eind}</StUF:${group}>`;
}

export function writeTijdvakRelatie(tv: Tijdvak): string {
  return writeTijdvak(tv, 'tijdvakRelatie', ['beginRelatie', 'eindRelatie']);
}

/** StUF:extraElementen as they were sent ('' for none, or when `asked` is undefined: the scope did not ask). */
export function writeExtraElementen(all: ExtraElement[] | undefined, asked: ((naam: string) => boolean) | undefined): string {
  const extra = asked ? all?.filter((x) => asked(x.naam)) : undefined;
  if (!extra || extra.length === 0) return '';
  let out = '<StUF:extraElementen>';
  for (const x of extra) {
    const ind = x.indOnvolledigeDatum ? ` StUF:indOnvolledigeDatum="${escapeAttr(x.indOnvolledigeDatum)}"` : '';
    if (x.waarde === undefined) {
      out += `<StUF:extraElement naam="${escapeAttr(x.naam)}" xsi:nil="true" StUF:noValue="${escapeAttr(x.noValue ?? 'geenWaarde')}"/>`;
    } else {
      out += `<StUF:extraElement naam="${escapeAttr(x.naam)}"${ind}>${escapeText(x.waarde)}</StUF:extraElement>`;
    }
  }
  return out + '</StUF:extraElementen>';
}

/** The namespace declarations every answer root carries (gml for geometry stored as sent). */
export const ANSWER_NS_DECLS =
  `xmlns:ZKN="${NS.zkn}" xmlns:StUF="${NS.stuf}" xmlns:BG="${NS.bg}" xmlns:xsi="${NS.xsi}" xmlns:xmime="${NS.xmime}" xmlns:gml="${NS.gml}"`;
