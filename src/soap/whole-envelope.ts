/**
 * One parse for the usual bericht: small, UTF-8, without document content (<inhoud>) and without DOCTYPE.
 * libxml2 parses the whole envelope once; that one document gives the element tree the operations read, and
 * its body element is validated against the schema before the document is freed (here, before returning).
 *
 * Anything unusual is declined: a parse error, a SOAP structure the streaming reader would refuse, a header
 * block with mustUnderstand, nesting deeper than allowed, a libxml2 node type the tree has no place for. The
 * streaming reader then reads the same bytes, and since it alone words the faults, they stay what they were.
 */
import { ParseOption, XmlCData, XmlDocument, XmlElement as LxElement, XmlText, type XmlTreeNode } from 'libxml2-wasm';
import { schemaSetFor, type SchemaSetName, type ValidationResult } from '../schema/index.js';
import { NS } from '../stuf/namespaces.js';
import type { XmlElement } from '../xml/tree.js';
import { Libxml2TreeReader, TreeDeclined, nodePointer } from './libxml2-tree.js';
import type { ParsedRequest, SoapVersion } from './parsed-request.js';

/** Larger bodies go to the streaming reader: a document inside them must not be held in memory. */
export const WHOLE_ENVELOPE_MAX_BYTES = 256 * 1024;

/** No entity substitution, no DTD loading, no network (the same settings as the schema layer's). */
const SAFE_PARSE = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE;

/** What validates a body element in place (SchemaRegistry). */
export interface BodyValidator {
  /** Issue lines count from `firstLine` = 1, as when the body element is validated on its own. */
  validateElement(set: SchemaSetName, element: LxElement, firstLine: number): ValidationResult;
}

export interface WholeEnvelopeOptions {
  maxDepth: number;
  /** When given, the body element is validated while the document is alive. */
  schemas?: BodyValidator;
}

const INHOUD = Buffer.from('inhoud');
const DOCTYPE = Buffer.from('<!DOCTYPE');

/** Thrown inside the walk when the streaming reader must decide; never leaves this module. */
class Declined extends Error {}

/**
 * The request read in one libxml2 parse, or undefined when the streaming reader has to read these bytes.
 * `bytes` is the whole body (at most WHOLE_ENVELOPE_MAX_BYTES), UTF-8.
 */
export function readWholeEnvelope(bytes: Buffer, opts: WholeEnvelopeOptions): Omit<ParsedRequest, 'soapAction' | 'bodyXml'> | undefined {
  if (bytes.indexOf(INHOUD) >= 0 || bytes.indexOf(DOCTYPE) >= 0) return undefined;
  const { start, lineFeeds } = leadingBlank(bytes);
  if (bytes[start] !== 0x3c) return undefined; // '<'
  let doc: XmlDocument;
  try {
    // The content type's charset (UTF-8) wins over an XML declaration, as in the streaming reader.
    doc = XmlDocument.fromBuffer(bytes.subarray(start), { option: SAFE_PARSE, encoding: 'utf-8' });
  } catch {
    return undefined;
  }
  try {
    return new Walk(opts, new StartTagLines(bytes, start, 1 + lineFeeds)).envelope(doc.root);
  } catch (e) {
    if (e instanceof Declined) return undefined;
    throw e;
  } finally {
    doc.dispose();
  }
}

/** BOMs and whitespace before the XML declaration (common; XML itself forbids them), as the streaming reader skips them. */
function leadingBlank(bytes: Buffer): { start: number; lineFeeds: number } {
  let i = 0;
  let lineFeeds = 0;
  for (;;) {
    const b = bytes[i];
    if (b === 0x20 || b === 0x09 || b === 0x0d) i++;
    else if (b === 0x0a) {
      i++;
      lineFeeds++;
    } else if (b === 0xef && bytes[i + 1] === 0xbb && bytes[i + 2] === 0xbf) i += 3;
    else return { start: i, lineFeeds };
  }
}

function isElement(n: XmlTreeNode): n is LxElement {
  return n instanceof LxElement;
}

/**
 * The line of each start tag, in document order, as the streaming reader counts it (the line of its '<';
 * libxml2 keeps the line where the start tag ends). The bytes are well-formed (libxml2 parsed them), so every
 * '<' outside comments, CDATA sections and processing instructions opens or closes a tag.
 */
class StartTagLines {
  private pos: number;
  private line: number;
  /** The next LF and CR not yet counted (-1: none left), so each byte is searched once, not once per tag. */
  private nextLf: number;
  private nextCr: number;

  constructor(private readonly bytes: Buffer, start: number, firstLine: number) {
    this.pos = start;
    this.line = firstLine;
    this.nextLf = bytes.indexOf(0x0a, start);
    this.nextCr = bytes.indexOf(0x0d, start);
  }

