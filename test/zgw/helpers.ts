/**
 * Shared set-up of the ZGW backend tests: the ZGW TEST DOUBLE (test/zgw-double: an in-process stand-in for
 * Open Zaak that validates every request and response against the official OAS; it is not Open Zaak), a seeded
 * catalogue, and a ZGW backend with its local state in a temp directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteBackend } from '../../src/backends/sqlite/index.js';
import { type ZgwSettings, zgwSettingsFromEnv } from '../../src/backends/zgw/config.js';
import { type ZgwBackend, openZgwBackend } from '../../src/backends/zgw/index.js';
import type { Config } from '../../src/config.js';
import type { Rol, Zaak } from '../../src/domain/model.js';
import { NS } from '../../src/stuf/namespaces.js';
import { type Seeded, type SeedSpec, TRANSLATOR_SCOPES, type ZgwDouble, startZgwDouble } from '../zgw-double/index.js';

export const RSIN = '002220647';
export const GEMEENTECODE = '0363';
export const TEMPLATES: Config['idTemplates'] = {
  zaak: '{gemeentecode}{jaar}{volgnummer:7}',
  document: '{gemeentecode}D{jaar}{volgnummer:7}',
  besluit: '{gemeentecode}B{volgnummer:6}',
};

/** The catalogue every ZGW test uses: zaaktype B1026 with three statustypen, the usual roltypen, two resultaten. */
export const CATALOGUE: SeedSpec = {
  catalogus: { domein: 'ZAAK', rsin: RSIN },
  zaaktypen: [
    {
      identificatie: 'B1026',
      omschrijving: 'Aanvraag schuldhulp',
      beginGeldigheid: '2020-01-01',
      statustypen: ['Ontvangen', 'In behandeling', 'Afgehandeld'],
      roltypen: ['initiator', 'belanghebbende', 'behandelaar', 'zaakcoordinator', 'adviseur', 'beslisser'],
      resultaattypen: ['Toegekend', 'Afgewezen'],
      informatieobjecttypen: ['Aanvraag', 'Besluit'],
      besluittypen: ['Toekenning'],
      deelzaaktypen: ['B1027'],
    },
    {
      identificatie: 'B2000',
      omschrijving: 'Melding',
      beginGeldigheid: '2020-01-01',
      statustypen: ['Ontvangen', 'Afgehandeld'],
      roltypen: ['initiator', 'behandelaar'],
      resultaattypen: ['Toegekend'],
    },
    {
      identificatie: 'B1027',
      omschrijving: 'Deelzaak schuldhulp',
      statustypen: ['Ontvangen', 'Afgehandeld'],
      roltypen: ['initiator', 'behandelaar'],
      resultaattypen: ['Afgerond'],
    },
  ],
};

/**
 * Zaaktype SHV01 of the HTTP end-to-end tests (the messages in test/helpers/messages.ts name it); the acceptance run
 * needs it in the real Open Zaak's catalogus too.
 */
export const SHV01 = {
  identificatie: 'SHV01',
  omschrijving: 'Schuldhulpverlening',
  statustypen: ['Intake', 'In behandeling', 'Afgehandeld'],
  roltypen: ['initiator' as const, 'belanghebbende' as const, 'behandelaar' as const, 'zaakcoordinator' as const, 'adviseur' as const],
  resultaattypen: ['Toegekend', 'Afgewezen'],
  informatieobjecttypen: ['Aanvraagformulier'],
  besluittypen: ['Toekenning'],
} satisfies SeedSpec['zaaktypen'][number];

/** The environment that points a Zaakpoort at the double (also for a server started as a child process). */
export function zgwEnvFor(double: ZgwDouble): Record<string, string> {
  return {
    ZAAKPOORT_ZGW_ZAKEN_URL: double.roots.zaken,
    ZAAKPOORT_ZGW_DOCUMENTEN_URL: double.roots.documenten,
    ZAAKPOORT_ZGW_CATALOGI_URL: double.roots.catalogi,
    ZAAKPOORT_ZGW_BESLUITEN_URL: double.roots.besluiten,
    ZAAKPOORT_ZGW_CLIENT_ID: double.clientId,
    ZAAKPOORT_ZGW_SECRET: double.secret,
    ZAAKPOORT_ZGW_RSIN: RSIN,
    ZAAKPOORT_ZGW_CATALOGUS: JSON.stringify({ domein: 'ZAAK', rsin: RSIN }),
    ZAAKPOORT_ZGW_TIMEOUT_MS: '3000',
  };
}

/**
 * Adds a client like the recordings' translator (TRANSLATOR_SCOPES: no documenten.geforceerd-unlock, so only
 * the right lock unlocks; no zaken.geforceerd-bijwerken) and returns the settings that make Zaakpoort use it.
 */
export function translatorClient(double: ZgwDouble): Pick<ZgwSettings, 'clientId' | 'secret'> {
  const c = { clientId: 'zaakpoort-vertaler', secret: 'vertaler-geheim-voor-de-tests-0123456789' };
  double.addClient({ ...c, scopes: TRANSLATOR_SCOPES });
  return c;
}

