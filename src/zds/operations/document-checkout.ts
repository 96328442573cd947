/**
 * What the check-out family (geefZaakdocumentbewerken, updateZaakdocument, cancelCheckout, ontkoppelZaakdocument)
 * shares: reading the vrij-bericht parameters in either dialect, and the lock rules of SPEC-DIGEST §1.7.
 */
import { randomBytes } from 'node:crypto';
import type { Document, DocumentLock } from '../../domain/model.js';
import type { VersioningState } from '../../domain/document-versie.js';
import { formatTijdstip } from '../../stuf/dates.js';
import { faults } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { systeemKey } from '../../stuf/stuurgegevens.js';
import { type XmlElement, child, isNil, text } from '../../xml/tree.js';
import type { OperationContext } from '../operation.js';

/**
 * Namespace of the first-level children of a vrij bericht: ZDS in ZDS 1.2 (ZDS:parameters, ZDS:edcLk02), ZKN in
 * ZDS 1.1 (ZKN:parameters, ZKN:edcLk02).
 */
export function vrijNs(ctx: OperationContext): string {
  return ctx.dialect === '1.2' ? NS.zds : NS.zkn;
}

/** A first-level child of the vrij bericht (edcLv01, edcLk02, document), which the schema makes mandatory. */
export function vrijChild(ctx: OperationContext, local: string): XmlElement {
  const el = child(ctx.request.body, vrijNs(ctx), local);
  if (!el) throw faults.invalid(`${local} ontbreekt`, `${ctx.request.body.local} moet een element ${local} bevatten`);
  return el;
}

export interface CheckoutParameters {
  checkedOutId?: string;
  versioningState: VersioningState;
}

/** parameters/checkedOutId and parameters/versioningState (absent or nil: major, the CMIS default). */
export function readCheckoutParameters(ctx: OperationContext): CheckoutParameters {
  const ns = vrijNs(ctx);
  const params = child(ctx.request.body, ns, 'parameters');
  const id = text(child(params, ns, 'checkedOutId'));
  const stateEl = child(params, ns, 'versioningState');
  const state = isNil(stateEl) ? undefined : text(stateEl);
  if (state && state !== 'major' && state !== 'minor') {
    throw faults.invalid('Ongeldige versioningState', `versioningState "${state}" moet major of minor zijn`);
  }
  const out: CheckoutParameters = { versioningState: state === 'minor' ? 'minor' : 'major' };
  if (id) out.checkedOutId = id;
  return out;
}

/** The document, or Fo02 StUF064. */
export function requireDocument(doc: Document | undefined, id: string): Document {
  if (!doc) throw faults.notFound('Document niet gevonden', `Er is geen document met identificatie ${id}`);
  return doc;
}

/** A fresh lock for the zender of this message. The id is 128 random bits: knowing it is proof of the check-out. */
export function newLock(ctx: OperationContext): DocumentLock {
  const z = ctx.stuurgegevens.zender;
  const lock: DocumentLock = { checkedOutId: randomBytes(16).toString('hex'), owner: ctx.zenderKey, at: ctx.clock.now().toISOString() };
  const by = z?.gebruiker ?? z?.applicatie;
  if (by) lock.checkedOutBy = by;
  return lock;
}

/** "jdevries (applicatie SHV, organisatie 1234) sinds 24-11-2026 10:15:00", for the beheerder reading the fault. */
function describeLock(ctx: OperationContext, lock: DocumentLock): string {
  const [organisatie, applicatie] = lock.owner.split('|');
  const wie = lock.checkedOutBy ?? (applicatie || 'onbekend');
  const app = applicatie && applicatie !== wie ? ` (applicatie ${applicatie}${organisatie ? `, organisatie ${organisatie}` : ''})` : '';
  const t = lock.at ? formatTijdstip(new Date(lock.at), ctx.config.timeZone) : '';
  const sinds = t ? ` sinds ${t.slice(6, 8)}-${t.slice(4, 6)}-${t.slice(0, 4)} ${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}` : '';
  return `${wie}${app}${sinds}`;
}

/**
 * The lock belongs to the application that checked the document out, and to its gebruiker when it named one.
 * A message from that application that names no gebruiker still holds the lock (it knows the unguessable
 * checkedOutId); one that names a different gebruiker does not. The StUF-testplatform checks out with a gebruiker
 * and checks in without one.
 */
function sameLockHolder(owner: string, ctx: OperationContext): boolean {
  if (owner === ctx.zenderKey) return true;
  const z = ctx.stuurgegevens.zender;
  if (z?.gebruiker) return false;
  const ownerApplication = owner.replace(/\|(?:[^|\\]|\\.)*$/, '');
  return ownerApplication === systeemKey({ ...z, gebruiker: undefined }).replace(/\|$/, '');
}

/** Refuse when the document is checked out (second check-out, ontkoppel while in bewerking). */
export function requireNotLocked(ctx: OperationContext, doc: Document): void {
  if (!doc.lock) return;
  throw faults.processing('Document is in bewerking', `Document ${doc.meta.identificatie} is uitgecheckt door ${describeLock(ctx, doc.lock)}`);
}

/**
 * A change to a checked-out document needs the checkedOutId of that check-out, sent by the holder of the lock
 * (see sameLockHolder). A wrong or missing id is a processing error (StUF058); the right id from another zender is an
 * authorisation refusal (StUF052), because the lock belongs to a person/application, not to a token.
 * Returns whether the document was locked (so the caller releases it).
 */
export function requireLockHolder(ctx: OperationContext, doc: Document, checkedOutId: string | undefined): boolean {
  const lock = doc.lock;
  if (!lock) return false;
  const id = doc.meta.identificatie;
  if (!checkedOutId) {
    throw faults.processing('Document is in bewerking', `Document ${id} is uitgecheckt door ${describeLock(ctx, lock)}; checkedOutId ontbreekt`);
  }
  if (checkedOutId !== lock.checkedOutId) {
    throw faults.processing('checkedOutId hoort niet bij de uitcheck van dit document',
      `Document ${id} is uitgecheckt door ${describeLock(ctx, lock)} onder een ander checkedOutId`);
  }
  if (!sameLockHolder(lock.owner, ctx)) {
    throw faults.notAuthorised('Document is door een andere gebruiker uitgecheckt',
      `Document ${id} is uitgecheckt door ${describeLock(ctx, lock)}; alleen die gebruiker mag het inchecken of de uitcheck annuleren`);
  }
  return true;
}
