import type { ExtractedContent, XmlElement } from '../xml/tree.js';

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
  /** Temp content created while reading; the dispatcher discards what an operation did not persist. */
  contents: ExtractedContent[];
  /** The request came as MTOM/XOP (multipart/related). */
  mtom: boolean;
  /** SOAPAction from the header or the content-type action parameter, unquoted; '' when absent. */
  soapAction: string;
}
