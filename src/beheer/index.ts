/**
 * The beheer side: the message browser at /beheer (on the SOAP port or a port of its own), its recorder and the
 * read audit. Off unless config.beheer is set, and only on a backend with an SQL store.
 */
import { fastify, type FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Backend } from '../ports/index.js';
import { httpsOptions } from '../server/tls.js';
import { bsnHasher, loadKey } from './bsn-hash.js';
import { BerichtRecorder } from './recorder.js';
import type { LocalReplay } from './replay.js';
import { registerBeheerRoutes } from './routes.js';
import { SessionSigner } from './session.js';
import { BerichtStore } from './store.js';

const HOUR = 60 * 60 * 1000;

export interface Beheer {
  recorder: BerichtRecorder;
  store: BerichtStore;
  /** Write every bericht handled so far (replay, tests, shutdown). */
  flush(): Promise<void>;
  /** Serve the browser on app (the SOAP server), or on its own server when beheer.port is set (returned). */
  mount(app: FastifyInstance, replay: LocalReplay): FastifyInstance | undefined;
  close(): Promise<void>;
}

export async function openBeheer(config: Config, backend: Backend, log: (msg: string, e?: unknown) => void): Promise<Beheer | undefined> {
  const cfg = config.beheer;
  if (!cfg) return undefined;
  if (!backend.sql) {
    log(`beheer: de backend ${backend.name} heeft geen SQL-opslag; de berichtenbrowser staat uit`);
    return undefined;
  }
  const store = new BerichtStore(backend.sql, (e) => log('beheer: berichten niet vastgelegd', e));
  const hashBsn = bsnHasher(await loadKey(store, 'bsn-hash-key', cfg.bsnKey));
  const signer = new SessionSigner(await loadKey(store, 'session-key', undefined), cfg.sessionMinutes);
  const recorder = new BerichtRecorder(
    store,
    { keep: cfg.keep, maxBodyBytes: cfg.maxBodyBytes, readAudit: cfg.readAudit, hashBsn },
    log,
  );

  const prune = (): void => {
    if (config.messageRetentionDays <= 0) return;
    store.prune(Date.now() - config.messageRetentionDays * 24 * HOUR).catch((e: unknown) => log('beheer: opruimen mislukt', e));
  };
  prune();
  const pruner = setInterval(prune, HOUR);
  pruner.unref();

  const flush = async (): Promise<void> => {
    await recorder.idle();
    await store.flush();
  };
  let own: FastifyInstance | undefined;
  return {
    recorder,
    store,
    flush,
    mount(app, replay) {
      const deps = { config, store, signer, hashBsn, replay };
      if (cfg.port === undefined) {
        registerBeheerRoutes(app, deps);
        return undefined;
      }
      // Same certificate as the SOAP port, but no client certificates: people log in with their account.
      const https = config.tls ? { https: { ...httpsOptions({ cert: config.tls.cert, key: config.tls.key }), requestCert: false } } : {};
      own = fastify({ logger: false, ...https });
      own.removeAllContentTypeParsers();
      own.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
      registerBeheerRoutes(own, deps);
      return own;
    },
    async close() {
      clearInterval(pruner);
      await own?.close();
      await flush();
    },
  };
}
