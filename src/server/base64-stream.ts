/**
 * Streaming base64 encoder: turns a byte stream into base64 text chunk by chunk, so document content is
 * never held in memory as a whole. Base64 encodes 3 bytes at a time; the 0–2 bytes that do not fill a
 * group are carried over to the next chunk, so the output equals Buffer.toString('base64') of the whole.
 */
export async function* base64Encode(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const raw of source) {
    let chunk = typeof raw === 'string' ? Buffer.from(raw) : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    let head = '';
    if (carry.length > 0) {
      // Complete the carried group first instead of concatenating whole chunks.
      const need = 3 - carry.length;
      if (chunk.length < need) {
        carry = Buffer.concat([carry, chunk]);
        continue;
      }
      head = Buffer.concat([carry, chunk.subarray(0, need)]).toString('base64');
      chunk = chunk.subarray(need);
      carry = Buffer.alloc(0);
    }
    const usable = chunk.length - (chunk.length % 3);
    if (usable < chunk.length) carry = Buffer.from(chunk.subarray(usable)); // copy: the source may reuse its buffer
    const body = usable > 0 ? chunk.subarray(0, usable).toString('base64') : '';
    if (head || body) yield Buffer.from(head + body, 'latin1');
  }
  if (carry.length > 0) yield Buffer.from(carry.toString('base64'), 'latin1');
}
