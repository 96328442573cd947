/**
 * Fixed attribute values of the StUF schemas (e.g. `<attribute ref="StUF:entiteittype" fixed="ZAK"/>` on every
 * ZAK type, `StUF:verwerkingssoort fixed="T"` on creeerZaak's object). libxml2 does not check `fixed` on
 * attribute references, so Zaakpoort derives the rules from the XSDs once, at start-up, and checks a message
 * by walking it along its element declarations. Nothing here is a hand-made list: change the schema and the
 * rules follow.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SaxesParser, type SaxesTag } from 'saxes';
import type { XmlElement } from '../xml/tree.js';
import type { HubSet } from './hubs.js';

const XSD = 'http://www.w3.org/2001/XMLSchema';
/** Namespaces whose schemas declare fixed StUF attributes; GML, xlink and the like are not read. */
const READ_NAMESPACES = [
  'http://www.egem.nl/StUF/StUF0301',
  'http://www.egem.nl/StUF/sector/zkn/0310',
  'http://www.egem.nl/StUF/sector/bg/0310',
  'http://www.stufstandaarden.nl/koppelvlak/zds0120',
];

interface XsdNode {
  local: string;
  attrs: Record<string, string>;
  /** Namespace declarations made on this node; resolve() looks further up through parent. */
  decls?: Record<string, string>;
  parent?: XsdNode;
  children: XsdNode[];
}

interface TypeInfo {
  /** Child element (by {ns}local) → its type. */
  elements: Map<string, TypeRef>;
  /** Attribute (by {ns}local) → fixed value. */
  fixed: Map<string, string>;
  base?: string;
  /** Model groups (xs:group ref) whose elements belong to this type too. */
  groups: string[];
}

type TypeRef = { named: string } | { anon: TypeInfo } | { element: string };

export interface FixedViolation {
  element: string;
  line: number;
  attribute: string;
  expected: string;
  actual: string;
}

const key = (ns: string, local: string) => `{${ns}}${local}`;

/**
 * Parse a schema into XSD nodes; annotations (most of the bytes) are skipped. saxes runs without its own
 * namespace handling (a third faster on these files): declarations are kept per node and resolved here.
 */
function parseXsd(text: string): XsdNode {
  const parser = new SaxesParser();
  const stack: XsdNode[] = [];
  let root: XsdNode | undefined;
  let skipping = 0;
  parser.on('opentag', (tag: SaxesTag) => {
    if (skipping > 0) {
      skipping++;
      return;
    }
    const parent = stack.at(-1);
    const attrs: Record<string, string> = {};
    let decls: Record<string, string> | undefined;
    for (const [name, value] of Object.entries(tag.attributes as Record<string, string>)) {
      if (name === 'xmlns') (decls ??= {})[''] = value;
      else if (name.startsWith('xmlns:')) (decls ??= {})[name.slice(6)] = value;
      else if (!name.includes(':')) attrs[name] = value;
    }
    const node: XsdNode = { local: '', attrs, children: [] };
    if (parent) node.parent = parent;
    if (decls) node.decls = decls;
    const qn = resolve(node, tag.name);
    node.local = qn.startsWith(`{${XSD}}`) ? qn.slice(XSD.length + 2) : `#${qn}`;
    if (node.local === 'annotation') {
      skipping = 1;
      return;
    }
    parent?.children.push(node);
    stack.push(node);
    root ??= node;
  });
  parser.on('closetag', () => {
    if (skipping > 0) skipping--;
    else stack.pop();
  });
  parser.write(text).close();
  if (!root) throw new Error('empty schema');
  return root;
}

function resolve(node: XsdNode, qname: string): string {
  const i = qname.indexOf(':');
  const prefix = i < 0 ? '' : qname.slice(0, i);
  let uri = '';
  for (let n: XsdNode | undefined = node; n; n = n.parent) {
    const d = n.decls?.[prefix];
    if (d !== undefined) {
      uri = d;
      break;
    }
  }
  return key(uri, i < 0 ? qname : qname.slice(i + 1));
}

export class FixedAttributeRules {
  private readonly types = new Map<string, TypeInfo>();
  private readonly globals = new Map<string, TypeRef>();
  private readonly groupContent = new Map<string, TypeInfo>();

  /** Read every schema of the set's closure (in the namespaces that matter) and index types and elements. */
  static fromHubSet(schemaDir: string, hubs: HubSet): FixedAttributeRules {
    const rules = new FixedAttributeRules();
    for (const hub of hubs.hubs) {
      if (!READ_NAMESPACES.includes(hub.namespace)) continue;
      for (const rel of hub.includes) rules.addSchema(parseXsd(readFileSync(path.join(schemaDir, rel), 'utf8')), hub.namespace);
    }
    return rules;
  }

