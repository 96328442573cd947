/**
 * The message browser's tables (migration 4 on SQLite, 3 on PostgreSQL): one text for both dialects, with the
 * column types each one spells its own way. Shipped: never change it, add a new migration instead.
 */
export interface ColumnTypes {
  /** An auto-generated integer primary key. */
  id: string;
  int: string;
  text: string;
}

export function beheerTablesSql(t: ColumnTypes): string {
  return `
      -- One row per bericht handled (message browser). at: epoch milliseconds. detail (JSON) holds the capped
      -- request and answer (never document content: its size and SHA-256 instead) and the backend calls made.
      CREATE TABLE bericht (
        id               ${t.id},
        at               ${t.int} NOT NULL,
        zender           ${t.text} NOT NULL,
        gebruiker        ${t.text},
        operation        ${t.text} NOT NULL,
        outcome          ${t.text} NOT NULL,
        foutcode         ${t.text},
        referentienummer ${t.text},
        zaak_id          ${t.text},
        document_id      ${t.text},
        besluit_id       ${t.text},
        duration_ms      ${t.int} NOT NULL,
        replay_of        ${t.int},
        detail           ${t.text} NOT NULL
      );
      CREATE INDEX bericht_at ON bericht (at);
      CREATE INDEX bericht_zender ON bericht (zender, id);
      CREATE INDEX bericht_operation ON bericht (operation, id);
      CREATE INDEX bericht_outcome ON bericht (outcome, id);
      CREATE INDEX bericht_foutcode ON bericht (foutcode, id) WHERE foutcode IS NOT NULL;
      CREATE INDEX bericht_zaak ON bericht (zaak_id, id) WHERE zaak_id IS NOT NULL;
      CREATE INDEX bericht_document ON bericht (document_id, id) WHERE document_id IS NOT NULL;
      CREATE INDEX bericht_besluit ON bericht (besluit_id, id) WHERE besluit_id IS NOT NULL;

      -- The BSNs in a bericht, as keyed hashes (HMAC-SHA256): searchable without keeping the number itself.
      CREATE TABLE bericht_bsn (
        bsn_hash   ${t.text} NOT NULL,
        bericht_id ${t.int} NOT NULL REFERENCES bericht (id) ON DELETE CASCADE,
        PRIMARY KEY (bsn_hash, bericht_id)
      );
      CREATE INDEX bericht_bsn_bericht ON bericht_bsn (bericht_id);

      -- Read audit (AVG): who read which zaak, document or besluit, when, through which operation.
      CREATE TABLE read_audit (
        id            ${t.id},
        at            ${t.int} NOT NULL,
        zender        ${t.text} NOT NULL,
        gebruiker     ${t.text},
        operation     ${t.text} NOT NULL,
        kind          ${t.text} NOT NULL CHECK (kind IN ('zaak', 'document', 'besluit')),
        identificatie ${t.text} NOT NULL,
        bericht_id    ${t.int}
      );
      CREATE INDEX read_audit_at ON read_audit (at);
      CREATE INDEX read_audit_object ON read_audit (identificatie, id);
      CREATE INDEX read_audit_gebruiker ON read_audit (gebruiker, id);

      -- Keys the beheer side generates once and keeps (the BSN hash key, the session signing key).
      CREATE TABLE beheer_setting (
        name  ${t.text} PRIMARY KEY,
        value ${t.text} NOT NULL
      );
  `;
}
