/**
 * The answer as the message browser keeps it: the SOAP envelope the server sent, with each document's base64
 * content replaced by a comment giving its size (content is never kept).
 */
import { envelopeClose, envelopeOpen, faultEnvelope } from '../soap/envelope-writer.js';
import type { DispatchResult } from '../zds/dispatch-result.js';

export function answerText(result: DispatchResult): { xml: string; documents: Array<{ size: number }> } {
  if (result.kind === 'fault') {
    return { xml: faultEnvelope(result.soapVersion, result.plek, result.omschrijving, result.detailXml), documents: [] };
  }
  const documents: Array<{ size: number }> = [];
  let body = '';
  for (const piece of result.pieces) {
    if (typeof piece === 'string') body += piece;
    else {
      documents.push({ size: piece.size });
      body += `<!-- documentinhoud niet bewaard: ${piece.size} bytes -->`;
    }
  }
  return { xml: envelopeOpen(result.soapVersion) + body + envelopeClose(result.soapVersion), documents };
}

/** The request envelope rebuilt around the body the reader kept (document content already left out). */
export function requestText(bodyXml: string, soapVersion: '1.1' | '1.2'): string {
  return envelopeOpen(soapVersion) + bodyXml + envelopeClose(soapVersion);
}
