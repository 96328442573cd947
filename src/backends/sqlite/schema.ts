/**
 * The SQLite schema as an ordered list of migrations. A database records the highest version applied in
 * schema_version; opening applies the missing steps in order, each in its own transaction. Add new steps at
 * the end; never edit a step that has shipped.
 */
import type Database from 'better-sqlite3';
import { beheerTablesSql } from '../beheer-tables.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/**
 * SQL for the initiator key (kind|keyElement|key of the first heeftAlsInitiator rol without eindRelatie), used by
 * migration 2's triggers; since version 9 the writer computes it (initiator-key.ts, pinned to this expression).
 */
export function initiatorKeySql(data: string): string {
  return `(SELECT json_extract(r.value, '$.betrokkene.kind') || '|' || json_extract(r.value, '$.betrokkene.keyElement') || '|' ||
      json_extract(r.value, '$.betrokkene.key')
    FROM json_each(${data}, '$.rollen') r
    WHERE json_extract(r.value, '$.rolType') = 'heeftAlsInitiator' AND json_extract(r.value, '$.eindRelatie') IS NULL
    LIMIT 1)`;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'zaken, documenten, besluiten, berichtlog, identificaties',
    sql: `
      CREATE TABLE zaak (
        identificatie    TEXT PRIMARY KEY,
        zaaktype_code    TEXT NOT NULL,
        startdatum       TEXT NOT NULL,
        registratiedatum TEXT NOT NULL,
        einddatum        TEXT,
        data             TEXT NOT NULL CHECK (json_valid(data)),
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
      );
      CREATE INDEX zaak_zaaktype ON zaak (zaaktype_code);
      CREATE INDEX zaak_startdatum ON zaak (startdatum);
      CREATE INDEX zaak_einddatum ON zaak (einddatum);

      CREATE TABLE document (
        identificatie   TEXT PRIMARY KEY,
        meta            TEXT NOT NULL CHECK (json_valid(meta)),
        current_version INTEGER NOT NULL,
        checked_out_id  TEXT UNIQUE,
        checked_out_by  TEXT,
        lock_owner      TEXT,
        locked_at       TEXT,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
      );

      CREATE TABLE document_version (
        document_id  TEXT NOT NULL REFERENCES document (identificatie) ON DELETE CASCADE,
        version_no   INTEGER NOT NULL,
        blob_ref     TEXT,
        size         INTEGER NOT NULL,
        sha256       TEXT,
        bestandsnaam TEXT,
        content_type TEXT,
        created_at   TEXT NOT NULL,
        PRIMARY KEY (document_id, version_no)
      );

      CREATE TABLE zaak_document (
        zaak_id     TEXT NOT NULL REFERENCES zaak (identificatie),
        document_id TEXT NOT NULL REFERENCES document (identificatie),
        data        TEXT NOT NULL CHECK (json_valid(data)),
        seq         INTEGER NOT NULL,
        PRIMARY KEY (zaak_id, document_id)
      );
      CREATE INDEX zaak_document_order ON zaak_document (zaak_id, seq);
      CREATE INDEX zaak_document_document ON zaak_document (document_id);

      CREATE TABLE besluit (
        identificatie TEXT PRIMARY KEY,
        zaak_id       TEXT NOT NULL REFERENCES zaak (identificatie),
        data          TEXT NOT NULL CHECK (json_valid(data)),
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
      );
      CREATE INDEX besluit_zaak ON besluit (zaak_id);

      CREATE TABLE message_log (
        zender_key       TEXT NOT NULL,
        referentienummer TEXT NOT NULL,
        request_hash     TEXT NOT NULL,
        response_xml     TEXT NOT NULL,
        at               TEXT NOT NULL,
        PRIMARY KEY (zender_key, referentienummer)
      );

      CREATE TABLE id_sequence (
        kind       TEXT NOT NULL,
        scope      TEXT NOT NULL,
        last_value INTEGER NOT NULL,
        PRIMARY KEY (kind, scope)
      );

      CREATE TABLE id_reservation (
        kind        TEXT NOT NULL,
        value       TEXT NOT NULL,
        reserved_at TEXT NOT NULL,
        reserved_by TEXT,
        used_at     TEXT,
        PRIMARY KEY (kind, value)
      );
    `,
  },
  {
    version: 2,
    description: 'zaak: initiator_key en indexen voor zakLv01-selecties',
    // The key of the active initiator is derived from the zaak JSON by triggers, so every write path (and every
    // existing row) keeps it right without the writer knowing about it. Format: kind|keyElement|key.
    sql: `
      ALTER TABLE zaak ADD COLUMN initiator_key TEXT;
      CREATE INDEX zaak_initiator ON zaak (initiator_key);
      CREATE INDEX zaak_registratiedatum ON zaak (registratiedatum);

      CREATE TRIGGER zaak_initiator_insert AFTER INSERT ON zaak BEGIN
        UPDATE zaak SET initiator_key = ${initiatorKeySql('NEW.data')} WHERE identificatie = NEW.identificatie;
      END;
      CREATE TRIGGER zaak_initiator_update AFTER UPDATE OF data ON zaak BEGIN
        UPDATE zaak SET initiator_key = ${initiatorKeySql('NEW.data')} WHERE identificatie = NEW.identificatie;
      END;
      UPDATE zaak SET initiator_key = ${initiatorKeySql('zaak.data')};
    `,
  },
  {
    version: 3,
    description: 'overdracht: zaken aangeboden aan een zaakservice-consumer (overdragenZaak)',
    sql: `
      CREATE TABLE overdracht (
        referentienummer TEXT PRIMARY KEY,
        zaak_id          TEXT NOT NULL REFERENCES zaak (identificatie),
        status           TEXT NOT NULL CHECK (status IN ('verzonden', 'geaccepteerd', 'geweigerd')),
        data             TEXT NOT NULL CHECK (json_valid(data)),
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
      );
      CREATE INDEX overdracht_zaak ON overdracht (zaak_id);
    `,
  },
  {
    version: 4,
    description: 'berichten (message browser), BSN-hashes, leesaudit, beheersleutels',
    sql: `
      ${beheerTablesSql({ id: 'INTEGER PRIMARY KEY AUTOINCREMENT', int: 'INTEGER', text: 'TEXT' })}
    `,
  },
  {
    version: 5,
    description: 'sidecar: gegevens naast een ander systeem (ZGW-backend: ZDS-gegevens zonder ZGW-veld)',
    sql: `
      CREATE TABLE sidecar (
        key        TEXT PRIMARY KEY,
        data       TEXT NOT NULL CHECK (json_valid(data)),
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 6,
    description: 'indexen voor het opruimen: berichtlog op tijdstip, documentversies op blob_ref',
    sql: 'CREATE INDEX message_log_at ON message_log (at); CREATE INDEX document_version_blob ON document_version (blob_ref);',
  },
  {
    version: 7,
    description: 'identificaties in blokken: ondergrens per reeks (ensureAbove), voor elke instantie zichtbaar',
    sql: 'ALTER TABLE id_sequence ADD COLUMN floor_value INTEGER NOT NULL DEFAULT 0;',
  },
  {
    version: 8,
    description: 'markering: gegevens opgeslagen uit een bericht zonder geldig schema-oordeel (antwoordcontrole nodig)',
    // A database that already holds data may hold such values (validation "warn" before this version): marked.
    sql: `
      CREATE TABLE store_mark (
        name   TEXT PRIMARY KEY,
        set_at TEXT NOT NULL,
        reason TEXT NOT NULL
      );
      INSERT INTO store_mark (name, set_at, reason)
        SELECT 'unvalidated-data', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'gegevens van voor schemaversie 8'
        WHERE EXISTS (SELECT 1 FROM zaak) OR EXISTS (SELECT 1 FROM document) OR EXISTS (SELECT 1 FROM besluit);
    `,
  },
  {
    version: 9,
    description: 'zaak.initiator_key door de schrijver gezet in plaats van door triggers (een schrijfactie per zaak minder)',
    // The values already stored were derived by the triggers and stay right; initiator-key.ts computes the same.
    sql: 'DROP TRIGGER IF EXISTS zaak_initiator_insert; DROP TRIGGER IF EXISTS zaak_initiator_update;',
  },
];

/** Bring the database up to the newest schema version; refuses a database written by a newer Zaakpoort. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_version (
    version     INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at  TEXT NOT NULL
  )`);
  const current = (): number =>
    (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_version').get() as { v: number }).v;
  const newest = migrations.reduce((m, s) => Math.max(m, s.version), 0);
  const start = current();
  if (start > newest) {
    throw new Error(`Database heeft schemaversie ${start}; deze Zaakpoort kent alleen versies tot en met ${newest}`);
  }
  for (const step of [...migrations].sort((a, b) => a.version - b.version)) {
    // Each step re-reads the version inside its immediate transaction, so two processes opening at once
    // cannot both apply it.
    db.transaction(() => {
      if (current() >= step.version) return;
      db.exec(step.sql);
      db.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)').run(
        step.version,
        step.description,
        new Date().toISOString(),
      );
    }).immediate();
  }
  return current();
}
