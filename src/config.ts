/**
 * Configuration: environment variables for the quick start, plus an optional JSON file (ZAAKPOORT_CONFIG) for
 * everything a municipality sets once (catalogue, senders, identificatie templates). Environment wins.
 *
 * The whole configuration (file and environment together) is checked against ONE schema, `ConfigSchema` below:
 * unknown keys are refused with their path (a misspelt `sendrs` must not silently leave Zaakpoort open), wrong
 * types and values name the key and what is allowed, and every default lives in the schema.
 *
 * Adding a setting: add the key to `ConfigSchema` (with its default and a comment), and when it has an
 * environment variable, a line in `ENV` below. The TypeScript types (`Config`, ...) are derived from the schema.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { OMSCHRIJVING_GENERIEK } from './backends/zgw/config.js';
import { DEFAULT_ID_BLOCK_SIZE } from './backends/id-sequence.js';

const MIB = 1024 * 1024;

const strictness = z.enum(['strict', 'warn', 'off']);
const nonEmpty = z.string().min(1);

const zaaktypeSchema = z.strictObject({
  code: nonEmpty,
  omschrijving: z.string().optional(),
  ingangsdatumObject: z.string().optional(),
  statustypen: z
    .array(z.strictObject({ volgnummer: nonEmpty, omschrijving: z.string(), code: z.string().optional(), isEindstatus: z.boolean().optional() }))
    .optional(),
  roltypen: z.array(z.strictObject({ rolType: nonEmpty, omschrijving: z.string().optional() })).optional(),
  documenttypen: z.array(z.strictObject({ omschrijving: nonEmpty })).optional(),
});

/**
 * Real clients as they are: known deviations from ZDS accepted for one application only, all off by default.
 * Each switch is for a client seen doing it (README "Client deviations").
 */
const deviationsSchema = z.strictObject({
  /**
   * Open Forms (StUF-ZDS plugin, payment status): updateZaak as zakLk01 with mutatiesoort W and ONE object, the
   * new state. Taken as the new object, with an old object that holds only the identificatie.
   */
  updateZaakEnkelObject: z.boolean().optional(),
  /**
   * Open Forms' single-object updateZaak (above) carrying relations with verwerkingssoort W that have no
   * counterpart in an old object: the stored relation is found through the new one (same rol, same betrokkene).
   */
  wijzigingZonderOudeRelatie: z.boolean().optional(),
});

/** A StUF address (organisatie / applicatie / administratie). */
const addressSchema = z.strictObject({ organisatie: z.string().optional(), applicatie: nonEmpty, administratie: z.string().optional() });

const senderSchema = z.strictObject({
  organisatie: z.string().optional(),
  applicatie: nonEmpty,
  administratie: z.string().optional(),
  /** Operation names (ZDS 1.2 names) this application may call; absent = all. */
  operations: z.array(nonEmpty).optional(),
  /** Zaaktype codes this application may touch; absent = all. */
  zaaktypen: z.array(nonEmpty).optional(),
  validation: strictness.optional(),
  /** Mutual TLS: the client certificate's subject CN that belongs to this application. */
  certificateSubject: nonEmpty.optional(),
  /** Mutual TLS: the OIN in the client certificate (subject serialNumber or organizationIdentifier). */
  oin: nonEmpty.optional(),
  /** HTTP basic auth for this application; passwordHash from `zaakpoort hash-password` (scrypt), never the password. */
  basicAuth: z
    .strictObject({
      username: nonEmpty.refine((u) => !u.includes(':'), 'mag geen ":" bevatten'),
      passwordHash: z.string().regex(/^\$scrypt\$/, 'moet een hash van zaakpoort hash-password zijn ($scrypt$...), nooit het wachtwoord zelf'),
    })
    .optional(),
  /** Known deviations of this application from ZDS that Zaakpoort accepts anyway; all off by default. */
  deviations: deviationsSchema.optional(),
});

/** HTTPS, optionally with client certificates (Digikoppeling style two-sided TLS). Paths to PEM files. */
const tlsSchema = z.strictObject({
  cert: nonEmpty,
  key: nonEmpty,
  /** CA certificate(s) client certificates must chain to; required with requireClientCert. */
  ca: nonEmpty.optional(),
  /** Refuse every TLS connection without a client certificate signed by `ca`. */
  requireClientCert: z.boolean().optional(),
});

const sqliteBackendSchema = z.strictObject({ kind: z.literal('sqlite') });

/** The PostgreSQL backend (several Zaakpoort instances may share one database schema). */
const postgresBackendSchema = z.strictObject({
  kind: z.literal('postgres'),
  url: nonEmpty,
  /** Schema for Zaakpoort's tables; default "zaakpoort" (env ZAAKPOORT_DATABASE_SCHEMA). */
  schema: nonEmpty.optional(),
  /** Connections per instance (env ZAAKPOORT_DATABASE_POOL_MAX, default 10). */
  poolMax: z.int().min(1).optional(),
  /** Per-statement limit (env ZAAKPOORT_DATABASE_STATEMENT_TIMEOUT_MS, default 30000). */
  statementTimeoutMs: z.int().min(0).optional(),
  /** Close connections idle this long (env ZAAKPOORT_DATABASE_IDLE_TIMEOUT_MS, default 30000). */
  idleTimeoutMs: z.int().min(0).optional(),
  /** Document bytes in the database (default) or as files under dataDir, shared by all instances (env ZAAKPOORT_CONTENT_STORE). */
  content: z.enum(['postgres', 'fs']).optional(),
});

