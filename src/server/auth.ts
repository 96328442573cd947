/**
 * Who is calling, as far as the transport can tell, before a byte of the body is read. Two ways, both bound to
 * an application in `senders`: a verified TLS client certificate (CN/OIN, see tls.ts) and HTTP basic auth
 * (username + scrypt hash). The dispatcher then demands that the StUF zender is that application.
 *
 * - Basic auth counts only when some sender has `basicAuth`; then every SOAP request needs valid credentials,
 *   or a client certificate bound to an application. Missing or wrong: HTTP 401 with a challenge.
 * - Certificates are bound only when some sender has `certificateSubject`/`oin`; otherwise a (CA-verified)
 *   certificate only gates the connection.
 */
import type { IncomingMessage } from 'node:http';
import { type AuthLimits, defaultConfig, type SenderConfig } from '../config.js';
import { AuthThrottle, isThrottled, type Throttled } from './auth-throttle.js';
import type { TransportIdentity } from '../soap/parsed-request.js';
import { spendVerificationTime, verifyPassword } from './passwords.js';
import { certificateBelongsTo, describeCertificate, verifiedClientCertificate } from './tls.js';

export const BASIC_CHALLENGE = 'Basic realm="Zaakpoort", charset="UTF-8"';

export type AuthResult =
  | { ok: true; callers: TransportIdentity[] }
  /** Answer HTTP 401 with the challenge; omschrijving/details never say whether the username exists. */
  | { ok: false; omschrijving: string; details: string; retryAfterSeconds?: undefined }
  /** Answer HTTP 429 with Retry-After: too many failed attempts, or too many checks waiting. */
  | { ok: false; omschrijving: string; details: string; retryAfterSeconds: number };

interface Credentials {
  username: string;
  password: string;
}

/** undefined: no Authorization header; null: a header we cannot read. */
function basicCredentials(header: string | undefined): Credentials | null | undefined {
  if (header === undefined) return undefined;
  const m = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export class Authenticator {
  private readonly basicAuth: boolean;
  private readonly certBinding: boolean;

  private readonly throttle: AuthThrottle;

  constructor(
    private readonly senders: readonly SenderConfig[],
    limits: AuthLimits = defaultConfig().authLimits,
  ) {
    this.basicAuth = senders.some((s) => s.basicAuth);
    this.certBinding = senders.some((s) => s.certificateSubject || s.oin);
    this.throttle = new AuthThrottle(limits);
  }

  /** Nothing to check: the quick start, or a registry that identifies senders by their zender alone. */
  get inactive(): boolean {
    return !this.basicAuth && !this.certBinding;
  }

  async authenticate(req: IncomingMessage): Promise<AuthResult> {
    const callers: TransportIdentity[] = [];
    const cert = this.certBinding ? verifiedClientCertificate(req.socket) : undefined;
    if (cert) {
      callers.push({ method: 'certificate', name: describeCertificate(cert), senders: this.senders.filter((s) => certificateBelongsTo(s, cert)) });
    }
    if (!this.basicAuth) return { ok: true, callers };

    const header = req.headers.authorization;
    const creds = basicCredentials(Array.isArray(header) ? header[0] : header);
    if (creds === null) return refuse('de Authorization-header is geen geldige HTTP basic-authenticatie');
    if (creds === undefined) {
      // A certificate that belongs to an application is enough; otherwise credentials are required.
      if (callers.some((c) => c.senders.length > 0)) return { ok: true, callers };
      return refuse('dit zaaksysteem vereist HTTP basic-authenticatie (of een clientcertificaat van een geregistreerde applicatie)');
    }
    const owners = await this.checkPassword(creds, req.socket.remoteAddress ?? '');
    if (isThrottled(owners)) return throttled(owners.retryAfterSeconds);
    if (owners.length === 0) return refuse('gebruikersnaam of wachtwoord onjuist');
    callers.push({ method: 'basic', name: creds.username, senders: owners });
    return { ok: true, callers };
  }

  /**
   * The applications with this username whose hash the password matches. Recently verified credentials are
   * answered from memory; otherwise the limits decide whether a check runs at all.
   */
  private async checkPassword(creds: Credentials, address: string): Promise<SenderConfig[] | Throttled> {
    const known = this.throttle.remembered(creds.username, creds.password);
    if (known) return known.map((i) => this.senders[i]!);
    const blocked = this.throttle.blocked(address, creds.username);
    if (blocked) return blocked;
    const owners = await this.throttle.verify(address, creds.username, () => this.verify(creds));
    if (isThrottled(owners)) return owners;
    if (owners.length === 0) this.throttle.recordFailure(address, creds.username);
    else this.throttle.remember(creds.username, creds.password, owners.map((s) => this.senders.indexOf(s)));
    return owners;
  }

  private async verify(creds: Credentials): Promise<SenderConfig[]> {
    const candidates = this.senders.filter((s) => s.basicAuth?.username === creds.username);
    if (candidates.length === 0) {
      await spendVerificationTime(creds.password);
      return [];
    }
    const owners: SenderConfig[] = [];
    for (const s of candidates) if (await verifyPassword(creds.password, s.basicAuth!.passwordHash)) owners.push(s);
    return owners;
  }
}

function throttled(retryAfterSeconds: number): AuthResult {
  return {
    ok: false,
    omschrijving: 'Te veel aanmeldpogingen',
    details: `te veel mislukte of gelijktijdige aanmeldpogingen; probeer het over ${retryAfterSeconds} s opnieuw`,
    retryAfterSeconds,
  };
}

function refuse(details: string): AuthResult {
  return { ok: false, omschrijving: 'Aanroeper is niet geauthenticeerd', details };
}
