/** StoreReader over one SQLite connection: the store's read connection, or the writer inside a transaction. */
import type { Besluit, Document, DocumentVersion, Overdracht, Zaak, ZaakDocumentLink } from '../../domain/model.js';
import type { LoggedMessage, StoreReader, ZaakQuery, ZaakQueryResult } from '../../ports/zaak-store.js';
import type { StatementCache } from './connection.js';
import { findZaken } from './find-zaken.js';
import { DOCUMENT_COLUMNS, DOCUMENT_FROM, documentFromRow, type DocumentRow, loggedMessageFromRow, MESSAGE_LOG_COLUMNS, type MessageLogRow, VERSION_COLUMNS, type VersionRow, versionFromRow } from '../sql-rows.js';

export class SqliteReader implements StoreReader {
  /**
   * guard throws when this reader may no longer be used (store closed, transaction finished); a promise it
   * returns is waited for before the read (the store's reads wait while a commit is not durable yet).
   */
  constructor(
    protected readonly sql: StatementCache,
    protected readonly guard: () => void | Promise<void>,
  ) {}

  async getZaak(identificatie: string): Promise<Zaak | undefined> {
    await this.guard();
    const row = this.sql.get('SELECT data FROM zaak WHERE identificatie = ?').get(identificatie) as
      | { data: string }
      | undefined;
    return row ? (JSON.parse(row.data) as Zaak) : undefined;
  }

  async getDocument(identificatie: string): Promise<Document | undefined> {
    await this.guard();
    const row = this.sql
      .get(`SELECT ${DOCUMENT_COLUMNS} FROM ${DOCUMENT_FROM} WHERE d.identificatie = ?`)
      .get(identificatie) as DocumentRow | undefined;
    return row ? documentFromRow(row) : undefined;
  }

  async listDocumentVersions(identificatie: string): Promise<DocumentVersion[]> {
    await this.guard();
    const rows = this.sql
      .get(
        `SELECT ${VERSION_COLUMNS} FROM document_version WHERE document_id = ? ORDER BY version_no`,
      )
      .all(identificatie) as VersionRow[];
    return rows.map(versionFromRow);
  }

  async listZaakDocumenten(zaakIdentificatie: string): Promise<Array<{ link: ZaakDocumentLink; document: Document }>> {
    await this.guard();
    // One statement, so links and documents come from the same snapshot.
    const rows = this.sql
      .get(
        `SELECT zd.data AS link_data, ${DOCUMENT_COLUMNS}
           FROM ${DOCUMENT_FROM}
           JOIN zaak_document zd ON zd.document_id = d.identificatie
         WHERE zd.zaak_id = ?
         ORDER BY zd.seq`,
      )
      .all(zaakIdentificatie) as Array<DocumentRow & { link_data: string }>;
    return rows.map((r) => ({ link: JSON.parse(r.link_data) as ZaakDocumentLink, document: documentFromRow(r) }));
  }

  async listDocumentZaken(documentIdentificatie: string): Promise<ZaakDocumentLink[]> {
    await this.guard();
    const rows = this.sql
      .get('SELECT data FROM zaak_document WHERE document_id = ? ORDER BY rowid')
      .all(documentIdentificatie) as Array<{ data: string }>;
    return rows.map((r) => JSON.parse(r.data) as ZaakDocumentLink);
  }

  async getBesluit(identificatie: string): Promise<Besluit | undefined> {
    await this.guard();
    const row = this.sql.get('SELECT data FROM besluit WHERE identificatie = ?').get(identificatie) as
      | { data: string }
      | undefined;
    return row ? (JSON.parse(row.data) as Besluit) : undefined;
  }

  async listBesluiten(zaakIdentificatie: string): Promise<Besluit[]> {
    await this.guard();
    const rows = this.sql.get('SELECT data FROM besluit WHERE zaak_id = ? ORDER BY rowid').all(zaakIdentificatie) as Array<{
      data: string;
    }>;
    return rows.map((r) => JSON.parse(r.data) as Besluit);
  }

  async findZaken(query: ZaakQuery): Promise<ZaakQueryResult> {
    await this.guard();
    return findZaken(this.sql, query);
  }

  async getLoggedMessage(zenderKey: string, referentienummer: string): Promise<LoggedMessage | undefined> {
    await this.guard();
    const row = this.sql
      .get(`SELECT ${MESSAGE_LOG_COLUMNS} FROM message_log WHERE zender_key = ? AND referentienummer = ?`)
      .get(zenderKey, referentienummer) as MessageLogRow | undefined;
    return row ? loggedMessageFromRow(row) : undefined;
  }

  async getSidecar(keys: string[]): Promise<Map<string, unknown>> {
    await this.guard();
    const out = new Map<string, unknown>();
    const stmt = this.sql.get('SELECT data FROM sidecar WHERE key = ?');
    for (const key of new Set(keys)) {
      const row = stmt.get(key) as { data: string } | undefined;
      if (row) out.set(key, JSON.parse(row.data));
    }
    return out;
  }

  async getOverdracht(referentienummer: string): Promise<Overdracht | undefined> {
    await this.guard();
    const row = this.sql.get('SELECT data FROM overdracht WHERE referentienummer = ?').get(referentienummer) as
      | { data: string }
      | undefined;
    return row ? (JSON.parse(row.data) as Overdracht) : undefined;
  }
}
