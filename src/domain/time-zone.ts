/**
 * Wall clocks in an IANA time zone. Intl knows the zone rules (DST follows the IANA database) but asking it is
 * slow (tens of µs per formatToParts, hundreds for a new DateTimeFormat), and every bericht asks several times
 * (tijdstipBericht, the identificatie's year, each date it reads). So the zone's UTC offset is asked once per
 * quarter hour and kept: offsets change only at transitions, and no zone has two within 15 minutes, so when the
 * offset at both ends of a quarter is the same it holds for the whole quarter.
 */

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

const QUARTER_MS = 15 * 60_000;
/** Bound on the remembered quarters per zone (dates in messages can be any moment in history). */
const MAX_QUARTERS = 4096;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock read as if it were UTC: a plain number to compare and subtract. */
export function wallAsUtc(w: WallClock): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day); // setUTCFullYear keeps years 0..99 literal
  d.setUTCHours(w.hour, w.minute, w.second, w.ms);
  return d.getTime();
}

/** Offset from UTC at instant t (whole seconds), as Intl computes it. */
function intlOffset(t: number, timeZone: string): number {
  const whole = Math.floor(t / 1000) * 1000;
  const parts = formatterFor(timeZone).formatToParts(new Date(whole));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  let year = get('year');
  // 'BC' years are counted 1, 2, ... backwards; astronomical numbering keeps arithmetic simple.
  if (/^B/i.test(parts.find((p) => p.type === 'era')?.value ?? '')) year = 1 - year;
  return wallAsUtc({ year, month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second'), ms: 0 }) - whole;
}

/** Offset of `timeZone` from UTC at instant t, in ms (e.g. +3600000 for CET). */
export function utcOffset(t: number, timeZone: string): number {
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = new Map()));
  const quarter = Math.floor(t / QUARTER_MS);
  const known = zone.get(quarter);
  if (known !== undefined) return known;
  const start = quarter * QUARTER_MS;
  const atStart = intlOffset(start, timeZone);
  if (intlOffset(start + QUARTER_MS - 1000, timeZone) !== atStart) return intlOffset(t, timeZone); // a transition inside
  if (zone.size >= MAX_QUARTERS) zone.clear();
  zone.set(quarter, atStart);
  return atStart;
}

/** The wall clock in `timeZone` at instant `t` (ms since the epoch). */
export function wallClockAt(t: number, timeZone: string): WallClock {
  const d = new Date(t + utcOffset(t, timeZone));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    ms: ((t % 1000) + 1000) % 1000,
  };
}
