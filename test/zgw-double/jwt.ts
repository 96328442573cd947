/** JWTs as Open Zaak expects them (HS256; claims iss, iat, client_id, user_id, user_representation), for tests of the ZGW test double. */
import { SignJWT } from 'jose';

export interface JwtOptions {
  /** Issued-at in seconds since the epoch (default: now). */
  iat?: number;
  userId?: string;
  userRepresentation?: string;
}

/** A signed HS256 token for `clientId` (what Zaakpoort's ZGW client sends; `iat` defaults to now). */
export function makeJwt(clientId: string, secret: string, opts: JwtOptions = {}): Promise<string> {
  return new SignJWT({
    client_id: clientId,
    user_id: opts.userId ?? 'zaakpoort',
    user_representation: opts.userRepresentation ?? 'Zaakpoort',
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(clientId)
    .setIssuedAt(opts.iat ?? Math.floor(Date.now() / 1000))
    .sign(new TextEncoder().encode(secret));
}
