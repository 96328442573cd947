/** The composition root: one configured Zaakpoort (schemas, backend, catalogue, dispatcher, HTTP server). */
import type { FastifyInstance } from 'fastify';
import { type Config, ConfigError } from './config.js';
import { openPostgresBackend } from './backends/postgres/index.js';
import { openSqliteBackend } from './backends/sqlite/index.js';
import { createCatalogue } from './catalogue/index.js';
import type { Backend } from './ports/index.js';
import { SchemaRegistry } from './schema/index.js';
import { buildServer } from './server/app.js';
import { DataDirProbe } from './server/storage-probe.js';
import { type Clock, systemClock } from './stuf/dates.js';
import { type DispatcherDeps, createDispatcher } from './zds/dispatcher.js';
import { Migration } from './migration/index.js';
import { newSideLog } from './migration/new-side.js';

export interface Zaakpoort {
  config: Config;
  server: FastifyInstance;
  backend: Backend;
  schemas: SchemaRegistry;
  /** Present when the configuration has a migration section (proxy / replicate to a legacy zaaksysteem). */
  migration?: Migration;
  /** Stop accepting requests, finish the ones in flight, close the backend. */
  close(): Promise<void>;
}

export async function openBackend(config: Config, clock: Clock): Promise<Backend> {
  if (config.backend.kind === 'sqlite') {
    return openSqliteBackend({
      dataDir: config.dataDir,
      idTemplates: config.idTemplates,
      gemeentecode: config.gemeentecode,
      timeZone: config.timeZone,
      now: () => clock.now(),
    });
  }
  if (config.backend.kind === 'postgres') {
    const b = config.backend;
    return openPostgresBackend({
      url: b.url,
      ...(b.schema ? { schema: b.schema } : {}),
      pool: { max: b.poolMax, statementTimeoutMs: b.statementTimeoutMs, idleTimeoutMs: b.idleTimeoutMs },
      content: b.content === 'fs' ? { kind: 'fs', dir: config.dataDir } : { kind: 'postgres' },
      idTemplates: config.idTemplates,
      gemeentecode: config.gemeentecode,
      timeZone: config.timeZone,
      now: () => clock.now(),
    });
  }
  throw new ConfigError(`Backend "${(config.backend as { kind: string }).kind}" wordt in deze versie nog niet ondersteund`);
}

export interface ZaakpoortOptions {
  clock?: Clock;
  /** false silences the log; a stream receives the JSON log lines (tests check what is logged). */
  logger?: boolean | { stream: { write(line: string): void } };
  /** Reuse already compiled schemas (tests start many instances). */
  schemas?: SchemaRegistry;
  /** Wrap the configured backend (tests put an outage test double around it). */
  wrapBackend?: (backend: Backend) => Backend;
}

export async function createZaakpoort(config: Config, opts: ZaakpoortOptions = {}): Promise<Zaakpoort> {
  const clock = opts.clock ?? systemClock;
  const schemas = opts.schemas ?? (await SchemaRegistry.load(config.schemaDir));
  const opened = await openBackend(config, clock);
  const backend = opts.wrapBackend ? opts.wrapBackend(opened) : opened;
  let accepting = true;
  // Temp files left by a crash mid-upload are never visible, but they take disk space: clear old ones.
  await backend.content.sweepTemp(24 * 60 * 60 * 1000);
  const catalogue = createCatalogue(config);
  let server: FastifyInstance | undefined;
  const log = (level: 'debug' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => server?.log[level](extra ?? {}, msg);
  const deps = { config, backend, catalogue, schemas, clock, log };
  const migration = await openMigration(config, deps);
  const dispatcher = createDispatcher({ ...deps, ...(migration ? { router: migration.router } : {}) });
  const onDisk = config.backend.kind === 'sqlite' || (config.backend.kind === 'postgres' && config.backend.content === 'fs');
  const storage = onDisk ? new DataDirProbe(config.dataDir) : undefined;
  server = buildServer({
    config,
    dispatcher,
    backend,
    ready: () => accepting,
    ...(storage ? { storage } : {}),
    logger: opts.logger === false ? false : { level: config.logLevel, ...(typeof opts.logger === 'object' ? opts.logger : {}) },
    ...(migration ? { healthDetails: async () => ({ migration: await migration.health() }) } : {}),
  });
  migration?.start();
  return {
    config,
    server,
    backend,
    schemas,
    ...(migration ? { migration } : {}),
    async close() {
      accepting = false;
      await server!.close();
      await migration?.close();
      await backend.close();
    },
  };
}

/**
 * With a migration section: the migration router, whose new side is a dispatcher on the same backend without
 * routing (and without sender checks: a bericht is authorised once, when it arrives).
 */
export async function openMigration(config: Config, deps: Omit<DispatcherDeps, 'router'>): Promise<Migration | undefined> {
  const m = config.migration;
  if (!m) return undefined;
  const newSide = createDispatcher({ ...deps, config: { ...config, senders: [] }, log: newSideLog(deps.log) });
  return Migration.open({
    config: { ...config, migration: m },
    side: { dispatcher: newSide, backend: deps.backend, maxMessageBytes: config.maxMessageBytes, maxDepth: config.maxDepth },
    clock: deps.clock,
    ...(deps.log ? { log: deps.log } : {}),
  });
}
