/**
 * Settings of the ZGW backend: where the four APIs are, how Zaakpoort authenticates, which catalogus holds the
 * zaaktypen, and how ZDS concepts translate to the catalogue of each zaaktype (translation profiles).
 * Environment variables cover the quick path; everything else comes from the JSON configuration file
 * (`backend: { kind: "zgw", ... }`). Environment wins over the file.
 */
import type { RolType } from '../../domain/model.js';

/** The closed list of roltype.omschrijvingGeneriek in the Catalogi API 1.3. */
export const OMSCHRIJVING_GENERIEK = [
  'adviseur', 'behandelaar', 'belanghebbende', 'beslisser', 'initiator', 'klantcontacter', 'mede_initiator', 'zaakcoordinator',
] as const;
export type OmschrijvingGeneriek = (typeof OMSCHRIJVING_GENERIEK)[number];

/**
 * Default ZDS relation → roltype (by omschrijvingGeneriek). Initiator, belanghebbende and uitvoerende →
 * behandelaar match what ZaakBrug users have. The others are Zaakpoort's choice, documented in the README:
 * - heeftAlsVerantwoordelijke → zaakcoordinator: RGBZ's verantwoordelijke answers for the zaak as a whole,
 *   which is the zaakcoördinator's description in the GEMMA roltypen (a beslisser only takes besluiten);
 * - heeftAlsGemachtigde → belanghebbende with rol.indicatieMachtiging "gemachtigde": ZGW has no gemachtigde
 *   roltype but marks the representative on the rol itself, so it reads back as heeftAlsGemachtigde;
 * - heeftAlsOverigBetrokkene → adviseur: the only generic roltype without a more specific ZDS counterpart
 *   that is not about the klant contact.
 */
export const DEFAULT_ROLTYPEN: Record<RolType, OmschrijvingGeneriek> = {
  heeftAlsInitiator: 'initiator',
  heeftAlsBelanghebbende: 'belanghebbende',
  heeftAlsUitvoerende: 'behandelaar',
  heeftAlsVerantwoordelijke: 'zaakcoordinator',
  heeftAlsGemachtigde: 'belanghebbende',
  heeftAlsOverigBetrokkene: 'adviseur',
};

/** Per zaaktype (ZDS code = ZGW zaaktype.identificatie): how ZDS values find their ZGW catalogue counterparts. */
export interface ZgwZaaktypeProfile {
  /** ZDS relation → roltype omschrijvingGeneriek (overrides DEFAULT_ROLTYPEN), or → roltype omschrijving with `omschrijving:`. */
  roltypen?: Partial<Record<RolType, string>>;
  /** How a ZDS statustype finds its ZGW statustype: by volgnummer (default), code (= ZGW omschrijvingGeneriek) or omschrijving. */
  statustypeMatch?: 'volgnummer' | 'code' | 'omschrijving';
  /** How a ZDS resultaat omschrijving finds its resultaattype: omschrijving (default) or omschrijvingGeneriek. */
  resultaattypeMatch?: 'omschrijving' | 'omschrijvingGeneriek';
  /** ZDS dct.omschrijving → ZGW informatieobjecttype omschrijving (default: the same text). */
  documenttypen?: Record<string, string>;
  /** StUF extraElementen naam → zaakeigenschap naam (default: the same name). */
  eigenschappen?: Record<string, string>;
  /** The besluittype omschrijving of a besluit whose message names no bst.omschrijving (default: the zaaktype's only one). */
  besluittype?: string;
}

export interface ZgwSettings {
  /** API roots, e.g. http://openzaak.example/zaken/api/v1 (no trailing slash needed). */
  zakenUrl: string;
  documentenUrl: string;
  catalogiUrl: string;
  besluitenUrl: string;
  clientId: string;
  secret: string;
  /** JWT claims user_id / user_representation (they land in Open Zaak's audit trail). */
  userId: string;
  userRepresentation: string;
  /** bronorganisatie / verantwoordelijkeOrganisatie: one RSIN, or gemeentecode → RSIN. */
  rsin: string | Record<string, string>;
  /** The catalogus in which zaaktypen are looked up by their ZDS code: its URL, or domein + rsin. */
  catalogus: string | { domein: string; rsin: string };
  /** Per ZDS zaaktype code. */
  profiles: Record<string, ZgwZaaktypeProfile>;
  defaults: {
    /** Zaak/document vertrouwelijkheidaanduiding when the message has none (absent: the zaaktype's own). */
    vertrouwelijkheidaanduiding?: string;
    /** ISO 639-2/B, for documents without taal. */
    taal: string;
  };
  /** Per HTTP call (connect + answer); default 15000. */
  timeoutMs: number;
  /** How long catalogue lookups are trusted; a miss always refreshes. Default 300000. */
  catalogueTtlMs: number;
  /** A JWT is re-signed when it is this old (Open Zaak refuses an old iat); default 240. */
  jwtRenewSeconds: number;
  /** Attempts of an idempotent call (GET, and PUT/DELETE) on a timeout, connection error or 5xx; default 3. */
  retries: number;
  /** The most zaken one zakLv01 reads from the ZGW search before it answers StUF058 "selectie te ruim"; default 1000. */
  searchMaxZaken: number;
}

type Env = Record<string, string | undefined>;

