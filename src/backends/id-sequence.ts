/** What the SQL identificatie generators (SQLite, PostgreSQL) share: options, scope of a sequence, limits. */
import { parseGeneratedIdentificatie, templateUsesYear, yearInTimeZone } from '../domain/identificatie.js';
import type { IdKind } from '../domain/model.js';

export interface IdGeneratorOptions {
  idTemplates: Record<IdKind, string>;
  gemeentecode: string;
  timeZone: string;
  now: () => Date;
}

/** The table whose identificaties a generated value must not collide with. */
export const OBJECT_TABLE: Record<IdKind, string> = { zaak: 'zaak', document: 'document', besluit: 'besluit' };

/** Identificaties reserved per commit unless configured otherwise (`idBlockSize`). */
export const DEFAULT_ID_BLOCK_SIZE = 32;

/** A run of this many taken values in a row means something is wrong with the template or the data. */
export const MAX_ID_SKIPS = 100_000;

/** A template with {jaar} numbers per year (scope = the year in the configured zone); otherwise one sequence. */
export function sequenceScope(template: string, at: Date, timeZone: string): string {
  return templateUsesYear(template) ? yearInTimeZone(at, timeZone) : 'all';
}

export function noFreeIdentificatie(kind: IdKind, template: string): Error {
  return new Error(`Geen vrije ${kind}identificatie gevonden na ${MAX_ID_SKIPS} bezette waarden (sjabloon "${template}")`);
}

/** The sequence (scope) and volgnummer a value of this kind would have been generated with, if it has the template's form. */
export function sequencePosition(opts: IdGeneratorOptions, kind: IdKind, value: string): { scope: string; volgnummer: number } | undefined {
  const template = opts.idTemplates[kind];
  const parsed = template ? parseGeneratedIdentificatie(template, opts.gemeentecode, value) : undefined;
  if (!parsed) return undefined;
  return { scope: templateUsesYear(template) ? parsed.jaar! : 'all', volgnummer: parsed.volgnummer };
}
