/**
 * Configuration: environment variables for the quick start, plus an optional JSON file (ZAAKPOORT_CONFIG) for
 * everything a municipality sets once (catalogue, senders, identificatie templates). Environment wins.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type ZgwSettings, validateZgwSettings, zgwSettingsFromEnv } from './backends/zgw/config.js';

export type Strictness = 'strict' | 'warn' | 'off';

export interface ZaaktypeConfig {
  code: string;
  omschrijving?: string;
  ingangsdatumObject?: string;
  statustypen?: Array<{ volgnummer: string; omschrijving: string; code?: string; isEindstatus?: boolean }>;
  roltypen?: Array<{ rolType: string; omschrijving?: string }>;
  documenttypen?: Array<{ omschrijving: string }>;
}

export interface SenderConfig {
  organisatie?: string;
  applicatie: string;
  administratie?: string;
  /** Operation names (ZDS 1.2 names) this application may call; absent = all. */
  operations?: string[];
  /** Zaaktype codes this application may touch; absent = all. */
  zaaktypen?: string[];
  validation?: Strictness;
  /** Mutual TLS: the client certificate's subject CN that belongs to this application. */
  certificateSubject?: string;
  /** Mutual TLS: the OIN in the client certificate (subject serialNumber or organizationIdentifier). */
  oin?: string;
  /** HTTP basic auth for this application; passwordHash from `npm run hash-password` (scrypt), never the password. */
  basicAuth?: { username: string; passwordHash: string };
}

/** HTTPS, optionally with client certificates (Digikoppeling style two-sided TLS). Paths to PEM files. */
export interface TlsConfig {
  cert: string;
  key: string;
  /** CA certificate(s) client certificates must chain to; required with requireClientCert. */
  ca?: string;
  /** Refuse every TLS connection without a client certificate signed by `ca`. */
  requireClientCert?: boolean;
}

export interface Config {
  host: string;
  port: number;
  /** Public base URL written into WSDL soap:address; default derived from the request's Host header. */
  publicUrl?: string;
  dataDir: string;
  schemaDir: string;
  /** IANA time zone of StUF tijdstippen (they carry no zone). */
  timeZone: string;
  /** 4-digit gemeentecode, prefix of generated identificaties. */
  gemeentecode: string;
  /** Our own StUF address, used as zender in answers when the request named no ontvanger. */
  self: { organisatie?: string; applicatie: string; administratie?: string };
  /**
   * Identificatie templates. Placeholders: {gemeentecode}, {jaar}, {volgnummer:N} (zero-padded to N digits).
   * A template without {jaar} numbers continuously; with {jaar} the sequence restarts each year.
   */
  idTemplates: { zaak: string; document: string; besluit: string };
  /** Require the 4-digit gemeentecode prefix on caller-made zaakidentificaties. */
  requireGemeentecodePrefix: boolean;
  maxMessageBytes: number;
  maxDepth: number;
  requestTimeoutMs: number;
  validation: Strictness;
  /** geefZaakdetails/geefZaakstatus for an unknown zaak: Fo02 StUF064 (default) or an La01 without antwoord. */
  unknownObjectAnswer: 'fout' | 'leeg';
  catalogue: { mode: 'permissive' | 'strict'; zaaktypen: ZaaktypeConfig[] };
  /** Known applications; empty = open (quick start). */
  senders: SenderConfig[];
  /** Serve HTTPS instead of HTTP. */
  tls?: TlsConfig;
  backend: { kind: 'sqlite' } | PostgresBackendConfig | ZgwBackendConfig;
  logLevel: string;
}

/**
 * The ZGW backend (Open Zaak): zaken, documenten and besluiten live in the ZGW APIs; Zaakpoort's own small state
 * (identificatie counters, message log, journal of units of work) stays in SQLite under dataDir, or in PostgreSQL
 * when `local` is set (env ZAAKPOORT_DATABASE_URL). The shape is defined in src/backends/zgw/config.ts.
 */
