import type { IdKind } from '../domain/model.js';

/** Hands out identificaties. A value handed out is persisted before it is returned and never issued again. */
export interface IdGenerator {
  reserve(kind: IdKind, reservedBy: string | undefined): Promise<string>;
  /** Whether a value was handed out by reserve(). */
  isReserved(kind: IdKind, value: string): Promise<boolean>;
}
