/**
 * Readiness: schemas compiled, the backend answering a ping and, where documents live on disk, the data directory
 * really writable (GET /health and /health/ready). Liveness (GET /health/live) only says the process answers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { APP_ROOT } from '../app-root.js';
import type { Backend } from '../ports/index.js';
import type { StorageProbe } from './storage-probe.js';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  schemas: 'compiled' | 'not compiled';
  backend: 'reachable' | 'unreachable';
  /** Per part of the backend when it reports them (ZGW: each API and the local state), 'ok' or a short reason. */
  parts?: Record<string, string>;
  /** Only when documents are stored on disk (SQLite, or PostgreSQL with content store fs). */
  storage?: 'writable' | 'not writable';
  /** Why storage is not writable (ENOSPC, EROFS, ENOENT, timeout), never a path. */
  storageError?: string;
  version: string;
}

const PING_TIMEOUT_MS = 2_000;

export const VERSION: string = readVersion();

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(APP_ROOT, 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function checkHealth(ready: () => boolean, backend: Backend, storage?: StorageProbe): Promise<HealthReport> {
  const schemasOk = ready();
  const [parts, pinged, storageError] = await Promise.all([
    backend.health ? partsOf(backend) : undefined,
    backend.health ? undefined : ping(backend),
    storage?.check(),
  ]);
  const backendOk = parts ? Object.values(parts).every((v) => v === 'ok') : pinged === true;
  const storageOk = storageError === undefined;
  return {
    status: schemasOk && backendOk && storageOk ? 'ok' : 'unavailable',
    schemas: schemasOk ? 'compiled' : 'not compiled',
    backend: backendOk ? 'reachable' : 'unreachable',
    ...(parts ? { parts } : {}),
    ...(storage ? { storage: storageOk ? 'writable' : 'not writable' } : {}),
    ...(storageError ? { storageError } : {}),
    version: VERSION,
  };
}

async function partsOf(backend: Backend): Promise<Record<string, string>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      backend.health!(),
      new Promise<Record<string, string>>((resolve) => {
        timer = setTimeout(() => resolve({ backend: 'geen antwoord binnen de tijdslimiet' }), PING_TIMEOUT_MS);
      }),
    ]);
  } catch {
    return { backend: 'fout' };
  } finally {
    clearTimeout(timer);
  }
}

/** A hanging backend must not hang the health check (load balancers time out and flap otherwise). */
async function ping(backend: Backend): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      backend.store.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('ping timeout')), PING_TIMEOUT_MS);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
