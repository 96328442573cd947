/** StoreReader over PostgreSQL: on the pool for plain reads, or on a transaction's connection. */
import type pg from 'pg';
import type { Besluit, Document, DocumentVersion, Overdracht, Zaak, ZaakDocumentLink } from '../../domain/model.js';
import type { LoggedMessage, StoreReader, ZaakDetails, ZaakDetailsWanted, ZaakQuery, ZaakQueryResult } from '../../ports/zaak-store.js';
import { UNVALIDATED_MARK } from '../store-mark.js';
import { findZaken } from './find-zaken.js';
import { DOCUMENT_COLUMNS, DOCUMENT_FROM, documentFromRow, type DocumentRow, loggedMessageFromRow, MESSAGE_LOG_COLUMNS, type MessageLogRow, VERSION_COLUMNS, type VersionRow, versionFromRow } from '../sql-rows.js';

/**
 * getZaakDetails in one statement: the zaak row with, when asked ($2, $3, $4), its documents (the same fields as
 * DOCUMENT_COLUMNS, under the same names, so documentFromRow reads them) and besluiten as JSON arrays in link and
 * besluit order, and the stored zaken its relaties of the given soorten point to. One round trip and one snapshot
 * instead of up to five of each. all_validated reads the store's mark in that snapshot (see PgStoredData).
 */
const ZAAK_DETAILS_SQL = `
  SELECT z.data,
    CASE WHEN $2::boolean THEN (
      SELECT json_agg(json_build_object(
               'link_data', zd.data, 'meta', d.meta, 'checked_out_id', d.checked_out_id, 'checked_out_by', d.checked_out_by,
               'lock_owner', d.lock_owner, 'locked_at', d.locked_at, 'version_no', v.version_no, 'blob_ref', v.blob_ref,
               'size', v.size, 'sha256', v.sha256, 'bestandsnaam', v.bestandsnaam, 'content_type', v.content_type,
               'version_created_at', v.created_at) ORDER BY zd.seq)
        FROM ${DOCUMENT_FROM}
        JOIN zaak_document zd ON zd.document_id = d.identificatie
       WHERE zd.zaak_id = z.identificatie) END AS documenten,
    CASE WHEN $3::boolean THEN (
      SELECT json_agg(b.data ORDER BY b.seq) FROM besluit b WHERE b.zaak_id = z.identificatie) END AS besluiten,
    CASE WHEN cardinality($4::text[]) > 0 THEN (
      SELECT json_agg(r.data) FROM zaak r
       WHERE r.identificatie IN (SELECT rel ->> 'identificatie' FROM jsonb_array_elements(z.data -> 'relaties') rel
                                  WHERE rel ->> 'soort' = ANY ($4::text[]))) END AS gerelateerde,
    NOT EXISTS (SELECT 1 FROM store_mark WHERE name = '${UNVALIDATED_MARK}') AS all_validated
  FROM zaak z WHERE z.identificatie = $1`;

/** Runs one statement; throws when the reader may no longer be used, maps a lost connection. */
export type Exec = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<pg.QueryResult<R>>;

export class PgReader implements StoreReader {
  /**
   * forUpdate: inside a transaction, reading a zaak/document/besluit locks its row until commit, so two instances
   * doing read–modify–write on the same object take turns instead of losing one update.
   */
  constructor(
    protected readonly exec: Exec,
    private readonly forUpdate: boolean,
  ) {}

  private lock(): string {
    return this.forUpdate ? ' FOR UPDATE' : '';
  }

  async getZaak(identificatie: string): Promise<Zaak | undefined> {
    const { rows } = await this.exec<{ data: Zaak }>(`SELECT data FROM zaak WHERE identificatie = $1${this.lock()}`, [identificatie]);
    return rows[0]?.data;
  }

  async getDocument(identificatie: string): Promise<Document | undefined> {
    if (this.forUpdate) {
      // Lock the document row on its own first, then read its current version. A join locked with FOR UPDATE
      // OF d would, after waiting for a transaction that moved current_version on, re-check the join against
      // the old version under READ COMMITTED and find no row ("document niet gevonden").
      const locked = await this.exec('SELECT 1 FROM document WHERE identificatie = $1 FOR UPDATE', [identificatie]);
      if (locked.rowCount === 0) return undefined;
    }
    const { rows } = await this.exec<DocumentRow>(`SELECT ${DOCUMENT_COLUMNS} FROM ${DOCUMENT_FROM} WHERE d.identificatie = $1`, [identificatie]);
    return rows[0] ? documentFromRow(rows[0]) : undefined;
  }

