import type { SoapVersion } from '../soap/parsed-request.js';
import type { Plek } from '../stuf/fault.js';
import type { ResponsePiece } from './operation.js';

/** What the server writes back for one request. The dispatcher never throws; everything becomes one of these. */
export type DispatchResult =
  | {
      kind: 'ok';
      soapVersion: SoapVersion;
      /** The content of soap:Body (one element), possibly with document content streamed in as base64. */
      pieces: ResponsePiece[];
      /** Answer as MTOM/XOP (the request was MTOM). */
      mtom: boolean;
    }
  | {
      kind: 'fault';
      soapVersion: SoapVersion;
      /** HTTP status: 500 for SOAP faults, 413 when the message was too large, 400 when no SOAP at all. */
      httpStatus: number;
      plek: Plek;
      /** faultstring / Reason text. */
      omschrijving: string;
      /** The StUF:Fo02Bericht or StUF:Fo03Bericht element (with its own namespace declarations). */
      detailXml: string;
      /** A SOAP-level fault code instead of Client/Server (Sender/Receiver): a header block not understood. */
      soapCode?: 'MustUnderstand';
    };
