/**
 * Generates per-namespace "hub" schemas for the official ZDS packages.
 *
 * libxml2 honours only the first xs:import of a namespace, while StUF spreads each namespace over many files and
 * imports them one by one, so the published entry points do not compile. We walk the include/import closure, group
 * the files by targetNamespace and write one hub per namespace that imports every other hub and includes all files
 * of its own namespace. Whichever import libxml2 meets first is then a hub, and every component is present.
 * The package itself is never modified: hubs live in memory only (see input-provider.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ParseOption, XmlDocument, XmlElement } from 'libxml2-wasm';
import type { SchemaSetName } from './types.js';

const XSD_NS = 'http://www.w3.org/2001/XMLSchema';

/** Entry points per set, relative to the schema directory (posix separators). */
export const ENTRY_POINTS: Readonly<Record<SchemaSetName, readonly string[]>> = {
  'zds-1.2': ['zds0120/zds0120_msg_totaal.xsd'],
  'zds-1.1.02': [
    'zds-1.1.02/zkn0310/zs-dms/zkn0310_msg_zs-dms.xsd',
    'zds-1.1.02/zkn0310/mutatie/zkn0310_msg_mutatie.xsd',
    'zds-1.1.02/zkn0310/vraagAntwoord/zkn0310_msg_vraagAntwoord.xsd',
  ],
};

/** Files the official packages reference but do not ship (PROVENANCE.md, "Known defects"). */
export const KNOWN_MISSING: ReadonlySet<string> = new Set([
  'zkn0310/zs-dms/zkn0310_msg_zs-dms.xsd',
  'bg0310/prs/bg0310_msg_prs.xsd',
  'zds-1.1.02/zkn0310/corv/zkn0310_msg_corv.xsd',
]);

/** Readable hub names for the namespaces we know; others get a numbered name. */
const HUB_NAMES: Readonly<Record<string, string>> = {
  'http://www.egem.nl/StUF/StUF0301': 'stuf',
  'http://www.egem.nl/StUF/sector/bg/0310': 'bg',
  'http://www.egem.nl/StUF/sector/zkn/0310': 'zkn',
  'http://www.stufstandaarden.nl/koppelvlak/zds0120': 'zds',
  'http://www.w3.org/2005/05/xmlmime': 'xmime',
  'http://www.opengis.net/gml': 'gml',
  'http://www.w3.org/1999/xlink': 'xlink',
  'http://www.w3.org/XML/1998/namespace': 'xml',
  'http://www.w3.org/2001/SMIL20/': 'smil',
  'http://www.w3.org/2001/SMIL20/Language': 'smillang',
};

export interface NamespaceHub {
  namespace: string; // '' for no-namespace schemas
  fileName: string; // e.g. hub-stuf.xsd
  /** Files of this namespace, relative to the schema directory (posix), sorted. */
  includes: string[];
}

export interface MissingReference {
  file: string; // relative to the schema directory
  referencedFrom: string | null; // null for an entry point
}

export interface HubSet {
  set: SchemaSetName;
  /** Absolute folder the hubs pretend to live in; relative schemaLocations resolve from here. */
  hubDir: string;
  hubs: NamespaceHub[];
  /** Absolute path of the generated driver, which imports every hub. */
  driverPath: string;
  /** Generated documents by absolute virtual path (driver and hubs). */
  documents: Map<string, string>;
  /** Number of package files in the closure. */
  fileCount: number;
  missing: MissingReference[];
}

interface Directive {
  kind: 'include' | 'import' | 'redefine';
  location: string;
}

interface SchemaFacts {
  targetNamespace: string | null;
  directives: Directive[];
}

/** Read targetNamespace and the include/import/redefine directives of one schema file. */
function readFacts(file: string): SchemaFacts {
  // No entity substitution, no DTD loading, no network: the package is data, not trusted code.
  const doc = XmlDocument.fromBuffer(readFileSync(file), {
    url: file,
    option: ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE,
  });
  try {
    const root = doc.root;
    const targetNamespace = root.attr('targetNamespace')?.value ?? null;
    const directives: Directive[] = [];
    for (const node of doc.find('/xs:schema/xs:include | /xs:schema/xs:import | /xs:schema/xs:redefine', { xs: XSD_NS })) {
      if (!(node instanceof XmlElement)) continue;
      const location = node.attr('schemaLocation')?.value;
      if (location) directives.push({ kind: node.name as Directive['kind'], location });
    }
    return { targetNamespace, directives };
  } finally {
    doc.dispose();
  }
}

