/**
 * `npm run migrate`: bring the PostgreSQL schema up to date without starting the server (a deploy step before
 * rolling out new instances). Reads the same configuration as `npm start` (ZAAKPOORT_DATABASE_URL, ...).
 * Safe to run while instances are starting: migrations hold an advisory lock.
 */
import { DEFAULT_SCHEMA, MIGRATIONS, migrate } from '../src/backends/postgres/index.js';
import { createPool } from '../src/backends/postgres/pool.js';
import { newestVersion } from '../src/backends/postgres/schema.js';
import { ConfigError, loadConfig } from '../src/config.js';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.backend.kind !== 'postgres') {
    throw new ConfigError('migrate is alleen nodig voor PostgreSQL: zet ZAAKPOORT_DATABASE_URL (SQLite migreert bij het starten)');
  }
  const schema = config.backend.schema ?? DEFAULT_SCHEMA;
  const pool = createPool(config.backend.url, schema, { max: 1 });
  try {
    const version = await migrate(pool, schema, MIGRATIONS);
    console.log(`Schema "${schema}" staat op versie ${version} (nieuwste bekende versie: ${newestVersion()})`);
  } finally {
    await pool.end();
  }
}

main().catch((e: unknown) => {
  console.error(`Migratie mislukt: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
