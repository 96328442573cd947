/** What every part of the ZGW backend shares: the client, the catalogue, the settings and the local state. */
import type { Backend } from '../../ports/index.js';
import type { ZgwCatalogue } from './catalogue.js';
import type { ZgwSettings, ZgwZaaktypeProfile } from './config.js';
import type { ZgwHttp } from './http.js';
import type { UnitJournal } from './journal.js';
import type { Log } from './unit-of-work.js';

export interface ZgwContext {
  http: ZgwHttp;
  catalogue: ZgwCatalogue;
  settings: ZgwSettings;
  /** bronorganisatie / verantwoordelijkeOrganisatie of what Zaakpoort creates and looks up. */
  rsin: string;
  timeZone: string;
  now: () => Date;
  log: Log;
  /** Zaakpoort's own state: message log, id counters, overdrachten (SQLite or PostgreSQL backend). */
  local: Backend;
  journal: UnitJournal;
}

export function profileFor(ctx: ZgwContext, zaaktypeCode: string): ZgwZaaktypeProfile | undefined {
  return ctx.settings.profiles[zaaktypeCode];
}
