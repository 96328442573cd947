/**
 * `npm run overdragen -- --zaak <id> --endpoint <url> --applicatie <app> [--organisatie <org>]
 * [--administratie <adm>] [--melding <text>]...`: offer a zaak to a zaakservice-consumer (overdragenZaak_Di01).
 * Uses the same configuration and backend as `npm start` (it may run next to the server). Prints the
 * referentienummer the ZSC's overdragenZaak_Du01 answer will refer to; on failure one line on stderr, exit 1.
 */
import { parseArgs } from 'node:util';
import { createCatalogue } from '../src/catalogue/index.js';
import { openBackend } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { SchemaRegistry } from '../src/schema/index.js';
import { systemClock } from '../src/stuf/dates.js';
import { overdragenZaak } from '../src/zds/overdracht/verstuur.js';

const USAGE = 'gebruik: npm run overdragen -- --zaak <id> --endpoint <url> --applicatie <app> [--organisatie <org>] [--administratie <adm>] [--melding <tekst>]';

class UsageError extends Error {}

function readArgs() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        zaak: { type: 'string' },
        endpoint: { type: 'string' },
        applicatie: { type: 'string' },
        organisatie: { type: 'string' },
        administratie: { type: 'string' },
        melding: { type: 'string', multiple: true },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}; ${USAGE}`);
  }
  for (const name of ['zaak', 'endpoint', 'applicatie'] as const) {
    if (!values[name]) throw new UsageError(`--${name} ontbreekt; ${USAGE}`);
  }
  return values as typeof values & { zaak: string; endpoint: string; applicatie: string };
}

async function main(): Promise<void> {
  const args = readArgs();
  const config = loadConfig();
  const schemas = await SchemaRegistry.load(config.schemaDir);
  const backend = await openBackend(config, systemClock);
  try {
    const overdracht = await overdragenZaak(
      { config, backend, catalogue: createCatalogue(config), schemas, clock: systemClock },
      {
        zaakIdentificatie: args.zaak,
        endpoint: args.endpoint,
        ontvanger: {
          applicatie: args.applicatie,
          ...(args.organisatie ? { organisatie: args.organisatie } : {}),
          ...(args.administratie ? { administratie: args.administratie } : {}),
        },
        meldingen: args.melding ?? [],
      },
    );
    process.stdout.write(`${overdracht.referentienummer}\n`);
  } finally {
    await backend.close();
  }
}

main().catch((e: unknown) => {
  // One line: schema-load errors carry a multi-line how-to-fix that belongs in the docs, not here.
  const message = e instanceof Error ? e.message : String(e);
  console.error(`overdragen: ${message.split('\n')[0]}`);
  process.exit(1);
});
