/**
 * Identificaties of zaken, documenten and besluiten: generating them from a configured template and checking the
 * ones callers bring (SPEC-DIGEST §1.5). Pure functions; every backend's IdGenerator uses them.
 */
import type { IdKind } from './model.js';
import { wallClockAt } from './time-zone.js';

export interface IdTemplateVars {
  gemeentecode: string;
  jaar: string;
  volgnummer: number;
}

const PLACEHOLDER = /\{([a-z]+)(?::(\d+))?\}/g;

/** Fill a template with {gemeentecode}, {jaar}, {volgnummer} or {volgnummer:N} (zero-padded to N digits). */
export function formatIdentificatie(template: string, vars: IdTemplateVars): string {
  if (!Number.isSafeInteger(vars.volgnummer) || vars.volgnummer < 0) {
    throw new RangeError(`volgnummer moet een niet-negatief geheel getal zijn, niet ${vars.volgnummer}`);
  }
  return template.replace(PLACEHOLDER, (whole, name: string, width: string | undefined) => {
    switch (name) {
      case 'gemeentecode':
      case 'jaar':
        if (width !== undefined) break;
        return name === 'jaar' ? vars.jaar : vars.gemeentecode;
      case 'volgnummer':
        // A number wider than N is written in full rather than truncated: truncation would repeat values.
        return width === undefined ? String(vars.volgnummer) : String(vars.volgnummer).padStart(Number(width), '0');
    }
    throw new Error(`Onbekende plaatshouder ${whole} in identificatiesjabloon "${template}"`);
  });
}

/** Whether the sequence behind this template restarts every year. */
export function templateUsesYear(template: string): boolean {
  return template.includes('{jaar}');
}

/** The calendar year of an instant in an IANA time zone (ids are numbered per local year, not per UTC year). */
export function yearInTimeZone(at: Date, timeZone: string): string {
  return String(wallClockAt(at.getTime(), timeZone).year).padStart(4, '0');
}

const LENGTH: Record<IdKind, { min: number; max: number; label: string }> = {
  zaak: { min: 5, max: 40, label: 'Zaakidentificatie' },
  document: { min: 1, max: 40, label: 'Documentidentificatie' },
  besluit: { min: 1, max: 40, label: 'Besluitidentificatie' },
};

// CMIS forbids these in object names; ZDS uses the zaakidentificatie as a folder name.
const CMIS_FORBIDDEN = /[\\/"*?:<>|]/u;
// C0, DEL and C1 control characters.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

export interface CheckIdentificatieOptions {
  /** When set, the value must start with this (4-digit) gemeentecode. */
  requireGemeentecodePrefix?: string;
}

/** Returns a Dutch explanation of what is wrong with the identificatie, or undefined when it is acceptable. */
export function checkIdentificatie(kind: IdKind, value: string, opts: CheckIdentificatieOptions = {}): string | undefined {
  const rule = LENGTH[kind];
  // XSD lengths count characters (code points), not UTF-16 units.
  const length = [...value].length;
  if (length < rule.min || length > rule.max) {
    return `${rule.label} moet ${rule.min} tot en met ${rule.max} tekens lang zijn (nu ${length})`;
  }
  if (CONTROL.test(value)) return `${rule.label} mag geen stuurtekens bevatten`;
  if (value.trim() !== value) return `${rule.label} mag niet met spaties beginnen of eindigen`;
  const forbidden = CMIS_FORBIDDEN.exec(value);
  if (forbidden) {
    return `${rule.label} mag het teken ${forbidden[0]} niet bevatten (verboden: \\ / " * ? : < > |)`;
  }
  const prefix = opts.requireGemeentecodePrefix;
  if (prefix !== undefined) {
    if (!/^\d{4}$/.test(prefix)) throw new Error(`gemeentecode moet uit 4 cijfers bestaan, niet "${prefix}"`);
    if (!value.startsWith(prefix)) return `${rule.label} moet beginnen met de gemeentecode ${prefix}`;
  }
  return undefined;
}

/**
 * The options generated identificaties are checked with: a generated zaakidentificatie always carries the
 * gemeentecode prefix (RGBZ), even when caller-made ones are not required to.
 */
export function generatedIdCheckOptions(kind: IdKind, gemeentecode: string): CheckIdentificatieOptions {
  return kind === 'zaak' ? { requireGemeentecodePrefix: gemeentecode } : {};
}

/**
 * Refuse, at start-up, a template that cannot number anything (no {volgnummer}) or whose values would not pass
 * checkIdentificatie. Later volgnummers are still checked one by one (a wider number may exceed 40 characters).
 */
export function assertUsableTemplate(kind: IdKind, template: string, gemeentecode: string, jaar: string): void {
  if (!/\{volgnummer(:\d+)?\}/.test(template)) {
    throw new Error(`Identificatiesjabloon voor ${kind} moet {volgnummer} of {volgnummer:N} bevatten: "${template}"`);
  }
  formatGeneratedIdentificatie(kind, template, { gemeentecode, jaar, volgnummer: 1 });
}

/** Format an identificatie for a generator and refuse to hand out one that would not pass checkIdentificatie. */
export function formatGeneratedIdentificatie(kind: IdKind, template: string, vars: IdTemplateVars): string {
  const value = formatIdentificatie(template, vars);
  const problem = checkIdentificatie(kind, value, generatedIdCheckOptions(kind, vars.gemeentecode));
  if (problem) {
    throw new Error(`Sjabloon "${template}" levert een ongeldige ${kind}identificatie "${value}" op: ${problem}`);
  }
  return value;
}

/**
 * Read a value back against a template: the {jaar} and {volgnummer} it would have been generated with, or
 * undefined when the value does not have the template's form (another gemeentecode, another pattern).
 */
export function parseGeneratedIdentificatie(template: string, gemeentecode: string, value: string): { jaar?: string; volgnummer: number } | undefined {
  let pattern = '';
  const groups: Array<'jaar' | 'volgnummer'> = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    pattern += escapeRegExp(template.slice(last, m.index));
    last = m.index + m[0].length;
    const [, name, width] = m;
    if (name === 'gemeentecode') pattern += escapeRegExp(gemeentecode);
    else if (name === 'jaar') {
      pattern += '(\\d{4})';
      groups.push('jaar');
    } else if (name === 'volgnummer') {
      pattern += width === undefined ? '(\\d+)' : `(\\d{${Number(width)},})`;
      groups.push('volgnummer');
    } else return undefined;
  }
  pattern += escapeRegExp(template.slice(last));
  const match = new RegExp(`^${pattern}$`).exec(value);
  if (!match) return undefined;
  const out: { jaar?: string; volgnummer: number } = { volgnummer: NaN };
  groups.forEach((g, i) => {
    const v = match[i + 1]!;
    if (g === 'jaar') out.jaar = v;
    else out.volgnummer = Number(v);
  });
  return Number.isSafeInteger(out.volgnummer) ? out : undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
