import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compareTijdstip,
  datumIndicatorAttr,
  formatDatum,
  formatTijdstip,
  normaliseTijdstip,
  parseDatum,
  parseTijdstip,
} from '../../src/stuf/dates.js';
import { StufFault } from '../../src/stuf/fault.js';
import { NS } from '../../src/stuf/namespaces.js';
import type { XmlAttr, XmlElement } from '../../src/xml/tree.js';

const AMS = 'Europe/Amsterdam';
const utc = (iso: string): Date => new Date(iso);

/** StUF055 when the schema refuses the form, StUF058 (plek server) when the form is schema-valid but no real moment. */
const tijdstipCode = (v: string) => (/^[0-9]{8,17}$/.test(v) ? 'StUF058' : 'StUF055');
const datumCode = (v: string) => (/^[0-9]{1,8}$/.test(v) ? 'StUF058' : 'StUF055');

function rejects(fn: () => unknown, detailsPart: string, code = tijdstipCode(detailsPart)): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof StufFault, `expected a StufFault, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.plek, code === 'StUF055' ? 'client' : 'server');
    assert.ok(e.details?.includes(detailsPart), `details "${e.details}" should mention "${detailsPart}"`);
    return true;
  });
}

describe('formatTijdstip / formatDatum', () => {
  test('winter (CET, +01:00) and summer (CEST, +02:00) with milliseconds', () => {
    assert.equal(formatTijdstip(utc('2026-01-15T11:04:05.007Z'), AMS), '20260115120405007');
    assert.equal(formatTijdstip(utc('2026-07-15T11:04:05.120Z'), AMS), '20260715130405120');
    assert.equal(formatTijdstip(utc('2026-07-15T11:04:05.120Z'), 'UTC'), '20260715110405120');
  });

  test('midnight: the hour after midnight local is still the previous day in UTC', () => {
    assert.equal(formatTijdstip(utc('2026-12-31T23:30:00Z'), AMS), '20270101003000000');
    assert.equal(formatDatum(utc('2026-06-30T22:30:00Z'), AMS), '20260701');
    assert.equal(formatDatum(utc('2026-06-30T21:59:59.999Z'), AMS), '20260630');
  });

  test('autumn: both occurrences of 02:30 on 2026-10-25 are written 02:30', () => {
    assert.equal(formatTijdstip(utc('2026-10-25T00:30:00Z'), AMS), '20261025023000000'); // CEST
    assert.equal(formatTijdstip(utc('2026-10-25T01:30:00Z'), AMS), '20261025023000000'); // CET
  });

  test('spring: the clock jumps from 01:59:59.999 to 03:00', () => {
    assert.equal(formatTijdstip(utc('2026-03-29T00:59:59.999Z'), AMS), '20260329015959999');
    assert.equal(formatTijdstip(utc('2026-03-29T01:00:00Z'), AMS), '20260329030000000');
  });

  test('hour is never written as 24', () => {
    assert.equal(formatTijdstip(utc('2026-05-01T22:00:00Z'), AMS), '20260502000000000');
  });
});

describe('parseTijdstip', () => {
  test('every allowed precision; missing digits count as zero', () => {
    const cases: Array<[string, string]> = [
      ['20240110', '2024-01-09T23:00:00.000Z'],
      ['2024011012', '2024-01-10T11:00:00.000Z'],
      ['202401101234', '2024-01-10T11:34:00.000Z'],
      ['20240110123456', '2024-01-10T11:34:56.000Z'],
      ['202401101234561', '2024-01-10T11:34:56.100Z'],
      ['2024011012345612', '2024-01-10T11:34:56.120Z'],
      ['20240110123456123', '2024-01-10T11:34:56.123Z'],
      ['20240710123456123', '2024-07-10T10:34:56.123Z'],
    ];
    for (const [s, iso] of cases) assert.equal(parseTijdstip(s, AMS).toISOString(), iso, s);
  });

  test('leap years', () => {
    assert.equal(parseTijdstip('20240229', 'UTC').toISOString(), '2024-02-29T00:00:00.000Z');
    assert.equal(parseTijdstip('20000229', 'UTC').toISOString(), '2000-02-29T00:00:00.000Z');
    rejects(() => parseTijdstip('20230229', AMS), '20230229');
    rejects(() => parseTijdstip('19000229', AMS), '19000229');
  });

  test('out-of-range fields are StUF058, wrong forms StUF055, with the value in details', () => {
    for (const bad of [
      '20241301', '20240001', '20240230', '20240431', '20240100', '2024011024', '202401102360', '20240110235960',
      '00000101', '2024011', '202401101', '20240110123', '2024-01-10', '20240110T1200', '', '202401101234561234',
      ' 20240110', '２０２４０１１０',
    ]) {
      rejects(() => parseTijdstip(bad, AMS), bad.slice(0, 20), tijdstipCode(bad));
    }
  });

  test('a huge value is not echoed whole into the fault details', () => {
    const huge = '9'.repeat(5000);
    assert.throws(() => parseTijdstip(huge, AMS), (e: StufFault) => (e.details?.length ?? 0) < 200);
  });

  test('spring gap: 2026-03-29 02:30 does not exist and is read with the winter offset (= 03:30 CEST)', () => {
    assert.equal(parseTijdstip('20260329023000', AMS).toISOString(), '2026-03-29T01:30:00.000Z');
    assert.equal(parseTijdstip('20260329033000', AMS).toISOString(), '2026-03-29T01:30:00.000Z');
    assert.equal(parseTijdstip('20260329020000', AMS).toISOString(), '2026-03-29T01:00:00.000Z');
    // Just before and after the gap are exact.
    assert.equal(parseTijdstip('20260329015959999', AMS).toISOString(), '2026-03-29T00:59:59.999Z');
    assert.equal(parseTijdstip('20260329030000', AMS).toISOString(), '2026-03-29T01:00:00.000Z');
    // Read back, a gap time shows the wall clock that really existed.
    assert.equal(formatTijdstip(parseTijdstip('20260329023000', AMS), AMS), '20260329033000000');
  });

  test('autumn overlap: 2026-10-25 02:30 happens twice; the earlier (CEST) one is chosen', () => {
    assert.equal(parseTijdstip('20261025023000', AMS).toISOString(), '2026-10-25T00:30:00.000Z');
    assert.equal(parseTijdstip('20261025015959', AMS).toISOString(), '2026-10-24T23:59:59.000Z');
    assert.equal(parseTijdstip('20261025020000', AMS).toISOString(), '2026-10-25T00:00:00.000Z');
    assert.equal(parseTijdstip('20261025030000', AMS).toISOString(), '2026-10-25T02:00:00.000Z');
  });

  test('round trip every 15 minutes across both DST days and a leap day', () => {
    for (const day of ['2026-03-28T12:00:00Z', '2026-10-24T12:00:00Z', '2024-02-28T12:00:00Z']) {
      const start = Date.parse(day);
      for (let t = start; t < start + 2 * 86_400_000; t += 15 * 60_000) {
        const s = formatTijdstip(new Date(t), AMS);
        assert.equal(formatTijdstip(parseTijdstip(s, AMS), AMS), s);
        // Outside the repeated hour the instant itself survives too.
        const back = parseTijdstip(s, AMS).getTime();
        assert.ok(back === t || back === t - 3_600_000, `${s}: ${new Date(t).toISOString()}`);
      }
    }
  });

  test('other zones follow their own rules', () => {
    assert.equal(parseTijdstip('20260308023000', 'America/New_York').toISOString(), '2026-03-08T07:30:00.000Z');
    assert.equal(parseTijdstip('20260715120000', 'Asia/Kolkata').toISOString(), '2026-07-15T06:30:00.000Z');
  });
});

describe('normaliseTijdstip / compareTijdstip', () => {
  test('pads to 17 digits', () => {
    assert.equal(normaliseTijdstip('20240110'), '20240110000000000');
    assert.equal(normaliseTijdstip('202401101234561'), '20240110123456100');
    assert.equal(normaliseTijdstip('20240110123456123'), '20240110123456123');
    rejects(() => normaliseTijdstip('2024011012345'), '2024011012345');
    rejects(() => normaliseTijdstip('20241310'), '20241310');
  });

  test('compares values of different precision chronologically', () => {
    assert.equal(compareTijdstip('20240110', '20240110000000000'), 0);
    assert.equal(compareTijdstip('2024011012', '20240110115959999'), 1);
    assert.equal(compareTijdstip('20240110115959999', '2024011012'), -1);
    const sorted = ['2024011012', '20231231235959', '20240110', '202401101159'].sort(compareTijdstip);
    assert.deepEqual(sorted, ['20231231235959', '20240110', '202401101159', '2024011012']);
  });
});

function el(value: string | null, attrs: Record<string, string> = {}): XmlElement {
  const list: XmlAttr[] = Object.entries(attrs).map(([qname, v]) => {
    const [prefix, local] = qname.split(':') as [string, string];
    return { ns: prefix === 'xsi' ? NS.xsi : NS.stuf, local, qname, value: v };
  });
  return {
    ns: NS.zkn,
    local: 'startdatum',
    qname: 'ZKN:startdatum',
    attrs: list,
    nsDecls: {},
    children: value === null ? [] : [value],
    line: 7,
  };
}

describe('parseDatum', () => {
  test('absent, empty, nil and noValue', () => {
    assert.equal(parseDatum(undefined), undefined);
    assert.equal(parseDatum(el(null)), null);
    assert.equal(parseDatum(el('  ')), null);
    assert.equal(parseDatum(el(null, { 'xsi:nil': 'true', 'StUF:noValue': 'geenWaarde' })), null);
    assert.equal(parseDatum(el(null, { 'StUF:noValue': 'waardeOnbekend' })), null);
  });

  test('complete dates, with or without an explicit V', () => {
    assert.deepEqual(parseDatum(el('20240229')), { value: '20240229' });
    assert.deepEqual(parseDatum(el(' 20240110\n')), { value: '20240110' });
    assert.deepEqual(parseDatum(el('20240110', { 'StUF:indOnvolledigeDatum': 'V' })), { value: '20240110' });
  });

  test('onvolledige datum: the unknown parts are not validated, the known parts are', () => {
    assert.deepEqual(parseDatum(el('20240200', { 'StUF:indOnvolledigeDatum': 'D' })), { value: '20240200', onvolledig: 'D' });
    assert.deepEqual(parseDatum(el('20240215', { 'StUF:indOnvolledigeDatum': 'D' })), { value: '20240215', onvolledig: 'D' });
    assert.deepEqual(parseDatum(el('20240000', { 'StUF:indOnvolledigeDatum': 'M' })), { value: '20240000', onvolledig: 'M' });
    assert.deepEqual(parseDatum(el('00000000', { 'StUF:indOnvolledigeDatum': 'J' })), { value: '00000000', onvolledig: 'J' });
    rejects(() => parseDatum(el('20241300', { 'StUF:indOnvolledigeDatum': 'D' })), '20241300', 'StUF058');
    rejects(() => parseDatum(el('00000000', { 'StUF:indOnvolledigeDatum': 'M' })), '00000000', 'StUF058');
  });

  test('impossible dates are StUF058, wrong forms and indicators StUF055, naming the element', () => {
    rejects(() => parseDatum(el('20240230')), 'ZKN:startdatum (regel 7)', 'StUF058');
    rejects(() => parseDatum(el('20230229')), '20230229', datumCode('20230229'));
    rejects(() => parseDatum(el('20240000')), '20240000', datumCode('20240000'));
    rejects(() => parseDatum(el('2024011')), '2024011', datumCode('2024011'));
    rejects(() => parseDatum(el('2024-01-10')), '2024-01-10', datumCode('2024-01-10'));
    rejects(() => parseDatum(el('20240110', { 'StUF:indOnvolledigeDatum': 'X' })), 'X', 'StUF055');
  });

  test('datumIndicatorAttr', () => {
    assert.equal(datumIndicatorAttr({ value: '20240110' }), '');
    assert.equal(datumIndicatorAttr({ value: '20240100', onvolledig: 'D' }), ' StUF:indOnvolledigeDatum="D"');
    assert.equal(datumIndicatorAttr({ value: '20240000', onvolledig: 'M' }), ' StUF:indOnvolledigeDatum="M"');
  });
});
