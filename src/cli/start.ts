/**
 * `zaakpoort start` (`npm start`): configuration, schemas, backend, HTTP server, graceful shutdown.
 * SIGTERM/SIGINT: stop accepting, let in-flight requests finish (new requests on open connections get 503),
 * close the backend and exit 0; after shutdownTimeoutMs the process exits 1 anyway. A second signal exits at once.
 */
import { performance } from 'node:perf_hooks';
import { createZaakpoort } from '../compose.js';
import { type Config, openOnNetworkWarning } from '../config.js';

/** A second signal within this time is the same stop request (see shutdown). */
const DUPLICATE_SIGNAL_MS = 1_000;

export async function startServer(config: Config): Promise<void> {
  const started = performance.now();
  const zp = await createZaakpoort(config);
  const app = zp.server;
  try {
    await app.listen({ host: config.host, port: config.port });
    if (zp.beheerServer) await zp.beheerServer.listen({ host: config.beheer?.host ?? config.host, port: config.beheer?.port ?? 0 });
  } catch (err) {
    await zp.backend.close();
    throw err;
  }
  const openWarning = openOnNetworkWarning(config);
  if (openWarning) {
    // Also on stderr, outside the JSON log, so an operator watching the terminal cannot miss it.
    app.log.warn(openWarning);
    console.error(`\n${'!'.repeat(100)}\n${openWarning}\n${'!'.repeat(100)}\n`);
  }
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  app.log.info(
    `Zaakpoort listening on ${config.tls ? 'https' : 'http'}://${shownHost}:${config.port}/zds (ready in ${Math.round(performance.now() - started)} ms)`,
  );
  if (zp.beheerServer) app.log.info(`Message browser on ${config.tls ? 'https' : 'http'}://${config.beheer?.host ?? shownHost}:${config.beheer?.port}/beheer`);
  else if (zp.beheer) app.log.info('Message browser on /beheer of this port');

  let stoppingSince: number | undefined;
  const shutdown = (signal: string): void => {
    if (stoppingSince !== undefined) {
      // Ctrl-C under `npm start` reaches this process twice at once (from the terminal and forwarded by npm):
      // only a signal that comes later is an operator insisting.
      if (performance.now() - stoppingSince < DUPLICATE_SIGNAL_MS) return;
      app.log.warn(`${signal} received again; exiting without waiting`);
      process.exit(1);
    }
    stoppingSince = performance.now();
    app.log.info(`${signal} received; finishing in-flight requests (at most ${config.shutdownTimeoutMs} ms)`);
    const force = setTimeout(() => {
      app.log.error('in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    // close() stops accepting, answers new requests on open connections with 503, waits, then closes the backend.
    zp.close().then(
      () => {
        app.log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // `npm start` execs node, so npm forwards SIGTERM/SIGINT straight to this process. Should npm die without
  // forwarding (SIGKILL), this process would keep the port: notice being orphaned and stop as well.
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid !== parent) {
        clearInterval(watch);
        shutdown('parent process (npm) gone');
      }
    }, 1000);
    watch.unref();
  }
}