  private addSchema(schema: XsdNode, hubNamespace: string): void {
    const tns = schema.attrs.targetNamespace ?? hubNamespace;
    for (const n of schema.children) {
      if (n.local === 'complexType' && n.attrs.name) this.types.set(key(tns, n.attrs.name), this.readType(n, tns));
      else if (n.local === 'element' && n.attrs.name) {
        const t = this.typeOf(n, tns);
        if (t) this.globals.set(key(tns, n.attrs.name), t);
      } else if (n.local === 'group' && n.attrs.name) {
        const info: TypeInfo = { elements: new Map(), fixed: new Map(), groups: [] };
        this.collect(n, tns, info);
        this.groupContent.set(key(tns, n.attrs.name), info);
      }
    }
  }

  private typeOf(el: XsdNode, tns: string): TypeRef | undefined {
    if (el.attrs.type) return { named: resolve(el, el.attrs.type) };
    const anon = el.children.find((c) => c.local === 'complexType');
    return anon ? { anon: this.readType(anon, tns) } : undefined;
  }

  private readType(node: XsdNode, tns: string): TypeInfo {
    const info: TypeInfo = { elements: new Map(), fixed: new Map(), groups: [] };
    this.collect(node, tns, info);
    return info;
  }

  /** Element declarations, fixed attributes and the base type under a complexType (or group), not inside nested elements. */
  private collect(node: XsdNode, tns: string, info: TypeInfo): void {
    for (const c of node.children) {
      switch (c.local) {
        case 'element':
          if (c.attrs.ref) info.elements.set(resolve(c, c.attrs.ref), { element: resolve(c, c.attrs.ref) });
          else if (c.attrs.name) {
            const t = this.typeOf(c, tns);
            // Local elements are qualified in every StUF schema (elementFormDefault="qualified").
            if (t) info.elements.set(key(tns, c.attrs.name), t);
          }
          break;
        case 'attribute':
          if (c.attrs.fixed !== undefined) {
            const name = c.attrs.ref ? resolve(c, c.attrs.ref) : key('', c.attrs.name ?? '');
            info.fixed.set(name, c.attrs.fixed);
          }
          break;
        case 'group':
          if (c.attrs.ref) info.groups.push(resolve(c, c.attrs.ref));
          break;
        case 'extension':
        case 'restriction':
          if (c.attrs.base) info.base = resolve(c, c.attrs.base);
          this.collect(c, tns, info);
          break;
        case 'annotation':
        case 'simpleType':
          break;
        default:
          this.collect(c, tns, info);
      }
    }
  }

  private info(ref: TypeRef | undefined, depth = 0): TypeInfo | undefined {
    if (!ref || depth > 5) return undefined;
    if ('anon' in ref) return ref.anon;
    if ('named' in ref) return this.types.get(ref.named);
    return this.info(this.globals.get(ref.element), depth + 1);
  }

  /** A child element's type, looked up in the type, its model groups and its base types. */
  private childType(t: TypeInfo, name: string): TypeRef | undefined {
    for (let cur: TypeInfo | undefined = t, n = 0; cur && n < 20; cur = cur.base ? this.types.get(cur.base) : undefined, n++) {
      const direct = cur.elements.get(name);
      if (direct) return direct;
      for (const g of cur.groups) {
        const inGroup = this.groupContent.get(g)?.elements.get(name);
        if (inGroup) return inGroup;
      }
    }
    return undefined;
  }

  /** Fixed attributes of a type: its own, else those of its base types (a restriction restates what it fixes). */
  private fixedOf(t: TypeInfo): Map<string, string> {
    const out = new Map<string, string>();
    const chain: TypeInfo[] = [];
    for (let cur: TypeInfo | undefined = t, n = 0; cur && n < 20; cur = cur.base ? this.types.get(cur.base) : undefined, n++) chain.push(cur);
    for (const c of chain.reverse()) for (const [k, v] of c.fixed) out.set(k, v);
    return out;
  }

  /** Every attribute in the message whose value differs from the one its declaration fixes. */
  check(root: XmlElement): FixedViolation[] {
    const out: FixedViolation[] = [];
    const walk = (el: XmlElement, t: TypeInfo | undefined): void => {
      if (!t) return;
      for (const [name, expected] of this.fixedOf(t)) {
        const a = el.attrs.find((x) => key(x.ns, x.local) === name);
        if (a && a.value !== expected) out.push({ element: el.qname, line: el.line, attribute: a.qname, expected, actual: a.value });
      }
      for (const c of el.children) {
        if (typeof c === 'string') continue;
        walk(c, this.info(this.childType(t, key(c.ns, c.local))));
      }
    };
    walk(root, this.info(this.globals.get(key(root.ns, root.local))));
    return out;
  }
}
