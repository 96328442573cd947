/**
 * A test double of an OpenID Connect provider on 127.0.0.1: discovery, an authorize endpoint that "logs in"
 * whichever user the test set and redirects straight back, a token endpoint that checks the code, client
 * secret and PKCE verifier and returns an RS256-signed ID token, and the JWKS. Not a real provider: no consent,
 * no sessions, one client.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface OidcUser {
  sub: string;
  preferred_username: string;
  roles: string[];
}

export interface OidcProviderDouble {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The user the next authorize request logs in. */
  user: OidcUser;
  /** What the token endpoint received (for assertions). */
  tokenRequests: URLSearchParams[];
  close(): Promise<void>;
}

export async function startOidcProvider(): Promise<OidcProviderDouble> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { challenge: string; nonce: string; redirectUri: string; user: OidcUser }>();
  const provider: OidcProviderDouble = {
    issuer: '',
    clientId: 'zaakpoort-beheer',
    clientSecret: 'test-secret',
    user: { sub: 'u1', preferred_username: 'jansen', roles: ['zaakpoort-beheer'] },
    tokenRequests: [],
    close: async () => undefined,
  };
  const json = (res: import('node:http').ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', provider.issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer: provider.issuer,
        authorization_endpoint: `${provider.issuer}/authorize`,
        token_endpoint: `${provider.issuer}/token`,
        jwks_uri: `${provider.issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      });
    }
    if (url.pathname === '/jwks') return json(res, 200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== provider.clientId || q.get('code_challenge_method') !== 'S256') return json(res, 400, { error: 'invalid_request' });
      const code = randomBytes(12).toString('hex');
      codes.set(code, { challenge: q.get('code_challenge')!, nonce: q.get('nonce')!, redirectUri: q.get('redirect_uri')!, user: provider.user });
      const back = new URL(q.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state')!);
      back.searchParams.set('iss', provider.issuer);
      return res.writeHead(302, { location: back.href }).end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        void (async () => {
          const form = new URLSearchParams(body);
          provider.tokenRequests.push(form);
          const basic = req.headers.authorization?.startsWith('Basic ')
            ? Buffer.from(req.headers.authorization.slice(6), 'base64').toString().split(':').map(decodeURIComponent)
            : [form.get('client_id'), form.get('client_secret')];
          const grant = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
          if (basic[0] !== provider.clientId || basic[1] !== provider.clientSecret) return json(res, 401, { error: 'invalid_client' });
          if (!grant || grant.challenge !== challenge || grant.redirectUri !== form.get('redirect_uri')) return json(res, 400, { error: 'invalid_grant' });
          const idToken = await new SignJWT({ nonce: grant.nonce, preferred_username: grant.user.preferred_username, roles: grant.user.roles })
            .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
            .setIssuer(provider.issuer)
            .setAudience(provider.clientId)
            .setSubject(grant.user.sub)
            .setIssuedAt()
            .setExpirationTime('5m')
            .sign(privateKey);
          json(res, 200, { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300, id_token: idToken });
        })();
      });
      return;
    }
    json(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  provider.issuer = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  provider.close = () => new Promise((r) => server.close(() => r()));
  return provider;
}
