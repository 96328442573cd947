/** StoreWriter on the writer connection; only valid while its transaction is open. */
import type {
  Besluit,
  DocumentLock,
  DocumentMeta,
  DocumentVersion,
  IdKind,
  Overdracht,
  Zaak,
  ZaakDocumentLink,
} from '../../domain/model.js';
import { DuplicateError, type LoggedMessage, type StoreWriter } from '../../ports/zaak-store.js';
import { constraintKind, type StatementCache } from './connection.js';
import { initiatorKey } from './initiator-key.js';
import { SqliteReader } from './reader.js';
import { versionParams } from '../sql-rows.js';

type DuplicateKind = DuplicateError['kind'];

/** Run a write; map a unique violation to DuplicateError and a missing parent to a readable error. */
function write<T>(kind: DuplicateKind, id: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const c = constraintKind(e);
    if (c === 'unique') throw new DuplicateError(kind, id);
    if (c === 'foreignkey') throw new Error(`${kind} ${id}: de zaak of het document waarnaar verwezen wordt bestaat niet`);
    throw e;
  }
}

function notFound(kind: string, id: string): Error {
  return new Error(`${kind} ${id} bestaat niet`);
}

export class SqliteWriter extends SqliteReader implements StoreWriter {
  constructor(
    sql: StatementCache,
    guard: () => void,
    private readonly now: () => Date,
  ) {
    super(sql, guard);
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  async insertZaak(zaak: Zaak): Promise<void> {
    this.guard();
    const at = this.stamp();
    write('zaak', zaak.identificatie, () =>
      this.sql
        .get(
          `INSERT INTO zaak (identificatie, zaaktype_code, startdatum, registratiedatum, einddatum, data, initiator_key, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          zaak.identificatie,
          zaak.zaaktype.code,
          zaak.startdatum.value,
          zaak.registratiedatum.value,
          zaak.einddatum?.value ?? null,
          JSON.stringify(zaak),
          initiatorKey(zaak),
          at,
          at,
        ),
    );
  }

  async updateZaak(zaak: Zaak): Promise<void> {
    this.guard();
    const res = this.sql
      .get(
        `UPDATE zaak SET zaaktype_code = ?, startdatum = ?, registratiedatum = ?, einddatum = ?, data = ?, initiator_key = ?,
                         updated_at = ?
          WHERE identificatie = ?`,
      )
      .run(
        zaak.zaaktype.code,
        zaak.startdatum.value,
        zaak.registratiedatum.value,
        zaak.einddatum?.value ?? null,
        JSON.stringify(zaak),
        initiatorKey(zaak),
        this.stamp(),
        zaak.identificatie,
      );
    if (res.changes === 0) throw notFound('zaak', zaak.identificatie);
  }

  async insertDocument(meta: DocumentMeta, firstVersion: DocumentVersion): Promise<void> {
    this.guard();
    const at = this.stamp();
    // A savepoint keeps document and version together even if the caller catches an error and carries on.
    this.sql.db.transaction(() => {
      write('document', meta.identificatie, () =>
        this.sql
          .get(
            `INSERT INTO document (identificatie, meta, current_version, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?)`,
          )
          .run(meta.identificatie, JSON.stringify(meta), firstVersion.versionNo, at, at),
      );
      this.insertVersion(meta.identificatie, firstVersion);
    })();
  }

  private insertVersion(documentId: string, version: DocumentVersion): void {
    if (!Number.isSafeInteger(version.versionNo) || version.versionNo < 1) {
      throw new Error(`document ${documentId}: versienummer moet een positief geheel getal zijn`);
    }
    this.sql
      .get(
        `INSERT INTO document_version
           (document_id, version_no, blob_ref, size, sha256, bestandsnaam, content_type, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...versionParams(documentId, version));
  }

  async updateDocumentMeta(meta: DocumentMeta): Promise<void> {
    this.guard();
    const res = this.sql
      .get('UPDATE document SET meta = ?, updated_at = ? WHERE identificatie = ?')
      .run(JSON.stringify(meta), this.stamp(), meta.identificatie);
    if (res.changes === 0) throw notFound('document', meta.identificatie);
  }

  async addDocumentVersion(identificatie: string, version: DocumentVersion): Promise<void> {
    this.guard();
    this.sql.db.transaction(() => {
      const row = this.sql.get('SELECT current_version FROM document WHERE identificatie = ?').get(identificatie) as
        | { current_version: number }
        | undefined;
      if (!row) throw notFound('document', identificatie);
      // Versions only go up: getDocument returns the current one, and older ones stay as history.
      if (version.versionNo <= row.current_version) {
        throw new Error(
          `document ${identificatie}: nieuwe versie ${version.versionNo} moet hoger zijn dan ${row.current_version}`,
        );
      }
      this.insertVersion(identificatie, version);
      this.sql
        .get('UPDATE document SET current_version = ?, updated_at = ? WHERE identificatie = ?')
        .run(version.versionNo, this.stamp(), identificatie);
    })();
  }

  async setDocumentLock(identificatie: string, lock: DocumentLock | undefined): Promise<void> {
    this.guard();
    const res = this.sql
      .get(
        `UPDATE document SET checked_out_id = ?, checked_out_by = ?, lock_owner = ?, locked_at = ?, updated_at = ?
          WHERE identificatie = ?`,
      )
      .run(
        lock?.checkedOutId ?? null,
        lock?.checkedOutBy ?? null,
        lock?.owner ?? null,
        lock?.at ?? null,
        this.stamp(),
        identificatie,
      );
    if (res.changes === 0) throw notFound('document', identificatie);
  }

  async linkDocument(link: ZaakDocumentLink): Promise<void> {
    this.guard();
    write('link', `${link.zaakIdentificatie}/${link.documentIdentificatie}`, () =>
      this.sql
        .get(
          `INSERT INTO zaak_document (zaak_id, document_id, data, seq)
           VALUES (?, ?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM zaak_document WHERE zaak_id = ?))`,
        )
        .run(link.zaakIdentificatie, link.documentIdentificatie, JSON.stringify(link), link.zaakIdentificatie),
    );
  }

  async unlinkDocument(zaakIdentificatie: string, documentIdentificatie: string): Promise<boolean> {
    this.guard();
    const res = this.sql
      .get('DELETE FROM zaak_document WHERE zaak_id = ? AND document_id = ?')
      .run(zaakIdentificatie, documentIdentificatie);
    return res.changes > 0;
  }

  async insertBesluit(besluit: Besluit): Promise<void> {
    this.guard();
    const at = this.stamp();
    write('besluit', besluit.identificatie, () =>
      this.sql
        .get('INSERT INTO besluit (identificatie, zaak_id, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
        .run(besluit.identificatie, besluit.zaakIdentificatie, JSON.stringify(besluit), at, at),
    );
  }

  async updateBesluit(besluit: Besluit): Promise<void> {
    this.guard();
    const res = write('besluit', besluit.identificatie, () =>
      this.sql
        .get('UPDATE besluit SET zaak_id = ?, data = ?, updated_at = ? WHERE identificatie = ?')
        .run(besluit.zaakIdentificatie, JSON.stringify(besluit), this.stamp(), besluit.identificatie),
    );
    if (res.changes === 0) throw notFound('besluit', besluit.identificatie);
  }

  async logMessage(message: LoggedMessage): Promise<void> {
    this.guard();
    write('message', `${message.zenderKey}/${message.referentienummer}`, () =>
      this.sql
        .get(
          `INSERT INTO message_log (zender_key, referentienummer, request_hash, response_xml, at)
           VALUES (?, ?, ?, ?, ?)`,
        )
        .run(message.zenderKey, message.referentienummer, message.requestHash, message.responseXml, message.at),
    );
  }

  async insertOverdracht(o: Overdracht): Promise<void> {
    this.guard();
    const at = this.stamp();
    write('overdracht', o.referentienummer, () =>
      this.sql
        .get('INSERT INTO overdracht (referentienummer, zaak_id, status, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(o.referentienummer, o.zaakIdentificatie, o.status, JSON.stringify(o), at, at),
    );
  }

  async updateOverdracht(o: Overdracht): Promise<void> {
    this.guard();
    const res = write('overdracht', o.referentienummer, () =>
      this.sql
        .get('UPDATE overdracht SET zaak_id = ?, status = ?, data = ?, updated_at = ? WHERE referentienummer = ?')
        .run(o.zaakIdentificatie, o.status, JSON.stringify(o), this.stamp(), o.referentienummer),
    );
    if (res.changes === 0) throw notFound('overdracht', o.referentienummer);
  }

  async putSidecar(key: string, value: unknown): Promise<void> {
    this.guard();
    if (value === undefined) this.sql.get('DELETE FROM sidecar WHERE key = ?').run(key);
    else {
      this.sql
        .get('INSERT INTO sidecar (key, data, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at')
        .run(key, JSON.stringify(value), this.stamp());
    }
  }

  async markIdentificatieUsed(kind: IdKind, value: string): Promise<void> {
    this.guard();
    this.sql
      .get('UPDATE id_reservation SET used_at = ? WHERE kind = ? AND value = ? AND used_at IS NULL')
      .run(this.stamp(), kind, value);
  }
}