const ROL_RELATIES = ['heeftAlsBelanghebbende', 'heeftAlsGemachtigde', 'heeftAlsInitiator', 'heeftAlsUitvoerende', 'heeftAlsVerantwoordelijke', 'heeftAlsOverigBetrokkene'] as const;

/** Per ZDS zaaktype code: how ZDS values find their ZGW catalogue counterparts (src/backends/zgw/config.ts). */
const zgwProfileSchema = z.strictObject({
  /** ZDS relation → roltype omschrijvingGeneriek, or "omschrijving:<roltype omschrijving>". */
  roltypen: z.partialRecord(z.enum(ROL_RELATIES), z.string().refine((v) => v.startsWith('omschrijving:') || (OMSCHRIJVING_GENERIEK as readonly string[]).includes(v),
    `moet een omschrijvingGeneriek zijn (${OMSCHRIJVING_GENERIEK.join(', ')}) of "omschrijving:<tekst>"`)).optional(),
  statustypeMatch: z.enum(['volgnummer', 'code', 'omschrijving']).optional(),
  resultaattypeMatch: z.enum(['omschrijving', 'omschrijvingGeneriek']).optional(),
  /** ZDS dct.omschrijving → informatieobjecttype omschrijving. */
  documenttypen: z.record(z.string(), z.string()).optional(),
  /** StUF extraElement naam → zaakeigenschap naam. */
  eigenschappen: z.record(z.string(), z.string()).optional(),
  /** besluittype omschrijving for a besluit without bst.omschrijving. */
  besluittype: z.string().min(1).optional(),
});

const rsinSchema = z.string().regex(/^\d{9}$/, 'moet een RSIN van 9 cijfers zijn');

/**
 * The ZGW backend (Open Zaak): zaken, documenten and besluiten in the ZGW APIs; Zaakpoort's own state in SQLite
 * under dataDir, or in PostgreSQL (`local`, env ZAAKPOORT_DATABASE_URL).
 */
const zgwBackendSchema = z.strictObject({
  kind: z.literal('zgw'),
  /** API roots, e.g. http://openzaak.example/zaken/api/v1 (env ZAAKPOORT_ZGW_ZAKEN_URL, _DOCUMENTEN_URL, _CATALOGI_URL, _BESLUITEN_URL). */
  zakenUrl: z.url({ protocol: /^https?$/ }),
  documentenUrl: z.url({ protocol: /^https?$/ }),
  catalogiUrl: z.url({ protocol: /^https?$/ }),
  besluitenUrl: z.url({ protocol: /^https?$/ }),
  /** JWT HS256 client (env ZAAKPOORT_ZGW_CLIENT_ID, ZAAKPOORT_ZGW_SECRET). */
  clientId: nonEmpty,
  secret: nonEmpty,
  /** JWT user_id / user_representation (Open Zaak's audit trail). */
  userId: nonEmpty.default('zaakpoort'),
  userRepresentation: nonEmpty.default('Zaakpoort (ZDS-koppelvlak)'),
  /** bronorganisatie / verantwoordelijkeOrganisatie: one RSIN, or gemeentecode → RSIN (env ZAAKPOORT_ZGW_RSIN, JSON allowed). */
  rsin: z.union([rsinSchema, z.record(z.string(), rsinSchema)]),
  /** The catalogus of the zaaktypen: its URL, or domein + rsin (env ZAAKPOORT_ZGW_CATALOGUS, JSON allowed). */
  catalogus: z.union([z.url({ protocol: /^https?$/ }), z.strictObject({ domein: nonEmpty, rsin: rsinSchema })]),
  /** Translation profiles per ZDS zaaktype code. */
  profiles: z.record(z.string(), zgwProfileSchema).default({}),
  defaults: z.strictObject({ vertrouwelijkheidaanduiding: z.string().optional(), taal: z.string().default('dut') }).prefault({}),
  /** Per call (env ZAAKPOORT_ZGW_TIMEOUT_MS). */
  timeoutMs: z.int().min(1).default(15_000),
  catalogueTtlMs: z.int().min(0).default(300_000),
  /** Re-sign the JWT when it is this old (Open Zaak refuses an old iat). */
  jwtRenewSeconds: z.int().min(1).default(240),
  /** Attempts of an idempotent call on a timeout, connection error or 5xx. */
  retries: z.int().min(1).default(3),
  /** The most zaken one zakLv01 reads from the ZGW search (100 a page); a selection that needs more gets StUF058. */
  searchMaxZaken: z.int().min(100).default(1000),
  /** Zaakpoort's own state in PostgreSQL instead of SQLite under dataDir. */
  local: postgresBackendSchema.optional(),
});

