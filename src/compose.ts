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
import { type DispatcherDeps, createDispatcher } from './zds/dispatcher.js';
import { Migration } from './migration/index.js';
import { newSideLog } from './migration/new-side.js';
import { Housekeeping } from './housekeeping.js';
import { type Beheer, openBeheer } from './beheer/index.js';
import { localReplayer } from './beheer/replay.js';
import type { BerichtWatcher } from './observability/bericht-watch.js';
import { recordingStore } from './observability/recording-store.js';
import { startTracing, type Tracing, type TracingOptions } from './observability/tracing.js';
import { IdleCollector, v8FullCollection, v8HeapBytes } from './server/idle-collector.js';
import { Metrics } from './server/metrics.js';
import { observeDispatch } from './server/observed-dispatch.js';

export interface Zaakpoort {
  config: Config;
  server: FastifyInstance;
  backend: Backend;
  schemas: SchemaRegistry;
  /** Present when the configuration has a migration section (proxy / replicate to a legacy zaaksysteem). */
  migration?: Migration;
  /** Background message-log pruning and crash-leftover sweep. */
  housekeeping: Housekeeping;
  /** The message browser when configured; beheerServer when it has a port of its own (main.ts listens on it). */
  beheer?: Beheer;
  beheerServer?: FastifyInstance;
  tracing?: Tracing;
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
      idBlockSize: config.idBlockSize,
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
      idBlockSize: config.idBlockSize,
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
  /** Tracing with this exporter (tests); otherwise as the OTEL_* environment says. */
  tracing?: TracingOptions;
  /** Wrap the configured backend (tests put an outage test double around it). */
  wrapBackend?: (backend: Backend) => Backend;
}

export async function createZaakpoort(config: Config, opts: ZaakpoortOptions = {}): Promise<Zaakpoort> {
  const clock = opts.clock ?? systemClock;
  const schemas = opts.schemas ?? (await SchemaRegistry.load(config.schemaDir));
  let server: FastifyInstance | undefined;
  const log: Log = (level, msg, extra) => server?.log[level](extra ?? {}, msg);
  const opened = await openBackend(config, clock, log);
  const backend = opts.wrapBackend ? opts.wrapBackend(opened) : opened;
  let accepting = true;
  const catalogue = backend.catalogue ?? createCatalogue(config);
  const deps = {
    config,
    // The SQL backends' calls become steps of each bericht (message browser, traces, backend metrics).
    backend: backend.name === 'sqlite' || backend.name === 'postgres' ? { ...backend, store: recordingStore(backend.store, backend.name), close: () => backend.close() } : backend,
    catalogue,
    schemas,
    clock,
    log,
  };
  const migration = await openMigration(config, deps);
  const dispatcher = createDispatcher({ ...deps, ...(migration ? { router: migration.router } : {}) });
  // The ZGW backend receives content into a local staging area before it uploads it.
  const onDisk = config.backend.kind === 'sqlite' || config.backend.kind === 'zgw' || (config.backend.kind === 'postgres' && config.backend.content === 'fs');
  const storage = onDisk ? new DataDirProbe(config.dataDir) : undefined;
  // Observers around each dispatch: metrics, traces (when configured), the message browser (when configured).
  const metrics = new Metrics();
  const tracing = await startTracing(process.env, opts.tracing);
  const beheer = await openBeheer(config, backend, (msg, err) => server?.log.warn(err ? { err } : {}, msg));
  const watchers: BerichtWatcher[] = [];
  if (tracing) watchers.push(tracing);
  if (beheer) watchers.push(beheer.recorder);
  const dispatch = observeDispatch({ dispatcher, metrics, watchers, onError: (err, operation) => server?.log.error({ err, operation }, 'dispatcher failed') });
  server = buildServer({
    config,
    dispatcher,
    backend,
    schemas,
    metrics,
    dispatch,
    ...(beheer ? { onUndispatched: (r) => beheer.recorder.recordUndispatched(r) } : {}),
    ready: () => accepting,
    ...(storage ? { storage } : {}),
    logger: opts.logger === false ? false : { level: config.logLevel, ...(typeof opts.logger === 'object' ? opts.logger : {}) },
    ...(migration ? { healthDetails: async () => ({ migration: await migration.health() }) } : {}),
  });
  const beheerServer = beheer?.mount(server, localReplayer({ config, content: backend.content, dispatch, store: beheer.store, flush: beheer.flush }));
  // Message-log retention and crash leftovers: once now (before the first request), then in the background.
  const serverLog = server.log;
  const housekeeping = new Housekeeping(config, backend, clock, (level, msg, extra) => serverLog[level](extra ?? {}, msg));
  await housekeeping.start();
  const idleCollector = startIdleCollector(config, server, metrics);
  migration?.start();
  return {
    config,
    server,
    backend,
    schemas,
    housekeeping,
    ...(migration ? { migration } : {}),
    ...(beheer ? { beheer } : {}),
    ...(beheerServer ? { beheerServer } : {}),
    ...(tracing ? { tracing } : {}),
    async close() {
      accepting = false;
      idleCollector?.stop();
      await housekeeping.stop();
      await server!.close();
      await migration?.close();
      await beheer?.close();
      await tracing?.shutdown().catch(() => undefined);
      await backend.close();
    },
  };
}

const MB = 1024 * 1024;
/** Heap growth since the last idle collection below which a quiet period does not collect. */
const IDLE_COLLECT_MIN_GROWTH = 16 * MB;

/** The full collection after a quiet period (idleCollectAfterMs; 0: off), counted in the metrics. */
function startIdleCollector(config: Config, server: FastifyInstance, metrics: Metrics): IdleCollector | undefined {
  if (config.idleCollectAfterMs === 0) return undefined;
  const collect = v8FullCollection();
  if (!collect) {
    server.log.warn('idleCollectAfterMs: deze Node.js-versie staat geen volledige opruiming toe; uitgeschakeld');
    return undefined;
  }
  const collector = new IdleCollector({
    quietMs: config.idleCollectAfterMs,
    minGrowthBytes: IDLE_COLLECT_MIN_GROWTH,
    collect,
    heapBytes: v8HeapBytes,
    onCollected: (before, after, ms) => {
      metrics.idleCollected(ms / 1000);
      server.log.debug({ heapBeforeMb: Math.round(before / MB), heapAfterMb: Math.round(after / MB), ms: Math.round(ms) }, 'idle collection');
    },
  });
  collector.watch(server.server);
  return collector;
}

/**
 * With a migration section: the migration router, whose new side is a dispatcher on the same backend without
 * routing (and without sender checks: a bericht is authorised once, when it arrives).
 */
export async function openMigration(config: Config, deps: Omit<DispatcherDeps, 'router'>): Promise<Migration | undefined> {
  const m = config.migration;
  if (!m) return undefined;
  // Zaken copied from the legacy zaaksysteem were never validated by Zaakpoort: answers of this store are checked.
  await deps.backend.storedData?.markUnvalidated('migratie vanuit het oude zaaksysteem');
  const newSide = createDispatcher({ ...deps, config: { ...config, senders: [] }, log: newSideLog(deps.log) });
  return Migration.open({
    config: { ...config, migration: m },
    side: { dispatcher: newSide, backend: deps.backend, maxMessageBytes: config.maxMessageBytes, maxDepth: config.maxDepth },
    clock: deps.clock,
    ...(deps.log ? { log: deps.log } : {}),
  });
}
