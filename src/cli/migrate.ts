/**
 * `zaakpoort migrate`: bring the PostgreSQL schema up to date without starting the server (a deploy step before
 * rolling out new instances). Same configuration as `zaakpoort start`. Safe while instances are starting:
 * migrations hold an advisory lock. SQLite migrates itself at start-up.
 */
import { DEFAULT_SCHEMA, MIGRATIONS, migrate } from '../backends/postgres/index.js';
import { createPool } from '../backends/postgres/pool.js';
import { newestVersion } from '../backends/postgres/schema.js';
import { type Config, ConfigError } from '../config.js';

export async function migrateCommand(config: Config): Promise<void> {
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
