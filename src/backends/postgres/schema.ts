/**
 * The PostgreSQL schema as an ordered list of migrations, recorded in schema_version. migrate() holds an advisory
 * lock for the duration, so two instances starting at once apply each step exactly once; each step runs in its
 * own transaction. Add new steps at the end; never edit a step that has shipped.
 */
import type pg from 'pg';
import { assertSchemaName } from './pool.js';
import { beheerTablesSql } from '../beheer-tables.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'zaken, documenten, besluiten, berichtlog, identificaties, documentinhoud',
    sql: `
      -- COLLATE "C": identificaties and yyyymmdd dates compare and sort bytewise, as the ports define, whatever
      -- the database's locale.
      CREATE TABLE zaak (
        identificatie    text COLLATE "C" PRIMARY KEY,
        zaaktype_code    text COLLATE "C" NOT NULL,
        startdatum       text COLLATE "C" NOT NULL,
        registratiedatum text COLLATE "C" NOT NULL,
        einddatum        text COLLATE "C",
        data             jsonb NOT NULL,
        -- kind|keyElement|key of the active initiator (first heeftAlsInitiator rol without eindRelatie), derived
        -- from data by the database so no write path can get it wrong.
        initiator_key    text COLLATE "C" GENERATED ALWAYS AS (
          (jsonb_path_query_first(data, '$.rollen[*] ? (@.rolType == "heeftAlsInitiator" && !exists(@.eindRelatie)).betrokkene') ->> 'kind')
          || '|' ||
          (jsonb_path_query_first(data, '$.rollen[*] ? (@.rolType == "heeftAlsInitiator" && !exists(@.eindRelatie)).betrokkene') ->> 'keyElement')
          || '|' ||
          (jsonb_path_query_first(data, '$.rollen[*] ? (@.rolType == "heeftAlsInitiator" && !exists(@.eindRelatie)).betrokkene') ->> 'key')
        ) STORED,
        created_at       text NOT NULL,
        updated_at       text NOT NULL
      );
      CREATE INDEX zaak_zaaktype ON zaak (zaaktype_code, identificatie);
      CREATE INDEX zaak_startdatum ON zaak (startdatum);
      CREATE INDEX zaak_registratiedatum ON zaak (registratiedatum);
      CREATE INDEX zaak_einddatum ON zaak (einddatum);
      CREATE INDEX zaak_initiator ON zaak (initiator_key);

      CREATE TABLE document (
        identificatie   text PRIMARY KEY,
        meta            jsonb NOT NULL,
        current_version integer NOT NULL,
        checked_out_id  text UNIQUE,
        checked_out_by  text,
        lock_owner      text,
        locked_at       text,
        created_at      text NOT NULL,
        updated_at      text NOT NULL
      );

      CREATE TABLE document_version (
        document_id  text NOT NULL REFERENCES document (identificatie) ON DELETE CASCADE,
        version_no   integer NOT NULL,
        blob_ref     text,
        size         bigint NOT NULL,
        sha256       text,
        bestandsnaam text,
        content_type text,
        created_at   text NOT NULL,
        PRIMARY KEY (document_id, version_no)
      );

      CREATE TABLE zaak_document (
        zaak_id     text NOT NULL REFERENCES zaak (identificatie),
        document_id text NOT NULL REFERENCES document (identificatie),
        data        jsonb NOT NULL,
        -- One sequence for all links: creation order without a max()+1 race between instances.
        seq         bigint GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (zaak_id, document_id)
      );
      CREATE INDEX zaak_document_order ON zaak_document (zaak_id, seq);
      CREATE INDEX zaak_document_document ON zaak_document (document_id);

      CREATE TABLE besluit (
        identificatie text PRIMARY KEY,
        zaak_id       text NOT NULL REFERENCES zaak (identificatie),
        data          jsonb NOT NULL,
        seq           bigint GENERATED ALWAYS AS IDENTITY,
        created_at    text NOT NULL,
        updated_at    text NOT NULL
      );
      CREATE INDEX besluit_zaak ON besluit (zaak_id, seq);

      CREATE TABLE message_log (
        zender_key       text NOT NULL,
        referentienummer text NOT NULL,
        request_hash     text NOT NULL,
        response_xml     text NOT NULL,
        at               text NOT NULL,
        PRIMARY KEY (zender_key, referentienummer)
      );

      CREATE TABLE id_sequence (
        kind       text NOT NULL,
        scope      text NOT NULL,
        last_value bigint NOT NULL,
        PRIMARY KEY (kind, scope)
      );

      CREATE TABLE id_reservation (
        kind        text NOT NULL,
        value       text NOT NULL,
        reserved_at text NOT NULL,
        reserved_by text,
        used_at     text,
        PRIMARY KEY (kind, value)
      );

      -- Document content in 1 MiB chunks. An object is temp (temp_id set) until persist() swaps temp_id for a
      -- blob_ref in one UPDATE; the chunk rows are never copied.
      CREATE TABLE content_object (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        temp_id     text UNIQUE,
        blob_ref    text UNIQUE,
        finished    boolean NOT NULL DEFAULT false,
        size        bigint NOT NULL DEFAULT 0,
        chunks      integer NOT NULL DEFAULT 0,
        sha256      text,
        created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
        touched_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK ((temp_id IS NULL) <> (blob_ref IS NULL))
      );
      CREATE INDEX content_object_temp_age ON content_object (touched_at) WHERE temp_id IS NOT NULL;

      CREATE TABLE content_chunk (
        object_id bigint NOT NULL REFERENCES content_object (id) ON DELETE CASCADE,
        n         integer NOT NULL,
        data      bytea NOT NULL,
        PRIMARY KEY (object_id, n)
      );
      -- Documents are mostly compressed already (PDF, JPEG, DOCX): skip pglz, store out of line.
      ALTER TABLE content_chunk ALTER COLUMN data SET STORAGE EXTERNAL;
    `,
  },
  {
    version: 2,
    description: 'overdracht: zaken aangeboden aan een zaakservice-consumer (overdragenZaak)',
    sql: `
      CREATE TABLE overdracht (
        referentienummer text PRIMARY KEY,
        zaak_id          text NOT NULL REFERENCES zaak (identificatie),
        status           text NOT NULL CHECK (status IN ('verzonden', 'geaccepteerd', 'geweigerd')),
        data             jsonb NOT NULL,
        created_at       text NOT NULL,
        updated_at       text NOT NULL
      );
      CREATE INDEX overdracht_zaak ON overdracht (zaak_id);
    `,
  },
  {
    version: 3,
    description: 'berichten (message browser), BSN-hashes, leesaudit, beheersleutels',
    sql: `
      ${beheerTablesSql({ id: 'bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY', int: 'bigint', text: 'text' })}
    `,
  },
  {
    version: 4,
    description: 'sidecar: gegevens naast een ander systeem (ZGW-backend: ZDS-gegevens zonder ZGW-veld)',
    sql: `
      CREATE TABLE sidecar (
        key        text PRIMARY KEY,
        data       jsonb NOT NULL,
        updated_at text NOT NULL
      );
    `,
  },
  {
    version: 5,
    description: 'indexen voor het opruimen: berichtlog op tijdstip, documentversies op blob_ref',
    sql: 'CREATE INDEX message_log_at ON message_log (at); CREATE INDEX document_version_blob ON document_version (blob_ref);',
  },
  {
    version: 7,
    description: 'identificaties in blokken: ondergrens per reeks (ensureAbove), voor elke instantie zichtbaar',
    sql: 'ALTER TABLE id_sequence ADD COLUMN floor_value bigint NOT NULL DEFAULT 0;',
  },
  {
    version: 8,
    description: 'markering: gegevens opgeslagen uit een bericht zonder geldig schema-oordeel (antwoordcontrole nodig)',
    // A schema that already holds data may hold such values (validation "warn" before this version): marked.
    sql: `
      CREATE TABLE store_mark (
        name   text PRIMARY KEY,
        set_at timestamptz NOT NULL,
        reason text NOT NULL
      );
      INSERT INTO store_mark (name, set_at, reason)
        SELECT 'unvalidated-data', now(), 'gegevens van voor schemaversie 8'
        WHERE EXISTS (SELECT 1 FROM zaak) OR EXISTS (SELECT 1 FROM document) OR EXISTS (SELECT 1 FROM besluit);
    `,
  },
];