function toRel(schemaDir: string, abs: string): string {
  return path.relative(schemaDir, abs).split(path.sep).join('/');
}

/** The include/import/redefine closure of the entry points, grouped by target namespace. */
export function collectClosure(
  schemaDir: string,
  entryPoints: readonly string[],
): { byNamespace: Map<string, Set<string>>; missing: MissingReference[]; fileCount: number } {
  const byNamespace = new Map<string, Set<string>>();
  const missing: MissingReference[] = [];
  const seen = new Set<string>();
  const redefined = new Set<string>();
  // chameleon: the namespace a no-namespace file takes from the file that includes it.
  const queue: Array<{ abs: string; from: string | null; chameleon: string | null }> = entryPoints.map((e) => ({
    abs: path.resolve(schemaDir, e),
    from: null,
    chameleon: null,
  }));
  let fileCount = 0;
  while (queue.length > 0) {
    const { abs, from, chameleon } = queue.shift()!;
    if (seen.has(abs)) continue;
    seen.add(abs);
    if (!existsSync(abs)) {
      missing.push({ file: toRel(schemaDir, abs), referencedFrom: from === null ? null : toRel(schemaDir, from) });
      continue;
    }
    fileCount++;
    const facts = readFacts(abs);
    const ns = facts.targetNamespace ?? chameleon ?? '';
    let files = byNamespace.get(ns);
    if (!files) byNamespace.set(ns, (files = new Set()));
    files.add(abs);
    for (const d of facts.directives) {
      const target = path.resolve(path.dirname(abs), decodeURI(d.location));
      // A redefined file is pulled in by its redefining file; including it in the hub as well would clash.
      if (d.kind === 'redefine') redefined.add(target);
      queue.push({ abs: target, from: abs, chameleon: d.kind === 'import' ? null : ns });
    }
  }
  for (const files of byNamespace.values()) for (const r of redefined) files.delete(r);
  return { byNamespace, missing, fileCount };
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

function importLine(namespace: string, fileName: string): string {
  const ns = namespace ? ` namespace="${escapeAttr(namespace)}"` : '';
  return `  <xs:import${ns} schemaLocation="${escapeAttr(fileName)}"/>`;
}

function hubText(hub: NamespaceHub, all: NamespaceHub[], schemaDir: string, hubDir: string): string {
  const tns = hub.namespace ? ` targetNamespace="${escapeAttr(hub.namespace)}"` : '';
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<xs:schema xmlns:xs="${XSD_NS}"${tns} elementFormDefault="qualified" attributeFormDefault="unqualified">`,
    ...all.filter((h) => h !== hub).map((h) => importLine(h.namespace, h.fileName)),
    ...hub.includes.map((rel) => {
      const fromHub = path.relative(hubDir, path.resolve(schemaDir, rel)).split(path.sep).join('/');
      return `  <xs:include schemaLocation="${escapeAttr(fromHub)}"/>`;
    }),
    '</xs:schema>',
    '',
  ];
  return lines.join('\n');
}

/**
 * Build the hubs and driver for one set. The virtual folder sits inside the schema directory so that the
 * relative includes resolve to the real package files; nothing is written there.
 */
export function buildHubSet(schemaDir: string, set: SchemaSetName): HubSet {
  const root = path.resolve(schemaDir);
  const hubDir = path.join(root, '.zaakpoort-hubs', set);
  const { byNamespace, missing, fileCount } = collectClosure(root, ENTRY_POINTS[set]);
  let unnamed = 0;
  const hubs: NamespaceHub[] = [...byNamespace.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([namespace, files]) => ({
      namespace,
      fileName: `hub-${HUB_NAMES[namespace] ?? `ns${++unnamed}`}.xsd`,
      includes: [...files].map((f) => toRel(root, f)).sort(),
    }));
  const documents = new Map<string, string>();
  for (const hub of hubs) documents.set(path.join(hubDir, hub.fileName), hubText(hub, hubs, root, hubDir));
  const driverPath = path.join(hubDir, 'driver.xsd');
  documents.set(
    driverPath,
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<xs:schema xmlns:xs="${XSD_NS}">`,
      ...hubs.map((h) => importLine(h.namespace, h.fileName)),
      '</xs:schema>',
      '',
    ].join('\n'),
  );
  return { set, hubDir, hubs, driverPath, documents, fileCount, missing };
}
