import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { Base64Decoder, Base64Error } from '../../src/soap/base64-decoder.js';

function decodeIn(text: string, sizes: number[]): Buffer {
  const d = new Base64Decoder();
  const out: Buffer[] = [];
  let i = 0;
  for (let n = 0; i < text.length; n++) {
    const size = sizes[n % sizes.length]!;
    out.push(d.push(text.slice(i, i + size)));
    i += size;
  }
  out.push(d.end());
  return Buffer.concat(out);
}

function failure(text: string, sizes = [text.length || 1]): Base64Error {
  try {
    decodeIn(text, sizes);
  } catch (e) {
    assert.ok(e instanceof Base64Error, String(e));
    return e;
  }
  assert.fail(`expected a Base64Error for ${JSON.stringify(text)}`);
}

describe('Base64Decoder', () => {
  test('round-trips every length 0..64 at every chunk size 1..9', () => {
    for (let len = 0; len <= 64; len++) {
      const bytes = randomBytes(len);
      const b64 = bytes.toString('base64');
      for (let size = 1; size <= 9; size++) assert.deepEqual(decodeIn(b64, [size]), bytes, `len ${len} size ${size}`);
    }
  });

  test('whitespace and line breaks anywhere, including inside the padding', () => {
    const bytes = randomBytes(1000);
    const b64 = bytes.toString('base64');
    const spaced = b64.replace(/(.{1,7})/g, (m, _g, off: number) => m + ['\r\n', ' ', '\t', '\n', ''][off % 5]);
    assert.deepEqual(decodeIn(spaced, [1, 5, 13]), bytes);
    assert.deepEqual(decodeIn(' \r\n QQ\n=\r\n= \n', [2]), Buffer.from('A'));
    assert.deepEqual(decodeIn('   \n', [1]), Buffer.alloc(0));
  });

  test('a large input in random chunks', () => {
    const bytes = randomBytes(300_000);
    const b64 = bytes.toString('base64').replace(/(.{76})/g, '$1\r\n');
    assert.deepEqual(decodeIn(b64, [1, 4095, 3, 65536, 7]), bytes);
  });

  test('characters outside the alphabet are refused with their position', () => {
    const e = failure('QUJD*RUY=', [3]);
    assert.match(e.message, /ongeldig teken '\*' \(U\+002A\).*positie 5/);
    assert.equal(e.offset, 4);
    assert.match(failure('QUJD-_==').message, /'-'/); // base64url is not base64
    assert.match(failure('QU\u00e9D').message, /U\+00E9/);
    assert.match(failure('QUJD\u0000').message, /U\+0000/);
  });

  test('bad padding is refused', () => {
    assert.match(failure('QQ=').message, /geen veelvoud van 4/);
    assert.match(failure('QUJDRA').message, /geen veelvoud van 4/);
    assert.match(failure('Q===').message, /opvulling/);
    assert.match(failure('====').message, /opvulling/);
    assert.match(failure('QUJD=').message, /opvulling/);
    assert.match(failure('QQ==QQ==', [1]).message, /na de opvulling/);
    assert.match(failure('QQ==QQ==').message, /na de opvulling/);
    assert.match(failure('QUI=A', [4, 1]).message, /na de opvulling/);
  });

  test('no input after end()', () => {
    const d = new Base64Decoder();
    d.push('QUJD');
    d.end();
    assert.throws(() => d.push('QUJD'), Base64Error);
  });
});
