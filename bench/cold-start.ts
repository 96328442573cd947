/** Cold start: spawn what `npm start` runs (node dist/main.js, built beforehand) and time until GET /health is 200. */
import { chmodSync, cpSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BenchContext } from './lib/context.js';
import { REPO_ROOT, startProcess, zaakpoortEnv } from './lib/server.js';
import { median, type Table } from './lib/table.js';
import { benchSchemaName, dropSchema } from './lib/targets.js';

export const name = 'cold-start';

export async function run(ctx: BenchContext): Promise<Table[]> {
  const rows: Table['rows'] = [];
  const measure = async (label: string, env: () => Record<string, string>): Promise<void> => {
    const times: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < ctx.runs; r++) {
      const server = await startProcess('src/main.ts', env());
      times.push(server.readyMs);
      cpu.push(server.readyCpuMs);
      await server.stop();
    }
    ctx.log(`cold-start ${label}: ${times.map((t) => t.toFixed(0)).join(', ')} ms (CPU ${cpu.map((t) => t.toFixed(0)).join(', ')} ms)`);
    rows.push([label, ctx.runs, median(times), Math.min(...times), Math.max(...times), median(cpu)]);
  };
  if (ctx.wants('sqlite')) {
    const dirs: string[] = [];
    await measure('sqlite, empty data folder', () => {
      const dir = path.join(os.tmpdir(), `zaakpoort-cold-${process.pid}-${dirs.length}`);
      dirs.push(dir);
      return zaakpoortEnv({ kind: 'sqlite', dataDir: dir });
    });
    // The very first start after installing schemas the plain way (no `zaakpoort provision-xsd`): the rules are
    // derived and the cache written during start-up.
    await measure('sqlite, empty data folder, no schema cache yet', () => {
      const dir = path.join(os.tmpdir(), `zaakpoort-cold-${process.pid}-${dirs.length}`);
      dirs.push(dir);
      const schemaDir = `${dir}-xsd`;
      dirs.push(schemaDir);
      cpSync(path.resolve(REPO_ROOT, process.env.ZAAKPOORT_SCHEMA_DIR || 'xsd'), schemaDir, { recursive: true, filter: (src) => path.basename(src) !== '.derived' });
      // The source may be read-only (../shared): the server writes its rule cache into the copy, and rm removes it.
      for (const entry of readdirSync(schemaDir, { recursive: true, withFileTypes: true })) {
        chmodSync(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644);
      }
      chmodSync(schemaDir, 0o755);
      return { ...zaakpoortEnv({ kind: 'sqlite', dataDir: dir }), ZAAKPOORT_SCHEMA_DIR: schemaDir };
    });
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
  if (ctx.wants('postgres') && ctx.databaseUrl) {
    const schemas: string[] = [];
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-cold-'));
    try {
      await measure('postgres, new schema (runs migrations)', () => {
        const schema = benchSchemaName();
        schemas.push(schema);
        return zaakpoortEnv({ kind: 'postgres', url: ctx.databaseUrl!, schema, dataDir });
      });
      const existing = schemas[0]!;
      await measure('postgres, existing schema', () => zaakpoortEnv({ kind: 'postgres', url: ctx.databaseUrl!, schema: existing, dataDir }));
    } finally {
      for (const s of schemas) await dropSchema(ctx.databaseUrl, s);
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  return [
    {
      title: 'Cold start to ready (spawn until GET /health = 200)',
      columns: ['backend', 'runs', 'median ms', 'min ms', 'max ms', 'CPU ms to ready (median)'],
      rows,
      notes: [
        'Includes Node start-up, loading the bundle, compiling both XSD sets (the fixed-attribute rules come from their cache in ' +
          'the schema folder, written at the first start or by `zaakpoort provision-xsd`), opening the backend, polling every 5 ms ' +
          '(the esbuild step of `npm start`, ~60 ms, is not included). "CPU ms" is user + system time of the server process until ' +
          'ready (all its threads): on a machine shared with other work it shows the cost when the wall time does not.',
      ],
    },
  ];
}
