/** A document content store for readers that must never be given document content: any use of it is a bug. */
import type { DocumentContentStore } from '../../src/ports/document-content-store.js';

export const noContentStore: DocumentContentStore = {
  createTemp: () => Promise.reject(new Error('no document content expected')),
  persist: () => Promise.reject(new Error('unused')),
  discardTemp: () => Promise.resolve(),
  openTemp: () => { throw new Error('unused'); },
  open: () => { throw new Error('unused'); },
  remove: () => Promise.resolve(),
  sweepTemp: () => Promise.resolve(0),
};
