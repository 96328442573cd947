/**
 * A small namespace-aware element tree. The SOAP reader builds it from the request (with large base64
 * content already streamed out to the document store); the ZDS operations read from it.
 */
import { NS } from '../stuf/namespaces.js';

export interface XmlAttr {
  /** Namespace URI, '' for an unqualified attribute. */
  ns: string;
  local: string;
  /** The qualified name as written (prefix:local), kept for re-serialising the skeleton. */
  qname: string;
  value: string;
}

export interface XmlElement {
  ns: string;
  local: string;
  /** The qualified name as written in the request. */
  qname: string;
  attrs: XmlAttr[];
  /** Namespace declarations made on this element (prefix '' = default namespace). */
  nsDecls: Record<string, string>;
  children: XmlNode[];
  /** 1-based line of the start tag in the request, for fault messages. */
  line: number;
  /** Set on an <inhoud> whose base64 text was streamed to a temp file instead of kept here. */
  content?: ExtractedContent;
}

export type XmlNode = XmlElement | string;

/** Binary content the SOAP reader decoded while streaming (inline base64 or an MTOM part). */
export interface ExtractedContent {
  /** Handle in the document store's temp area. */
  tempId: string;
  size: number;
  sha256: string;
}

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== 'string';
}

export function elements(el: XmlElement): XmlElement[] {
  return el.children.filter(isElement);
}

/** First child element with this namespace and local name. */
export function child(el: XmlElement | undefined, ns: string, local: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (typeof c !== 'string' && c.local === local && c.ns === ns) return c;
  return undefined;
}

/** All child elements with this namespace and local name. */
export function childrenNamed(el: XmlElement | undefined, ns: string, local: string): XmlElement[] {
  if (!el) return [];
  const out: XmlElement[] = [];
  for (const c of el.children) if (typeof c !== 'string' && c.local === local && c.ns === ns) out.push(c);
  return out;
}

/** Follow a path of local names, each step in the given namespace. */
export function path(el: XmlElement | undefined, ns: string, ...locals: string[]): XmlElement | undefined {
  let cur = el;
  for (const l of locals) cur = child(cur, ns, l);
  return cur;
}

/** Concatenated text content (direct text children only; trimmed). */
export function text(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  let s = '';
  for (const c of el.children) if (typeof c === 'string') s += c;
  return s.trim();
}

export function attr(el: XmlElement | undefined, ns: string, local: string): string | undefined {
  if (!el) return undefined;
  for (const a of el.attrs) if (a.local === local && a.ns === ns) return a.value;
  return undefined;
}

/** xsi:nil="true" on the element. */
export function isNil(el: XmlElement | undefined): boolean {
  const v = attr(el, NS.xsi, 'nil');
  return v === 'true' || v === '1';
}

/** StUF:noValue on the element (geenWaarde, waardeOnbekend, ...). */
export function noValue(el: XmlElement | undefined): string | undefined {
  return attr(el, NS.stuf, 'noValue');
}

/**
 * The value of a leaf in a kennisgeving, with StUF's three states:
 * undefined = element absent (unchanged), null = explicitly empty (nil, or noValue without text), string = a
 * value. A value sent with a contradicting StUF:noValue but no xsi:nil (seen from Maykin clients) is kept:
 * dropping what was sent is worse than ignoring a stray attribute.
 */
export function leafValue(el: XmlElement | undefined): string | null | undefined {
  if (!el) return undefined;
  if (isNil(el)) return null;
  const t = text(el);
  return t === undefined || t === '' ? null : t;
}
