/**
 * Masking for text that goes to the log but may quote request content: schema messages ("The value '…'"),
 * database errors ("Key (bsn)=(123456782)"), exception messages. BSNs must never reach a log line, so every
 * standalone run of 8 or 9 digits (a BSN, also with its leading zero dropped) is masked; longer identificaties
 * (zaak ids of 15+ digits) stay readable. Values libxml2 quotes are masked whole, whatever they contain.
 */

const QUOTED_VALUE = /(\bvalue ')[^']*(')/gi;
const QUOTED_NOT_VALID = /'[^']*'(\s+is not a valid)/gi;
const BSN_LIKE = /(?<![0-9])[0-9]{8,9}(?![0-9])/g;

export function redact(text: string): string {
  return text
    .replace(QUOTED_VALUE, '$1***$2')
    .replace(QUOTED_NOT_VALID, "'***'$1")
    .replace(BSN_LIKE, (m) => '*'.repeat(m.length));
}

/** What the log keeps of an error: its type and masked message, never the stack (it may quote content too). */
export function describeError(e: unknown): { type: string; message: string } {
  if (e instanceof Error) return { type: e.name, message: redact(e.message) };
  return { type: typeof e, message: redact(String(e)) };
}
