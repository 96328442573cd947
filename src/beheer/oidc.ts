/**
 * Beheer login through an OpenID Connect provider with openid-client: authorization code flow with PKCE, state
 * and nonce. The browser's pending login (verifier, state, nonce) travels in a short signed cookie, so any
 * instance can finish it. The provider's metadata is discovered on first use. Plain http is accepted only for a
 * provider on loopback (tests, a local Keycloak).
 */
import type { BeheerOidcConfig } from '../config.js';
import type { Role } from './session.js';

type OidcClient = typeof import('openid-client');
type Configuration = import('openid-client').Configuration;

export interface PendingLogin {
  kind: 'oidc-login';
  verifier: string;
  state: string;
  nonce: string;
  expires: number;
}

export type OidcOutcome = { ok: true; username: string; role: Role } | { ok: false; reason: string };

const PENDING_MS = 10 * 60 * 1000;

function loopback(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
}

export class OidcLogin {
  private configuration: Promise<Configuration> | undefined;
  private lib: Promise<OidcClient> | undefined;

  constructor(readonly cfg: BeheerOidcConfig) {}

  /** openid-client is loaded when someone first logs in this way. */
  private client(): Promise<OidcClient> {
    this.lib ??= import('openid-client');
    return this.lib;
  }

  private config(): Promise<Configuration> {
    if (!this.configuration) {
      const issuer = new URL(this.cfg.issuer);
      this.configuration = this.client()
        .then((c) =>
          c.discovery(issuer, this.cfg.clientId, this.cfg.clientSecret, undefined, loopback(issuer) ? { execute: [c.allowInsecureRequests] } : {}),
        )
        .catch((e: unknown) => {
          this.configuration = undefined; // try again next time
          throw e;
        });
    }
    return this.configuration;
  }

  /** Where to send the browser, and what it must bring back (sealed into a cookie by the caller). */
  async start(): Promise<{ url: string; pending: PendingLogin }> {
    const [c, config] = await Promise.all([this.client(), this.config()]);
    const verifier = c.randomPKCECodeVerifier();
    const pending: PendingLogin = { kind: 'oidc-login', verifier, state: c.randomState(), nonce: c.randomNonce(), expires: Date.now() + PENDING_MS };
    const url = c.buildAuthorizationUrl(config, {
      redirect_uri: this.cfg.redirectUrl,
      scope: 'openid profile',
      code_challenge: await c.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  /** The callback: exchange the code, check state, nonce and the ID token, map the role claim. */
  async finish(query: string, pending: PendingLogin | undefined): Promise<OidcOutcome> {
    if (pending?.kind !== 'oidc-login') return { ok: false, reason: 'De aanmelding is verlopen of niet hier begonnen; probeer het opnieuw.' };
    const [c, config] = await Promise.all([this.client(), this.config()]);
    const current = new URL(this.cfg.redirectUrl);
    current.search = query;
    let claims: Record<string, unknown> | undefined;
    try {
      const tokens = await c.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims() as Record<string, unknown> | undefined;
    } catch {
      return { ok: false, reason: 'De aanmelding bij de identity provider is mislukt.' };
    }
    if (!claims) return { ok: false, reason: 'De identity provider gaf geen ID-token.' };
    const role = this.roleOf(claims[this.cfg.roleClaim]);
    const name = claims[this.cfg.usernameClaim] ?? claims.sub;
    if (!role) return { ok: false, reason: 'Uw account heeft geen rol voor Zaakpoort-beheer.' };
    return { ok: true, username: String(name), role };
  }

  private roleOf(claim: unknown): Role | undefined {
    const values = Array.isArray(claim) ? claim.map(String) : typeof claim === 'string' ? claim.split(/[\s,]+/) : [];
    if (values.some((v) => this.cfg.roles.beheer.includes(v))) return 'beheer';
    if (values.some((v) => this.cfg.roles.lezen.includes(v))) return 'lezen';
    return undefined;
  }
}
