import type { SenderConfig } from '../config.js';
import type { ExtractedContent, XmlElement } from '../xml/tree.js';
import type { Port } from '../stuf/messages.js';
import type { SchemaSetName, ValidationResult } from '../schema/types.js';

export type SoapVersion = '1.1' | '1.2';

/** What the SOAP reader hands to the dispatcher. */
export interface ParsedRequest {
  soapVersion: SoapVersion;
  /** The first (and only) child of soap:Body; <inhoud> text already moved to temp content. */
  body: XmlElement;
  /**
   * The body element serialised on its own with every in-scope namespace declaration, with each extracted
   * <inhoud> left empty (a valid base64Binary value) so the schema still checks its attributes.
   */
  bodyXml: string;
  /**
   * Set when the request was read in one libxml2 parse (whole-envelope.ts): the schema check of the body made
   * on that parse, for the dispatcher to use instead of parsing the body again.
   */
  validation?: EarlyValidation;
  /** Temp content created while reading; the dispatcher discards what an operation did not persist. */
  contents: ExtractedContent[];
  /** The request came as MTOM/XOP (multipart/related). */
  mtom: boolean;
  /** SOAPAction from the header or the content-type action parameter, unquoted; '' when absent. */
  soapAction: string;
  /**
   * Who the transport says is calling (verified client certificate, basic-auth user), set by the server.
   * The StUF zender must be an application each of them belongs to.
   */
  callers?: TransportIdentity[];
  /** The port the request was posted to (/zds/<port>), set by the server; undefined for the generic /zds. */
  endpointPort?: Port;
}

/** A caller the HTTP layer authenticated, bound to its registered applications. */
export interface TransportIdentity {
  method: 'certificate' | 'basic';
  /** For faults and logs: "CN=..., OIN ..." of the certificate, or the username. Never a secret. */
  name: string;
  /** The entries of config.senders this identity belongs to (compared by reference). */
  senders: readonly SenderConfig[];
}

/** The schema check made on the one parse of a request. */
export interface EarlyValidation {
  set: SchemaSetName;
  result: ValidationResult;
}
