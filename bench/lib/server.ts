/** Start a server under test in its own process (so client and server do not share an event loop). */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtServerArgs } from '../../test/helpers/built-server.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface RunningServer {
  url: string;
  /** Milliseconds from spawn until /health answered 200. */
  readyMs: number;
  /** CPU time (user + system, all threads) the process had used by then, in ms; NaN where /proc is missing. */
  readyCpuMs: number;
  /** CPU time (user + system, all threads) the process has used so far, in ms; NaN where /proc is missing. */
  cpuMs(): number;
  /** CPU time of the main thread alone (the event loop: the bottleneck under load), in ms; NaN where /proc is missing. */
  mainThreadCpuMs(): number;
  stop(): Promise<void>;
}

/**
 * Spawn a server with env and wait until GET /health is 200. `src/main.ts` means Zaakpoort as `npm start` runs
 * it (the built dist/main.js); any other script runs through tsx.
 */
export async function startProcess(script: string, env: Record<string, string>, timeoutMs = 60_000): Promise<RunningServer> {
  const port = await freePort();
  const args = script === 'src/main.ts' ? builtServerArgs() : ['--import', 'tsx', script];
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (exited) throw new Error(`${script} stopped before it was ready:\n${stderr}`);
    if (performance.now() - t0 > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${script} not ready after ${timeoutMs} ms:\n${stderr}`);
    }
    try {
      const res = await fetch(`${url}/health`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = performance.now() - t0;
  const readyCpuMs = cpuMsOf(child.pid);
  return {
    url,
    readyMs,
    readyCpuMs,
    cpuMs: () => cpuMsOf(child.pid),
    mainThreadCpuMs: () => cpuMsOf(child.pid, child.pid),
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** utime + stime of a process from /proc/<pid>/stat, or of one of its threads (Linux), in ms. */
function cpuMsOf(pid: number | undefined, thread?: number): number {
  try {
    const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11], [12]: utime, stime in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** Environment for `npm start` on the embedded backend or on PostgreSQL. */
export function zaakpoortEnv(backend: { kind: 'sqlite'; dataDir: string } | { kind: 'postgres'; url: string; schema: string; dataDir: string }): Record<string, string> {
  const env: Record<string, string> = {
    ZAAKPOORT_DATA_DIR: backend.dataDir,
    ZAAKPOORT_LOG_LEVEL: 'warn',
    ZAAKPOORT_VALIDATION: 'strict',
    ZAAKPOORT_GEMEENTECODE: '1234',
  };
  if (backend.kind === 'postgres') {
    env.ZAAKPOORT_DATABASE_URL = backend.url;
    env.ZAAKPOORT_DATABASE_SCHEMA = backend.schema;
    env.ZAAKPOORT_DATABASE_POOL_MAX = '20';
  }
  return env;
}