  next(): number {
    const b = this.bytes;
    for (;;) {
      const lt = b.indexOf(0x3c, this.pos); // '<'
      if (lt < 0) throw new Declined(); // cannot happen: libxml2 found an element here
      const c = b[lt + 1];
      if (c === 0x21) this.pos = this.after(lt, b[lt + 2] === 0x2d ? '-->' : b[lt + 2] === 0x5b ? ']]>' : '>'); // '!': comment, CDATA
      else if (c === 0x3f) this.pos = this.after(lt, '?>'); // processing instruction
      else if (c === 0x2f) this.pos = lt + 2; // end tag: holds no '<', so the next search passes it
      else {
        this.pos = lt + 1;
        return this.lineAt(lt);
      }
    }
  }

  private after(from: number, end: string): number {
    const i = this.bytes.indexOf(end, from + 2);
    if (i < 0) throw new Declined();
    return i + end.length;
  }

  /** Line breaks as XML counts them: LF, CR LF, and a CR on its own. */
  private lineAt(i: number): number {
    const b = this.bytes;
    while (this.nextLf >= 0 && this.nextLf < i) {
      this.line++;
      this.nextLf = b.indexOf(0x0a, this.nextLf + 1);
    }
    while (this.nextCr >= 0 && this.nextCr < i) {
      if (b[this.nextCr + 1] !== 0x0a) this.line++;
      this.nextCr = b.indexOf(0x0d, this.nextCr + 1);
    }
    return this.line;
  }
}

class Walk {
  constructor(
    private readonly opts: WholeEnvelopeOptions,
    /** Called once per element, in document order. */
    private readonly lines: StartTagLines,
  ) {}

  envelope(env: LxElement): Omit<ParsedRequest, 'soapAction' | 'bodyXml'> {
    const envNs = env.namespaceUri;
    if (env.name !== 'Envelope' || (envNs !== NS.soap11 && envNs !== NS.soap12)) throw new Declined();
    const soapVersion: SoapVersion = envNs === NS.soap12 ? '1.2' : '1.1';
    this.lines.next();
    let header: LxElement | undefined;
    let soapBody: LxElement | undefined;
    for (let n = env.firstChild; n; n = n.next) {
      if (!isElement(n)) continue;
      const isEnv = n.namespaceUri === envNs;
      if (isEnv && n.name === 'Header' && !header && !soapBody) header = n;
      else if (isEnv && n.name === 'Body' && !soapBody) soapBody = n;
      else if (!soapBody || (isEnv && (n.name === 'Header' || n.name === 'Body'))) throw new Declined();
      else this.checkDepth(n, 2, false); // after the Body (SOAP 1.1 allows it): ignored, but still counted
    }
    if (!soapBody) throw new Declined();
    if (header) this.checkHeader(header, envNs);
    this.lines.next(); // the Body

    let bodyEl: LxElement | undefined;
    for (let n = soapBody.firstChild; n; n = n.next) {
      if (isElement(n)) {
        if (bodyEl) throw new Declined();
        bodyEl = n;
      } else if ((n instanceof XmlText || n instanceof XmlCData) && n.content.trim() !== '') {
        throw new Declined();
      }
    }
    if (!bodyEl) throw new Declined();
    const body = this.bodyTree(bodyEl);
    // The body element carries every in-scope declaration, so it can be serialised on its own.
    body.nsDecls = { ...env.nsDeclarations, ...soapBody.nsDeclarations, ...body.nsDecls };

    const result: Omit<ParsedRequest, 'soapAction' | 'bodyXml'> = { soapVersion, body, contents: [], mtom: false };
    if (this.opts.schemas) {
      const set = schemaSetFor(body.ns, body.local);
      result.validation = { set, result: this.opts.schemas.validateElement(set, bodyEl, bodyEl.line) };
    }
    return result;
  }

  /** The body element's subtree as Zaakpoort's tree (the bulk of the bericht: read by pointer, libxml2-tree.ts). */
  private bodyTree(bodyEl: LxElement): XmlElement {
    try {
      return new Libxml2TreeReader(this.opts.maxDepth, () => this.lines.next()).element(nodePointer(bodyEl), 3);
    } catch (e) {
      if (e instanceof TreeDeclined) throw new Declined();
      throw e;
    }
  }

  /** Zaakpoort understands no header block: one with mustUnderstand is for the streaming reader to refuse. */
  private checkHeader(header: LxElement, envNs: string): void {
    this.lines.next();
    for (let n = header.firstChild; n; n = n.next) {
      if (!isElement(n)) continue;
      if (n.attrs.some((a) => a.name === 'mustUnderstand' && a.namespaceUri === envNs)) throw new Declined();
      this.checkDepth(n, 3, true);
    }
  }

  /** `counted`: the elements come before the Body element in document order, so their start tags are passed. */
  private checkDepth(el: LxElement, depth: number, counted: boolean): void {
    if (depth > this.opts.maxDepth) throw new Declined();
    if (counted) this.lines.next();
    for (let n = el.firstChild; n; n = n.next) if (isElement(n)) this.checkDepth(n, depth + 1, counted);
  }
}
