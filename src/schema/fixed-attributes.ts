/**
 * Fixed attribute values of the StUF schemas (e.g. `<attribute ref="StUF:entiteittype" fixed="ZAK"/>` on every
 * ZAK type, `StUF:verwerkingssoort fixed="T"` on creeerZaak's object). libxml2 does not check `fixed` on
 * attribute references, so Zaakpoort derives the rules from the XSDs and checks a message by walking it along
 * its element declarations. Nothing here is a hand-made list: change the schema and the rules follow.
 *
 * Deriving takes a few hundred ms, so the result is cached as JSON in the schema directory
 * (`.derived/fixed-attributes-<set>-<key>.json`), keyed by a hash of the bytes of every file it reads plus
 * CACHE_FORMAT: a changed schema gets a new key and is derived afresh. A directory that cannot be written
 * (a read-only image) just means deriving at every start; `zaakpoort provision-xsd` fills the cache.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

/** A type as check() walks it (FixedAttributeRules.planOf). */
interface CheckPlan {
  fixed: Array<{ ns: string; local: string; expected: string }>;
  /** Declared child elements: namespace → local name → type (null: a simple type, nothing to check inside). */
  children: Map<string, Map<string, TypeInfo | null>>;
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

/** Bump whenever the derivation below changes what it produces, so caches written by older code are not used. */
const CACHE_FORMAT = 1;
const CACHE_FOLDER = '.derived';

/** The cache file's form: maps as objects, absent when empty. */
interface TypeJson {
  e?: Record<string, RefJson>;
  f?: Record<string, string>;
  b?: string;
  g?: string[];
}
type RefJson = { n: string } | { a: TypeJson } | { el: string };
interface RulesJson {
  format: number;
  types: Record<string, TypeJson>;
  globals: Record<string, RefJson>;
  groups: Record<string, TypeJson>;
}

function typeToJson(t: TypeInfo): TypeJson {
  const out: TypeJson = {};
  if (t.elements.size > 0) out.e = Object.fromEntries([...t.elements].map(([k, r]) => [k, refToJson(r)]));
  if (t.fixed.size > 0) out.f = Object.fromEntries(t.fixed);
  if (t.base !== undefined) out.b = t.base;
  if (t.groups.length > 0) out.g = t.groups;
  return out;
}

function refToJson(r: TypeRef): RefJson {
  if ('named' in r) return { n: r.named };
  if ('anon' in r) return { a: typeToJson(r.anon) };
  return { el: r.element };
}

function typeFromJson(j: TypeJson): TypeInfo {
  const t: TypeInfo = {
    elements: new Map(Object.entries(j.e ?? {}).map(([k, r]) => [k, refFromJson(r)])),
    fixed: new Map(Object.entries(j.f ?? {})),
    groups: j.g ?? [],
  };
  if (j.b !== undefined) t.base = j.b;
  return t;
}

function refFromJson(r: RefJson): TypeRef {
  if ('n' in r) return { named: r.n };
  if ('a' in r) return { anon: typeFromJson(r.a) };
  return { element: r.el };
}

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

/** A cache file's rules, or undefined when there is none (or it is unreadable: then it is derived again). */
function readCache(file: string): RulesJson | undefined {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as RulesJson;
    return j.format === CACHE_FORMAT && j.types && j.globals && j.groups ? j : undefined;
  } catch {
    return undefined;
  }
}

/** Write the cache atomically (a crash leaves no half file); a directory that cannot be written is no error. */
function writeCache(file: string, json: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, json);
    renameSync(tmp, file);
  } catch {
    // read-only schema directory: derive again next time
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing was written
    }
  }
}

export class FixedAttributeRules {
  private readonly types = new Map<string, TypeInfo>();
  private readonly globals = new Map<string, TypeRef>();
  private readonly groupContent = new Map<string, TypeInfo>();
  /** fixedOf() per type, computed on first use (check() runs for every message). */
  private readonly fixedMemo = new Map<TypeInfo, Map<string, string>>();
  private readonly plans = new Map<TypeInfo, CheckPlan>();

