/** StoreReader over PostgreSQL: on the pool for plain reads, or on a transaction's connection. */
import type pg from 'pg';
import type { Besluit, Document, DocumentVersion, Overdracht, Zaak, ZaakDocumentLink } from '../../domain/model.js';
import type { LoggedMessage, StoreReader, ZaakQuery, ZaakQueryResult } from '../../ports/zaak-store.js';
import { findZaken } from './find-zaken.js';
import { DOCUMENT_COLUMNS, DOCUMENT_FROM, documentFromRow, type DocumentRow, loggedMessageFromRow, MESSAGE_LOG_COLUMNS, type MessageLogRow, VERSION_COLUMNS, type VersionRow, versionFromRow } from '../sql-rows.js';

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

  private lock(of?: string): string {
    return this.forUpdate ? ` FOR UPDATE${of ? ` OF ${of}` : ''}` : '';
  }

  async getZaak(identificatie: string): Promise<Zaak | undefined> {
    const { rows } = await this.exec<{ data: Zaak }>(`SELECT data FROM zaak WHERE identificatie = $1${this.lock()}`, [identificatie]);
    return rows[0]?.data;
  }

  async getDocument(identificatie: string): Promise<Document | undefined> {
    const { rows } = await this.exec<DocumentRow>(
      `SELECT ${DOCUMENT_COLUMNS} FROM ${DOCUMENT_FROM} WHERE d.identificatie = $1${this.lock('d')}`,
      [identificatie],
    );
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
