import { readEnvelope } from '../../src/soap/envelope-reader.js';
import { NS } from '../../src/stuf/namespaces.js';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
const store: any = { async createTemp() { return { tempId: 'x', stream: new Writable({ write(_c, _e, cb) { cb(); } }), finish: async () => ({ size: 0, sha256: '' }), abort: async () => {} }; } };
const xml = `<s:Envelope xmlns:s="${NS.soap11}"><s:Body><Z:a xmlns:Z="${NS.zkn}"><Z:inhoud>${randomBytes(750000).toString('base64')}</Z:inhoud></Z:a></s:Body></s:Envelope>`;
const b = Buffer.from(xml);
const size = Number(process.argv[2] ?? 7);
async function* g() { for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size); }
const t = performance.now();
await readEnvelope(g(), { contentType: 'text/xml', maxBytes: 1e9, maxDepth: 50, content: store });
console.log(size, (performance.now() - t).toFixed(0), 'ms for', b.length, 'bytes');
async function* g2() { for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size); }
const t2 = performance.now(); let n = 0;
for await (const c of g2()) n += c.length;
console.log('bare iteration', (performance.now() - t2).toFixed(0));
