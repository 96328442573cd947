/**
 * Checks on a request's stuurgegevens (SPEC-DIGEST §6 rows 3–8). The first failure wins, in the order of the
 * StUF foutcode table: StUF010, StUF022, StUF025, StUF028/031, StUF034/037, then StUF055.
 */
import { normaliseTijdstip } from './dates.js';
import { FOUTCODE_OMSCHRIJVING, StufFault, faults } from './fault.js';
import type { Stuurgegevens, Systeem } from './stuurgegevens.js';

/** Every berichtcode stuf0301.xsd knows (simpleType Berichtcode). */
export const BERICHTCODES: ReadonlySet<string> = new Set([
  'Bv01', 'Bv02', 'Bv03', 'Bv04', 'Di01', 'Di02', 'Du01', 'Du02', 'Fo01', 'Fo02', 'Fo03',
  ...range('La', 14), ...range('Lv', 14), ...range('Lk', 6),
  'Sa01', 'Sa02', 'Sa03', 'Sa04', 'Sh01', 'Sh02', 'Sh03', 'Sh04', 'Tr01',
]);

function range(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`);
}

/** Entiteittypes the ZKN 0310 / BG 0310 sector models allow in stuurgegevens (their Entiteittype… types). */
export const SECTOR_ENTITEITTYPES: ReadonlySet<string> = new Set([
  'ACD', 'AOA', 'ARV', 'AVR', 'BRT', 'BSL', 'BST', 'CTP', 'DCT', 'DTG', 'EDC', 'GEM', 'GOR', 'HHD', 'IRE', 'KGM',
  'KOZ', 'KWD', 'KZA', 'LND', 'MAC', 'MDW', 'NAT', 'NNP', 'NPS', 'OEH', 'OPR', 'PND', 'RDS', 'RPS', 'RSD', 'SBD',
  'SDC', 'SRV', 'STA', 'STT', 'SUB', 'TDL', 'TGO', 'VBT', 'VES', 'VZO', 'WDL', 'WDO', 'WGD', 'WOZ', 'WPL', 'WRD',
  'WYK', 'ZAK', 'ZKR', 'ZKT', 'ZRA', 'ZTG',
]);

/** Functie values of the ZKN 0310 / ZDS 1.2 vrije berichten (their Functie… types), exact spelling. */
export const SECTOR_FUNCTIES: ReadonlySet<string> = new Set([
  'genereerZaakidentificatie', 'genereerDocumentidentificatie', 'genereerBesluitidentificatie',
  'geefZaakdocumentbewerken', 'updateZaakdocument', 'cancelCheckout', 'ontkoppelZaakdocument', 'voegBesluitToe',
  'overdragenZaak', 'notificeerOverZaak', 'initieerNotificeerOverZaak',
]);

export interface OwnAddress {
  organisatie?: string;
  applicatie: string;
  administratie?: string;
}

export interface StuurgegevensExpectation {
  berichtcode: string;
  entiteittype?: string;
  /** One value, or several accepted spellings (ontkoppelZaakdocument also accepts updateZaakdocument). */
  functie?: string | string[];
  /** Async messages: zender, ontvanger, referentienummer and tijdstipBericht are mandatory. */
  requireAddressing: boolean;
  /** Our configured addresses (strict mode); when given, a named ontvanger must match one of them. */
  ownAddresses?: OwnAddress[];
}

const q = (v: string | undefined): string => (v === undefined ? '(leeg)' : `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`);

/**
 * A part our address specifies must be equal (exact); a part it leaves out accepts anything. Absent from the
 * message while specified by us counts as a mismatch.
 */
function matchesAddress(o: Systeem, own: OwnAddress): boolean {
  if (o.applicatie !== own.applicatie) return false;
  if (own.organisatie !== undefined && o.organisatie !== own.organisatie) return false;
  if (own.administratie !== undefined && o.administratie !== own.administratie) return false;
  return true;
}

function checkOntvanger(sg: Stuurgegevens, own: OwnAddress[] | undefined): void {
  // An absent ontvanger is not "unknown": on Lv01/Di02 it may be left out; on async messages StUF055 covers it.
  if (!own || !sg.ontvanger) return;
  if (own.some((a) => matchesAddress(sg.ontvanger!, a))) return;
  const o = sg.ontvanger;
  throw faults.unknownReceiver(
    `ontvanger organisatie ${q(o.organisatie)}, applicatie ${q(o.applicatie)}, administratie ${q(o.administratie)} is niet een adres van deze server`,
  );
}

function checkBerichtcode(sg: Stuurgegevens, expected: string): void {
  if (!BERICHTCODES.has(sg.berichtcode)) {
    throw new StufFault('StUF022', 'client', FOUTCODE_OMSCHRIJVING.StUF022!, `berichtcode ${q(sg.berichtcode || undefined)}`);
  }
  if (sg.berichtcode !== expected) {
    throw new StufFault(
      'StUF025', 'server', 'Berichtcode wordt voor dit bericht niet ondersteund',
      `berichtcode "${sg.berichtcode}", verwacht "${expected}"`,
    );
  }
}

function checkEntiteittype(sg: Stuurgegevens, expected: string | undefined): void {
  if (expected === undefined) return;
  const e = sg.entiteittype;
  if (e === undefined) throw faults.invalid('Entiteittype ontbreekt in de stuurgegevens', `verwacht "${expected}"`);
  if (e === expected) return;
  if (!SECTOR_ENTITEITTYPES.has(e)) {
    throw new StufFault('StUF028', 'client', FOUTCODE_OMSCHRIJVING.StUF028!, `entiteittype ${q(e)}, verwacht "${expected}"`);
  }
  throw new StufFault('StUF031', 'server', 'Entiteittype wordt voor dit bericht niet ondersteund', `entiteittype "${e}", verwacht "${expected}"`);
}

/**
 * functie is matched exactly. Case variants are refused on purpose: the schema enumerations are case-sensitive
 * and SPEC-DIGEST §6 row 6 lists `genereerZaakIdentificatie` (capital I) as a must-reject, so a variant gets
 * StUF034 with the correct spelling in details. A real functie of another vrij bericht gets StUF037.
 */
function checkFunctie(sg: Stuurgegevens, expected: string | string[] | undefined): void {
  if (expected === undefined) return;
  const accepted = Array.isArray(expected) ? expected : [expected];
  const f = sg.functie;
  const want = accepted.map((a) => `"${a}"`).join(' of ');
  if (f === undefined) throw faults.invalid('Functie ontbreekt in de stuurgegevens', `verwacht ${want}`);
  if (accepted.includes(f)) return;
  const variant = accepted.find((a) => a.toLowerCase() === f.toLowerCase());
  if (variant !== undefined) {
    throw new StufFault('StUF034', 'client', FOUTCODE_OMSCHRIJVING.StUF034!, `functie ${q(f)}: de juiste schrijfwijze is "${variant}" (hoofdlettergevoelig)`);
  }
  if (SECTOR_FUNCTIES.has(f)) {
    throw new StufFault('StUF037', 'server', 'Functie wordt voor dit bericht niet ondersteund', `functie "${f}", verwacht ${want}`);
  }
  throw new StufFault('StUF034', 'client', FOUTCODE_OMSCHRIJVING.StUF034!, `functie ${q(f)}, verwacht ${want}`);
}

function checkSysteemPresent(label: string, s: Systeem | undefined): void {
  if (!s?.applicatie) throw faults.invalid(`${label} ontbreekt in de stuurgegevens`, `${label.toLowerCase()}/applicatie is verplicht in een asynchroon bericht`);
  const n = [...s.applicatie].length;
  if (n < 3 || n > 50) {
    throw faults.invalid(`${label} is ongeldig`, `${label.toLowerCase()}/applicatie ${q(s.applicatie)} moet 3 tot 50 tekens lang zijn`);
  }
}

function checkAddressing(sg: Stuurgegevens): void {
  checkSysteemPresent('Zender', sg.zender);
  checkSysteemPresent('Ontvanger', sg.ontvanger);
  if (sg.referentienummer === undefined) throw faults.invalid('Referentienummer ontbreekt in de stuurgegevens', 'referentienummer is verplicht in een asynchroon bericht');
  if (sg.tijdstipBericht === undefined) throw faults.invalid('TijdstipBericht ontbreekt in de stuurgegevens', 'tijdstipBericht is verplicht in een asynchroon bericht');
  normaliseTijdstip(sg.tijdstipBericht); // StUF055 when it is not a real moment
}

/** Throws the StufFault for the first thing wrong with `sg`; returns normally when all is well. */
export function checkStuurgegevens(sg: Stuurgegevens, expect: StuurgegevensExpectation): void {
  checkOntvanger(sg, expect.ownAddresses);
  checkBerichtcode(sg, expect.berichtcode);
  checkEntiteittype(sg, expect.entiteittype);
  checkFunctie(sg, expect.functie);
  if (expect.requireAddressing) checkAddressing(sg);
}
