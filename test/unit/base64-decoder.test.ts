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

function failure(text: string, sizes = [Buffer.byteLength(text) || 1], decode = decodeIn): Base64Error {
  try {
    decode(text, sizes);
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

/** Bytes in chunks of the given sizes through pushBytes(); a chunk it declines is pushed as text (as the readers do). */
function decodeBytesIn(text: string, sizes: number[], declined: { count: number } = { count: 0 }): Buffer {
  const d = new Base64Decoder();
  const bytes = Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  let i = 0;
  for (let n = 0; i < bytes.length; n++) {
    const chunk = bytes.subarray(i, i + sizes[n % sizes.length]!);
    const fast = d.pushBytes(chunk);
    if (fast) out.push(fast);
    else {
      declined.count++;
      out.push(d.push(chunk.toString('utf8')));
    }
    i += chunk.length;
  }
  out.push(d.end());
  return Buffer.concat(out);
}

function bytesFailure(text: string, sizes?: number[]): Base64Error {
  return failure(text, sizes, decodeBytesIn);
}

describe('Base64Decoder.pushBytes (the byte fast path)', () => {
  test('round-trips every length 0..64 at every chunk size 1..9, without declining plain base64 before the padding', () => {
    for (let len = 0; len <= 64; len++) {
      const bytes = randomBytes(len);
      const b64 = bytes.toString('base64');
      for (let size = 1; size <= 9; size++) {
        const declined = { count: 0 };
        assert.deepEqual(decodeBytesIn(b64, [size], declined), bytes, `len ${len} size ${size}`);
        // Only chunks holding '=' go the text way: at most two of them.
        assert.ok(declined.count <= 2, `len ${len} size ${size}: ${declined.count} declined`);
      }
    }
  });

  test('line breaks and spaces at every odd chunk boundary are taken on the fast path', () => {
    const bytes = randomBytes(3000);
    const b64 = bytes.toString('base64').replace(/=+$/, '');
    const spaced = b64.replace(/(.{1,7})/g, (m, _g, off: number) => m + ['\r\n', ' ', '\t', '\n', ''][off % 5]);
    const padded = spaced + '='.repeat((4 - (b64.length % 4)) % 4);
    for (const sizes of [[1], [2], [3], [5, 13], [4095, 3, 7], [65536]]) {
      const declined = { count: 0 };
      assert.deepEqual(decodeBytesIn(padded, sizes, declined), bytes, `sizes ${sizes.join(',')}`);
      assert.ok(declined.count <= 2, `sizes ${sizes.join(',')}: ${declined.count} declined`);
    }
    const d = new Base64Decoder();
    assert.ok(d.pushBytes(Buffer.from('QUJD\r\nRUZH\r\n')), 'plain base64 with CRLF is taken');
    assert.equal(d.end().length, 0);
  });

  test('a large input in random chunks, also from a Uint8Array that is not a Buffer', () => {
    const bytes = randomBytes(300_000);
    const b64 = bytes.toString('base64').replace(/(.{76})/g, '$1\r\n');
    assert.deepEqual(decodeBytesIn(b64, [1, 4095, 3, 65536, 7]), bytes);
    const d = new Base64Decoder();
    const plain = Buffer.from(b64);
    const view = new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength);
    assert.deepEqual(Buffer.concat([d.pushBytes(view)!, d.end()]), bytes);
  });

  test('irregular line lengths and lone CRs are counted exactly and still taken on the fast path', () => {
    const bytes = randomBytes(20_000);
    const b64 = bytes.toString('base64').replace(/=+$/, '');
    // Lines of 60, 76 and 13 characters in turn, ending in CRLF, LF or a lone CR.
    let irregular = '';
    for (let i = 0, k = 0; i < b64.length; k++) {
      const len = [60, 76, 13][k % 3]!;
      irregular += b64.slice(i, i + len) + ['\r\n', '\n', '\r'][k % 3];
      i += len;
    }
    const padded = irregular + '='.repeat((4 - (b64.length % 4)) % 4);
    for (const sizes of [[65536], [4096], [77, 78, 79]]) {
      const declined = { count: 0 };
      assert.deepEqual(decodeBytesIn(padded, sizes, declined), bytes, `sizes ${sizes.join(',')}`);
      assert.ok(declined.count <= 2, `sizes ${sizes.join(',')}: ${declined.count} declined`);
    }
  });

  test('decoded pieces keep their bytes while later pushes decode into the same slab and the next ones', () => {
    // 3 MB of content: several 1 MB slabs, pieces from small and very large chunks (own buffers).
    const bytes = randomBytes(3 * 1024 * 1024);
    const b64 = bytes.toString('base64').replace(/(.{76})/g, '$1\r\n');
    assert.deepEqual(decodeBytesIn(b64, [65536, 1, 700_000, 4095]), bytes);
  });

  test('every byte outside the alphabet and whitespace is declined, never decoded, wherever it stands', () => {
    const allowed = /[A-Za-z0-9+/ \t\r\n]/;
    for (let b = 0; b < 256; b++) {
      const ch = String.fromCharCode(b);
      if (allowed.test(ch)) continue;
      for (const text of [`QUJD${ch}QUJ`, `${ch}QUJ`, `QUJDRUZH${ch}`, `Q${ch}`]) {
        const d = new Base64Decoder();
        assert.equal(d.pushBytes(Buffer.from([...text].map((c) => c.charCodeAt(0)))), undefined, `byte ${b} in ${JSON.stringify(text)}`);
      }
    }
    // A carry left by an earlier push is checked too.
    const d = new Base64Decoder();
    assert.ok(d.pushBytes(Buffer.from('QU')));
    assert.equal(d.pushBytes(Buffer.from('J*')), undefined);
  });

  test('after declining, the same input pushed as text gives the text path\'s message and position', () => {
    const e = bytesFailure('QUJD*RUY=', [3]);
    assert.match(e.message, /ongeldig teken '\*' \(U\+002A\).*positie 5/);
    assert.equal(e.offset, 4);
    assert.match(bytesFailure('QUJD-_==').message, /'-'/);
    assert.match(bytesFailure('QU\u00e9D').message, /U\+00E9/);
    assert.match(bytesFailure('QUJD\u0000').message, /U\+0000/);
    assert.match(bytesFailure('QUJDRA').message, /geen veelvoud van 4/);
    assert.match(bytesFailure('QQ==QQ==', [1]).message, /na de opvulling/);
    assert.match(bytesFailure('QUI=A', [4, 1]).message, /na de opvulling/);
  });

  test('no input after end()', () => {
    const d = new Base64Decoder();
    d.pushBytes(Buffer.from('QUJD'));
    d.end();
    assert.throws(() => d.pushBytes(Buffer.from('QUJD')), Base64Error);
  });
});
