/** A body over the cap keeps its start and end, with a marker saying how much was left out in between. */
export function capText(text: string, maxBytes: number): { text: string; truncated: boolean; bytes: number } {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return { text, truncated: false, bytes: buf.length };
  const half = Math.floor(maxBytes / 2);
  const head = buf.subarray(0, half).toString('utf8');
  const tail = buf.subarray(buf.length - half).toString('utf8');
  return {
    text: `${head}\n<!-- zaakpoort: ${buf.length - 2 * half} bytes weggelaten (bericht ${buf.length} bytes, grens ${maxBytes}) -->\n${tail}`,
    truncated: true,
    bytes: buf.length,
  };
}
