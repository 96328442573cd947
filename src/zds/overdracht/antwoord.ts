/**
 * Reading the zaakservice-consumer's synchronous answer to our Di01: a StUF:Bv03Bericht, or a fault carrying a
 * StUF:Fo0xBericht. Parsed with the same hardened reader as incoming requests (no DOCTYPE, size and depth caps).
 */
import { Readable } from 'node:stream';
import type { DocumentContentStore } from '../../ports/document-content-store.js';
import { readEnvelope } from '../../soap/envelope-reader.js';
import { SoapReadError } from '../../soap/read-error.js';
import { NS } from '../../stuf/namespaces.js';
import { type XmlElement, elements, path, text } from '../../xml/tree.js';

export type ZscAntwoord =
  | { kind: 'Bv03'; crossRefnummer?: string }
  | { kind: 'fout'; berichtcode: string; code?: string; omschrijving?: string; details?: string }
  | { kind: 'anders'; wat: string };

/** An answer larger than this is not a Bv03 or Fo03. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

function findFout(el: XmlElement, depth = 0): XmlElement | undefined {
  if (el.ns === NS.stuf && /^Fo0[123]Bericht$/.test(el.local)) return el;
  if (depth > 4) return undefined;
  for (const c of elements(el)) {
    const found = findFout(c, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export async function readZscAntwoord(bytes: Buffer, contentType: string, content: DocumentContentStore): Promise<ZscAntwoord> {
  let body: XmlElement;
  try {
    const parsed = await readEnvelope(Readable.from([bytes]), { contentType, maxBytes: MAX_ANSWER_BYTES, maxDepth: 64, content });
    // An answer has no document content; anything the reader set aside is thrown away.
    for (const c of parsed.contents) await content.discardTemp(c.tempId).catch(() => undefined);
    body = parsed.body;
  } catch (e) {
    const why = e instanceof SoapReadError ? `${e.fault.omschrijving}${e.fault.details ? ` (${e.fault.details})` : ''}` : String(e);
    return { kind: 'anders', wat: `geen leesbaar SOAP-antwoord: ${why}` };
  }
  if (body.ns === NS.stuf && body.local === 'Bv03Bericht') {
    const cross = text(path(body, NS.stuf, 'stuurgegevens', 'crossRefnummer'));
    return cross === undefined ? { kind: 'Bv03' } : { kind: 'Bv03', crossRefnummer: cross };
  }
  const fout = findFout(body);
  if (fout) {
    const field = (local: string) => text(path(fout, NS.stuf, 'body', local));
    return {
      kind: 'fout',
      berichtcode: fout.local.slice(0, 4),
      code: field('code'),
      omschrijving: field('omschrijving'),
      details: field('details'),
    };
  }
  return { kind: 'anders', wat: `{${body.ns}}${body.local} in plaats van een StUF:Bv03Bericht` };
}