export interface ZgwBackendConfig extends ZgwSettings {
  kind: 'zgw';
  /** Where Zaakpoort's own state lives; absent = SQLite under dataDir. */
  local?: PostgresBackendConfig;
}

/** The PostgreSQL backend (several Zaakpoort instances may share one database schema). */
export interface PostgresBackendConfig {
  kind: 'postgres';
  url: string;
  /** Schema for Zaakpoort's tables; default "zaakpoort" (env ZAAKPOORT_DATABASE_SCHEMA). */
  schema?: string;
  /** Connections per instance (env ZAAKPOORT_DATABASE_POOL_MAX, default 10). */
  poolMax?: number;
  /** Per-statement limit (env ZAAKPOORT_DATABASE_STATEMENT_TIMEOUT_MS, default 30000). */
  statementTimeoutMs?: number;
  /** Close connections idle this long (env ZAAKPOORT_DATABASE_IDLE_TIMEOUT_MS, default 30000). */
  idleTimeoutMs?: number;
  /** Document bytes in the database (default) or as files under dataDir, shared by all instances (env ZAAKPOORT_CONTENT_STORE). */
  content?: 'postgres' | 'fs';
}

const MIB = 1024 * 1024;

export function defaultConfig(): Config {
  return {
    host: '127.0.0.1',
    port: 8080,
    dataDir: './data',
    schemaDir: './xsd',
    timeZone: 'Europe/Amsterdam',
    gemeentecode: '0000',
    self: { applicatie: 'Zaakpoort' },
    idTemplates: {
      zaak: '{gemeentecode}{jaar}{volgnummer:7}',
      document: '{gemeentecode}D{jaar}{volgnummer:7}',
      besluit: '{gemeentecode}B{jaar}{volgnummer:7}',
    },
    requireGemeentecodePrefix: false,
    maxMessageBytes: 1024 * MIB,
    maxDepth: 256,
    requestTimeoutMs: 300_000,
    validation: 'strict',
    unknownObjectAnswer: 'fout',
    catalogue: { mode: 'permissive', zaaktypen: [] },
    senders: [],
    backend: { kind: 'sqlite' },
    logLevel: 'info',
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Load the configuration: defaults, then the JSON file, then environment variables. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  let cfg = defaultConfig();
  const file = env.ZAAKPOORT_CONFIG;
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path.resolve(cwd, file), 'utf8'));
    } catch (e) {
      throw new ConfigError(`Configuratiebestand ${file} kan niet worden gelezen: ${(e as Error).message}`);
    }
    cfg = { ...cfg, ...(parsed as Partial<Config>) };
  }
  const num = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new ConfigError(`${name} moet een getal zijn, niet "${v}"`);
    return n;
  };
  cfg.host = env.HOST || cfg.host;
  cfg.port = num('PORT', env.PORT) ?? cfg.port;
  cfg.publicUrl = env.ZAAKPOORT_PUBLIC_URL || cfg.publicUrl;
  cfg.dataDir = env.ZAAKPOORT_DATA_DIR || cfg.dataDir;
  cfg.schemaDir = env.ZAAKPOORT_SCHEMA_DIR || cfg.schemaDir;
  cfg.timeZone = env.ZAAKPOORT_TIME_ZONE || cfg.timeZone;
  cfg.gemeentecode = env.ZAAKPOORT_GEMEENTECODE || cfg.gemeentecode;
  cfg.maxMessageBytes = num('ZAAKPOORT_MAX_MESSAGE_BYTES', env.ZAAKPOORT_MAX_MESSAGE_BYTES) ?? cfg.maxMessageBytes;
  cfg.logLevel = env.ZAAKPOORT_LOG_LEVEL || cfg.logLevel;
  if (env.ZAAKPOORT_VALIDATION) cfg.validation = env.ZAAKPOORT_VALIDATION as Strictness;
  const wantsZgw = env.ZAAKPOORT_BACKEND === 'zgw' || (!env.ZAAKPOORT_BACKEND && cfg.backend.kind === 'zgw');
  if (env.ZAAKPOORT_BACKEND && !['sqlite', 'postgres', 'zgw'].includes(env.ZAAKPOORT_BACKEND)) {
    throw new ConfigError(`ZAAKPOORT_BACKEND moet sqlite, postgres of zgw zijn, niet "${env.ZAAKPOORT_BACKEND}"`);
  }
  if (wantsZgw) {
    const fromFile = cfg.backend.kind === 'zgw' ? cfg.backend : undefined;
    const local = fromFile?.local ?? (cfg.backend.kind === 'postgres' ? cfg.backend : undefined);
    const settings = zgwSettingsFromEnv(env, fromFile);
    cfg.backend = { ...settings, kind: 'zgw', ...(local ? { local } : {}) };
    if (env.ZAAKPOORT_DATABASE_URL) {
      cfg.backend.local = { ...(cfg.backend.local ?? {}), kind: 'postgres', url: env.ZAAKPOORT_DATABASE_URL };
    }
  } else if (env.ZAAKPOORT_DATABASE_URL) {
    // Keep PostgreSQL settings from the configuration file; the URL (with its password) usually comes from env.
    cfg.backend = { ...(cfg.backend.kind === 'postgres' ? cfg.backend : {}), kind: 'postgres', url: env.ZAAKPOORT_DATABASE_URL };
  }
  const pgBackend = cfg.backend.kind === 'postgres' ? cfg.backend : cfg.backend.kind === 'zgw' ? cfg.backend.local : undefined;
  if (pgBackend) {
    const b = pgBackend;
    b.schema = env.ZAAKPOORT_DATABASE_SCHEMA || b.schema;
    b.poolMax = num('ZAAKPOORT_DATABASE_POOL_MAX', env.ZAAKPOORT_DATABASE_POOL_MAX) ?? b.poolMax;
    b.statementTimeoutMs = num('ZAAKPOORT_DATABASE_STATEMENT_TIMEOUT_MS', env.ZAAKPOORT_DATABASE_STATEMENT_TIMEOUT_MS) ?? b.statementTimeoutMs;
    b.idleTimeoutMs = num('ZAAKPOORT_DATABASE_IDLE_TIMEOUT_MS', env.ZAAKPOORT_DATABASE_IDLE_TIMEOUT_MS) ?? b.idleTimeoutMs;
    if (env.ZAAKPOORT_CONTENT_STORE) b.content = env.ZAAKPOORT_CONTENT_STORE as 'postgres' | 'fs';
  }
  cfg.tls = tlsFromEnv(env, cfg.tls);
  if (cfg.tls) {
    const { cert, key, ca } = cfg.tls;
    cfg.tls = { ...cfg.tls, cert: cert && path.resolve(cwd, cert), key: key && path.resolve(cwd, key), ...(ca ? { ca: path.resolve(cwd, ca) } : {}) };
  }
  cfg.dataDir = path.resolve(cwd, cfg.dataDir);
  cfg.schemaDir = path.resolve(cwd, cfg.schemaDir);
  validateConfig(cfg);
  return cfg;
}

