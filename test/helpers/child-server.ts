/**
 * Zaakpoort as a real child process (the built dist/main.js, as `npm start` runs it), for tests and benchmarks that measure
 * the server's own memory or kill it mid-request. The process is configured only through the environment,
 * exactly as `npm start` is.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtServerArgs } from './built-server.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ChildServerOptions {
  dataDir: string;
  /** Extra environment (ZAAKPOORT_MAX_MESSAGE_BYTES, ...). */
  env?: Record<string, string>;
  /** Node arguments that start the server; default the built dist/main.js (what `npm start` runs). */
  nodeArgs?: string[];
  /** How long start-up may take before we give up. */
  startTimeoutMs?: number;
}

/** Memory figures of a process in bytes, from /proc/<pid>/status. */
export interface MemoryStatus {
  /** Resident set size now. */
  rss: number;
  /** Peak resident set size since the process started (VmHWM). */
  hwm: number;
}

export function readMemory(pid: number): MemoryStatus | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined; // not Linux, or the process is gone
  }
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Samples RSS at an interval: catches the peak of one phase, where VmHWM only knows the peak since start. */
export class RssSampler {
  private timer?: NodeJS.Timeout;
  peak = 0;
  samples = 0;

  constructor(private readonly pid: number, private readonly intervalMs = 20) {}

  start(): this {
    this.peak = readMemory(this.pid)?.rss ?? 0;
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  private sample(): void {
    const m = readMemory(this.pid);
    if (!m) return;
    this.samples++;
    if (m.rss > this.peak) this.peak = m.rss;
  }

  /** Stops sampling; returns the peak RSS in bytes seen while it ran. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

/** A free loopback port (the tiny race until the child binds it is acceptable in tests). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export class ChildServer {
  private child?: ChildProcess;
  private output = '';
  port = 0;

  constructor(private readonly opts: ChildServerOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    if (!this.child?.pid) throw new Error('server is not running');
    return this.child.pid;
  }

  /** Exit code once the process has exited (null while running or when ended by a signal). */
  get exitCode(): number | null {
    return this.child?.exitCode ?? null;
  }

  /** The last few KB the server printed (for assertion messages). */
  get log(): string {
    return this.output.slice(-4000);
  }

  memory(): MemoryStatus | undefined {
    return readMemory(this.pid);
  }

  /** Start the process and wait until /health answers 200. */
  async start(): Promise<void> {
    this.port = await freePort();
    const child = spawn(process.execPath, this.opts.nodeArgs ?? builtServerArgs(), {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        ZAAKPOORT_DATA_DIR: this.opts.dataDir,
        ZAAKPOORT_SCHEMA_DIR: process.env.ZAAKPOORT_SCHEMA_DIR ?? path.join(REPO_ROOT, 'xsd'),
        ZAAKPOORT_LOG_LEVEL: 'warn',
        ...this.opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (b: Buffer): void => {
      this.output = (this.output + b.toString()).slice(-16000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`Zaakpoort exited during start-up (${child.exitCode ?? child.signalCode}):\n${this.log}`);
      }
      try {
        const res = await fetch(`${this.url}/health`);
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.kill();
    throw new Error(`Zaakpoort did not become healthy in time:\n${this.log}`);
  }

  /** Send a signal (SIGKILL by default) and wait for the process to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }

  /** Graceful stop (SIGTERM: in-flight requests finish). */
  stop(): Promise<void> {
    return this.kill('SIGTERM');
  }
}
