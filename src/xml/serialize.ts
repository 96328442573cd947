/**
 * Serialises an XmlElement subtree as a standalone document fragment: every namespace prefix it uses is
 * declared, names keep the prefixes of the request, text and attributes are escaped. Extracted <inhoud>
 * elements have no children and come out empty. Iterative, so a deep tree cannot overflow the stack.
 */
import { NS } from '../stuf/namespaces.js';
import { escapeAttr, escapeText } from './escape.js';
import type { ExtractedContent, XmlElement } from './tree.js';

type Scope = ReadonlyMap<string, string>;

function prefixOf(qname: string): string {
  const i = qname.indexOf(':');
  return i < 0 ? '' : qname.slice(0, i);
}

/** The declarations to write on this element: its own, plus any a used prefix needs and does not have. */
function declarationsFor(el: XmlElement, parent: Scope): { decls: Array<[string, string]>; scope: Scope } {
  const decls: Array<[string, string]> = Object.entries(el.nsDecls);
  let scope: Map<string, string> | undefined;
  const bind = (prefix: string, uri: string): void => {
    scope ??= new Map(parent);
    scope.set(prefix, uri);
  };
  for (const [p, uri] of decls) bind(p, uri);
  const lookup = (p: string): string | undefined => (scope ?? parent).get(p);

  const need = (prefix: string, uri: string): void => {
    if (prefix === 'xml' || prefix === 'xmlns') return;
    if ((lookup(prefix) ?? '') === uri) return;
    decls.push([prefix, uri]);
    bind(prefix, uri);
  };
  need(prefixOf(el.qname), el.ns);
  for (const a of el.attrs) {
    const p = prefixOf(a.qname);
    if (p !== '') need(p, a.ns);
  }
  return { decls, scope: scope ?? parent };
}

function startTag(el: XmlElement, decls: Array<[string, string]>): string {
  let s = `<${el.qname}`;
  for (const [p, uri] of decls) s += `${p === '' ? ' xmlns' : ` xmlns:${p}`}="${escapeAttr(uri)}"`;
  for (const a of el.attrs) s += ` ${a.qname}="${escapeAttr(a.value)}"`;
  return s;
}

interface Frame {
  el: XmlElement;
  scope: Scope;
  next: number;
}

export function serializeStandalone(el: XmlElement): string {
  return serialize(el, false).join('');
}

/**
 * The same, with each extracted <inhoud> written as start tag, its content (as the ExtractedContent, for the
 * caller to fill in as base64) and end tag: the element as it was received, to pass on to another system.
 */
export function serializeWithContent(el: XmlElement): Array<string | ExtractedContent> {
  return serialize(el, true);
}

function serialize(el: XmlElement, withContent: true): Array<string | ExtractedContent>;
function serialize(el: XmlElement, withContent: false): string[];
function serialize(el: XmlElement, withContent: boolean): Array<string | ExtractedContent> {
  const out: Array<string | ExtractedContent> = [];
  const root: Scope = new Map([['xml', NS.xml], ['', '']]);
  const stack: Frame[] = [];

  const open = (e: XmlElement, parent: Scope): void => {
    const { decls, scope } = declarationsFor(e, parent);
    const tag = startTag(e, decls);
    if (withContent && e.content) {
      out.push(`${tag}>`, e.content, `</${e.qname}>`);
      return;
    }
    if (e.children.length === 0) {
      out.push(`${tag}/>`);
      return;
    }
    out.push(`${tag}>`);
    stack.push({ el: e, scope, next: 0 });
  };

  open(el, root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.el.children.length) {
      out.push(`</${top.el.qname}>`);
      stack.pop();
      continue;
    }
    const c = top.el.children[top.next++]!;
    if (typeof c === 'string') out.push(escapeText(c));
    else open(c, top.scope);
  }
  return out;
}
