/**
 * Turns a DispatchResult into the HTTP answer. Answers without document content go out as one string;
 * answers with {blobRef} pieces are streamed, the content base64-encoded on the fly from the store. MTOM
 * answers (see mtom-writer.ts) carry the content as binary parts instead.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { DocumentContentStore } from '../ports/index.js';
import { envelopeClose, envelopeOpen, faultEnvelope, soapContentType } from '../soap/envelope-writer.js';
import type { DispatchResult } from '../zds/dispatch-result.js';
import type { ResponsePiece } from '../zds/operation.js';
import { base64Encode } from './base64-stream.js';
import { mtomAnswer } from './mtom-writer.js';

export interface SendOptions {
  /** Answer as MTOM/XOP even when result.mtom is false: the request was MTOM, or its Accept asks for it. */
  mtom?: boolean;
}

export function sendResult(reply: FastifyReply, result: DispatchResult, content: DocumentContentStore, opts: SendOptions = {}): FastifyReply {
  const v = result.soapVersion;
  reply.header('content-type', soapContentType(v));
  if (result.kind === 'fault') {
    // Faults stay plain SOAP: they can be raised before the request is known to be MTOM.
    return reply.code(result.httpStatus).send(faultEnvelope(v, result.plek, result.omschrijving, result.detailXml, result.soapCode));
  }
  reply.code(200);
  const open = envelopeOpen(v);
  const close = envelopeClose(v);
  if (result.mtom || opts.mtom) {
    // Every successful answer, with or without content: strict MTOM clients (WCF) refuse a text/xml answer.
    const answer = mtomAnswer(v, open, result.pieces, close, content);
    reply.header('content-type', answer.contentType);
    return reply.send(logged(reply, Readable.from(answer.chunks)));
  }
  if (result.pieces.every((p) => typeof p === 'string')) {
    return reply.send(open + (result.pieces as string[]).join('') + close);
  }
  return reply.send(logged(reply, Readable.from(bodyChunks(open, result.pieces, close, content))));
}

/**
 * Document content that fails while the answer streams (a blob gone, a disk or database error) can only cut the
 * connection: the status line has gone out. The cause is logged for the beheerder (masked like every error).
 */
function logged(reply: FastifyReply, stream: Readable): Readable {
  return stream.once('error', (err) => reply.log.error({ err }, 'antwoord afgebroken: documentinhoud kon niet worden gelezen'));
}

/**
 * Consecutive strings are joined into one chunk; each blob is opened only when reached. When the client goes
 * away, the stream is destroyed, which returns this generator and with it destroys the open blob stream.
 */
async function* bodyChunks(
  open: string,
  pieces: ResponsePiece[],
  close: string,
  content: DocumentContentStore,
): AsyncGenerator<Buffer> {
  let text = open;
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      text += piece;
      continue;
    }
    if (text) yield Buffer.from(text);
    text = '';
    yield* base64Encode(content.open(piece.blobRef));
  }
  yield Buffer.from(text + close);
}
