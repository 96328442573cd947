/**
 * Content to the Documenten API, streamed from a local file: small files as base64 `inhoud` in the JSON body,
 * large ones as bestandsdelen (README items 37–38): each part one multipart/form-data PUT (fields `lock` and
 * `inhoud`) whose file part is read from the file range of that part, so memory stays flat whatever the size.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ZgwHttp } from '../http.js';
import type { ZgwBestandsdeel } from './map-document.js';

/** Up to this size content goes as base64 in the EIO body (one call instead of POST + PUT + unlock). */
export const INLINE_LIMIT = 1024 * 1024;

export async function base64Of(file: string): Promise<string> {
  return (await readFile(file)).toString('base64');
}

/** One multipart/form-data body: the lock field, then `length` bytes of `file` from `start` as the inhoud file. */
export function multipartPart(file: string, start: number, length: number, lock: string, volgnummer: number): { body: Readable; contentType: string; length: number } {
  const boundary = `zaakpoort-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="lock"\r\n\r\n${lock}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="inhoud"; filename="deel-${volgnummer}.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts(): AsyncGenerator<Buffer> {
    yield head;
    if (length > 0) {
      for await (const chunk of createReadStream(file, { start, end: start + length - 1, highWaterMark: 256 * 1024 })) yield chunk as Buffer;
    }
    yield tail;
  }
  return { body: Readable.from(parts(), { objectMode: false }), contentType: `multipart/form-data; boundary=${boundary}`, length: head.length + length + tail.length };
}

/**
 * PUT every bestandsdeel (in volgnummer order, each from its own offset), with the part sizes the API gave.
 * A PUT of a part may be repeated (Open Zaak accepts a re-sent part), so the client retries it.
 */
export async function uploadParts(http: ZgwHttp, file: string, parts: ZgwBestandsdeel[], lock: string, size: number, timeoutMs: number, onCall: () => void): Promise<void> {
  const ordered = [...parts].sort((a, b) => a.volgnummer - b.volgnummer);
  const total = ordered.reduce((n, p) => n + p.omvang, 0);
  if (total !== size) throw new Error(`De bestandsdelen (${total} bytes) passen niet bij de inhoud (${size} bytes)`);
  let offset = 0;
  for (const p of ordered) {
    const start = offset;
    onCall();
    await http.json({
      api: 'documenten', method: 'PUT', url: p.url, idempotent: true, purpose: `bestandsdeel ${p.volgnummer} van ${ordered.length} uploaden`,
      upload: () => multipartPart(file, start, p.omvang, lock, p.volgnummer),
      // At least 1 MiB/s: a 4 GiB part (Open Zaak's default part size) may take a while.
      timeoutMs: timeoutMs + Math.ceil(p.omvang / (1024 * 1024)) * 1000,
    });
    offset += p.omvang;
  }
}
