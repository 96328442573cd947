/** Which request content types are SOAP, and which SOAP version a content type implies. */
import type { SoapVersion } from '../soap/parsed-request.js';

export type SoapMediaKind = 'soap11' | 'soap12' | 'mtom';

/** The media type without parameters, lower-cased ('' when absent). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

export function soapMediaKind(contentType: string | undefined): SoapMediaKind | undefined {
  switch (mediaType(contentType)) {
    case 'text/xml':
      return 'soap11';
    case 'application/soap+xml':
      return 'soap12';
    case 'multipart/related':
      return 'mtom';
    default:
      return undefined;
  }
}

/**
 * Best guess of the SOAP version before the envelope is read, for faults raised by the HTTP layer. MTOM
 * carries the root part's type in the `type` parameter.
 */
export function guessSoapVersion(contentType: string | undefined): SoapVersion {
  const ct = (contentType ?? '').toLowerCase();
  if (mediaType(ct) === 'application/soap+xml') return '1.2';
  if (mediaType(ct) === 'multipart/related' && /(?:start-info|type)\s*=\s*"?application\/soap\+xml/.test(ct)) return '1.2';
  return '1.1';
}
