/**
 * Beheer login through OpenID Connect against a test double of a provider on 127.0.0.1: authorization code with
 * PKCE, state and nonce, the role from a claim, refusal without a role, without the pending-login cookie and
 * for a code used twice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { beheerConfig } from '../helpers/beheer.js';
import { type OidcProviderDouble, startOidcProvider } from '../helpers/oidc-provider.js';
import { type TestServer, startServer } from '../helpers/zaakpoort.js';

function cookieFrom(res: Response, name: string): string | undefined {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    if (pair!.startsWith(`${name}=`)) return pair;
  }
  return undefined;
}

describe('beheer login with OIDC', () => {
  let provider: OidcProviderDouble;
  let srv: TestServer;
  before(async () => {
    provider = await startOidcProvider();
    const beheer = await beheerConfig({
      accounts: [],
      oidc: {
        issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret,
        redirectUrl: 'http://127.0.0.1:1/beheer/oidc/callback', roleClaim: 'roles',
        roles: { beheer: ['zaakpoort-beheer'], lezen: ['zaakpoort-lezen'] }, usernameClaim: 'preferred_username', label: 'Gemeente-account',
      },
    });
    srv = await startServer({ beheer });
    // The port is known only now; the login reads its settings from this object.
    srv.zp.config.beheer!.oidc!.redirectUrl = `${srv.url}/beheer/oidc/callback`;
  });
  after(async () => {
    await srv?.close();
    await provider?.close();
  });

  /** Start, follow the provider's redirect, return the callback URL and the pending-login cookie. */
  const toCallback = async (): Promise<{ callback: string; pending: string }> => {
    const start = await fetch(`${srv.url}/beheer/oidc/start`, { redirect: 'manual' });
    assert.equal(start.status, 303);
    const pending = cookieFrom(start, 'zaakpoort_oidc');
    assert.ok(pending);
    assert.match(start.headers.get('set-cookie') ?? '', /SameSite=Lax/);
    const authorize = new URL(start.headers.get('location')!);
    assert.equal(authorize.origin, provider.issuer);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    const back = await fetch(authorize, { redirect: 'manual' });
    assert.equal(back.status, 302);
    return { callback: back.headers.get('location')!, pending };
  };

  const loginAs = async (roles: string[]): Promise<Response> => {
    provider.user = { sub: `u-${roles.join('-')}`, preferred_username: `user-${roles[0] ?? 'none'}`, roles };
    const { callback, pending } = await toCallback();
    return fetch(callback, { headers: { cookie: pending }, redirect: 'manual' });
  };

  it('offers only the OIDC login when there are no accounts', async () => {
    const page = await (await fetch(`${srv.url}/beheer/login`)).text();
    assert.match(page, /Aanmelden met Gemeente-account/);
    assert.ok(!page.includes('name="password"'));
  });

  it('logs in with the role from the claim: beheer, lezen', async () => {
    for (const [claim, role] of [['zaakpoort-beheer', 'beheer'], ['zaakpoort-lezen', 'lezen']] as const) {
      const done = await loginAs([claim]);
      assert.equal(done.status, 200, await done.clone().text());
      const session = cookieFrom(done, 'zaakpoort_beheer');
      assert.ok(session, 'session cookie set');
      const list = await fetch(`${srv.url}/beheer`, { headers: { cookie: session, accept: 'text/html' }, redirect: 'manual' });
      assert.equal(list.status, 200);
      const text = await list.text();
      assert.match(text, new RegExp(`user-${claim} <em class="role">${role}</em>`));
    }
    const last = provider.tokenRequests[provider.tokenRequests.length - 1]!;
    assert.ok(last.get('code_verifier'), 'PKCE verifier sent');
    assert.equal(last.get('redirect_uri'), `${srv.url}/beheer/oidc/callback`);
  });

  it('refuses a user without a role, a callback without the pending login, and a code used twice', async () => {
    const noRole = await loginAs(['iets-anders']);
    assert.equal(noRole.status, 401);
    assert.match(await noRole.text(), /geen rol/);
    assert.equal(cookieFrom(noRole, 'zaakpoort_beheer'), undefined);

    provider.user = { sub: 'u2', preferred_username: 'x', roles: ['zaakpoort-beheer'] };
    const { callback, pending } = await toCallback();
    const without = await fetch(callback, { redirect: 'manual' });
    assert.equal(without.status, 401);
    assert.match(await without.text(), /verlopen of niet hier begonnen/);

    const first = await fetch(callback, { headers: { cookie: pending }, redirect: 'manual' });
    assert.equal(first.status, 200);
    const again = await fetch(callback, { headers: { cookie: pending }, redirect: 'manual' });
    assert.equal(again.status, 401, 'the provider refuses a used code');

    const forgedState = new URL(callback);
    forgedState.searchParams.set('state', 'forged');
    const forged = await fetch(forgedState, { headers: { cookie: pending }, redirect: 'manual' });
    assert.equal(forged.status, 401);
  });
});
