/**
 * The JWT the ZGW APIs (Autorisaties API model) expect: HS256 with iss, iat, client_id, user_id and
 * user_representation, no exp. Open Zaak refuses a token whose iat is older than its leeway (jwt-expired) or in
 * its future, so the token is re-signed when it reaches `renewSeconds` instead of being kept for ever.
 */

export interface JwtSettings {
  clientId: string;
  secret: string;
  userId: string;
  userRepresentation: string;
  renewSeconds: number;
}

export class ZgwJwt {
  private token: string | undefined;
  private signedAt = 0;
  private readonly key: Uint8Array;

  constructor(
    private readonly s: JwtSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.key = new TextEncoder().encode(s.secret);
  }

  /** A valid bearer token (signed now, or reused while younger than renewSeconds). */
  async bearer(): Promise<string> {
    const t = this.now();
    if (!this.token || t - this.signedAt >= this.s.renewSeconds * 1000 || t < this.signedAt) {
      const iat = Math.floor(t / 1000);
      // jose loads with the first token: only the ZGW backend signs any (issue 14, start-up memory).
      const { SignJWT } = await import('jose');
      this.token = await new SignJWT({
        client_id: this.s.clientId,
        user_id: this.s.userId,
        user_representation: this.s.userRepresentation,
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(this.s.clientId)
        .setIssuedAt(iat)
        .sign(this.key);
      this.signedAt = t;
    }
    return this.token;
  }

  /** Drop the cached token (after a 403 jwt-expired: clocks may differ). */
  invalidate(): void {
    this.token = undefined;
  }
}
