/**
 * Basic-auth passwords are stored as scrypt hashes in a PHC-style string,
 * `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64, no padding), so the configuration never holds a password.
 * scrypt is deliberately slow (~50-100 ms); auth-throttle.ts bounds how many run at once and remembers
 * successful checks, to keep that cost off every request.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PREFIX = '$scrypt$';
const DEFAULT_LOG_N = 15;
const KEY_LEN = 32;

interface ParsedHash {
  logN: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function derive(password: string, salt: Buffer, h: Pick<ParsedHash, 'logN' | 'r' | 'p'>, keyLen: number): Promise<Buffer> {
  const N = 2 ** h.logN;
  const opts: ScryptOptions = { N, r: h.r, p: h.p, maxmem: 256 * N * h.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keyLen, opts, (e, key) => (e ? reject(e) : resolve(key))));
}

const b64 = (b: Buffer): string => b.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, logN = DEFAULT_LOG_N): Promise<string> {
  const salt = randomBytes(16);
  const params = { logN, r: 8, p: 1 };
  const hash = await derive(password, salt, params, KEY_LEN);
  return `${PREFIX}ln=${logN},r=8,p=1$${b64(salt)}$${b64(hash)}`;
}

export function parsePasswordHash(encoded: string): ParsedHash | undefined {
  const m = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(encoded);
  if (!m) return undefined;
  const [logN, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (logN < 10 || logN > 20 || r < 1 || p < 1) return undefined;
  const salt = Buffer.from(m[4]!, 'base64');
  const hash = Buffer.from(m[5]!, 'base64');
  if (salt.length < 8 || hash.length < 16) return undefined;
  return { logN, r, p, salt, hash };
}

/** True when password matches the stored hash. A malformed hash never matches. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parsePasswordHash(encoded);
  if (!parsed) return false;
  const hash = await derive(password, parsed.salt, parsed, parsed.hash.length);
  return timingSafeEqual(hash, parsed.hash);
}

/** The same work as a real check, for an unknown username: response time does not reveal which names exist. */
const DUMMY = { logN: DEFAULT_LOG_N, r: 8, p: 1 };
export async function spendVerificationTime(password: string): Promise<void> {
  await derive(password, Buffer.alloc(16), DUMMY, KEY_LEN);
}
