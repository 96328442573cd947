/**
 * MTOM/XOP answers (multipart/related; type="application/xop+xml"). The root part is the SOAP envelope;
 * each document content ({blobRef} piece) becomes `<xop:Include href="cid:..."/>` in the envelope and a
 * binary part of its own, streamed from the store as raw bytes: no base64, no buffering.
 */
import { randomBytes } from 'node:crypto';
import type { DocumentContentStore } from '../ports/index.js';
import type { SoapVersion } from '../soap/parsed-request.js';
import type { ResponsePiece } from '../zds/operation.js';

const XOP_NS = 'http://www.w3.org/2004/08/xop/include';

/** The SOAP media type the root part carries (`type` of application/xop+xml, `start-info` of the multipart). */
function rootSoapType(v: SoapVersion): string {
  return v === '1.2' ? 'application/soap+xml' : 'text/xml';
}

export interface MtomAnswer {
  /** The HTTP Content-Type of the whole answer. */
  contentType: string;
  chunks: AsyncGenerator<Buffer>;
}

/**
 * Build the multipart answer for an envelope given as pieces. A random boundary (and content ids) per answer:
 * 2^-128 chance that a document contains it, the usual MIME practice.
 */
export function mtomAnswer(v: SoapVersion, open: string, pieces: ResponsePiece[], close: string, content: DocumentContentStore): MtomAnswer {
  const token = randomBytes(16).toString('hex');
  const boundary = `MIMEBoundary_zaakpoort_${token}`;
  const rootCid = `root.${token}@zaakpoort`;
  const soapType = rootSoapType(v);
  const contentType =
    `multipart/related; type="application/xop+xml"; boundary="${boundary}"; ` +
    `start="<${rootCid}>"; start-info="${soapType}"`;
  return { contentType, chunks: parts(boundary, rootCid, soapType, token, open, pieces, close, content) };
}

async function* parts(
  boundary: string,
  rootCid: string,
  soapType: string,
  token: string,
  open: string,
  pieces: ResponsePiece[],
  close: string,
  content: DocumentContentStore,
): AsyncGenerator<Buffer> {
  // The envelope first, with an xop:Include where each blob goes; the blobs follow as parts in the same order.
  const blobs: Array<{ cid: string; blobRef: string }> = [];
  let xml = open;
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      xml += piece;
      continue;
    }
    // Only [a-z0-9.@]: the cid: URL needs no %-encoding, so clients that compare literally and clients that decode agree.
    const cid = `doc${blobs.length + 1}.${token}@zaakpoort`;
    blobs.push({ cid, blobRef: piece.blobRef });
    xml += `<xop:Include xmlns:xop="${XOP_NS}" href="cid:${cid}"/>`;
  }
  xml += close;
  yield Buffer.from(
    `--${boundary}\r\n` +
      `Content-Type: application/xop+xml; charset=UTF-8; type="${soapType}"\r\n` +
      `Content-Transfer-Encoding: binary\r\n` +
      `Content-ID: <${rootCid}>\r\n\r\n` +
      xml,
  );
  for (const blob of blobs) {
    yield Buffer.from(
      `\r\n--${boundary}\r\n` +
        `Content-Type: application/octet-stream\r\n` +
        `Content-Transfer-Encoding: binary\r\n` +
        `Content-ID: <${blob.cid}>\r\n\r\n`,
    );
    // Opened only when reached; destroying the answer stream returns this generator and closes the file.
    for await (const chunk of content.open(blob.blobRef)) yield chunk as Buffer;
  }
  yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

/**
 * Does the client ask for MTOM answers? An Accept header naming multipart/related (q > 0) does; `*\/*` or
 * text/xml alone does not, so ordinary clients keep getting inline base64.
 */
export function acceptsMtom(accept: string | string[] | undefined): boolean {
  const value = Array.isArray(accept) ? accept.join(',') : accept ?? '';
  for (const range of value.split(',')) {
    const [type, ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    if (type !== 'multipart/related') continue;
    const q = params.find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}
