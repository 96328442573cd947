import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertUsableTemplate,
  checkIdentificatie,
  formatGeneratedIdentificatie,
  formatIdentificatie,
  templateUsesYear,
  yearInTimeZone,
} from '../../src/domain/identificatie.js';

const vars = { gemeentecode: '0363', jaar: '2024', volgnummer: 42 };

describe('formatIdentificatie', () => {
  it('fills gemeentecode, jaar and a padded volgnummer', () => {
    assert.equal(formatIdentificatie('{gemeentecode}{jaar}{volgnummer:7}', vars), '036320240000042');
    assert.equal(formatIdentificatie('{gemeentecode}D{jaar}{volgnummer:7}', vars), '0363D20240000042');
  });

  it('writes an unpadded volgnummer and repeated placeholders', () => {
    assert.equal(formatIdentificatie('Z-{volgnummer}-{jaar}-{jaar}', vars), 'Z-42-2024-2024');
  });

  it('writes a volgnummer wider than N in full instead of truncating it', () => {
    assert.equal(formatIdentificatie('{volgnummer:2}', { ...vars, volgnummer: 12345 }), '12345');
  });

  it('refuses unknown placeholders and widths on other placeholders', () => {
    assert.throws(() => formatIdentificatie('{gemeente}{volgnummer}', vars), /Onbekende plaatshouder \{gemeente\}/);
    assert.throws(() => formatIdentificatie('{jaar:2}{volgnummer}', vars), /Onbekende plaatshouder/);
  });

  it('refuses a negative or fractional volgnummer', () => {
    assert.throws(() => formatIdentificatie('{volgnummer}', { ...vars, volgnummer: -1 }), RangeError);
    assert.throws(() => formatIdentificatie('{volgnummer}', { ...vars, volgnummer: 1.5 }), RangeError);
  });
});

describe('templateUsesYear', () => {
  it('detects {jaar}', () => {
    assert.equal(templateUsesYear('{gemeentecode}{jaar}{volgnummer:7}'), true);
    assert.equal(templateUsesYear('{gemeentecode}B{volgnummer:6}'), false);
  });
});

describe('yearInTimeZone', () => {
  it('uses the local year, not the UTC year', () => {
    // 23:30 UTC on 31 December is already 00:30 on 1 January in Amsterdam.
    assert.equal(yearInTimeZone(new Date('2024-12-31T23:30:00Z'), 'Europe/Amsterdam'), '2025');
    assert.equal(yearInTimeZone(new Date('2024-12-31T22:30:00Z'), 'Europe/Amsterdam'), '2024');
    assert.equal(yearInTimeZone(new Date('2024-12-31T23:30:00Z'), 'UTC'), '2024');
  });
});

describe('checkIdentificatie', () => {
  it('accepts ordinary values', () => {
    assert.equal(checkIdentificatie('zaak', '036320240000001', {}), undefined);
    assert.equal(checkIdentificatie('zaak', '2017-0000561', {}), undefined);
    assert.equal(checkIdentificatie('document', 'D', {}), undefined);
    assert.equal(checkIdentificatie('besluit', 'B-1', {}), undefined);
    assert.equal(checkIdentificatie('zaak', 'ZAAK met spatie', {}), undefined);
  });

  it('enforces the lengths of ZaakIdentificatie and DocumentIdentificatie', () => {
    assert.match(checkIdentificatie('zaak', '1234', {}) ?? '', /Zaakidentificatie moet 5 tot en met 40 tekens/);
    assert.equal(checkIdentificatie('zaak', '12345', {}), undefined);
    assert.equal(checkIdentificatie('zaak', 'x'.repeat(40), {}), undefined);
    assert.match(checkIdentificatie('zaak', 'x'.repeat(41), {}) ?? '', /nu 41/);
    assert.match(checkIdentificatie('document', '', {}) ?? '', /Documentidentificatie moet 1 tot en met 40/);
    assert.match(checkIdentificatie('besluit', 'x'.repeat(41), {}) ?? '', /Besluitidentificatie/);
  });

  it('counts characters, not UTF-16 code units', () => {
    assert.equal(checkIdentificatie('zaak', '😀'.repeat(40), {}), undefined);
  });

  for (const ch of ['\\', '/', '"', '*', '?', ':', '<', '>', '|']) {
    it(`refuses the CMIS-forbidden character ${ch}`, () => {
      assert.match(checkIdentificatie('zaak', `0363${ch}0001`, {}) ?? '', /mag het teken/);
      assert.match(checkIdentificatie('document', `D${ch}`, {}) ?? '', /mag het teken/);
    });
  }

  it('refuses control characters and surrounding whitespace', () => {
    assert.match(checkIdentificatie('zaak', '0363\u00000001', {}) ?? '', /stuurtekens/);
    assert.match(checkIdentificatie('zaak', '0363\t0001', {}) ?? '', /stuurtekens/);
    assert.match(checkIdentificatie('zaak', '0363\u00850001', {}) ?? '', /stuurtekens/);
    assert.match(checkIdentificatie('zaak', ' 03630001', {}) ?? '', /spaties/);
    assert.match(checkIdentificatie('document', 'D1\u00a0', {}) ?? '', /spaties/);
  });

  it('checks the gemeentecode prefix only when asked', () => {
    assert.equal(checkIdentificatie('zaak', '2017-0000561', {}), undefined);
    assert.match(
      checkIdentificatie('zaak', '2017-0000561', { requireGemeentecodePrefix: '0363' }) ?? '',
      /moet beginnen met de gemeentecode 0363/,
    );
    assert.equal(checkIdentificatie('zaak', '03632017-0000561', { requireGemeentecodePrefix: '0363' }), undefined);
    assert.throws(() => checkIdentificatie('zaak', '03630001', { requireGemeentecodePrefix: '363' }));
  });
});

describe('formatGeneratedIdentificatie', () => {
  it('returns values that pass the check', () => {
    const v = formatGeneratedIdentificatie('zaak', '{gemeentecode}{jaar}{volgnummer:7}', vars);
    assert.equal(v, '036320240000042');
    assert.equal(checkIdentificatie('zaak', v, { requireGemeentecodePrefix: '0363' }), undefined);
  });

  it('refuses a template that yields an invalid identificatie', () => {
    assert.throws(() => formatGeneratedIdentificatie('zaak', '{volgnummer}', vars), /5 tot en met 40/);
    assert.throws(() => formatGeneratedIdentificatie('zaak', 'Z{gemeentecode}{volgnummer:5}', vars), /gemeentecode/);
    assert.throws(() => formatGeneratedIdentificatie('document', '{gemeentecode}/{volgnummer}', vars), /teken \//);
    assert.throws(
      () => formatGeneratedIdentificatie('document', '{gemeentecode}{volgnummer:40}', vars),
      /1 tot en met 40/,
    );
  });
});

describe('assertUsableTemplate', () => {
  it('accepts the default templates and refuses one without {volgnummer}', () => {
    assertUsableTemplate('zaak', '{gemeentecode}{jaar}{volgnummer:7}', '0363', '2024');
    assertUsableTemplate('document', '{gemeentecode}D{jaar}{volgnummer:7}', '0363', '2024');
    assert.throws(() => assertUsableTemplate('besluit', '{gemeentecode}B{jaar}', '0363', '2024'), /\{volgnummer\}/);
    assert.throws(() => assertUsableTemplate('zaak', '{volgnummer}', '0363', '2024'), /5 tot en met 40/);
  });
});
