/**
 * Compiles the two ZDS schema sets once and validates StUF body elements against them.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ParseOption, XmlDocument, XmlLibError, XsdValidator, type ErrorDetail, type XmlElement as LxElement } from 'libxml2-wasm';
import { buildHubSet, ENTRY_POINTS, KNOWN_MISSING, type HubSet } from './hubs.js';
import { withSchemaFiles } from './input-provider.js';
import { FixedAttributeRules, type FixedViolation } from './fixed-attributes.js';
import type { XmlElement } from '../xml/tree.js';
import { SCHEMA_SET_NAMES, type SchemaSetName, type ValidationIssue, type ValidationResult } from './types.js';

/**
 * Safe parsing: no entity substitution (NOENT), no DTD loading, no XInclude, no network. NO_XXE also stops
 * external entities if a DTD ever got through.
 */
const SAFE_PARSE = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE;

/** More than this many issues is noise for a functioneel beheerder. */
const MAX_ISSUES = 50;

const HOW_TO_FIX =
  'Install the official VNG ZDS schema package with `zaakpoort provision-xsd` (downloads ' +
  'https://github.com/VNG-Realisatie/Zaak-en-Documentservices/raw/eb720f4245abe5093517c89ec05c5f6b443c6a92/docs/documenten/Zaak-_Documentservices_1_2.zip ' +
  'and .../Zaak_DocumentServices_1_1_02.zip; without internet set ZAAKPOORT_SCHEMA_SOURCE=<the zip files or an unzipped folder>; see the README), ' +
  'or point ZAAKPOORT_SCHEMA_DIR at a folder that holds them.';

export class SchemaLoadError extends Error {
  override name = 'SchemaLoadError';
}

interface CompiledSet {
  validator: XsdValidator;
  /** The schema's fixed attribute values, which libxml2 does not check on attribute references. */
  fixed: FixedAttributeRules;
  /** Kept alive as long as the compiled schema: libxml2 may still point into the schema document. */
  driverDoc: XmlDocument;
  hubs: HubSet;
}

function detailMessages(details: ErrorDetail[], max = 5): string {
  const lines = details.slice(0, max).map((d) => `${d.file ?? ''}${d.line ? `:${d.line}` : ''}: ${d.message.trim()}`);
  if (details.length > max) lines.push(`... and ${details.length - max} more`);
  return lines.join('\n  ');
}

/** `firstLine`: the document line that becomes line 1 in the issues. */
function toIssues(details: ErrorDetail[], firstLine = 1): ValidationIssue[] {
  const issues = details.slice(0, MAX_ISSUES).map((d) => {
    const issue: ValidationIssue = { message: d.message.trim() };
    if (d.line > 0) issue.line = d.line - firstLine + 1;
    if (d.col > 0) issue.column = d.col;
    return issue;
  });
  if (details.length > MAX_ISSUES) issues.push({ message: `... and ${details.length - MAX_ISSUES} more errors` });
  return issues;
}

function checkPackagePresent(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new SchemaLoadError(`Schema directory ${dir} does not exist. ${HOW_TO_FIX}`);
  }
  const absent = SCHEMA_SET_NAMES.flatMap((s) => ENTRY_POINTS[s]).filter((e) => !existsSync(path.join(dir, e)));
  if (absent.length > 0) {
    throw new SchemaLoadError(
      `Schema directory ${dir} does not contain the official ZDS schemas (missing ${absent.join(', ')}). ${HOW_TO_FIX}`,
    );
  }
}

function compileSet(dir: string, set: SchemaSetName): CompiledSet {
  const hubs = buildHubSet(dir, set);
  const unexpected = hubs.missing.filter((m) => !KNOWN_MISSING.has(m.file));
  if (unexpected.length > 0) {
    const list = unexpected.map((m) => `${m.file} (referenced from ${m.referencedFrom ?? 'entry point'})`);
    throw new SchemaLoadError(`Schema set ${set} in ${dir} is incomplete: missing ${list.join(', ')}. ${HOW_TO_FIX}`);
  }
  const driverText = hubs.documents.get(hubs.driverPath)!;
  const driverDoc = XmlDocument.fromString(driverText, { url: hubs.driverPath, option: SAFE_PARSE });
  try {
    const validator = withSchemaFiles(dir, hubs.documents, () => XsdValidator.fromDoc(driverDoc));
    return { validator, driverDoc, hubs, fixed: FixedAttributeRules.fromHubSet(dir, hubs) };
  } catch (e) {
    driverDoc.dispose();
    const details = e instanceof XmlLibError ? detailMessages(e.details) : String(e);
    throw new SchemaLoadError(`Schema set ${set} in ${dir} does not compile:\n  ${details}\n${HOW_TO_FIX}`);
  }
}

