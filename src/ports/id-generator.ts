import type { IdKind } from '../domain/model.js';

/**
 * Hands out identificaties. A value handed out was reserved durably before it is returned and is never issued
 * again; a backend may reserve values in blocks, so numbers can have gaps (see the SQL backends' id-blocks.ts).
 */
export interface IdGenerator {
  reserve(kind: IdKind, reservedBy: string | undefined): Promise<string>;
  /** Whether a value was reserved by reserve(): handed out, or in a block reserved for handing out. */
  isReserved(kind: IdKind, value: string): Promise<boolean>;
  /**
   * Make sure reserve() never hands out `value` or anything numbered before it, on any instance, once this has
   * returned: when the value has the form of the kind's template, the counter and the floor of its sequence (its
   * year, for a template with {jaar}) are raised to at least its volgnummer; a counter already past it is left
   * alone, and block values at or below the floor are dropped. Returns false, changing nothing, when the
   * value does not have the template's form (it can then never be generated anyway). Used at cut-over from a
   * legacy zaaksysteem, which issued identificaties until then.
   */
  ensureAbove(kind: IdKind, value: string): Promise<boolean>;
}
