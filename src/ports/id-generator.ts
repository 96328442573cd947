import type { IdKind } from '../domain/model.js';

/** Hands out identificaties. A value handed out is persisted before it is returned and never issued again. */
export interface IdGenerator {
  reserve(kind: IdKind, reservedBy: string | undefined): Promise<string>;
  /** Whether a value was handed out by reserve(). */
  isReserved(kind: IdKind, value: string): Promise<boolean>;
  /**
   * Make sure reserve() never hands out `value` or anything numbered before it: when the value has the form of
   * the kind's template, the counter of its sequence (its year, for a template with {jaar}) is raised to at
   * least its volgnummer; a counter already past it is left alone. Returns false, changing nothing, when the
   * value does not have the template's form (it can then never be generated anyway). Used at cut-over from a
   * legacy zaaksysteem, which issued identificaties until then.
   */
  ensureAbove(kind: IdKind, value: string): Promise<boolean>;
}
