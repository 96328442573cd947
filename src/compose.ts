/** The composition root: one configured Zaakpoort (schemas, backend, catalogue, dispatcher, HTTP server). */
import type { FastifyInstance } from 'fastify';
import { type Config, ConfigError } from './config.js';
import { openPostgresBackend } from './backends/postgres/index.js';
import { openSqliteBackend } from './backends/sqlite/index.js';
import { openZgwBackend } from './backends/zgw/index.js';
import type { Log } from './backends/zgw/unit-of-work.js';
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

export async function openBackend(config: Config, clock: Clock, log?: Log): Promise<Backend> {
  if (config.backend.kind === 'zgw') {
    const { local, kind: _kind, ...settings } = config.backend;
    // Zaakpoort's own state: the embedded store, or PostgreSQL when configured.
    const localBackend = await openBackend({ ...config, backend: local ?? { kind: 'sqlite' } }, clock);
    try {
      return await openZgwBackend({
        settings, local: localBackend, dataDir: config.dataDir, gemeentecode: config.gemeentecode, timeZone: config.timeZone,
        now: () => clock.now(), ...(log ? { log } : {}),
      });
    } catch (e) {
      await localBackend.close();
      throw e;
    }
  }
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
  let server: FastifyInstance | undefined;
  const log: Log = (level, msg, extra) => server?.log[level](extra ?? {}, msg);
  const backend = await openBackend(config, clock, log);
  let accepting = true;
  // Temp files left by a crash mid-upload are never visible, but they take disk space: clear old ones.
  await backend.content.sweepTemp(24 * 60 * 60 * 1000);
  const catalogue = backend.catalogue ?? createCatalogue(config);
  const dispatcher = createDispatcher({
    config,
    backend,
    catalogue,
    schemas,
    clock,
    log,
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
