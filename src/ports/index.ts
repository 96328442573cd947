export * from './zaak-store.js';
export * from './document-content-store.js';
export * from './id-generator.js';
export * from './catalogue.js';
export * from './unavailable.js';

import type { ZaakStore } from './zaak-store.js';
import type { DocumentContentStore } from './document-content-store.js';
import type { IdGenerator } from './id-generator.js';

/** A configured backend: everything the operations need to store and retrieve. */
export interface Backend {
  readonly name: string;
  readonly store: ZaakStore;
  readonly content: DocumentContentStore;
  readonly ids: IdGenerator;
  close(): Promise<void>;
}
