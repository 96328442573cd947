/**
 * The fault the HTTP layer builds on its own, for when the dispatcher (which normally builds every Fo
 * answer) failed. Without trustworthy stuurgegevens it carries the minimal StUF:Fo02Bericht the schema
 * allows: berichtcode plus the Foutbericht body.
 */
import type { SoapVersion } from '../soap/parsed-request.js';
import type { Plek } from '../stuf/fault.js';
import { NS } from '../stuf/namespaces.js';
import { escapeText } from '../xml/escape.js';
import type { DispatchResult } from '../zds/dispatch-result.js';

export type FaultResult = Extract<DispatchResult, { kind: 'fault' }>;

export function httpFault(
  soapVersion: SoapVersion,
  httpStatus: number,
  code: string,
  plek: Plek,
  omschrijving: string,
  details?: string,
): FaultResult {
  const oms = escapeText(omschrijving.slice(0, 200));
  const det = details ? `<StUF:details>${escapeText(details.slice(0, 1000))}</StUF:details>` : '';
  const detailXml =
    `<StUF:Fo02Bericht xmlns:StUF="${NS.stuf}">` +
    `<StUF:stuurgegevens><StUF:berichtcode>Fo02</StUF:berichtcode></StUF:stuurgegevens>` +
    `<StUF:body><StUF:code>${escapeText(code)}</StUF:code><StUF:plek>${plek}</StUF:plek>` +
    `<StUF:omschrijving>${oms}</StUF:omschrijving>${det}</StUF:body></StUF:Fo02Bericht>`;
  return { kind: 'fault', soapVersion, httpStatus, plek, omschrijving: omschrijving.slice(0, 200), detailXml };
}

export const httpFaults = {
  /** Last resort when the dispatcher itself failed: no stack trace, no internals. */
  internal: (v: SoapVersion): FaultResult =>
    httpFault(v, 500, 'StUF058', 'server', 'Interne fout bij het verwerken van het bericht'),
};
