/**
 * Schema assertions shared by every test: validate StUF bodies and SOAP responses against the official XSDs.
 * The schemas are compiled once per test process.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { SchemaRegistry, schemaSetFor } from '../../src/schema/index.js';

const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
const STUF_NS = 'http://www.egem.nl/StUF/StUF0301';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let loading: Promise<SchemaRegistry> | undefined;

/** The compiled schemas, loaded once per process from $ZAAKPOORT_SCHEMA_DIR or <repo>/xsd. */
export async function schemas(): Promise<SchemaRegistry> {
  loading ??= SchemaRegistry.load(process.env.ZAAKPOORT_SCHEMA_DIR || path.join(repoRoot, 'xsd'));
  return loading;
}

interface OpenElement {
  uri: string;
  local: string;
  qname: string;
  /** Namespace declarations written on this element (prefix '' = default namespace). */
  decls: Map<string, string>;
  start: number;
  elementChildren: number;
}

export interface ExtractedElement {
  uri: string;
  local: string;
  /** The element as a standalone document, with the namespace declarations of its ancestors carried over. */
  xml: string;
}

function escapeAttr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

/**
 * Parse `xml` (throws on malformed XML) and cut out the first element for which `pick` returns true, as a
 * standalone document. The text is cut from the source, so content is byte-for-byte what was sent.
 */
export function extractElement(
  xml: string,
  pick: (el: { uri: string; local: string }, ancestors: ReadonlyArray<{ uri: string; local: string }>) => boolean,
  onClose?: (el: OpenElement, ancestors: ReadonlyArray<OpenElement>) => void,
): ExtractedElement | null {
  const text = xml.replace(/^\uFEFF/, '');
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: OpenElement[] = [];
  let tagStart = 0;
  let found: ExtractedElement | null = null;
  let target: OpenElement | null = null;
  parser.on('opentagstart', () => {
    tagStart = text.lastIndexOf('<', parser.position - 1);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const decls = new Map<string, string>();
    for (const a of Object.values(tag.attributes)) {
      if (a.name === 'xmlns') decls.set('', a.value);
      else if (a.prefix === 'xmlns') decls.set(a.local, a.value);
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.elementChildren++;
    const el: OpenElement = { uri: tag.uri, local: tag.local, qname: tag.name, decls, start: tagStart, elementChildren: 0 };
    if (!found && !target && pick(el, stack)) target = el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    const el = stack.pop()!;
    onClose?.(el, stack);
    if (el !== target) return;
    // Carry over every namespace in scope that the element does not declare itself (inner declarations win).
    const inScope = new Map<string, string>();
    for (const anc of stack) for (const [p, u] of anc.decls) inScope.set(p, u);
    const extra = [...inScope]
      .filter(([p, u]) => !el.decls.has(p) && !(p === '' && u === ''))
      .map(([p, u]) => ` ${p ? `xmlns:${p}` : 'xmlns'}="${escapeAttr(u)}"`)
      .join('');
    const cut = text.slice(el.start, parser.position);
    const at = 1 + el.qname.length;
    found = { uri: el.uri, local: el.local, xml: cut.slice(0, at) + extra + cut.slice(at) };
    target = null;
  });
  parser.write(text).close();
  return found;
}

/**
 * The part of a SOAP 1.1/1.2 envelope the XSDs describe: the single Body child, or for a Fault the StUF
 * Fo0xBericht inside detail (1.1) / Detail (1.2). Throws when the envelope is malformed or not a SOAP envelope.
 */
export function extractSoapPayload(envelopeXml: string): ExtractedElement & { fault: boolean; bodyChildren: number } {
  let envNs = '';
  let bodyChildren = -1;
  let firstBodyChild: { uri: string; local: string } | null = null;
  const payload = extractElement(
    envelopeXml,
    (el, anc) => {
      if (anc.length === 0) envNs = el.uri;
      if (anc.length === 2 && anc[1]!.uri === envNs && anc[1]!.local === 'Body') {
        firstBodyChild ??= el;
        return !(el.uri === envNs && el.local === 'Fault');
      }
      // Fault/detail (SOAP 1.1, unqualified) or Fault/Detail (SOAP 1.2) holds the StUF fout.
      const inDetail =
        anc.length === 4 &&
        anc[2]!.uri === envNs &&
        anc[2]!.local === 'Fault' &&
        ((envNs === SOAP11_NS && anc[3]!.uri === '' && anc[3]!.local === 'detail') ||
          (envNs === SOAP12_NS && anc[3]!.uri === SOAP12_NS && anc[3]!.local === 'Detail'));
      return inDetail && el.uri === STUF_NS && /^Fo0\dBericht$/.test(el.local);
    },
    (el, anc) => {
      if (anc.length === 1 && el.uri === envNs && el.local === 'Body') bodyChildren = el.elementChildren;
    },
  );
  if (envNs !== SOAP11_NS && envNs !== SOAP12_NS) throw new Error(`not a SOAP 1.1 or 1.2 Envelope (root namespace '${envNs}')`);
  if (bodyChildren < 0) throw new Error('SOAP Envelope has no Body');
  const fbc = firstBodyChild as { uri: string; local: string } | null;
  const fault = fbc !== null && fbc.uri === envNs && fbc.local === 'Fault';
  if (!payload) {
    throw new Error(fault ? 'SOAP Fault without a StUF Fo0xBericht in its detail' : 'SOAP Body has no child element');
  }
  return { ...payload, fault, bodyChildren };
}

function formatIssues(issues: ReadonlyArray<{ message: string; line?: number; column?: number }>): string[] {
  return issues.map((i) => (i.line ? `line ${i.line}${i.column ? `:${i.column}` : ''}: ${i.message}` : i.message));
}

/** Validate a standalone StUF body element (set chosen by its root element). [] when valid. */
export async function validateBody(xml: string): Promise<string[]> {
  let root: ExtractedElement | null;
  try {
    root = extractElement(xml, () => true);
  } catch (e) {
    return [`Not well-formed: ${(e as Error).message}`];
  }
  if (!root) return ['No root element'];
  const registry = await schemas();
  const result = registry.validate(schemaSetFor(root.uri, root.local), xml.replace(/^\uFEFF/, ''));
  return result.valid ? [] : formatIssues(result.issues);
}

export async function assertSchemaValid(xml: string): Promise<void> {
  const issues = await validateBody(xml);
  assert.deepEqual(issues, [], `StUF body is not schema-valid:\n  ${issues.join('\n  ')}\n--- body ---\n${xml}`);
}

/** Assert a SOAP response envelope is well-formed, has one Body child and carries a schema-valid StUF payload. */
export async function assertSoapResponseValid(envelopeXml: string): Promise<void> {
  let payload: ReturnType<typeof extractSoapPayload>;
  try {
    payload = extractSoapPayload(envelopeXml);
  } catch (e) {
    assert.fail(`Invalid SOAP response: ${(e as Error).message}\n--- envelope ---\n${envelopeXml}`);
  }
  assert.equal(payload.bodyChildren, 1, `SOAP Body must have exactly one child element, has ${payload.bodyChildren}`);
  await assertSchemaValid(payload.xml);
}