export function newestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.reduce((m, s) => Math.max(m, s.version), 0);
}

/**
 * Bring the schema up to the newest version; refuses a schema written by a newer Zaakpoort. Runs on its own
 * connection (the advisory lock is per session). Returns the version the schema is at afterwards.
 */
export async function migrate(pool: pg.Pool, schema: string, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
  assertSchemaName(schema);
  const client = await pool.connect();
  // Same key for every instance on this schema, different per schema (test runs migrate side by side).
  const lockKey = `zaakpoort-migrate:${schema}`;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_version (
        version     integer PRIMARY KEY,
        description text NOT NULL,
        applied_at  timestamptz NOT NULL DEFAULT now()
      )`);
      const current = async (): Promise<number> =>
        Number((await client.query<{ v: number }>(`SELECT coalesce(max(version), 0) AS v FROM ${schema}.schema_version`)).rows[0]!.v);
      const newest = newestVersion(migrations);
      const start = await current();
      if (start > newest) {
        throw new Error(`Database heeft schemaversie ${start}; deze Zaakpoort kent alleen versies tot en met ${newest}`);
      }
      for (const step of [...migrations].sort((a, b) => a.version - b.version)) {
        if (step.version <= start) continue;
        await client.query('BEGIN');
        try {
          await client.query(`SET LOCAL search_path = ${schema}`);
          await client.query(step.sql);
          await client.query(`INSERT INTO ${schema}.schema_version (version, description) VALUES ($1, $2)`, [step.version, step.description]);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`Migratie ${step.version} (${step.description}) mislukt: ${(e as Error).message}`);
        }
      }
      return await current();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}
