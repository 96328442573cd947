/** Types at the boundary of the schema layer. */

/** Which compiled schema set validates a body. */
export type SchemaSetName = 'zds-1.2' | 'zds-1.1.02';

export const SCHEMA_SET_NAMES: readonly SchemaSetName[] = ['zds-1.2', 'zds-1.1.02'];

export interface ValidationIssue {
  /** libxml2's own text, e.g. "Element '{ns}x': This element is not expected. Expected is ...". */
  message: string;
  /** 1-based line in the validated document. */
  line?: number;
  column?: number;
}

export type ValidationResult = { valid: true } | { valid: false; issues: ValidationIssue[] };
