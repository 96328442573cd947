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

export interface ErrorDescription {
  type: string;
  message: string;
  /** errno / driver code (ENOENT, ECONNREFUSED, 57P01, ...), when the error has one. */
  code?: string;
  /** The error this one wraps, described the same way. */
  cause?: ErrorDescription;
}

/**
 * What the log keeps of an error: its type, masked message, code and (wrapped) cause, never the stack (it may
 * quote content too; callers log a masked stack at debug level where it helps).
 */
export function describeError(e: unknown, depth = 0): ErrorDescription {
  if (!(e instanceof Error)) return { type: typeof e, message: redact(String(e)) };
  const d: ErrorDescription = { type: e.name, message: redact(e.message) };
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') d.code = String(code);
  if (e.cause !== undefined && depth < 4) d.cause = describeError(e.cause, depth + 1);
  return d;
}