/** ZAAKPOORT_TLS_CERT/_KEY/_CA/_REQUIRE_CLIENT_CERT override (or create) the file's tls section. */
function tlsFromEnv(env: Env, fromFile: TlsConfig | undefined): TlsConfig | undefined {
  const cert = env.ZAAKPOORT_TLS_CERT || fromFile?.cert;
  const key = env.ZAAKPOORT_TLS_KEY || fromFile?.key;
  if (!cert && !key) return fromFile;
  const tls: TlsConfig = { ...fromFile, cert: cert ?? '', key: key ?? '' };
  if (env.ZAAKPOORT_TLS_CA) tls.ca = env.ZAAKPOORT_TLS_CA;
  const require = env.ZAAKPOORT_TLS_REQUIRE_CLIENT_CERT;
  if (require) {
    if (!['true', 'false'].includes(require)) throw new ConfigError(`ZAAKPOORT_TLS_REQUIRE_CLIENT_CERT moet true of false zijn, niet "${require}"`);
    tls.requireClientCert = require === 'true';
  }
  return tls;
}

export function validateConfig(cfg: Config): void {
  if (!/^\d{4}$/.test(cfg.gemeentecode)) {
    throw new ConfigError(`gemeentecode moet uit 4 cijfers bestaan, niet "${cfg.gemeentecode}"`);
  }
  if (!['strict', 'warn', 'off'].includes(cfg.validation)) {
    throw new ConfigError(`validation moet strict, warn of off zijn, niet "${cfg.validation}"`);
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: cfg.timeZone });
  } catch {
    throw new ConfigError(`Onbekende tijdzone "${cfg.timeZone}"`);
  }
  for (const kind of ['zaak', 'document', 'besluit'] as const) {
    if (!/\{volgnummer(:\d+)?\}/.test(cfg.idTemplates[kind])) {
      throw new ConfigError(`idTemplates.${kind} moet {volgnummer} of {volgnummer:N} bevatten`);
    }
  }
  if (cfg.backend.kind === 'zgw') validateZgwSettings(cfg.backend, (m) => new ConfigError(m));
  if (cfg.backend.kind === 'postgres') {
    if (!cfg.backend.url) throw new ConfigError('backend.url (ZAAKPOORT_DATABASE_URL) is verplicht voor PostgreSQL');
    if (cfg.backend.content !== undefined && !['postgres', 'fs'].includes(cfg.backend.content)) {
      throw new ConfigError(`backend.content moet postgres of fs zijn, niet "${cfg.backend.content}"`);
    }
  }
  if (!['permissive', 'strict'].includes(cfg.catalogue.mode)) {
    throw new ConfigError(`catalogue.mode moet permissive of strict zijn`);
  }
  validateTransportSecurity(cfg);
}