export function settingsFor(double: ZgwDouble, overrides: Partial<ZgwSettings> = {}): ZgwSettings {
  return {
    ...zgwSettingsFromEnv(zgwEnvFor(double), undefined),
    retries: 2,
    ...overrides,
  };
}

export interface ZgwFixture {
  double: ZgwDouble;
  seeded: Seeded;
  backend: ZgwBackend;
  dir: string;
  /** Close and open the backend again on the same directory (journal recovery runs). */
  reopen(): Promise<ZgwBackend>;
  close(): Promise<void>;
}

/** A ZGW backend with its local state (SQLite) and journal in `dir`, as the tests set it up (short backoff). */
export async function openZgwBackendAt(settings: ZgwSettings, dir: string, now: () => Date = () => new Date()): Promise<ZgwBackend> {
  return openZgwBackend({
    settings,
    local: await openSqliteBackend({ dataDir: dir, idTemplates: TEMPLATES, gemeentecode: GEMEENTECODE, timeZone: 'Europe/Amsterdam', now }),
    dataDir: dir,
    gemeentecode: GEMEENTECODE,
    timeZone: 'Europe/Amsterdam',
    now,
    backoffMs: 5,
  });
}

export async function openZgwFixture(opts: { now?: () => Date; settings?: Partial<ZgwSettings>; double?: ZgwDouble } = {}): Promise<ZgwFixture> {
  const double = opts.double ?? (await startZgwDouble());
  const seeded = await double.seed(CATALOGUE);
  const dir = await mkdtemp(path.join(tmpdir(), 'zaakpoort-zgw-'));
  const open = () => openZgwBackendAt(settingsFor(double, opts.settings), dir, opts.now);
  const f: ZgwFixture = {
    double,
    seeded,
    backend: await open(),
    dir,
    async reopen() {
      await f.backend.close();
      f.backend = await open();
      return f.backend;
    },
    async close() {
      await f.backend.close();
      if (!opts.double) await double.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return f;
}

/** The zaken the double holds under our RSIN (what a beheerder would find in Open Zaak). */
export async function zakenInZgw(double: ZgwDouble): Promise<string[]> {
  const res = await fetch(`${double.roots.zaken}/zaken?bronorganisatie=${RSIN}`, { headers: await authHeaders(double) });
  const body = (await res.json()) as { results: Array<{ identificatie: string }> };
  return body.results.map((z) => z.identificatie);
}

export async function authHeaders(double: ZgwDouble): Promise<Record<string, string>> {
  const { ZgwJwt } = await import('../../src/backends/zgw/jwt.js');
  const jwt = new ZgwJwt({ clientId: double.clientId, secret: double.secret, userId: 'test', userRepresentation: 'test', renewSeconds: 60 });
  return { Authorization: `Bearer ${await jwt.bearer()}`, Accept: 'application/json', 'Accept-Crs': 'EPSG:4326' };
}

/** All objects of a list endpoint of the double, read as the test (not through the backend). */
export async function listInZgw<T>(double: ZgwDouble, url: string): Promise<T[]> {
  const res = await fetch(url, { headers: await authHeaders(double) });
  const body = (await res.json()) as { results?: T[] } | T[];
  return Array.isArray(body) ? body : (body.results ?? []);
}

const bg = (local: string, value: string) => ({ ns: NS.bg, local, value });
const zkn = (local: string, value: string) => ({ ns: NS.zkn, local, value });

export const initiator: Rol = {
  rolType: 'heeftAlsInitiator',
  betrokkene: { kind: 'natuurlijkPersoon', key: '999993653', keyElement: 'inp.bsn', leaves: [bg('inp.bsn', '999993653'), bg('geslachtsnaam', 'Jansen'), bg('voorletters', 'J.')] },
  toelichting: 'Aanvrager',
};
export const behandelaar: Rol = {
  rolType: 'heeftAlsUitvoerende',
  betrokkene: { kind: 'medewerker', key: 'mdw-001', keyElement: 'identificatie', leaves: [zkn('identificatie', 'mdw-001'), zkn('achternaam', 'Pietersen')] },
};

/** A zaak as creeerZaak makes it, with only what ZGW can hold (complete dates, active rollen). */
export function zaakVoorZgw(identificatie: string, extra: Partial<Zaak> = {}): Zaak {
  return {
    identificatie,
    zaaktype: { code: 'B1026', omschrijving: 'Aanvraag schuldhulp' },
    omschrijving: 'Aanvraag schuldhulpverlening',
    toelichting: 'Via de balie',
    kenmerken: [{ kenmerk: 'K-1', bron: 'Vakapplicatie' }],
    anderZaakObjecten: [],
    startdatum: { value: '20240315' },
    registratiedatum: { value: '20240315' },
    einddatumGepland: { value: '20240601' },
    zaakniveau: '1',
    deelzakenIndicatie: 'N',
    rollen: [initiator, behandelaar],
    statussen: [{ statustype: { volgnummer: '1', omschrijving: 'Ontvangen' }, datumStatusGezet: '20240315093012000', toelichting: 'Binnen' }],
    relaties: [],
    ...extra,
  };
}