/** Every backend; add a new one to this union (its `kind` then appears in the error messages by itself). */
const backendSchema = z.discriminatedUnion('kind', [sqliteBackendSchema, postgresBackendSchema, zgwBackendSchema]);
const BACKEND_KINDS = backendSchema.options.map((o) => o.shape.kind.value);

/** What happens to a bericht: own backend only, passed on to the legacy system, or both with legacy leading. */
const migrationMode = z.enum(['translate', 'proxy', 'replicate']);
const httpUrl = z.url({ protocol: /^https?$/ });
const operationModes = z.record(nonEmpty, migrationMode);

/** Migration from a legacy ZDS zaaksysteem (README: Migrating without a big bang). */
const migrationSchema = z.strictObject({
  legacy: z.strictObject({
    /** The legacy zaaksysteem's SOAP endpoint (env ZAAKPOORT_LEGACY_URL), used for every port without its own. */
    url: httpUrl,
    /** Per-port endpoints where the legacy system has one path per port. */
    ports: z
      .strictObject({ BeantwoordVraag: httpUrl.optional(), OntvangAsynchroon: httpUrl.optional(), VerwerkSynchroonVrijBericht: httpUrl.optional() })
      .optional(),
    /** Per call; default 30000 (env ZAAKPOORT_LEGACY_TIMEOUT_MS). */
    timeoutMs: z.int().min(1).optional(),
    /** The StUF ontvanger of the berichten Zaakpoort itself sends to the legacy system (copies, look-ups, cut-over). */
    ontvanger: z.strictObject({ organisatie: z.string().optional(), applicatie: nonEmpty, administratie: z.string().optional() }).optional(),
  }),
  /** Mode of an operation nothing more specific names; default translate (env ZAAKPOORT_MIGRATION_MODE). */
  default: migrationMode.optional(),
  /** Per operation (ZDS 1.2 name, e.g. geefZaakdetails_ZakLv01). */
  operations: operationModes.optional(),
  /** Per zaaktype code: a mode for all its operations, or a mode with per-operation exceptions; wins over operations and default. */
  zaaktypen: z.record(nonEmpty, z.union([migrationMode, z.strictObject({ mode: migrationMode.optional(), operations: operationModes.optional() })])).optional(),
  /** In replicate mode, also answer every vraag from the new backend and record the differences (env ZAAKPOORT_MIGRATION_SHADOW). */
  shadow: z.boolean().optional(),
  /** Outbox retry: first delay and maximum delay in ms (doubling in between); defaults 1000 and 300000. */
  outbox: z.strictObject({ retryBaseMs: z.int().min(1).optional(), retryMaxMs: z.int().min(1).optional() }).optional(),
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A beheer account (message browser): lezen sees metadata and masked content; beheer sees everything and replays. */
const beheerAccountSchema = z.strictObject({
  username: nonEmpty,
  /** From `npm run hash-password` (scrypt), never the password. */
  passwordHash: z.string().regex(/^\$scrypt\$/, 'moet een hash van hash-password zijn ($scrypt$...), nooit het wachtwoord zelf'),
  role: z.enum(['lezen', 'beheer']),
});

/**
 * Login through an OpenID Connect provider (authorization code flow with PKCE). The role comes from a claim
 * of the ID token: a value listed under roles.beheer gives beheer, under roles.lezen gives lezen, none: refused.
 */
const beheerOidcSchema = z.strictObject({
  issuer: z.url({ protocol: /^https?$/ }),
  clientId: nonEmpty,
  /** Client secret (env ZAAKPOORT_BEHEER_OIDC_CLIENT_SECRET); absent for a public client. */
  clientSecret: nonEmpty.optional(),
  /** Where the provider sends the browser back: <this Zaakpoort>/beheer/oidc/callback, as registered there. */
  redirectUrl: z.url({ protocol: /^https?$/ }),
  /** Claim holding the user's roles or groups (a string or a list of strings). */
  roleClaim: nonEmpty.default('roles'),
  roles: z.strictObject({ beheer: z.array(nonEmpty).default([]), lezen: z.array(nonEmpty).default([]) }),
  /** Claim shown as the user's name; default preferred_username, then sub. */
  usernameClaim: nonEmpty.default('preferred_username'),
  /** Name on the login button. */
  label: nonEmpty.default('organisatie-account'),
});

/** The message browser at /beheer and what it keeps; absent = off (nothing recorded, nothing served). */
const beheerSchema = z.strictObject({
  /** Accounts of its own; may be empty when oidc is set. */
  accounts: z.array(beheerAccountSchema).default([]),
  oidc: beheerOidcSchema.optional(),
  /** Serve /beheer on its own port (env ZAAKPOORT_BEHEER_PORT) instead of the SOAP port. */
  port: z.int().min(0).max(65535).optional(),
  /** Host of that port; default the main host. */
  host: nonEmpty.optional(),
  /** What is kept of each bericht: all, metadata (no bodies) or none (env ZAAKPOORT_BEHEER_KEEP). */
  keep: z.enum(['all', 'metadata', 'none']).default('all'),
  /** Cap per kept body; a larger one keeps its start and end. */
  maxBodyBytes: z.int().min(1024).default(256 * 1024),
  /** Key for the BSN hashes (hex, ≥ 32 bytes; env ZAAKPOORT_BEHEER_BSN_KEY); default generated once and kept in the database. */
  bsnKey: z.string().regex(/^[0-9a-fA-F]{64,}$/, 'moet minstens 32 bytes hex zijn').optional(),
  /** Keep the read audit (who read which zaak/document/besluit). */
  readAudit: z.boolean().default(true),
  /** Endpoints (besides this Zaakpoort) a beheerder may replay a bericht to; nothing else can be chosen. */
  replayTargets: z.array(z.url({ protocol: /^https?$/ })).default([]),
  /** Session length in minutes. */
  sessionMinutes: z.int().min(1).default(480),
});

const idTemplate = (fallback: string) =>
  z.string().regex(/\{volgnummer(:\d+)?\}/, 'moet {volgnummer} of {volgnummer:N} bevatten').default(fallback);

/** Every setting, its type, allowed values and default. The one place to add a key. */
export const ConfigSchema = z
  .strictObject({
    host: nonEmpty.default('127.0.0.1'),
    port: z.int().min(0).max(65535).default(8080),
    /** Public base URL written into WSDL soap:address; default derived from the request's Host header. */
    publicUrl: z.url({ protocol: /^https?$/, error: 'moet een http(s)-URL zijn' }).optional(),
    dataDir: nonEmpty.default('./data'),
    schemaDir: nonEmpty.default('./xsd'),
    /** IANA time zone of StUF tijdstippen (they carry no zone). */
    timeZone: z.string().refine(isTimeZone, 'is geen bekende (IANA) tijdzone').default('Europe/Amsterdam'),
    /** 4-digit gemeentecode, prefix of generated identificaties. */
    gemeentecode: z.string().regex(/^\d{4}$/, 'moet uit 4 cijfers bestaan').default('0000'),
    /** Our own StUF address, used as zender in answers when the request named no ontvanger. */
    self: z
      .strictObject({ organisatie: z.string().optional(), applicatie: nonEmpty.default('Zaakpoort'), administratie: z.string().optional() })
      .prefault({}),
    /**
     * Further StUF addresses this instance answers to (one Zaakpoort serving several organisaties or
     * administraties). When non-empty, an ontvanger that is neither `self` nor one of these gets StUF010; a part
     * left out of an address matches anything. Empty = any ontvanger is accepted (quick start).
     */
    addresses: z.array(addressSchema).default([]),
    /**
     * Identificatie templates. Placeholders: {gemeentecode}, {jaar}, {volgnummer:N} (zero-padded to N digits).
     * A template without {jaar} numbers continuously; with {jaar} the sequence restarts each year.
     */
    idTemplates: z
      .strictObject({
        zaak: idTemplate('{gemeentecode}{jaar}{volgnummer:7}'),
        document: idTemplate('{gemeentecode}D{jaar}{volgnummer:7}'),
        besluit: idTemplate('{gemeentecode}B{jaar}{volgnummer:7}'),
      })
      .prefault({}),
    /**
     * Identificaties reserved per database commit (env ZAAKPOORT_ID_BLOCK_SIZE). A block's values are handed out
     * from memory; what a restart or crash leaves of it is skipped, never reissued (gaps). 1 = no gaps, one commit
     * per identificatie.
     */
    idBlockSize: z.int().min(1).max(10_000).default(DEFAULT_ID_BLOCK_SIZE),
    /** Require the 4-digit gemeentecode prefix on caller-made zaakidentificaties. */
    requireGemeentecodePrefix: z.boolean().default(false),
    maxMessageBytes: z.int().min(1).default(1024 * MIB),
    maxDepth: z.int().min(8).default(256),
    requestTimeoutMs: z.int().min(1).default(300_000),
    /** Open connections at most, in total (env ZAAKPOORT_MAX_CONNECTIONS); more are closed at once. */
    maxConnections: z.int().min(1).default(512),
    /** Open connections at most from one client address (env ZAAKPOORT_MAX_CONNECTIONS_PER_ADDRESS). */
    maxConnectionsPerAddress: z.int().min(1).default(256),
    /** A request's headers must have arrived within this (env ZAAKPOORT_HEADERS_TIMEOUT_MS). */
    headersTimeoutMs: z.int().min(1).default(10_000),
    /** An idle keep-alive connection is closed after this (env ZAAKPOORT_KEEP_ALIVE_TIMEOUT_MS). */
    keepAliveTimeoutMs: z.int().min(1).default(5_000),
    /** Password-check limits (basic auth); see server/auth-throttle.ts and the README. */
    authLimits: z
      .strictObject({
        /** Password checks (scrypt) running at once; the rest wait in a queue. */
        maxConcurrentVerifications: z.int().min(1).default(1),
        /** Checks waiting at most; a request beyond is answered HTTP 429 at once. */
        maxQueuedVerifications: z.int().min(0).default(16),
        /** Failed attempts from one client address within failureWindowMs before further attempts get HTTP 429. */
        maxFailuresPerAddress: z.int().min(1).default(10),
        /** Failed attempts for one username within failureWindowMs before further attempts get HTTP 429. */
        maxFailuresPerUsername: z.int().min(1).default(20),
        failureWindowMs: z.int().min(1).default(60_000),
        /** How long verified credentials are remembered (as an HMAC, never the password). */
        verifiedCacheTtlMs: z.int().min(1).default(5 * 60_000),
        /**
         * A throttled request's 429 is sent after this delay, so a flooding connection sends about one attempt
         * per delay instead of as many as the server can answer (0: at once).
         */
        throttledAnswerDelayMs: z.int().min(0).max(60_000).default(1000),
      })
      .prefault({}),
    /** How often the background housekeeping runs: message-log pruning, crash-leftover sweep (env ZAAKPOORT_HOUSEKEEPING_INTERVAL_MS). */
    housekeepingIntervalMs: z.int().min(10).default(10 * 60_000),
    /**
     * After this long without a request in progress, one full V8 collection gives back the heap pages a burst of
     * berichten left (only when the heap grew by 16 MB or more since the last one); 0: never (env ZAAKPOORT_IDLE_COLLECT_AFTER_MS).
     */
    idleCollectAfterMs: z.int().min(0).max(3_600_000).default(2000),
    /** After SIGTERM/SIGINT, in-flight requests get this long before the process exits anyway (exit 1). */
    shutdownTimeoutMs: z.int().min(0).default(30_000),
    validation: strictness.default('strict'),
    /** geefZaakdetails/geefZaakstatus for an unknown zaak: Fo02 StUF064 (default) or an La01 without antwoord. */
    unknownObjectAnswer: z.enum(['fout', 'leeg']).default('fout'),
    catalogue: z
      .strictObject({ mode: z.enum(['permissive', 'strict']).default('permissive'), zaaktypen: z.array(zaaktypeSchema).default([]) })
      .prefault({}),
    /** Known applications; empty = open (quick start). */
    senders: z.array(senderSchema).default([]),
    /** Serve HTTPS instead of HTTP. */
    tls: tlsSchema.optional(),
    backend: backendSchema.default({ kind: 'sqlite' }),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Days kept of the message log and the message browser's berichten; 0 keeps them for ever. */
    messageRetentionDays: z.number().min(0).default(30),
    /** The message browser; absent = off. */
    beheer: beheerSchema.optional(),
    /** Migration from a legacy ZDS zaaksysteem (proxy / replicate / translate); absent = translate only. */
    migration: migrationSchema.optional(),
  })
  .superRefine((cfg, ctx) => {
    // Mistakes in these would silently leave Zaakpoort open, so they stop the start.
    if (cfg.beheer && cfg.beheer.accounts.length === 0 && !cfg.beheer.oidc) {
      ctx.addIssue({ code: 'custom', path: ['beheer', 'accounts'], message: 'moet minstens één account bevatten (of stel beheer.oidc in): de berichtenbrowser is nooit open' });
    }
    if (cfg.tls?.requireClientCert && !cfg.tls.ca) {
      ctx.addIssue({ code: 'custom', path: ['tls', 'ca'], message: 'is verplicht bij tls.requireClientCert (de CA van de clientcertificaten)' });
    }
    cfg.senders.forEach((s, i) => {
      if ((s.certificateSubject || s.oin) && !cfg.tls?.ca) {
        ctx.addIssue({ code: 'custom', path: ['senders', i], message: `(applicatie "${s.applicatie}"): certificateSubject/oin vereist tls met ca (clientcertificaten)` });
      }
    });
  });

export type Config = z.output<typeof ConfigSchema>;
export type Strictness = z.output<typeof strictness>;
export type ZaaktypeConfig = z.output<typeof zaaktypeSchema>;
export type SenderConfig = z.output<typeof senderSchema>;
export type SenderDeviations = z.output<typeof deviationsSchema>;
export type TlsConfig = z.output<typeof tlsSchema>;
export type PostgresBackendConfig = z.output<typeof postgresBackendSchema>;
export type AuthLimits = Config['authLimits'];
export type ZgwBackendConfig = z.output<typeof zgwBackendSchema>;
export type BeheerConfig = z.output<typeof beheerSchema>;
export type BeheerAccount = z.output<typeof beheerAccountSchema>;
export type BeheerOidcConfig = z.output<typeof beheerOidcSchema>;
export type MigrationConfig = z.output<typeof migrationSchema>;
export type MigrationMode = z.output<typeof migrationMode>;

/** Every default, nothing configured (paths not yet resolved). */
export function defaultConfig(): Config {
  return ConfigSchema.parse({});
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;
type EnvKind = 'string' | 'number' | 'boolean' | 'json-or-string';

/**
 * Environment variables and the setting each one sets. `backend.*` settings other than the URL apply only to
 * PostgreSQL; ZAAKPOORT_DATABASE_URL switches the backend to PostgreSQL (keeping the file's other PostgreSQL settings).
 */
export const ENV: ReadonlyArray<{ name: string; path: readonly string[]; kind: EnvKind; secret?: boolean }> = [
  { name: 'HOST', path: ['host'], kind: 'string' },
  { name: 'PORT', path: ['port'], kind: 'number' },
  { name: 'ZAAKPOORT_PUBLIC_URL', path: ['publicUrl'], kind: 'string' },
  { name: 'ZAAKPOORT_DATA_DIR', path: ['dataDir'], kind: 'string' },
  { name: 'ZAAKPOORT_SCHEMA_DIR', path: ['schemaDir'], kind: 'string' },
  { name: 'ZAAKPOORT_TIME_ZONE', path: ['timeZone'], kind: 'string' },
  { name: 'ZAAKPOORT_GEMEENTECODE', path: ['gemeentecode'], kind: 'string' },
  { name: 'ZAAKPOORT_ID_BLOCK_SIZE', path: ['idBlockSize'], kind: 'number' },
  { name: 'ZAAKPOORT_MAX_MESSAGE_BYTES', path: ['maxMessageBytes'], kind: 'number' },
  { name: 'ZAAKPOORT_SHUTDOWN_TIMEOUT_MS', path: ['shutdownTimeoutMs'], kind: 'number' },
  { name: 'ZAAKPOORT_MAX_CONNECTIONS', path: ['maxConnections'], kind: 'number' },
  { name: 'ZAAKPOORT_MAX_CONNECTIONS_PER_ADDRESS', path: ['maxConnectionsPerAddress'], kind: 'number' },
  { name: 'ZAAKPOORT_HEADERS_TIMEOUT_MS', path: ['headersTimeoutMs'], kind: 'number' },
  { name: 'ZAAKPOORT_KEEP_ALIVE_TIMEOUT_MS', path: ['keepAliveTimeoutMs'], kind: 'number' },
  { name: 'ZAAKPOORT_HOUSEKEEPING_INTERVAL_MS', path: ['housekeepingIntervalMs'], kind: 'number' },
  { name: 'ZAAKPOORT_IDLE_COLLECT_AFTER_MS', path: ['idleCollectAfterMs'], kind: 'number' },
  { name: 'ZAAKPOORT_LOG_LEVEL', path: ['logLevel'], kind: 'string' },
  { name: 'ZAAKPOORT_VALIDATION', path: ['validation'], kind: 'string' },
  { name: 'ZAAKPOORT_DATABASE_URL', path: ['backend', 'url'], kind: 'string', secret: true },
  { name: 'ZAAKPOORT_DATABASE_SCHEMA', path: ['backend', 'schema'], kind: 'string' },
  { name: 'ZAAKPOORT_DATABASE_POOL_MAX', path: ['backend', 'poolMax'], kind: 'number' },
  { name: 'ZAAKPOORT_DATABASE_STATEMENT_TIMEOUT_MS', path: ['backend', 'statementTimeoutMs'], kind: 'number' },
  { name: 'ZAAKPOORT_DATABASE_IDLE_TIMEOUT_MS', path: ['backend', 'idleTimeoutMs'], kind: 'number' },
  { name: 'ZAAKPOORT_CONTENT_STORE', path: ['backend', 'content'], kind: 'string' },
  { name: 'ZAAKPOORT_TLS_CERT', path: ['tls', 'cert'], kind: 'string' },
  { name: 'ZAAKPOORT_TLS_KEY', path: ['tls', 'key'], kind: 'string' },
  { name: 'ZAAKPOORT_TLS_CA', path: ['tls', 'ca'], kind: 'string' },
  { name: 'ZAAKPOORT_TLS_REQUIRE_CLIENT_CERT', path: ['tls', 'requireClientCert'], kind: 'boolean' },
  { name: 'ZAAKPOORT_ZGW_ZAKEN_URL', path: ['backend', 'zakenUrl'], kind: 'string' },
  { name: 'ZAAKPOORT_ZGW_DOCUMENTEN_URL', path: ['backend', 'documentenUrl'], kind: 'string' },
  { name: 'ZAAKPOORT_ZGW_CATALOGI_URL', path: ['backend', 'catalogiUrl'], kind: 'string' },
  { name: 'ZAAKPOORT_ZGW_BESLUITEN_URL', path: ['backend', 'besluitenUrl'], kind: 'string' },
  { name: 'ZAAKPOORT_ZGW_CLIENT_ID', path: ['backend', 'clientId'], kind: 'string' },
  { name: 'ZAAKPOORT_ZGW_SECRET', path: ['backend', 'secret'], kind: 'string', secret: true },
  { name: 'ZAAKPOORT_ZGW_RSIN', path: ['backend', 'rsin'], kind: 'json-or-string' },
  { name: 'ZAAKPOORT_ZGW_CATALOGUS', path: ['backend', 'catalogus'], kind: 'json-or-string' },
  { name: 'ZAAKPOORT_ZGW_TIMEOUT_MS', path: ['backend', 'timeoutMs'], kind: 'number' },
  { name: 'ZAAKPOORT_LEGACY_URL', path: ['migration', 'legacy', 'url'], kind: 'string' },
  { name: 'ZAAKPOORT_LEGACY_TIMEOUT_MS', path: ['migration', 'legacy', 'timeoutMs'], kind: 'number' },
  { name: 'ZAAKPOORT_MIGRATION_MODE', path: ['migration', 'default'], kind: 'string' },
  { name: 'ZAAKPOORT_MIGRATION_SHADOW', path: ['migration', 'shadow'], kind: 'boolean' },
  { name: 'ZAAKPOORT_MESSAGE_RETENTION_DAYS', path: ['messageRetentionDays'], kind: 'number' },
  { name: 'ZAAKPOORT_BEHEER_PORT', path: ['beheer', 'port'], kind: 'number' },
  { name: 'ZAAKPOORT_BEHEER_KEEP', path: ['beheer', 'keep'], kind: 'string' },
  { name: 'ZAAKPOORT_BEHEER_BSN_KEY', path: ['beheer', 'bsnKey'], kind: 'string', secret: true },
  { name: 'ZAAKPOORT_BEHEER_OIDC_CLIENT_SECRET', path: ['beheer', 'oidc', 'clientSecret'], kind: 'string', secret: true },
];

/** Backend settings that belong to the ZGW backend (the others under backend.* are PostgreSQL's). */
const ZGW_ENV = /^ZAAKPOORT_ZGW_/;

/** Load the configuration: defaults, then the JSON file, then environment variables; checked against ConfigSchema. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const raw = readConfigFile(env.ZAAKPOORT_CONFIG, cwd);
  const fromEnv = applyEnv(raw, env);
  const result = ConfigSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new ConfigError(describeIssues(result.error.issues, fromEnv, env.ZAAKPOORT_CONFIG));
  return resolvePaths(result.data, cwd);
}

function readConfigFile(file: string | undefined, cwd: string): Record<string, unknown> {
  if (!file) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path.resolve(cwd, file), 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'het bestand bestaat niet' : (e as Error).message;
    throw new ConfigError(`Configuratiebestand ${file} kan niet worden gelezen: ${why}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`Configuratiebestand ${file} moet een JSON-object zijn ({ ... })`);
  }
  return parsed as Record<string, unknown>;
}

/** Writes the environment's values into the raw configuration; returns which path came from which variable. */
function applyEnv(raw: Record<string, unknown>, env: Env): Map<string, string> {
  const fromEnv = new Map<string, string>();
  if (env.ZAAKPOORT_BACKEND !== undefined && env.ZAAKPOORT_BACKEND !== '') {
    if (!['sqlite', 'postgres', 'zgw'].includes(env.ZAAKPOORT_BACKEND)) {
      throw new ConfigError(`ZAAKPOORT_BACKEND moet sqlite, postgres of zgw zijn, niet "${env.ZAAKPOORT_BACKEND}"`);
    }
    const b = raw.backend as Record<string, unknown> | undefined;
    raw.backend = { ...(b?.kind === env.ZAAKPOORT_BACKEND ? b : {}), kind: env.ZAAKPOORT_BACKEND };
    fromEnv.set('backend.kind', 'ZAAKPOORT_BACKEND');
  }
  const zgw = (raw.backend as { kind?: unknown } | undefined)?.kind === 'zgw';
  if (env.ZAAKPOORT_DATABASE_URL) {
    const b = raw.backend as Record<string, unknown> | undefined;
    // With the ZGW backend PostgreSQL holds Zaakpoort's own state (backend.local); otherwise it is the backend.
    if (zgw) b!.local = { ...((b!.local as Record<string, unknown> | undefined) ?? {}), kind: 'postgres' };
    else raw.backend = { ...(b?.kind === 'postgres' ? b : {}), kind: 'postgres' };
  }
  for (const v of ENV) {
    const value = env[v.name];
    if (value === undefined || value === '') continue;
    let target = raw;
    let path: ReadonlyArray<string> = v.path;
    if (path[0] === 'backend') {
      const kind = (raw.backend as { kind?: unknown } | undefined)?.kind;
      if (ZGW_ENV.test(v.name)) {
        if (kind !== 'zgw') throw new ConfigError(`${v.name} geldt alleen voor de ZGW-backend (zet ook ZAAKPOORT_BACKEND=zgw)`);
      } else if (kind === 'zgw' && (raw.backend as { local?: unknown }).local) {
        // PostgreSQL settings of the local state store.
        target = raw.backend as Record<string, unknown>;
        path = ['local', ...path.slice(1)];
      } else if (kind !== 'postgres') {
        throw new ConfigError(`${v.name} geldt alleen voor PostgreSQL (zet ook ZAAKPOORT_DATABASE_URL)`);
      }
    }
    // Walk (and make) the sections down to the key: paths may be deeper than one section (beheer.oidc.clientSecret).
    let obj = target;
    for (const part of path.slice(0, -1)) {
      const next = obj[part];
      obj[part] = typeof next === 'object' && next !== null ? next : {};
      obj = obj[part] as Record<string, unknown>;
    }
    obj[v.path[v.path.length - 1]!] = coerce(value, v.kind);
    fromEnv.set(v.path.join('.'), v.name);
  }
  return fromEnv;
}

/** Numbers and booleans from text; anything else stays text so the schema names what was given. */
function coerce(value: string, kind: EnvKind): unknown {
  if (kind === 'number' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  if (kind === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  if (kind === 'json-or-string' && value.trim().startsWith('{')) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

function resolvePaths(cfg: Config, cwd: string): Config {
  const out: Config = { ...cfg, dataDir: path.resolve(cwd, cfg.dataDir), schemaDir: path.resolve(cwd, cfg.schemaDir) };
  if (cfg.tls) {
    out.tls = { ...cfg.tls, cert: path.resolve(cwd, cfg.tls.cert), key: path.resolve(cwd, cfg.tls.key), ...(cfg.tls.ca ? { ca: path.resolve(cwd, cfg.tls.ca) } : {}) };
  }
  return out;
}

/** `senders[0].basicAuth` */
export function formatPath(p: ReadonlyArray<PropertyKey>): string {
  return p.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
}

/** Keys whose values are secrets wherever they appear (password hashes, keys, tokens, client secrets). */
const SECRET_VALUE_KEYS = /password|secret|token|apikey|bsnkey|privatekey/i;

/** A value as it may be shown: secrets by key name masked, and the password inside any URL. */
function maskValue(key: string, value: string): string {
  if (SECRET_VALUE_KEYS.test(key)) return '***';
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

function shown(input: unknown, at: string): string {
  if (typeof input === 'string' && maskValue(at.split('.').pop() ?? at, input) !== input) return '(verborgen)';
  const text = JSON.stringify(input);
  return text === undefined ? String(input) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const TYPE_NL: Record<string, string> = { string: 'tekst', number: 'een getal', int: 'een geheel getal', boolean: 'true of false', array: 'een lijst', object: 'een object' };

/** One line for all problems: "Configuratiefout: port: ...; sendrs: onbekende instelling". */
function describeIssues(issues: z.core.$ZodIssue[], fromEnv: Map<string, string>, file: string | undefined): string {
  const lines = issues.map((issue) => {
    const at = formatPath(issue.path);
    const envName = fromEnv.get(at);
    const where = envName ? `${envName} (${at})` : at || '(de hele configuratie)';
    switch (issue.code) {
      case 'unrecognized_keys': {
        const names = issue.keys.map((k) => formatPath([...issue.path, k]));
        return `onbekende instelling ${names.map((n) => `"${n}"`).join(', ')}${file ? ` in ${file}` : ''} (tikfout? zie config.example.json)`;
      }
      case 'invalid_type':
        if (issue.input === undefined) return `${where} ontbreekt (verplicht)`;
        return `${where} moet ${TYPE_NL[issue.expected] ?? issue.expected} zijn, niet ${shown(issue.input, at)}`;
      case 'invalid_value':
        return `${where} moet ${issue.values.map((v) => String(v)).join(', ')} zijn, niet ${shown(issue.input, at)}`;
      case 'invalid_union':
        if (at.startsWith('migration.')) return `${where} moet translate, proxy of replicate zijn, of { "mode": ..., "operations": { ... } }`;
        return at === 'backend' || at === 'backend.kind' ? `backend.kind moet ${BACKEND_KINDS.join(', ')} zijn` : `${where} ${issue.message}`;
      case 'too_small':
      case 'too_big':
        if (issue.origin === 'string') return `${where} mag niet leeg zijn`;
        return `${where} moet ${issue.code === 'too_small' ? 'minstens' : 'hoogstens'} ${String(issue.code === 'too_small' ? issue.minimum : issue.maximum)} zijn, niet ${shown(issue.input, at)}`;
      default:
        return `${where} ${issue.message}${issue.code === 'custom' || issue.input === undefined ? '' : `, niet ${shown(issue.input, at)}`}`;
    }
  });
  return `Configuratiefout: ${lines.join('; ')}`;
}

/** The effective configuration for display: secrets masked, and the password inside any URL. */
export function maskSecrets(cfg: Config): unknown {
  return JSON.parse(JSON.stringify(cfg, (key, value: unknown) => (typeof value === 'string' ? maskValue(key, value) : value)));
}

/** Open (no senders) on an address other than loopback: anyone on the network may create and read zaken. */
export function openOnNetworkWarning(cfg: Config): string | undefined {
  if (cfg.senders.length > 0) return undefined;
  const loopback = cfg.host === 'localhost' || cfg.host === '::1' || /^127\./.test(cfg.host);
  if (loopback) return undefined;
  return (
    `WAARSCHUWING: Zaakpoort is OPEN (senders is leeg: elke applicatie mag alles) en luistert op ${cfg.host}, ` +
    `niet alleen op loopback. Iedereen die dit adres bereikt kan zaken en documenten aanmaken en lezen. ` +
    `Zet senders in de configuratie (zie README, Configuration) of HOST=127.0.0.1.`
  );
}

/** Check a configuration built in code (tests, tools) against the schema; throws ConfigError naming the problems. */
export function validateConfig(cfg: Config): void {
  const result = ConfigSchema.safeParse(cfg, { reportInput: true });
  if (!result.success) throw new ConfigError(describeIssues(result.error.issues, new Map(), undefined));
}
