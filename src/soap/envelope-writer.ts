/**
 * The SOAP envelope around our responses and the SOAP Fault for StUF foutberichten. Responses are written
 * in the SOAP version of the request.
 */
import { NS } from '../stuf/namespaces.js';
import { escapeText } from '../xml/escape.js';
import type { SoapVersion } from './parsed-request.js';

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';

export function soapContentType(v: SoapVersion): string {
  return v === '1.2' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8';
}

function envNs(v: SoapVersion): string {
  return v === '1.2' ? NS.soap12 : NS.soap11;
}

/** XML declaration, Envelope and the opening Body tag; the body element follows. */
export function envelopeOpen(v: SoapVersion): string {
  return `${XML_DECL}<soap:Envelope xmlns:soap="${envNs(v)}"><soap:Body>`;
}

export function envelopeClose(_v: SoapVersion): string {
  return '</soap:Body></soap:Envelope>';
}

/**
 * A complete SOAP Fault envelope. detailXml is already-built XML (the Fo02/Fo03 bericht) and goes into
 * detail / Detail as is; the faultstring is escaped. An empty detailXml leaves the detail element out.
 */
export function faultEnvelope(v: SoapVersion, plek: 'client' | 'server', faultstring: string, detailXml: string, soapCode?: 'MustUnderstand'): string {
  const reason = escapeText(faultstring);
  let fault: string;
  // SOAP 1.1 §4.4: detail must not carry information about header entries. SOAP 1.2 allows a Detail, so the
  // StUF Fo02 stays there.
  if (soapCode === 'MustUnderstand' && v === '1.1') detailXml = '';
  if (v === '1.2') {
    const code = soapCode ? `soap:${soapCode}` : plek === 'client' ? 'soap:Sender' : 'soap:Receiver';
    fault =
      `<soap:Fault><soap:Code><soap:Value>${code}</soap:Value></soap:Code>` +
      `<soap:Reason><soap:Text xml:lang="nl">${reason}</soap:Text></soap:Reason>` +
      (detailXml ? `<soap:Detail>${detailXml}</soap:Detail>` : '') +
      `</soap:Fault>`;
  } else {
    // SOAP 1.1: faultcode/faultstring/detail are unqualified.
    const code = soapCode ? `soap:${soapCode}` : plek === 'client' ? 'soap:Client' : 'soap:Server';
    fault =
      `<soap:Fault><faultcode>${code}</faultcode><faultstring>${reason}</faultstring>` +
      (detailXml ? `<detail>${detailXml}</detail>` : '') +
      `</soap:Fault>`;
  }
  return envelopeOpen(v) + fault + envelopeClose(v);
}