  /**
   * The rules of every schema of the set's closure (in the namespaces that matter): from the cache when it holds
   * them for exactly these file contents, else derived (and cached when the schema directory can be written).
   */
  static fromHubSet(schemaDir: string, hubs: HubSet): FixedAttributeRules {
    const files = hubs.hubs
      .filter((hub) => READ_NAMESPACES.includes(hub.namespace))
      .flatMap((hub) => hub.includes.map((rel) => ({ rel, namespace: hub.namespace, bytes: readFileSync(path.join(schemaDir, rel)) })));
    const hash = createHash('sha256').update(`fixed-attributes ${CACHE_FORMAT}\n`);
    for (const f of files) hash.update(`${f.namespace}\n${f.rel}\n${f.bytes.length}\n`).update(f.bytes);
    const cacheFile = path.join(schemaDir, CACHE_FOLDER, `fixed-attributes-${hubs.set}-${hash.digest('hex').slice(0, 32)}.json`);
    const cached = readCache(cacheFile);
    if (cached) return FixedAttributeRules.fromJson(cached);
    const derived = new FixedAttributeRules();
    for (const f of files) derived.addSchema(parseXsd(f.bytes.toString('utf8')), f.namespace);
    const json = derived.toJson();
    writeCache(cacheFile, json);
    // Through the JSON form in both cases: its strings are flat copies, so the schema texts (whose slices the
    // derived keys are) can be collected.
    return FixedAttributeRules.fromJson(JSON.parse(json) as RulesJson);
  }

  private static fromJson(j: RulesJson): FixedAttributeRules {
    const rules = new FixedAttributeRules();
    for (const [k, t] of Object.entries(j.types)) rules.types.set(k, typeFromJson(t));
    for (const [k, r] of Object.entries(j.globals)) rules.globals.set(k, refFromJson(r));
    for (const [k, t] of Object.entries(j.groups)) rules.groupContent.set(k, typeFromJson(t));
    return rules;
  }

  private toJson(): string {
    const j: RulesJson = {
      format: CACHE_FORMAT,
      types: Object.fromEntries([...this.types].map(([k, t]) => [k, typeToJson(t)])),
      globals: Object.fromEntries([...this.globals].map(([k, r]) => [k, refToJson(r)])),
      groups: Object.fromEntries([...this.groupContent].map(([k, t]) => [k, typeToJson(t)])),
    };
    return JSON.stringify(j);
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
    const memo = this.fixedMemo.get(t);
    if (memo) return memo;
    const out = new Map<string, string>();
    this.fixedMemo.set(t, out);
    const chain: TypeInfo[] = [];
    for (let cur: TypeInfo | undefined = t, n = 0; cur && n < 20; cur = cur.base ? this.types.get(cur.base) : undefined, n++) chain.push(cur);
    for (const c of chain.reverse()) for (const [k, v] of c.fixed) out.set(k, v);
    return out;
  }

  /**
   * What check() needs of a type, worked out once: its fixed attributes split into namespace and local name, and
   * the types of the child elements met so far (only declared ones: names a message makes up are not kept).
   */
  private planOf(t: TypeInfo): CheckPlan {
    let plan = this.plans.get(t);
    if (!plan) {
      const fixed = [...this.fixedOf(t)].map(([name, expected]) => {
        const close = name.indexOf('}');
        return { ns: name.slice(1, close), local: name.slice(close + 1), expected };
      });
      plan = { fixed, children: new Map() };
      this.plans.set(t, plan);
    }
    return plan;
  }

  private childInfo(t: TypeInfo, plan: CheckPlan, ns: string, local: string): TypeInfo | undefined {
    const known = plan.children.get(ns)?.get(local);
    if (known !== undefined) return known ?? undefined;
    const ref = this.childType(t, key(ns, local));
    const info = this.info(ref);
    if (ref) {
      let byLocal = plan.children.get(ns);
      if (!byLocal) plan.children.set(ns, (byLocal = new Map()));
      byLocal.set(local, info ?? null);
    }
    return info;
  }

  /** Every attribute in the message whose value differs from the one its declaration fixes. */
  check(root: XmlElement): FixedViolation[] {
    const out: FixedViolation[] = [];
    const walk = (el: XmlElement, t: TypeInfo | undefined): void => {
      if (!t) return;
      const plan = this.planOf(t);
      for (const f of plan.fixed) {
        const a = el.attrs.find((x) => x.local === f.local && x.ns === f.ns);
        if (a && a.value !== f.expected) out.push({ element: el.qname, line: el.line, attribute: a.qname, expected: f.expected, actual: a.value });
      }
      for (const c of el.children) {
        if (typeof c === 'string') continue;
        walk(c, this.childInfo(t, plan, c.ns, c.local));
      }
    };
    walk(root, this.info(this.globals.get(key(root.ns, root.local))));
    return out;
  }
}
