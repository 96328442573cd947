/**
 * Reads the element tree libxml2 parsed into Zaakpoort's own tree (xml/tree.ts) by walking the node structs
 * directly. libxml2-wasm's node objects wrap every node in a new object and decode every name and namespace URI
 * again from wasm memory; a bericht repeats a handful of names and namespaces hundreds of times. Names are
 * interned in the parser's dictionary and elements share their namespace structs, so a string is decoded once
 * per pointer and document. This walk took about a third of the time of the object walk it replaced (bench/stages).
 *
 * The struct accessors come from libxml2-wasm's own module (lib/libxml2.mjs, the version pinned in
 * package.json); the pointer of a node object is its internal `_nodePtr`. Two fields it has no accessor for
 * (the name pointer, a text node's content) are read with accessors of other structs at the right address;
 * test/unit/one-parse.test.ts compares the resulting tree with the streaming reader's for every fixture.
 */
import type { XmlElement as LxElement } from 'libxml2-wasm';
import { XmlNodeStruct, XmlNsStruct, xmlNodeGetContent } from 'libxml2-wasm/lib/libxml2.mjs';
import type { XmlAttr, XmlElement, XmlNode } from '../xml/tree.js';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const ENTITY_REF_NODE = 5;
/** Offset of `name` in xmlNode and xmlAttr (wasm32), as libxml2-wasm's own accessors use it. */
const NAME_OFFSET = 8;

/** Offset of `content` in xmlNode (wasm32): a text or CDATA node's text. */
const CONTENT_OFFSET = 40;

/** The pointer stored at `address`: xmlNs.next is the struct's first field, so its accessor reads there. */
const pointerAt = (address: number): number => XmlNsStruct.next(address);
/** The UTF-8 string whose pointer is stored at `address`: xmlNs.href is the field at offset 8. */
const stringAt = (address: number): string => XmlNsStruct.href(address - 8);

/** A text node's text, read in place (xmlNodeGetContent would copy it to a new buffer first, then free it). */
function textContent(textNode: number): string {
  return pointerAt(textNode + CONTENT_OFFSET) ? stringAt(textNode + CONTENT_OFFSET) : '';
}

/** An attribute's value: its one text child read in place; anything else (several children) the copying way. */
function attributeValue(attr: number): string {
  const first = XmlNodeStruct.children(attr);
  if (!first) return '';
  if (XmlNodeStruct.next(first) === 0 && XmlNodeStruct.type(first) === TEXT_NODE) return textContent(first);
  return xmlNodeGetContent(attr);
}

/** Shared by the many elements without attributes or declarations (fewer objects per bericht); never mutated. */
const NO_ATTRS: XmlAttr[] = Object.freeze([]) as unknown as XmlAttr[];
const NO_DECLS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** The wasm pointer behind a libxml2-wasm node object. */
export function nodePointer(el: LxElement): number {
  return (el as unknown as { _nodePtr: number })._nodePtr;
}

/** Why the walk stopped: the caller hands the bytes to the streaming reader. */
export class TreeDeclined extends Error {}

interface Namespace {
  uri: string;
  prefix: string;
}

export class Libxml2TreeReader {
  private readonly names = new Map<number, string>();
  private readonly namespaces = new Map<number, Namespace>();

  constructor(
    private readonly maxDepth: number,
    /** The line of the next start tag in document order (called once per element). */
    private readonly nextLine: () => number,
  ) {}

  element(ptr: number, depth: number): XmlElement {
    if (depth > this.maxDepth) throw new TreeDeclined();
    const line = this.nextLine();
    const local = this.name(ptr);
    const ns = this.namespace(XmlNodeStruct.namespace(ptr));
    let attrs: XmlAttr[] = NO_ATTRS;
    for (let a = XmlNodeStruct.properties(ptr); a; a = XmlNodeStruct.next(a)) {
      const name = this.name(a);
      const ans = this.namespace(XmlNodeStruct.namespace(a));
      if (attrs === NO_ATTRS) attrs = [];
      attrs.push({ ns: ans.uri, local: name, qname: ans.prefix ? `${ans.prefix}:${name}` : name, value: attributeValue(a) });
    }
    let nsDecls: Record<string, string> = NO_DECLS;
    for (let d = XmlNodeStruct.nsDef(ptr); d; d = XmlNsStruct.next(d)) {
      const decl = this.namespace(d);
      if (nsDecls === NO_DECLS) nsDecls = {};
      nsDecls[decl.prefix] = decl.uri;
    }
    const children: XmlNode[] = [];
    for (let n = XmlNodeStruct.children(ptr); n; n = XmlNodeStruct.next(n)) {
      const type = XmlNodeStruct.type(n);
      if (type === ELEMENT_NODE) {
        children.push(this.element(n, depth + 1));
      } else if (type === TEXT_NODE || type === CDATA_SECTION_NODE) {
        const text = textContent(n);
        const last = children.length - 1;
        if (last >= 0 && typeof children[last] === 'string') children[last] += text;
        else children.push(text);
      } else if (type === ENTITY_REF_NODE) {
        throw new TreeDeclined(); // cannot happen without a DTD; the streaming reader words it if it does
      } // comments and processing instructions carry nothing for Zaakpoort
    }
    return { ns: ns.uri, local, qname: ns.prefix ? `${ns.prefix}:${local}` : local, attrs, nsDecls, children, line };
  }

  private name(ptr: number): string {
    // The name pointer sits at the same offset in element and attribute structs (xmlNode, xmlAttr).
    const key = pointerAt(ptr + NAME_OFFSET);
    let s = this.names.get(key);
    if (s === undefined) this.names.set(key, (s = XmlNodeStruct.name_(ptr)));
    return s;
  }

  private namespace(nsPtr: number): Namespace {
    if (!nsPtr) return NO_NAMESPACE;
    let ns = this.namespaces.get(nsPtr);
    if (!ns) this.namespaces.set(nsPtr, (ns = { uri: XmlNsStruct.href(nsPtr), prefix: XmlNsStruct.prefix(nsPtr) }));
    return ns;
  }
}

const NO_NAMESPACE: Namespace = { uri: '', prefix: '' };
