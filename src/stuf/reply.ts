/** Addressing of our answers (Bv03, Fo03, La01, Du02): swap zender/ontvanger, new referentienummer, crossRef. */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import { formatTijdstip, type Clock } from './dates.js';
import type { ReplyAddressing, Stuurgegevens, Systeem } from './stuurgegevens.js';

/** Schema limits of StUF:Systeem parts (stuf0301.xsd) and of StUF:Refnummer. */
const LIMITS = { organisatie: 200, administratie: 50, gebruiker: 100 } as const;
export const REFNUMMER_MAX = 40;

/** Length in characters as XSD counts them (code points, not UTF-16 units). */
const chars = (s: string): number => [...s].length;

/**
 * A systeem from a request, made safe to write back: undefined when its applicatie is missing or outside
 * 3..50 characters (StUF:Systeem cannot be written without one); optional parts over their limit are dropped.
 */
export function usableSysteem(s: Systeem | undefined): Systeem | undefined {
  if (!s?.applicatie) return undefined;
  const n = chars(s.applicatie);
  if (n < 3 || n > 50) return undefined;
  const out: Systeem = { applicatie: s.applicatie };
  for (const part of ['organisatie', 'administratie', 'gebruiker'] as const) {
    const v = s[part];
    if (v && chars(v) <= LIMITS[part]) out[part] = v;
  }
  return out;
}

/**
 * A fresh referentienummer: time-ordered (fixed-width base-36 milliseconds, so ids sort by creation) plus 80
 * random bits, so several server instances never collide. 33 characters, within Refnummer's 40.
 */
export function newReferentienummer(clock: Clock): string {
  const ms = Math.max(0, clock.now().getTime()).toString(36).padStart(9, '0');
  return `zp-${ms}-${randomHex10()}`;
}

/**
 * 10 random bytes as hex, from a pool refilled by the CSPRNG 4 KB at a time: one randomBytes call per answer
 * cost more than the rest of the addressing (as crypto.randomUUID pools its entropy too).
 */
const POOL_BYTES = 4100;
let pool = Buffer.alloc(0);
let poolAt = POOL_BYTES;
function randomHex10(): string {
  if (poolAt + 10 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  poolAt += 10;
  return pool.toString('hex', poolAt - 10, poolAt);
}

/**
 * The request's referentienummer as crossRefnummer. Values over 40 characters (some clients generate 64) are
 * cut to their last 40 characters: our answers must stay schema-valid, and the tail is the part of such
 * generated ids that differs between messages. The HTTP exchange itself already pairs request and answer.
 */
export function crossRefFor(referentienummer: string | undefined): string | undefined {
  if (referentienummer === undefined) return undefined;
  const cps = [...referentienummer];
  return cps.length <= REFNUMMER_MAX ? referentienummer : cps.slice(-REFNUMMER_MAX).join('');
}

/**
 * Addressing for an answer to `req` (undefined when the request had no usable stuurgegevens).
 * zender = the request's ontvanger, or `self` when it named none usable; ontvanger = the request's zender,
 * left out when unusable (the Bv03/Fo03 writers put a placeholder there, see messages.ts).
 */
export function replyAddressing(
  req: Stuurgegevens | undefined,
  self: Config['self'],
  clock: Clock,
  timeZone: string,
): ReplyAddressing {
  const reply: ReplyAddressing = {
    zender: usableSysteem(req?.ontvanger) ?? usableSysteem(self) ?? { applicatie: 'Zaakpoort' },
    referentienummer: newReferentienummer(clock),
    tijdstipBericht: formatTijdstip(clock.now(), timeZone),
  };
  const ontvanger = usableSysteem(req?.zender);
  if (ontvanger) reply.ontvanger = ontvanger;
  const cross = crossRefFor(req?.referentienummer);
  if (cross !== undefined) reply.crossRefnummer = cross;
  return reply;
}
