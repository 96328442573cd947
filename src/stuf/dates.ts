/** StUF dates and tijdstippen. They carry no time zone: Zaakpoort reads and writes them in a configured zone. */
import type { StufDate } from '../domain/model.js';
import { utcOffset, wallAsUtc, wallClockAt, type WallClock } from '../domain/time-zone.js';
import { NS } from './namespaces.js';
import { faults } from './fault.js';
import { attr, isNil, noValue, text, type XmlElement } from '../xml/tree.js';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

const DAY_MS = 86_400_000;

/**
 * The instant at which the wall clock in `timeZone` shows `w`.
 *
 * Deliberate DST choices (the same as Temporal's "compatible" disambiguation):
 * - a wall time in the spring gap (Europe/Amsterdam 2026-03-29 02:30 does not exist) is read with the offset in
 *   force *before* the jump, i.e. it lands one hour later on the new clock (02:30 CET = 03:30 CEST = 01:30Z).
 *   Rejecting it would refuse messages from clients with naive clocks for no gain.
 * - a wall time in the repeated autumn hour (2026-10-25 02:30 happens twice) is the *earlier* occurrence
 *   (02:30 CEST = 00:30Z). StUF has no way to say which one was meant.
 */
function instantOf(w: WallClock, timeZone: string): number {
  const naive = wallAsUtc(w);
  const before = utcOffset(naive - DAY_MS, timeZone);
  const after = utcOffset(naive + DAY_MS, timeZone);
  const candidates = [naive - before, naive - after].filter((t) => utcOffset(t, timeZone) === naive - t);
  if (candidates.length > 0) return Math.min(...candidates);
  return naive - before; // in the gap
}

// ---------------------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------------------

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** 17-digit StUF tijdstip yyyymmddhhmmssfff of instant `d` on the wall clock of `timeZone`. */
export function formatTijdstip(d: Date, timeZone: string): string {
  const w = wallClockAt(d.getTime(), timeZone);
  return (
    pad(w.year, 4) + pad(w.month, 2) + pad(w.day, 2) + pad(w.hour, 2) + pad(w.minute, 2) + pad(w.second, 2) + pad(w.ms, 3)
  );
}

/** 8-digit StUF datum yyyymmdd of instant `d` in `timeZone`. */
export function formatDatum(d: Date, timeZone: string): string {
  return formatTijdstip(d, timeZone).slice(0, 8);
}

// ---------------------------------------------------------------------------------------------------------
// Parsing and validation
// ---------------------------------------------------------------------------------------------------------

