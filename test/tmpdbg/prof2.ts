import { readEnvelope } from '../../src/soap/envelope-reader.js';
import { NS } from '../../src/stuf/namespaces.js';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
const store: any = { async createTemp() { return { tempId: 'x', stream: new Writable({ write(_c, _e, cb) { cb(); } }), finish: async () => ({ size: 0, sha256: '' }), abort: async () => {} }; } };
function base64Lines(bytes: Buffer, eol = '\r\n'): string {
  const b64 = bytes.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join(eol);
}
const xml = `<s:Envelope xmlns:s="${NS.soap11}"><s:Body><Z:a xmlns:Z="${NS.zkn}"><Z:inhoud>${base64Lines(randomBytes(750000))}</Z:inhoud></Z:a></s:Body></s:Envelope>`;
const b = Buffer.from(xml);
const size = Number(process.argv[2] ?? 7);
async function* g() { for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size); }
const t = performance.now();
await readEnvelope(g(), { contentType: 'text/xml', maxBytes: 1e9, maxDepth: 50, content: store });
console.log(size, (performance.now() - t).toFixed(0), 'ms for', b.length, 'bytes');
