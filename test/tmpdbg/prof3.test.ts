import { test } from 'node:test';
test('x', async () => {
  const { readEnvelope } = await import('../../src/soap/envelope-reader.js');
  const { NS } = await import('../../src/stuf/namespaces.js');
  const { Writable } = await import('node:stream');
  const store: any = { async createTemp() { return { tempId: 'x', stream: new Writable({ write(_c, _e, cb) { cb(); } }), finish: async () => ({ size: 0, sha256: '' }), abort: async () => {} }; } };
  const xml = `<s:Envelope xmlns:s="${NS.soap11}"><s:Body><Z:a xmlns:Z="${NS.zkn}"><Z:inhoud>${Buffer.alloc(750000, 7).toString('base64')}</Z:inhoud></Z:a></s:Body></s:Envelope>`;
  const b = Buffer.from(xml);
  async function* g() { for (let i = 0; i < b.length; i += 7) yield b.subarray(i, i + 7); }
  const t = performance.now();
  await readEnvelope(g(), { contentType: 'text/xml', maxBytes: 1e9, maxDepth: 50, content: store });
  console.log((performance.now() - t).toFixed(0), 'ms');
});