/** TLS and the per-sender bindings: mistakes here would silently leave Zaakpoort open, so they stop the start. */
function validateTransportSecurity(cfg: Config): void {
  if (cfg.tls) {
    if (!cfg.tls.cert || !cfg.tls.key) throw new ConfigError('tls vereist zowel cert als key (paden naar PEM-bestanden)');
    if (cfg.tls.requireClientCert && !cfg.tls.ca) throw new ConfigError('tls.requireClientCert vereist tls.ca (de CA van de clientcertificaten)');
  }
  cfg.senders.forEach((s, i) => {
    const at = `senders[${i}] (applicatie "${s.applicatie}")`;
    if (!s.applicatie) throw new ConfigError(`senders[${i}] mist applicatie`);
    if (s.validation !== undefined && !['strict', 'warn', 'off'].includes(s.validation)) {
      throw new ConfigError(`${at}: validation moet strict, warn of off zijn`);
    }
    if (s.zaaktypen !== undefined && (!Array.isArray(s.zaaktypen) || s.zaaktypen.some((z) => typeof z !== 'string'))) {
      throw new ConfigError(`${at}: zaaktypen moet een lijst van zaaktypecodes zijn`);
    }
    if ((s.certificateSubject || s.oin) && !cfg.tls?.ca) {
      throw new ConfigError(`${at}: certificateSubject/oin vereist tls met ca (clientcertificaten)`);
    }
    if (s.basicAuth && (!s.basicAuth.username || s.basicAuth.username.includes(':') || !/^\$scrypt\$/.test(s.basicAuth.passwordHash ?? ''))) {
      throw new ConfigError(`${at}: basicAuth vereist username (zonder ":") en een passwordHash van npm run hash-password`);
    }
  });
}
