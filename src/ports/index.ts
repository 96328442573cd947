export * from './zaak-store.js';
export * from './document-content-store.js';
export * from './id-generator.js';
export * from './catalogue.js';
export * from './unavailable.js';
export * from './sql-store.js';

import type { ZaakStore } from './zaak-store.js';
import type { DocumentContentStore } from './document-content-store.js';
import type { IdGenerator } from './id-generator.js';
import type { Catalogue } from './catalogue.js';
import type { SqlStore } from './sql-store.js';

/** A configured backend: everything the operations need to store and retrieve. */
export interface Backend {
  readonly name: string;
  readonly store: ZaakStore;
  readonly content: DocumentContentStore;
  readonly ids: IdGenerator;
  /**
   * Remove what a crash left behind: temp content untouched for tempMaxAgeMs, and blobs no document version
   * references that are older than orphanMinAgeMs. Safe while other instances run (a backend shared by several
   * instances lets one sweep at a time: undefined when another instance holds the sweep).
   */
  sweepLeftovers(opts: SweepOptions): Promise<SweepReport | undefined>;
  /** A backend that brings its own zaaktypecatalogus (ZGW: the Catalogi API) answers with it instead of the configured one. */
  readonly catalogue?: Catalogue;
  /** Per part of the backend (ZGW: per API) 'ok' or a short reason, for /health. */
  health?(): Promise<Record<string, string>>;
  /**
   * Run fn holding a lock named `key` that no other instance holds at the same time (a session lock in the shared
   * database); undefined, without running fn, while another instance holds it. Absent on a backend used by one
   * process only. The ZGW backend takes it per bericht when its local state is shared.
   */
  tryExclusive?<T>(key: string, fn: () => Promise<T>): Promise<{ value: T } | undefined>;
  /** The backend's SQL database for side tables (message browser, read audit); absent when it has none. */
  readonly sql?: SqlStore;
  /**
   * Whether everything stored came from berichten found schema-valid; absent where that cannot be known (the
   * ZGW APIs hold data from other systems). PostgreSQL keeps the mark in the shared schema and reads it only
   * together with an answer's data (ZaakDetails.allValidated).
   */
  readonly storedData?: StoredDataRecord;
  close(): Promise<void>;
}

/**
 * A mark in the store, set (in a commit of its own, before the write) when a bericht that was not found
 * schema-valid (validation "warn" or "off", migration copies) is processed, and present from the start in a
 * database that already held data when the mark was introduced. Without it the answers of vragen hold only
 * schema-valid stored values, so the answer check (zds/answer-guard.ts) is skipped.
 */
export interface StoredDataRecord {
  /**
   * True when no bericht without a valid verdict ever wrote to this store; false when one did or when the
   * backend does not read the mark on its own (PostgreSQL). Read after the answer's data.
   */
  allValidated(): Promise<boolean>;
  markUnvalidated(reason: string): Promise<void>;
}

export interface SweepOptions {
  tempMaxAgeMs: number;
  orphanMinAgeMs: number;
  /** Also look for orphan blobs (walks every blob; done less often than the temp sweep). */
  orphans: boolean;
}

export interface SweepReport {
  temp: number;
  orphans: number;
}
