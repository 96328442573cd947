/**
 * Answers are always schema-valid. With `validation: "warn"` a sender may have stored values the schema
 * refuses (an enumeration it does not know, a text that is too long); echoing them back would make the answer
 * invalid. So every La01/Du02 Zaakpoort writes from strings is validated before it leaves, and an element the
 * schema refuses is left out, with a melding that says which and why. Should leaving out not be enough, the
 * vraag gets a StUF058 instead of an invalid answer. Validating an answer costs well under a millisecond.
 */
import { type SchemaRegistry, schemaSetFor } from '../schema/index.js';
import { faults } from '../stuf/fault.js';
import { escapeText } from '../xml/escape.js';
import type { ResponsePiece } from './operation.js';

/** How many rounds of leaving elements out before giving up. */
const MAX_ROUNDS = 5;
const MELDING_MAX = 250;

export interface GuardLog {
  (level: 'warn', msg: string, extra?: Record<string, unknown>): void;
}

/** Root namespace and local name of an answer we wrote ourselves (`<P:name ... xmlns:P="uri"`). */
function rootOf(xml: string): { ns: string; local: string } | undefined {
  const m = /^<([A-Za-z_][\w.-]*):([A-Za-z_][\w.-]*)\b([^>]*)>/.exec(xml);
  if (!m) return undefined;
  const ns = new RegExp(`xmlns:${m[1]}="([^"]+)"`).exec(m[3]!)?.[1];
  return ns ? { ns, local: m[2]! } : undefined;
}

/** The entry (one tag each) that starts on physical line `line` (1-based); a text may span several lines. */
function entryAt(lines: string[], line: number): number {
  let physical = 1;
  for (let k = 0; k < lines.length; k++) {
    const span = lines[k]!.split('\n').length;
    if (line < physical + span) return k;
    physical += span;
  }
  return -1;
}

/** Remove the element whose start tag is entry `i` of a one-tag-per-entry document; returns its qname. */
function removeElementAt(lines: string[], i: number): string | undefined {
  const start = lines[i];
  const m = start ? /^<([\w.:-]+)/.exec(start) : null;
  if (!m || i === 0) return undefined; // never the root
  const qname = m[1]!;
  let end = i;
  if (!/\/>\s*$/.test(start!) && !start!.includes(`</${qname}>`)) {
    let depth = 0;
    for (let j = i; j < lines.length; j++) {
      const l = lines[j]!;
      if (new RegExp(`^<${qname}[\\s>/]`).test(l) && !/\/>\s*$/.test(l) && !l.includes(`</${qname}>`)) depth++;
      if (l.startsWith(`</${qname}>`)) depth--;
      if (depth === 0) {
        end = j;
        break;
      }
    }
  }
  lines.splice(i, end - i + 1);
  return qname;
}

/**
 * The answer as it may be sent: unchanged when valid; otherwise with the refused elements left out and a
 * melding per element (La01), or a StUF058 fault when it cannot be made valid that way.
 */
export function guardAnswer(schemas: SchemaRegistry, pieces: ResponsePiece[], log: GuardLog): ResponsePiece[] {
  if (pieces.length === 0 || pieces.some((p) => typeof p !== 'string')) return pieces; // streamed content
  const xml = (pieces as string[]).join('');
  const root = rootOf(xml);
  if (!root) return pieces;
  const set = schemaSetFor(root.ns, root.local);
  if (schemas.validate(set, xml).valid) return pieces;
  // One tag per line, so the lines libxml2 reports name elements. Text never holds a raw '<', so "><" only
  // occurs between tags.
  const lines = xml.split(/(?<=>)(?=<)/);
  const meldingen: string[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const result = schemas.validate(set, lines.join('\n'));
    if (result.valid) break;
    const byLine = new Map<number, string>();
    for (const issue of result.issues) if (issue.line && !byLine.has(issue.line)) byLine.set(issue.line, issue.message);
    if (byLine.size === 0) break;
    let removed = 0;
    for (const [line, message] of [...byLine.entries()].sort(([a], [b]) => b - a)) {
      // "Missing child element" is about what was already left out; removing the parent too would lose more.
      if (/Missing child element/.test(message)) continue;
      const qname = removeElementAt(lines, entryAt(lines, line));
      if (!qname) continue;
      removed++;
      meldingen.push(`${qname} weggelaten: de opgeslagen waarde is niet valide volgens het schema (${message.replace(/^Element '[^']*': /, '')})`);
    }
    if (removed === 0) break;
  }
  let fixed = lines.join('');
  if (!schemas.validate(set, fixed).valid) {
    log('warn', 'antwoord kon niet schema-valide worden gemaakt', { answer: root.local });
    throw faults.processing('Antwoord bevat opgeslagen gegevens die niet valide zijn volgens het schema',
      'Het bericht waarmee deze gegevens zijn aangeleverd is met validation "warn" verwerkt; corrigeer ze met een wijzigingsbericht');
  }
  log('warn', 'antwoord: niet-valide opgeslagen gegevens weggelaten', { answer: root.local, weggelaten: meldingen.length });
  const at = fixed.indexOf('</ZKN:parameters>');
  if (at >= 0 && /La01$/.test(root.local)) {
    const insert = meldingen.map((m) => `<ZKN:melding>${escapeText(m.length > MELDING_MAX ? `${m.slice(0, MELDING_MAX - 1)}…` : m)}</ZKN:melding>`).join('');
    const withMelding = fixed.slice(0, at + '</ZKN:parameters>'.length) + insert + fixed.slice(at + '</ZKN:parameters>'.length);
    if (schemas.validate(set, withMelding).valid) fixed = withMelding;
  }
  return [fixed];
}
