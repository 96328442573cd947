/**
 * Beheer sessions: a cookie holding who is logged in, their role, when the session ends and the CSRF token of
 * the session, signed with an HMAC key kept in the database (so every instance on it accepts it, and a restart
 * does not log everyone out). Nothing secret is in the cookie; it is HttpOnly and SameSite=Strict.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type Role = 'lezen' | 'beheer';

export interface Session {
  username: string;
  role: Role;
  /** Epoch ms. */
  expires: number;
  csrf: string;
}

export const COOKIE = 'zaakpoort_beheer';

export class SessionSigner {
  constructor(
    private readonly key: Buffer,
    private readonly minutes: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(username: string, role: Role): { session: Session; cookie: string } {
    const session: Session = { username, role, expires: this.now() + this.minutes * 60_000, csrf: randomBytes(18).toString('base64url') };
    return { session, cookie: this.seal(session) };
  }

  /** The session in a cookie value, when its signature holds and it has not expired. */
  read(value: string | undefined): Session | undefined {
    const s = this.open<Session>(value);
    return s && (s.role === 'lezen' || s.role === 'beheer') && typeof s.username === 'string' ? s : undefined;
  }

  /** Any short-lived data signed the same way (the OIDC login's state); `expires` is epoch ms. */
  seal(data: { expires: number }): string {
    const payload = Buffer.from(JSON.stringify(data)).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  open<T extends { expires: number }>(value: string | undefined): T | undefined {
    if (!value) return undefined;
    const dot = value.indexOf('.');
    if (dot <= 0) return undefined;
    const payload = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.sign(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
      return typeof data.expires === 'number' && data.expires >= this.now() ? data : undefined;
    } catch {
      return undefined;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Constant-time comparison of the form's CSRF token with the session's. */
export function csrfMatches(session: Session, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