export class SchemaRegistry {
  private constructor(
    private readonly sets: Map<SchemaSetName, CompiledSet>,
    /** Wall time to generate the hubs and compile both sets. */
    readonly loadMillis: number,
  ) {}

  /** Compile both schema sets from `schemaDir` (the provisioned VNG package). */
  static async load(schemaDir: string): Promise<SchemaRegistry> {
    const dir = path.resolve(schemaDir);
    const start = performance.now();
    checkPackagePresent(dir);
    const sets = new Map<SchemaSetName, CompiledSet>();
    try {
      for (const name of SCHEMA_SET_NAMES) sets.set(name, compileSet(dir, name));
    } catch (e) {
      for (const s of sets.values()) {
        s.validator.dispose();
        s.driverDoc.dispose();
      }
      throw e;
    }
    return new SchemaRegistry(sets, performance.now() - start);
  }

  /** The generated hubs of a set (for diagnostics and tests). */
  hubSet(set: SchemaSetName): HubSet {
    return this.compiled(set).hubs;
  }

  /**
   * Validate one StUF body element, given as a standalone document with its own namespace declarations.
   * Line numbers in the issues refer to that document.
   */
  validate(set: SchemaSetName, xml: string): ValidationResult {
    const { validator } = this.compiled(set);
    // The SOAP layer refuses DTDs already; refusing here too keeps entity tricks out whoever calls us.
    if (xml.includes('<!DOCTYPE')) {
      return { valid: false, issues: [{ message: 'A DOCTYPE declaration is not allowed in a StUF message.' }] };
    }
    let doc: XmlDocument;
    try {
      // Force UTF-8: the text is already decoded, whatever the XML declaration says. Node's own encoder and a
      // byte copy into wasm memory cost about half of libxml2-wasm's string path (fromString) for a La01.
      doc = XmlDocument.fromBuffer(Buffer.from(xml, 'utf8'), { option: SAFE_PARSE, encoding: 'utf-8' });
    } catch (e) {
      if (e instanceof XmlLibError && e.details.length > 0) {
        return { valid: false, issues: toIssues(e.details).map((i) => ({ ...i, message: `Not well-formed: ${i.message}` })) };
      }
      return { valid: false, issues: [{ message: `Not well-formed: ${(e as Error).message}` }] };
    }
    try {
      validator.validate(doc);
      return { valid: true };
    } catch (e) {
      if (e instanceof XmlLibError && e.details.length > 0) return { valid: false, issues: toIssues(e.details) };
      return { valid: false, issues: [{ message: `Schema validation failed: ${(e as Error).message}` }] };
    } finally {
      doc.dispose();
    }
  }

  /**
   * Validate a body element where it stands, in the document the request was parsed into (whole-envelope.ts),
   * so it is not parsed a second time. Issue lines count from `firstLine` (the element's own line) = 1, the
   * numbering validate() gives the same element as a standalone document.
   */
  validateElement(set: SchemaSetName, element: LxElement, firstLine: number): ValidationResult {
    const { validator } = this.compiled(set);
    try {
      validator.validate(element);
      return { valid: true };
    } catch (e) {
      if (e instanceof XmlLibError && e.details.length > 0) return { valid: false, issues: toIssues(e.details, firstLine) };
      return { valid: false, issues: [{ message: `Schema validation failed: ${(e as Error).message}` }] };
    }
  }

  /**
   * Attributes whose value differs from the one the schema fixes (StUF:entiteittype, StUF:verwerkingssoort,
   * StUF:functie, ...): the part of schema validity libxml2 leaves unchecked.
   */
  fixedAttributeViolations(set: SchemaSetName, body: XmlElement): FixedViolation[] {
    return this.compiled(set).fixed.check(body);
  }

  /** Release the compiled schemas (tests, shutdown). */
  dispose(): void {
    for (const s of this.sets.values()) {
      s.validator.dispose();
      s.driverDoc.dispose();
    }
    this.sets.clear();
  }

  private compiled(set: SchemaSetName): CompiledSet {
    const c = this.sets.get(set);
    if (!c) throw new Error(`Unknown or disposed schema set: ${set}`);
    return c;
  }
}
