/**
 * Rows shared by the SQLite and PostgreSQL backends, which use the same tables and columns: a `document` row
 * (metadata, lock) with one `document_version` row per version, the message log, and the indexed zaak columns
 * that selections (zakLv01) use.
 */
import type { Document, DocumentLock, DocumentMeta, DocumentVersion } from '../domain/model.js';
import type { LoggedMessage } from '../ports/zaak-store.js';

/** The columns of a document with its current version (see DOCUMENT_FROM). */
export const DOCUMENT_COLUMNS = `
  d.meta, d.checked_out_id, d.checked_out_by, d.lock_owner, d.locked_at,
  v.version_no, v.blob_ref, v.size, v.sha256, v.bestandsnaam, v.content_type, v.created_at AS version_created_at`;

/** A document joined with its current version. */
export const DOCUMENT_FROM = `
  document d
  JOIN document_version v ON v.document_id = d.identificatie AND v.version_no = d.current_version`;

/** The columns of one version, for a version history. */
export const VERSION_COLUMNS = 'version_no, blob_ref, size, sha256, bestandsnaam, content_type, created_at AS version_created_at';

/** A document_version row as both drivers return it (PostgreSQL gives bigint as a string). */
export interface VersionRow {
  version_no: number;
  blob_ref: string | null;
  size: number | string;
  sha256: string | null;
  bestandsnaam: string | null;
  content_type: string | null;
  version_created_at: string;
}

/** The columns of DOCUMENT_COLUMNS; `meta` is JSON text (SQLite) or already parsed (PostgreSQL jsonb). */
export interface DocumentRow extends VersionRow {
  meta: string | DocumentMeta;
  checked_out_id: string | null;
  checked_out_by: string | null;
  lock_owner: string | null;
  locked_at: string | null;
}

export function versionFromRow(row: VersionRow): DocumentVersion {
  const v: DocumentVersion = { versionNo: row.version_no, size: Number(row.size), createdAt: row.version_created_at };
  // Optional fields are left out rather than set to undefined, so values compare equal to what was stored.
  if (row.blob_ref !== null) v.blobRef = row.blob_ref;
  if (row.sha256 !== null) v.sha256 = row.sha256;
  if (row.bestandsnaam !== null) v.bestandsnaam = row.bestandsnaam;
  if (row.content_type !== null) v.contentType = row.content_type;
  return v;
}

export function documentFromRow(row: DocumentRow): Document {
  const meta = typeof row.meta === 'string' ? (JSON.parse(row.meta) as DocumentMeta) : row.meta;
  const doc: Document = { meta, latest: versionFromRow(row) };
  if (row.checked_out_id !== null) {
    const lock: DocumentLock = { checkedOutId: row.checked_out_id, owner: row.lock_owner ?? '', at: row.locked_at ?? '' };
    if (row.checked_out_by !== null) lock.checkedOutBy = row.checked_out_by;
    doc.lock = lock;
  }
  return doc;
}

/** Parameters for INSERT INTO document_version (document_id, version_no, blob_ref, size, sha256, bestandsnaam, content_type, created_at). */
export function versionParams(documentId: string, v: DocumentVersion): unknown[] {
  return [documentId, v.versionNo, v.blobRef ?? null, v.size, v.sha256 ?? null, v.bestandsnaam ?? null, v.contentType ?? null, v.createdAt];
}

/** The message_log columns, selected in this order by both backends. */
export const MESSAGE_LOG_COLUMNS = 'zender_key, referentienummer, request_hash, response_xml, at';

export interface MessageLogRow {
  zender_key: string;
  referentienummer: string;
  request_hash: string;
  response_xml: string;
  at: string;
}

export function loggedMessageFromRow(row: MessageLogRow): LoggedMessage {
  return {
    zenderKey: row.zender_key,
    referentienummer: row.referentienummer,
    requestHash: row.request_hash,
    responseXml: row.response_xml,
    at: row.at,
  };
}

/** The indexed zaak column for each ZaakQuery field. */
export const ZAAK_QUERY_COLUMNS = {
  identificatie: 'identificatie',
  zaaktypeCode: 'zaaktype_code',
  startdatum: 'startdatum',
  registratiedatum: 'registratiedatum',
  einddatum: 'einddatum',
} as const;