function parseJsonOrString(name: string, v: string): string | Record<string, string> {
  const t = v.trim();
  if (!t.startsWith('{')) return t;
  try {
    return JSON.parse(t) as Record<string, string>;
  } catch {
    throw new Error(`${name} is geen geldige JSON`);
  }
}

function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} moet een positief getal zijn, niet "${v}"`);
  return n;
}

/** Settings from the file's backend section with the environment laid over it. */
export function zgwSettingsFromEnv(env: Env, file: Partial<ZgwSettings> | undefined): ZgwSettings {
  const f = file ?? {};
  const catalogusEnv = env.ZAAKPOORT_ZGW_CATALOGUS;
  let catalogus = f.catalogus ?? '';
  if (catalogusEnv) {
    const parsed = parseJsonOrString('ZAAKPOORT_ZGW_CATALOGUS', catalogusEnv);
    catalogus = typeof parsed === 'string' ? parsed : { domein: parsed.domein ?? '', rsin: parsed.rsin ?? '' };
  }
  return {
    zakenUrl: env.ZAAKPOORT_ZGW_ZAKEN_URL || f.zakenUrl || '',
    documentenUrl: env.ZAAKPOORT_ZGW_DOCUMENTEN_URL || f.documentenUrl || '',
    catalogiUrl: env.ZAAKPOORT_ZGW_CATALOGI_URL || f.catalogiUrl || '',
    besluitenUrl: env.ZAAKPOORT_ZGW_BESLUITEN_URL || f.besluitenUrl || '',
    clientId: env.ZAAKPOORT_ZGW_CLIENT_ID || f.clientId || '',
    secret: env.ZAAKPOORT_ZGW_SECRET || f.secret || '',
    userId: f.userId || 'zaakpoort',
    userRepresentation: f.userRepresentation || 'Zaakpoort (ZDS-koppelvlak)',
    rsin: env.ZAAKPOORT_ZGW_RSIN ? parseJsonOrString('ZAAKPOORT_ZGW_RSIN', env.ZAAKPOORT_ZGW_RSIN) : (f.rsin ?? ''),
    catalogus,
    profiles: f.profiles ?? {},
    defaults: { taal: 'dut', ...(f.defaults ?? {}) },
    timeoutMs: positive('ZAAKPOORT_ZGW_TIMEOUT_MS', env.ZAAKPOORT_ZGW_TIMEOUT_MS) ?? f.timeoutMs ?? 15_000,
    catalogueTtlMs: f.catalogueTtlMs ?? 300_000,
    jwtRenewSeconds: f.jwtRenewSeconds ?? 240,
    retries: f.retries ?? 3,
    searchMaxZaken: f.searchMaxZaken ?? 1000,
  };
}

const RSIN = /^\d{9}$/;

/**
 * Refuse what could only fail later, with the setting's name (for settings built in code; the configuration
 * file and environment are checked by the schema in src/config.ts, which has the same rules).
 */
export function validateZgwSettings(s: ZgwSettings, error: (message: string) => Error): void {
  for (const [key, env] of [['zakenUrl', 'ZAKEN'], ['documentenUrl', 'DOCUMENTEN'], ['catalogiUrl', 'CATALOGI'], ['besluitenUrl', 'BESLUITEN']] as const) {
    const v = s[key];
    if (!v) throw error(`ZAAKPOORT_ZGW_${env}_URL (backend.${key}) is verplicht voor de ZGW-backend`);
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw error(`backend.${key} is geen URL: "${v}"`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw error(`backend.${key} moet met http:// of https:// beginnen`);
  }
  if (!s.clientId || !s.secret) throw error('ZAAKPOORT_ZGW_CLIENT_ID en ZAAKPOORT_ZGW_SECRET zijn verplicht voor de ZGW-backend');
  const rsins = typeof s.rsin === 'string' ? [s.rsin] : Object.values(s.rsin);
  if (rsins.length === 0 || rsins.some((r) => !RSIN.test(r))) {
    throw error('ZAAKPOORT_ZGW_RSIN moet een RSIN van 9 cijfers zijn, of in JSON een object gemeentecode → RSIN');
  }
  if (typeof s.catalogus === 'string' ? !s.catalogus : !s.catalogus.domein || !RSIN.test(s.catalogus.rsin)) {
    throw error('ZAAKPOORT_ZGW_CATALOGUS moet de URL van de catalogus zijn, of {"domein": "...", "rsin": "9 cijfers"}');
  }
  for (const [code, p] of Object.entries(s.profiles)) {
    for (const [rel, v] of Object.entries(p.roltypen ?? {})) {
      if (typeof v !== 'string' || (!v.startsWith('omschrijving:') && !(OMSCHRIJVING_GENERIEK as readonly string[]).includes(v))) {
        throw error(`profiles.${code}.roltypen.${rel} moet een omschrijvingGeneriek zijn (${OMSCHRIJVING_GENERIEK.join(', ')}) of "omschrijving:<tekst>"`);
      }
    }
  }
}

/** The RSIN for a gemeentecode (bronorganisatie of new zaken, documenten, besluiten). */
export function rsinFor(s: Pick<ZgwSettings, 'rsin'>, gemeentecode: string): string {
  if (typeof s.rsin === 'string') return s.rsin;
  const r = s.rsin[gemeentecode] ?? Object.values(s.rsin)[0];
  if (!r) throw new Error(`Geen RSIN voor gemeentecode ${gemeentecode}`);
  return r;
}
