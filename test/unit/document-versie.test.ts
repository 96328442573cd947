import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextVersie } from '../../src/domain/document-versie.js';

describe('nextVersie', () => {
  it('counts majors and minors from the current label', () => {
    assert.equal(nextVersie('1', 'major', true), '2');
    assert.equal(nextVersie('1', 'minor', true), '1.1');
    assert.equal(nextVersie('1.1', 'minor', true), '1.2');
    assert.equal(nextVersie('1.2', 'major', true), '2');
    assert.equal(nextVersie(' 3 ', 'major', true), '4');
  });

  it('starts at 1 (or 0.1) for the first content of a placeholder without a label', () => {
    assert.equal(nextVersie(undefined, 'major', false), '1');
    assert.equal(nextVersie(undefined, 'minor', false), '0.1');
  });

  it('treats a document with content but no countable label as version 1', () => {
    assert.equal(nextVersie(undefined, 'major', true), '2');
    assert.equal(nextVersie('vers1', 'minor', true), '1.1');
  });

  it('never produces more than 5 characters (the schema limit)', () => {
    assert.equal(nextVersie('12.999', 'minor', true), '13');
    assert.equal(nextVersie('99999', 'major', true), '99999');
  });
});
