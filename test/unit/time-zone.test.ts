import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utcOffset, wallClockAt } from '../../src/domain/time-zone.js';

/** The wall clock straight from Intl, for every instant asked (what time-zone.ts caches per quarter hour). */
function intlWall(t: number, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short' });
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  const year = /^B/i.test(p.era ?? '') ? 1 - Number(p.year) : Number(p.year);
  return [year, p.month, p.day, p.hour, p.minute, p.second].map(Number).join(' ');
}

function ours(t: number, timeZone: string): string {
  const w = wallClockAt(t, timeZone);
  return [w.year, w.month, w.day, w.hour, w.minute, w.second].join(' ');
}

describe('time-zone wall clock (offset kept per quarter hour)', () => {
  const zones = ['Europe/Amsterdam', 'UTC', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kathmandu'];

  it('agrees with Intl second by second around transitions, also one inside a quarter hour', () => {
    // Europe/Amsterdam 2026: spring forward 29 March 01:00Z, fall back 25 October 01:00Z. Liberia left
    // -00:44:30 for UTC at 1972-01-07T00:44:30Z, in the middle of a quarter hour.
    const cases: Array<[string, number]> = [['Europe/Amsterdam', Date.UTC(2026, 2, 29, 1)], ['Europe/Amsterdam', Date.UTC(2026, 9, 25, 1)], ['Africa/Monrovia', Date.UTC(1972, 0, 7, 0, 44, 30)]];
    for (const [zone, at] of cases) {
      for (let t = at - 20 * 60_000; t <= at + 20 * 60_000; t += 1000) assert.equal(ours(t, zone), intlWall(t, zone), `${zone} ${new Date(t).toISOString()}`);
    }
  });

  it('agrees with Intl at many instants across history, in zones with odd offsets and half-hour DST', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const zone of zones) {
      for (let i = 0; i < 3000; i++) {
        // Year 1 BC .. 2200: includes Amsterdam's local mean time (+00:19:32) before 1940.
        const t = Date.UTC(0, 0, 1) + rnd() * (Date.UTC(2200, 0, 1) - Date.UTC(0, 0, 1));
        const whole = Math.floor(t);
        assert.equal(ours(whole, zone), intlWall(whole, zone), `${zone} ${new Date(whole).toISOString()}`);
      }
    }
  });

  it('gives the offset in force and the milliseconds of the instant', () => {
    assert.equal(utcOffset(Date.UTC(2026, 0, 15, 12), 'Europe/Amsterdam'), 3_600_000);
    assert.equal(utcOffset(Date.UTC(2026, 6, 15, 12), 'Europe/Amsterdam'), 7_200_000);
    assert.equal(wallClockAt(Date.UTC(2026, 6, 15, 12, 0, 0, 789), 'Europe/Amsterdam').ms, 789);
    assert.equal(wallClockAt(Date.UTC(2026, 6, 15, 12), 'Europe/Amsterdam').hour, 14);
  });

  it('refuses a zone Intl does not know', () => {
    assert.throws(() => wallClockAt(0, 'Mars/Olympus_Mons'), RangeError);
  });
});
