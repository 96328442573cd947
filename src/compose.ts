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
import { createDispatcher } from './zds/dispatcher.js';

export interface Zaakpoort {
  config: Config;
  server: FastifyInstance;
  backend: Backend;
  schemas: SchemaRegistry;
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
}

export async function createZaakpoort(config: Config, opts: ZaakpoortOptions = {}): Promise<Zaakpoort> {
  const clock = opts.clock ?? systemClock;
  const schemas = opts.schemas ?? (await SchemaRegistry.load(config.schemaDir));
  const backend = await openBackend(config, clock);
  let accepting = true;
  // Temp files left by a crash mid-upload are never visible, but they take disk space: clear old ones.
  await backend.content.sweepTemp(24 * 60 * 60 * 1000);
  const catalogue = createCatalogue(config);
  let server: FastifyInstance | undefined;
  const dispatcher = createDispatcher({
    config,
    backend,
    catalogue,
    schemas,
    clock,
    log: (level, msg, extra) => server?.log[level](extra ?? {}, msg),
  });
  const onDisk = config.backend.kind === 'sqlite' || (config.backend.kind === 'postgres' && config.backend.content === 'fs');
  const storage = onDisk ? new DataDirProbe(config.dataDir) : undefined;
  server = buildServer({ config, dispatcher, backend, ready: () => accepting, ...(storage ? { storage } : {}), logger: opts.logger === false ? false : { level: config.logLevel, ...(typeof opts.logger === 'object' ? opts.logger : {}) } });
  return {
    config,
    server,
    backend,
    schemas,
    async close() {
      accepting = false;
      await server!.close();
      await backend.close();
    },
  };
}