/** Lengths StUF allows for a tijdstip: precision is reduced by dropping trailing digits. */
const TIJDSTIP_LENGTHS = new Set([8, 10, 12, 14, 15, 16, 17]);

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export function daysInMonth(year: number, month: number): number {
  return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Keep fault details readable when a client sends something huge. */
function shown(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/**
 * StUF055 when the schema itself refuses the form (not 8 to 17 digits); a form the schema lets through that
 * is no real moment (maand 13, 9 digits) is schema-valid but cannot be processed: StUF058.
 */
function invalidTijdstip(s: string, why: string): never {
  const schemaForm = /^[0-9]{8,17}$/.test(s);
  throw (schemaForm ? faults.processing : faults.invalid)('Ongeldig tijdstip', `tijdstip "${shown(s)}": ${why}`);
}

/** Check the lexical form and the ranges of a tijdstip; returns its wall-clock fields. */
function readTijdstip(s: string): WallClock {
  if (!/^[0-9]+$/.test(s) || !TIJDSTIP_LENGTHS.has(s.length)) {
    invalidTijdstip(s, 'verwacht 8, 10, 12, 14, 15, 16 of 17 cijfers (jjjjmmdd[uu[mm[ss[f[f[f]]]]]])');
  }
  const full = s.padEnd(17, '0');
  const num = (from: number, to: number): number => Number(full.slice(from, to));
  const w: WallClock = {
    year: num(0, 4),
    month: num(4, 6),
    day: num(6, 8),
    hour: num(8, 10),
    minute: num(10, 12),
    second: num(12, 14),
    ms: num(14, 17),
  };
  if (w.year < 1) invalidTijdstip(s, 'jaar 0000 bestaat niet');
  if (w.month < 1 || w.month > 12) invalidTijdstip(s, `maand ${pad(w.month, 2)} bestaat niet`);
  if (w.day < 1 || w.day > daysInMonth(w.year, w.month)) {
    invalidTijdstip(s, `dag ${pad(w.day, 2)} bestaat niet in ${pad(w.year, 4)}-${pad(w.month, 2)}`);
  }
  if (w.hour > 23) invalidTijdstip(s, `uur ${pad(w.hour, 2)} bestaat niet`);
  if (w.minute > 59) invalidTijdstip(s, `minuut ${pad(w.minute, 2)} bestaat niet`);
  if (w.second > 59) invalidTijdstip(s, `seconde ${pad(w.second, 2)} bestaat niet`);
  return w;
}

/**
 * Read a StUF tijdstip (local wall-clock time in `timeZone`) as an instant. Missing trailing digits count as
 * zero. Throws StufFault StUF055 when the value is not a real moment. See instantOf for the DST choices.
 */
export function parseTijdstip(s: string, timeZone: string): Date {
  return new Date(instantOf(readTijdstip(s), timeZone));
}

/** Validate and pad to 17 digits, so tijdstippen of different precision sort and compare as strings. */
export function normaliseTijdstip(s: string): string {
  readTijdstip(s);
  return s.padEnd(17, '0');
}

/**
 * Compare two tijdstippen as wall-clock values (-1, 0, 1). That is what StUF carries; inside the repeated
 * autumn hour wall-clock order and real order can differ, which nothing in StUF can express anyway.
 */
export function compareTijdstip(a: string, b: string): -1 | 0 | 1 {
  const na = normaliseTijdstip(a);
  const nb = normaliseTijdstip(b);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

const INDICATOREN = new Set(['V', 'D', 'M', 'J']);

/**
 * Read a StUF:Datum element (Datum-e / DatumMetIndicator) with its StUF:indOnvolledigeDatum:
 * undefined = element absent, null = explicitly empty (nil / noValue / no text), otherwise the date.
 * The parts the indicator declares unknown are not validated (e.g. 20240000 with M); the rest must be real.
 * Throws StufFault StUF055 for an invalid date or indicator.
 */
export function parseDatum(el: XmlElement | undefined): StufDate | null | undefined {
  if (!el) return undefined;
  if (isNil(el)) return null; // a date sent with a stray noValue but a value keeps the value (see leafValue)
  const value = text(el) ?? '';
  if (value === '') return null;
  const where = `${el.qname} (regel ${el.line})`;
  // The schema types a Datum as a decimal of at most 8 digits: what it lets through but is no date is StUF058.
  const fail = (why: string): never => {
    throw (/^[0-9]{1,8}$/.test(value) ? faults.processing : faults.invalid)('Ongeldige datum', `${where}: "${shown(value)}" ${why}`);
  };
  const ind = attr(el, NS.stuf, 'indOnvolledigeDatum') ?? 'V';
  // The indicator is an enumeration in the schema: an unknown one is a schema violation.
  if (!INDICATOREN.has(ind)) throw faults.invalid('Ongeldige datum', `${where}: heeft een onbekende indOnvolledigeDatum "${shown(ind)}" (V, D, M of J)`);
  if (!/^[0-9]{8}$/.test(value)) fail('is geen datum jjjjmmdd');
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(4, 6));
  const day = Number(value.slice(6, 8));
  // 'J': the whole date is unknown (but it has one), nothing to check beyond the form.
  if (ind !== 'J' && year < 1) fail('heeft jaar 0000');
  if ((ind === 'V' || ind === 'D') && (month < 1 || month > 12)) fail(`heeft maand ${value.slice(4, 6)}`);
  if (ind === 'V' && (day < 1 || day > daysInMonth(year, month))) fail(`heeft dag ${value.slice(6, 8)}`);
  return ind === 'V' ? { value } : { value, onvolledig: ind as 'D' | 'M' | 'J' };
}

/** The attribute text to put on a written date element: ` StUF:indOnvolledigeDatum="D"` or ''. */
export function datumIndicatorAttr(d: StufDate): string {
  return d.onvolledig ? ` StUF:indOnvolledigeDatum="${d.onvolledig}"` : '';
}
