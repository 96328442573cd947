/**
 * BSNs are searchable by a keyed hash (HMAC-SHA256), never stored as numbers in the index: without the key a
 * hash cannot be turned back into a BSN by trying all 10^9 of them. The key is configured (beheer.bsnKey) or
 * generated once and kept in the database, so every instance on that database hashes alike.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { BerichtStore } from './store.js';

export type BsnHasher = (bsn: string) => string;

/** A BSN written without its leading zero (8 digits) is the same BSN. */
function normalise(bsn: string): string {
  return bsn.trim().padStart(9, '0');
}

export function bsnHasher(key: Buffer): BsnHasher {
  return (bsn) => createHmac('sha256', key).update(normalise(bsn)).digest('hex').slice(0, 40);
}

/** The configured key, or the one kept in the database (made on first use). */
export async function loadKey(store: BerichtStore, name: string, configured: string | undefined): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'hex');
  return Buffer.from(await store.ensureSetting(name, randomBytes(32).toString('hex')), 'hex');
}
