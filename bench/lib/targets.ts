/** The servers a load bench compares: Zaakpoort on SQLite, Zaakpoort on PostgreSQL, and the bare baseline. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { BenchContext } from './context.js';
import { type RunningServer, startProcess, zaakpoortEnv } from './server.js';

export type TargetName = 'sqlite' | 'postgres' | 'baseline';

export interface Target {
  name: TargetName;
  server: RunningServer;
  /** Whether requests change state (baseline only validates). */
  stateful: boolean;
  stop(): Promise<void>;
}

export function benchSchemaName(): string {
  return `zp_bench_${randomBytes(4).toString('hex')}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

/** Start one target; `prepare` runs before the server starts (seeding through the ports). */
export async function startTarget(
  name: TargetName,
  ctx: BenchContext,
  prepare?: (where: { dataDir: string; schema?: string }) => Promise<void>,
): Promise<Target> {
  if (name === 'baseline') {
    const server = await startProcess('bench/servers/baseline.ts', {});
    return { name, server, stateful: false, stop: () => server.stop() };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-bench-'));
  const schema = name === 'postgres' ? benchSchemaName() : undefined;
  const cleanup = async () => {
    await rm(dataDir, { recursive: true, force: true });
    if (schema) await dropSchema(ctx.databaseUrl!, schema);
  };
  try {
    await prepare?.({ dataDir, schema });
    const env =
      name === 'postgres'
        ? zaakpoortEnv({ kind: 'postgres', url: ctx.databaseUrl!, schema: schema!, dataDir })
        : zaakpoortEnv({ kind: 'sqlite', dataDir });
    const server = await startProcess('src/main.ts', env);
    return {
      name,
      server,
      stateful: true,
      async stop() {
        await server.stop();
        await cleanup();
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** The targets selected for this run (postgres only when a database answers). */
export function selectedTargets(ctx: BenchContext): TargetName[] {
  const all: TargetName[] = ['sqlite', 'postgres', 'baseline'];
  return all.filter((t) => ctx.wants(t) && (t !== 'postgres' || ctx.databaseUrl !== undefined));
}
