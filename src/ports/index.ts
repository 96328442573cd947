export * from './zaak-store.js';
export * from './document-content-store.js';
export * from './id-generator.js';
export * from './catalogue.js';
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
  /** A backend that brings its own zaaktypecatalogus (ZGW: the Catalogi API) answers with it instead of the configured one. */
  readonly catalogue?: Catalogue;
  /** Per part of the backend (ZGW: per API) 'ok' or a short reason, for /health. */
  health?(): Promise<Record<string, string>>;
  /** The backend's SQL database for side tables (message browser, read audit); absent when it has none. */
  readonly sql?: SqlStore;
  close(): Promise<void>;
}
