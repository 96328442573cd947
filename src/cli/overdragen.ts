/**
 * `zaakpoort overdragen --zaak <id> --endpoint <url> --applicatie <app> [--organisatie <org>]
 * [--administratie <adm>] [--melding <text>]...`: offer a zaak to a zaakservice-consumer (overdragenZaak_Di01).
 * Uses the same configuration and backend as `zaakpoort start` (it may run next to the server). Prints the
 * referentienummer the ZSC's overdragenZaak_Du01 answer will refer to.
 */
import { createCatalogue } from '../catalogue/index.js';
import { openBackend } from '../compose.js';
import type { Config } from '../config.js';
import { SchemaRegistry } from '../schema/index.js';
import { systemClock } from '../stuf/dates.js';
import { overdragenZaak } from '../zds/overdracht/verstuur.js';

export interface OverdragenOptions {
  zaak: string;
  endpoint: string;
  applicatie: string;
  organisatie?: string;
  administratie?: string;
  melding?: string[];
}

export async function overdragenCommand(config: Config, args: OverdragenOptions): Promise<void> {
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
