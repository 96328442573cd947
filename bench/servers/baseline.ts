/**
 * The baseline server: receives the bytes of a SOAP request, cuts out the Body's child and validates it against
 * the same compiled schemas Zaakpoort uses, then answers a fixed small reply. Nothing else: it shows what HTTP +
 * XSD validation alone cost on this machine. GET /health for the bench's readiness poll.
 */
import http from 'node:http';
import path from 'node:path';
import { SchemaRegistry, schemaSetFor } from '../../src/schema/index.js';

const schemas = await SchemaRegistry.load(process.env.ZAAKPOORT_SCHEMA_DIR ?? path.resolve('xsd'));
const REPLY = '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ok/></soap:Body></soap:Envelope>';

function bodyElement(xml: string): { xml: string; ns: string; local: string } {
  const open = /<([A-Za-z_][\w.-]*:)?Body\b[^>]*>/.exec(xml);
  if (!open) throw new Error('no soap:Body');
  const start = open.index + open[0].length;
  const end = xml.lastIndexOf(`</${open[1] ?? ''}Body>`);
  const inner = xml.slice(start, end).trim();
  const root = /^<(?:([\w.-]+):)?([\w.-]+)/.exec(inner)!;
  const prefix = root[1];
  const ns = new RegExp(`xmlns${prefix ? ':' + prefix : ''}="([^"]*)"`).exec(inner)?.[1] ?? '';
  return { xml: inner, ns, local: root[2]! };
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    try {
      const body = bodyElement(Buffer.concat(parts).toString('utf8'));
      const result = schemas.validate(schemaSetFor(body.ns, body.local), body.xml);
      res.writeHead(result.valid ? 200 : 500, { 'content-type': 'text/xml; charset=utf-8' }).end(result.valid ? REPLY : JSON.stringify(result.issues));
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