  async listDocumentVersions(identificatie: string): Promise<DocumentVersion[]> {
    const { rows } = await this.exec<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM document_version WHERE document_id = $1 ORDER BY version_no`,
      [identificatie],
    );
    return rows.map(versionFromRow);
  }

  async findZaken(query: ZaakQuery): Promise<ZaakQueryResult> {
    return findZaken(this.exec, query);
  }

  async listZaakDocumenten(zaakIdentificatie: string): Promise<Array<{ link: ZaakDocumentLink; document: Document }>> {
    // One statement, so links and documents come from the same snapshot.
    const { rows } = await this.exec<DocumentRow & { link_data: ZaakDocumentLink }>(
      `SELECT zd.data AS link_data, ${DOCUMENT_COLUMNS}
         FROM ${DOCUMENT_FROM}
         JOIN zaak_document zd ON zd.document_id = d.identificatie
        WHERE zd.zaak_id = $1
        ORDER BY zd.seq`,
      [zaakIdentificatie],
    );
    return rows.map((r) => ({ link: r.link_data, document: documentFromRow(r) }));
  }

  async getZaakDetails(identificatie: string, want: ZaakDetailsWanted): Promise<ZaakDetails | undefined> {
    if (this.forUpdate) {
      // Inside a transaction the zaak row is locked on its own (FOR UPDATE cannot lock through the aggregates).
      const zaak = await this.getZaak(identificatie);
      return zaak ? this.detailsOf(zaak, want) : undefined;
    }
    const { rows } = await this.exec<{
      data: Zaak;
      documenten: Array<DocumentRow & { link_data: ZaakDocumentLink }> | null;
      besluiten: Besluit[] | null;
      gerelateerde: Zaak[] | null;
      all_validated: boolean;
    }>(ZAAK_DETAILS_SQL, [identificatie, want.documenten, want.besluiten, want.relaties]);
    const row = rows[0];
    if (!row) return undefined;
    // One statement is one snapshot: a mark committed before unvalidated data is seen together with that data.
    const details: ZaakDetails = { zaak: row.data, allValidated: row.all_validated };
    if (want.documenten) details.documenten = (row.documenten ?? []).map((r) => ({ link: r.link_data, document: documentFromRow(r) }));
    if (want.besluiten) details.besluiten = row.besluiten ?? [];
    if (want.relaties.length > 0) details.gerelateerde = new Map((row.gerelateerde ?? []).map((z) => [z.identificatie, z]));
    return details;
  }

  /** getZaakDetails statement by statement. */
  private async detailsOf(zaak: Zaak, want: ZaakDetailsWanted): Promise<ZaakDetails> {
    const details: ZaakDetails = { zaak };
    if (want.documenten) details.documenten = await this.listZaakDocumenten(zaak.identificatie);
    if (want.besluiten) details.besluiten = await this.listBesluiten(zaak.identificatie);
    if (want.relaties.length > 0) {
      details.gerelateerde = new Map();
      for (const r of zaak.relaties) {
        if (!want.relaties.includes(r.soort) || details.gerelateerde.has(r.identificatie)) continue;
        const other = await this.getZaak(r.identificatie);
        if (other) details.gerelateerde.set(r.identificatie, other);
      }
    }
    return details;
  }

  async listDocumentZaken(documentIdentificatie: string): Promise<ZaakDocumentLink[]> {
    const { rows } = await this.exec<{ data: ZaakDocumentLink }>(
      'SELECT data FROM zaak_document WHERE document_id = $1 ORDER BY seq',
      [documentIdentificatie],
    );
    return rows.map((r) => r.data);
  }

  async getBesluit(identificatie: string): Promise<Besluit | undefined> {
    const { rows } = await this.exec<{ data: Besluit }>(`SELECT data FROM besluit WHERE identificatie = $1${this.lock()}`, [identificatie]);
    return rows[0]?.data;
  }

  async listBesluiten(zaakIdentificatie: string): Promise<Besluit[]> {
    const { rows } = await this.exec<{ data: Besluit }>('SELECT data FROM besluit WHERE zaak_id = $1 ORDER BY seq', [zaakIdentificatie]);
    return rows.map((r) => r.data);
  }

  async getLoggedMessage(zenderKey: string, referentienummer: string): Promise<LoggedMessage | undefined> {
    const { rows } = await this.exec<MessageLogRow>(
      `SELECT ${MESSAGE_LOG_COLUMNS} FROM message_log WHERE zender_key = $1 AND referentienummer = $2`,
      [zenderKey, referentienummer],
    );
    return rows[0] ? loggedMessageFromRow(rows[0]) : undefined;
  }

  async getSidecar(keys: string[]): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    if (keys.length === 0) return out;
    const { rows } = await this.exec<{ key: string; data: unknown }>('SELECT key, data FROM sidecar WHERE key = ANY($1)', [[...new Set(keys)]]);
    for (const r of rows) out.set(r.key, r.data);
    return out;
  }

  async getOverdracht(referentienummer: string): Promise<Overdracht | undefined> {
    // Locked inside a transaction: two Du01 answers to one overdracht on two instances take turns.
    const { rows } = await this.exec<{ data: Overdracht }>(`SELECT data FROM overdracht WHERE referentienummer = $1${this.lock()}`, [referentienummer]);
    return rows[0]?.data;
  }
}
