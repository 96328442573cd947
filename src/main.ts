/**
 * `npm start`: configuration, schemas, backend, dispatcher, HTTP server, graceful shutdown.
 * Start-up problems a user can fix (configuration, missing schemas) print one line, not a stack trace.
 */
import { performance } from 'node:perf_hooks';
import { createZaakpoort } from './compose.js';
import { ConfigError, loadConfig, openOnNetworkWarning } from './config.js';
import { SchemaLoadError } from './schema/index.js';

/** In-flight requests get this long to finish after SIGTERM/SIGINT before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 30_000;

async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const zp = await createZaakpoort(config);
  const app = zp.server;
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await zp.backend.close();
    throw err;
  }
  const openWarning = openOnNetworkWarning(config);
  if (openWarning) {
    app.log.warn(openWarning);
    console.error(`\n${'!'.repeat(100)}\n${openWarning}\n${'!'.repeat(100)}\n`);
  }
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  app.log.info(
    `Zaakpoort listening on ${config.tls ? 'https' : 'http'}://${shownHost}:${config.port}/zds (ready in ${Math.round(performance.now() - started)} ms)`,
  );

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      app.log.warn(`${signal} received again; exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    app.log.info(`${signal} received; finishing in-flight requests`);
    const force = setTimeout(() => {
      app.log.error('in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    // close() stops accepting, answers new requests on open connections with 503, waits, then closes the backend.
    zp.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof SchemaLoadError) {
    console.error(`Zaakpoort kan niet starten: ${err.message}`);
  } else {
    console.error('Zaakpoort kan niet starten:', err);
  }
  process.exit(1);
});
