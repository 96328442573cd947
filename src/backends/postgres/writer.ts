/**
 * StoreWriter on a transaction's connection. Duplicates are detected with ON CONFLICT DO NOTHING, so a caught
 * DuplicateError leaves the transaction usable without an extra round trip; writes that can still fail on a
 * missing parent run inside a savepoint, so catching that error also leaves the transaction usable.
 */
import type { Besluit, DocumentLock, DocumentMeta, DocumentVersion, IdKind, Overdracht, Zaak, ZaakDocumentLink } from '../../domain/model.js';
import { DuplicateError, type LoggedMessage, type StoreWriter } from '../../ports/zaak-store.js';
import { FOREIGN_KEY_VIOLATION, pgCode, UNIQUE_VIOLATION } from './errors.js';
import { type Exec, PgReader } from './reader.js';
import { versionParams } from '../sql-rows.js';

function notFound(kind: string, id: string): Error {
  return new Error(`${kind} ${id} bestaat niet`);
}

function assertVersionNo(documentId: string, v: DocumentVersion): void {
  if (!Number.isSafeInteger(v.versionNo) || v.versionNo < 1) {
    throw new Error(`document ${documentId}: versienummer moet een positief geheel getal zijn`);
  }
}

const INSERT_VERSION = `INSERT INTO document_version
  (document_id, version_no, blob_ref, size, sha256, bestandsnaam, content_type, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;

/** A string as an SQL literal (pg's escapeLiteral: correct whatever standard_conforming_strings says). */
export type QuoteLiteral = (value: string) => string;

export class PgWriter extends PgReader implements StoreWriter {
  /**
   * Statements whose result nothing waits for, sent in front of COMMIT in the same round trip (one simple query:
   * should one fail, the COMMIT in it does not run and the transaction rolls back). Values are quoted literals.
   */
  readonly beforeCommit: string[] = [];

  constructor(
    exec: Exec,
    private readonly now: () => Date,
    private readonly quote: QuoteLiteral,
  ) {
    super(exec, true);
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  /** Run statements in a savepoint; map a unique or foreign-key violation to a clear error. */
  private async savepoint<T>(kind: DuplicateError['kind'], id: string, fn: () => Promise<T>): Promise<T> {
    await this.exec('SAVEPOINT zp_write');
    try {
      const result = await fn();
      await this.exec('RELEASE SAVEPOINT zp_write');
      return result;
    } catch (e) {
      await this.exec('ROLLBACK TO SAVEPOINT zp_write');
      await this.exec('RELEASE SAVEPOINT zp_write');
      const code = pgCode(e);
      if (code === UNIQUE_VIOLATION) throw new DuplicateError(kind, id);
      if (code === FOREIGN_KEY_VIOLATION) throw new Error(`${kind} ${id}: de zaak of het document waarnaar verwezen wordt bestaat niet`);
      throw e;
    }
  }

  async insertZaak(zaak: Zaak): Promise<void> {
    const at = this.stamp();
    const res = await this.exec(
      `INSERT INTO zaak (identificatie, zaaktype_code, startdatum, registratiedatum, einddatum, data, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (identificatie) DO NOTHING`,
      [zaak.identificatie, zaak.zaaktype.code, zaak.startdatum.value, zaak.registratiedatum.value, zaak.einddatum?.value ?? null, JSON.stringify(zaak), at],
    );
    if (res.rowCount === 0) throw new DuplicateError('zaak', zaak.identificatie);
  }

  async updateZaak(zaak: Zaak): Promise<void> {
    const res = await this.exec(
      `UPDATE zaak SET zaaktype_code = $1, startdatum = $2, registratiedatum = $3, einddatum = $4, data = $5, updated_at = $6
        WHERE identificatie = $7`,
      [zaak.zaaktype.code, zaak.startdatum.value, zaak.registratiedatum.value, zaak.einddatum?.value ?? null, JSON.stringify(zaak), this.stamp(), zaak.identificatie],
    );
    if (res.rowCount === 0) throw notFound('zaak', zaak.identificatie);
  }

  async insertDocument(meta: DocumentMeta, firstVersion: DocumentVersion): Promise<void> {
    assertVersionNo(meta.identificatie, firstVersion);
    const at = this.stamp();
    // One statement: document and first version are stored together or not at all.
    const res = await this.exec(
      `WITH d AS (
         INSERT INTO document (identificatie, meta, current_version, created_at, updated_at)
         VALUES ($1, $9::jsonb, $2::integer, $10::text, $10::text) ON CONFLICT (identificatie) DO NOTHING RETURNING identificatie)
       INSERT INTO document_version (document_id, version_no, blob_ref, size, sha256, bestandsnaam, content_type, created_at)
       SELECT d.identificatie, $2::integer, $3::text, $4::bigint, $5::text, $6::text, $7::text, $8::text FROM d`,
      [...versionParams(meta.identificatie, firstVersion), JSON.stringify(meta), at],
    );
    if (res.rowCount === 0) throw new DuplicateError('document', meta.identificatie);
  }

  async updateDocumentMeta(meta: DocumentMeta): Promise<void> {
    const res = await this.exec('UPDATE document SET meta = $1, updated_at = $2 WHERE identificatie = $3', [
      JSON.stringify(meta),
      this.stamp(),
      meta.identificatie,
    ]);
    if (res.rowCount === 0) throw notFound('document', meta.identificatie);
  }

  async addDocumentVersion(identificatie: string, version: DocumentVersion): Promise<void> {
    assertVersionNo(identificatie, version);
    // The row lock makes a concurrent version from another instance wait, so version numbers only go up.
    const { rows } = await this.exec<{ current_version: number }>(
      'SELECT current_version FROM document WHERE identificatie = $1 FOR UPDATE',
      [identificatie],
    );
    const row = rows[0];
    if (!row) throw notFound('document', identificatie);
    if (version.versionNo <= row.current_version) {
      throw new Error(`document ${identificatie}: nieuwe versie ${version.versionNo} moet hoger zijn dan ${row.current_version}`);
    }
    await this.exec(INSERT_VERSION, versionParams(identificatie, version));
    await this.exec('UPDATE document SET current_version = $1, updated_at = $2 WHERE identificatie = $3', [
      version.versionNo,
      this.stamp(),
      identificatie,
    ]);
  }

  async setDocumentLock(identificatie: string, lock: DocumentLock | undefined): Promise<void> {
    const res = await this.exec(
      `UPDATE document SET checked_out_id = $1, checked_out_by = $2, lock_owner = $3, locked_at = $4, updated_at = $5
        WHERE identificatie = $6`,
      [lock?.checkedOutId ?? null, lock?.checkedOutBy ?? null, lock?.owner ?? null, lock?.at ?? null, this.stamp(), identificatie],
    );
    if (res.rowCount === 0) throw notFound('document', identificatie);
  }

  /**
   * One statement, no savepoint (which costs two more round trips): the INSERT itself checks that both parents
   * exist and skips a link that exists. Only when it inserted nothing does a second read tell which it was.
   * A parent deleted by another transaction in between still trips the foreign key: that bericht then fails
   * as a whole (its transaction is aborted), never half.
   */
  async linkDocument(link: ZaakDocumentLink): Promise<void> {
    const ids = [link.zaakIdentificatie, link.documentIdentificatie];
    const res = await this.exec(
      `INSERT INTO zaak_document (zaak_id, document_id, data)
       SELECT $1::text, $2::text, $3::jsonb
        WHERE EXISTS (SELECT 1 FROM zaak WHERE identificatie = $1) AND EXISTS (SELECT 1 FROM document WHERE identificatie = $2)
       ON CONFLICT (zaak_id, document_id) DO NOTHING`,
      [...ids, JSON.stringify(link)],
    );
    if (res.rowCount === 1) return;
    const linked = await this.exec('SELECT 1 FROM zaak_document WHERE zaak_id = $1 AND document_id = $2', ids);
    if (linked.rowCount) throw new DuplicateError('link', ids.join('/'));
    throw new Error(`link ${ids.join('/')}: de zaak of het document waarnaar verwezen wordt bestaat niet`);
  }

  async unlinkDocument(zaakIdentificatie: string, documentIdentificatie: string): Promise<boolean> {
    const res = await this.exec('DELETE FROM zaak_document WHERE zaak_id = $1 AND document_id = $2', [zaakIdentificatie, documentIdentificatie]);
    return (res.rowCount ?? 0) > 0;
  }

  async insertBesluit(besluit: Besluit): Promise<void> {
    const at = this.stamp();
    await this.savepoint('besluit', besluit.identificatie, () =>
      this.exec('INSERT INTO besluit (identificatie, zaak_id, data, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)', [
        besluit.identificatie,
        besluit.zaakIdentificatie,
        JSON.stringify(besluit),
        at,
      ]),
    );
  }

  async updateBesluit(besluit: Besluit): Promise<void> {
    const res = await this.savepoint('besluit', besluit.identificatie, () =>
      this.exec('UPDATE besluit SET zaak_id = $1, data = $2, updated_at = $3 WHERE identificatie = $4', [
        besluit.zaakIdentificatie,
        JSON.stringify(besluit),
        this.stamp(),
        besluit.identificatie,
      ]),
    );
    if (res.rowCount === 0) throw notFound('besluit', besluit.identificatie);
  }

  async logMessage(message: LoggedMessage): Promise<void> {
    await logMessageWith(this.exec, message);
  }

  async insertOverdracht(o: Overdracht): Promise<void> {
    const at = this.stamp();
    await this.savepoint('overdracht', o.referentienummer, () =>
      this.exec('INSERT INTO overdracht (referentienummer, zaak_id, status, data, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)', [
        o.referentienummer,
        o.zaakIdentificatie,
        o.status,
        JSON.stringify(o),
        at,
      ]),
    );
  }

  async updateOverdracht(o: Overdracht): Promise<void> {
    const res = await this.savepoint('overdracht', o.referentienummer, () =>
      this.exec('UPDATE overdracht SET zaak_id = $1, status = $2, data = $3, updated_at = $4 WHERE referentienummer = $5', [
        o.zaakIdentificatie,
        o.status,
        JSON.stringify(o),
        this.stamp(),
        o.referentienummer,
      ]),
    );
    if (res.rowCount === 0) throw notFound('overdracht', o.referentienummer);
  }

  async putSidecar(key: string, value: unknown): Promise<void> {
    if (value === undefined) await this.exec('DELETE FROM sidecar WHERE key = $1', [key]);
    else {
      await this.exec(
        'INSERT INTO sidecar (key, data, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at',
        [key, JSON.stringify(value), this.stamp()],
      );
    }
  }

  /** Sent with the COMMIT: it reports nothing back, and no statement of the transaction reads used_at. */
  async markIdentificatieUsed(kind: IdKind, value: string): Promise<void> {
    const q = this.quote;
    this.beforeCommit.push(`UPDATE id_reservation SET used_at = ${q(this.stamp())} WHERE kind = ${q(kind)} AND value = ${q(value)} AND used_at IS NULL`);
  }
}

/** The message-log INSERT, in a transaction (PgWriter) or on its own in autocommit (PgZaakStore.logMessageAlone). */
export async function logMessageWith(exec: Exec, message: LoggedMessage): Promise<void> {
  const res = await exec(
    `INSERT INTO message_log (zender_key, referentienummer, request_hash, response_xml, at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (zender_key, referentienummer) DO NOTHING`,
    [message.zenderKey, message.referentienummer, message.requestHash, message.responseXml, message.at],
  );
  if (res.rowCount === 0) throw new DuplicateError('message', `${message.zenderKey}/${message.referentienummer}`);
}
