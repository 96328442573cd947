/**
 * Configuration: environment variables for the quick start, plus an optional JSON file (ZAAKPOORT_CONFIG) for
 * everything a municipality sets once (catalogue, senders, identificatie templates). Environment wins.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

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
  backend: { kind: 'sqlite' } | { kind: 'postgres'; url: string };
  logLevel: string;
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
  if (env.ZAAKPOORT_DATABASE_URL) cfg.backend = { kind: 'postgres', url: env.ZAAKPOORT_DATABASE_URL };
  cfg.dataDir = path.resolve(cwd, cfg.dataDir);
  cfg.schemaDir = path.resolve(cwd, cfg.schemaDir);
  validateConfig(cfg);
  return cfg;
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
  if (!['permissive', 'strict'].includes(cfg.catalogue.mode)) {
    throw new ConfigError(`catalogue.mode moet permissive of strict zijn`);
  }
}
