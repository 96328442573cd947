/**
 * Element-by-element comparison of an answer with the StUF-testplatform's expected answer (the even-numbered
 * haarlem-stp fixtures). Namespace URIs and local names are compared, never prefixes; insignificant
 * whitespace, attribute order and the addressing part of the stuurgegevens (which differs per run) are
 * ignored; StUF tijdstippen are compared at the precision both sides give (20240110 equals 20240110000000000).
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';

const XMLNS = 'http://www.w3.org/2000/xmlns/';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export interface Node {
  ns: string;
  local: string;
  attrs: Map<string, string>;
  text: string;
  children: Node[];
}

export function parseXml(xml: string): Node {
  const parser = new SaxesParser({ xmlns: true });
  const stack: Node[] = [];
  let root: Node | undefined;
  parser.on('opentag', (tag: SaxesTagNS) => {
    const attrs = new Map<string, string>();
    for (const a of Object.values(tag.attributes)) {
      if (a.uri === XMLNS || a.name === 'xmlns' || (a.uri === XSI && a.local === 'schemaLocation')) continue;
      attrs.set(`{${a.uri}}${a.local}`, a.value);
    }
    const node: Node = { ns: tag.uri, local: tag.local, attrs, text: '', children: [] };
    stack.at(-1)?.children.push(node);
    stack.push(node);
    root ??= node;
  });
  parser.on('text', (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    const n = stack.pop()!;
    n.text = n.text.trim();
  });
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return root;
}

/** The answer body inside a SOAP envelope (or the document itself when it is a bare body). */
export function bodyOf(node: Node): Node {
  if (node.local === 'Envelope') {
    const body = node.children.find((c) => c.local === 'Body');
    if (body?.children[0]) return body.children[0];
  }
  return node;
}

/** Stuurgegevens parts that differ per run by design (StUF §4.4: every answer has its own referentienummer and time). */
const RUN_SPECIFIC = new Set(['zender', 'ontvanger', 'referentienummer', 'tijdstipBericht', 'crossRefnummer']);
const TIJDSTIP = /^[0-9]{8,17}$/;

function sameValue(a: string, b: string): boolean {
  if (a === b) return true;
  // A StUF tijdstip at a different precision: equal when the shorter is a prefix padded with zeros.
  if (TIJDSTIP.test(a) && TIJDSTIP.test(b)) return a.padEnd(17, '0') === b.padEnd(17, '0');
  return false;
}

/**
 * The testplatform's templates print some tijdstippen as a datum (datumStatusGezet 20240110): compared at
 * the precision the template gives, that is the day, so 20240110120000000 matches it.
 */
function sameAtTemplatePrecision(expected: string, actual: string): boolean {
  if (/^[0-9]{8}$/.test(expected) && /^[0-9]{9,17}$/.test(actual)) return actual.startsWith(expected);
  return sameValue(expected, actual);
}

const short = (uri: string): string => uri.replace(/^.*\/(zds0120|zkn\/0310|bg\/0310|StUF0301|XMLSchema-instance|gml)$/, '$1');
const label = (n: Node) => n.local;

/**
 * Every difference between expected and actual as a path plus what differs, e.g.
 * `antwoord/object/heeftAlsInitiator[1]/gerelateerde: missing natuurlijkPersoon`.
 */
export interface CompareOptions {
  /** Whether an expected identificatie stands for the actual one (the chain hands out its own). */
  sameId?: (expected: string, actual: string) => boolean;
}

export function compare(expected: Node, actual: Node, opts: CompareOptions = {}, path = ''): string[] {
  const here = path || label(expected);
  const out: string[] = [];
  if (expected.ns !== actual.ns || expected.local !== actual.local) {
    return [`${here}: expected {${short(expected.ns)}}${expected.local}, got {${short(actual.ns)}}${actual.local}`];
  }
  if (expected.local === 'stuurgegevens') {
    expected = { ...expected, children: expected.children.filter((c) => !RUN_SPECIFIC.has(c.local)) };
    actual = { ...actual, children: actual.children.filter((c) => !RUN_SPECIFIC.has(c.local)) };
  }
  const idEqual = expected.local === 'identificatie' && opts.sameId?.(expected.text, actual.text);
  if (expected.children.length === 0 && actual.children.length === 0 && !idEqual && !sameAtTemplatePrecision(expected.text, actual.text)) {
    out.push(`${here}: expected "${expected.text}", got "${actual.text}"`);
  }
  for (const [k, v] of expected.attrs) {
    const got = actual.attrs.get(k);
    const name = k.replace(/^\{[^}]*\}/, '');
    if (got === undefined) out.push(`${here}: missing attribute ${name}="${v}"`);
    else if (!sameValue(v, got)) out.push(`${here}: attribute ${name} expected "${v}", got "${got}"`);
  }
  for (const k of actual.attrs.keys()) {
    if (!expected.attrs.has(k)) out.push(`${here}: extra attribute ${k.replace(/^\{[^}]*\}/, '')}="${actual.attrs.get(k)}"`);
  }
  // Children are paired per element name, in order (the XSD fixes the order; answers are validated separately).
  const names = [...new Set([...expected.children, ...actual.children].map((c) => `{${c.ns}}${c.local}`))];
  for (const name of names) {
    const e = expected.children.filter((c) => `{${c.ns}}${c.local}` === name);
    const a = actual.children.filter((c) => `{${c.ns}}${c.local}` === name);
    const local = name.replace(/^\{[^}]*\}/, '');
    for (let i = 0; i < Math.max(e.length, a.length); i++) {
      const p = `${here}/${local}${Math.max(e.length, a.length) > 1 ? `[${i + 1}]` : ''}`;
      if (!a[i]) out.push(`${p}: missing`);
      else if (!e[i]) out.push(`${p}: extra`);
      else out.push(...compare(e[i]!, a[i]!, opts, p));
    }
  }
  return out;
}

/**
 * What a kennisgeving said that a read-back does not say: every element with a value in `sent` (an object of a
 * creeerZaak, voegZaakdocumentToe, ...) must be in `answer` at the same place with the same value (relations
 * and groups paired per name in order; nil and empty elements carry no value and are skipped).
 */
export function missingFromAnswer(sent: Node, answer: Node | undefined, path = ''): string[] {
  const here = path || sent.local;
  if (sent.attrs.get(`{${XSI}}nil`) === 'true' || (sent.children.length === 0 && sent.text === '')) return [];
  if (!answer) return [`${here}: not answered`];
  if (sent.children.length === 0) {
    const norm = (s: string) => (sent.local === 'inhoud' ? s.replace(/\s+/g, '') : s);
    // A number is the same number with or without leading zeros (volgnummer 0001 is statustype 1).
    const numeric = /^\d+$/.test(sent.text) && /^\d+$/.test(answer.text) && Number(sent.text) === Number(answer.text) && !/^[0-9]{8,17}$/.test(sent.text);
    return numeric || sameValue(norm(sent.text), norm(answer.text)) ? [] : [`${here}: sent "${sent.text.slice(0, 60)}", answered "${answer.text.slice(0, 60)}"`];
  }
  const out: string[] = [];
  const names = [...new Set(sent.children.map((c) => `{${c.ns}}${c.local}`))];
  for (const name of names) {
    const s = sent.children.filter((c) => `{${c.ns}}${c.local}` === name);
    const a = answer.children.filter((c) => `{${c.ns}}${c.local}` === name);
    s.forEach((child, i) => out.push(...missingFromAnswer(child, a[i], `${here}/${child.local}${s.length > 1 ? `[${i + 1}]` : ''}`)));
  }
  return out;
}
