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
  /**
   * identificatie → zaak URL and zaaktype, for the calls that only need to name the zaak (its documents,
   * besluiten, relations). The pair never changes while the zaak exists; entries expire so a zaak deleted and
   * made again elsewhere is found again.
   */
  zaakRefs: Map<string, { url: string; zaaktype: string; at: number }>;
}

/** How long a zaak URL found by identificatie is reused. */
export const ZAAK_REF_TTL_MS = 60_000;

export function profileFor(ctx: ZgwContext, zaaktypeCode: string): ZgwZaaktypeProfile | undefined {
  return ctx.settings.profiles[zaaktypeCode];
}
