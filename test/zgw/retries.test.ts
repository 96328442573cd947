/**
 * The ZGW client's retries, on the ZGW TEST DOUBLE (not Open Zaak): a call that is safe to repeat (GET; DELETE and
 * PUT marked idempotent) is tried again with a growing wait after a timeout, a dropped connection or a 5xx; a
 * POST or PATCH is sent exactly once whatever happens (a second POST could make a second zaak), and a 4xx is an
 * answer, never retried. Counted in the double's request log.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { type ZgwCall, ZgwHttp, ZgwHttpError, ZgwUnreachableError } from '../../src/backends/zgw/http.js';
import { ZgwJwt } from '../../src/backends/zgw/jwt.js';
import { type ZgwDouble, startZgwDouble } from '../zgw-double/index.js';
import { CATALOGUE, RSIN } from './helpers.js';

const RETRIES = 3;
const BACKOFF_MS = 40;

describe('zgw client: retries with backoff for idempotent calls only', () => {
  let double: ZgwDouble;
  let http: ZgwHttp;
  let zaaktype: string;
  before(async () => {
    double = await startZgwDouble();
    zaaktype = (await double.seed(CATALOGUE)).zaaktypen.B1026!.url;
    const jwt = new ZgwJwt({ clientId: double.clientId, secret: double.secret, userId: 'test', userRepresentation: 'test', renewSeconds: 60 });
    // A timeout generous for a busy machine: only the timeout test waits for it.
    http = new ZgwHttp({ roots: double.roots, jwt, timeoutMs: 1500, retries: RETRIES, backoffMs: BACKOFF_MS });
    // Warm: the double compiles its OAS validators on first use.
    await http.json(list);
    await http.json({ ...post('036320240000949') });
  });
  afterEach(() => {
    double.faults.clear();
    assert.deepEqual(double.violations, []);
  });
  after(async () => {
    await http?.close();
    await double?.close();
  });

  const list: ZgwCall = { api: 'zaken', method: 'GET', url: '/zaken', query: { bronorganisatie: RSIN }, purpose: 'zaken zoeken' };
  const zaakBody = (identificatie: string) => ({ identificatie, bronorganisatie: RSIN, verantwoordelijkeOrganisatie: RSIN, zaaktype, startdatum: '2024-03-15' });
  const post = (identificatie: string): ZgwCall => ({ api: 'zaken', method: 'POST', url: '/zaken', body: zaakBody(identificatie), purpose: 'zaak aanmaken' });
  /** The calls the double received from `from` on, for one method and path. */
  const sent = (from: number, method: string, path: RegExp) => double.requests.slice(from).filter((r) => r.method === method && path.test(r.path));
  const ZAKEN = /\/zaken\/api\/v1\/zaken$/;

  it('a GET answered 500 twice is tried a third time, after waits of at least backoff/2 and backoff', async () => {
    const from = double.requests.length;
    double.faults.add({ method: 'GET', path: ZAKEN, times: 2, action: { type: 'status', status: 500 } });
    const t0 = Date.now();
    const res = await http.json<{ count: number }>(list);
    assert.equal(res.status, 200);
    assert.equal(sent(from, 'GET', ZAKEN).length, 3);
    // The waits are base/2 + random(base), the base doubling per attempt: at least 20 + 40 ms here.
    assert.ok(Date.now() - t0 >= BACKOFF_MS / 2 + BACKOFF_MS, `waited ${Date.now() - t0} ms`);
  });

  it('a GET that times out is tried again', async () => {
    const from = double.requests.length;
    double.faults.timeout('GET', ZAKEN, 1);
    const res = await http.json(list);
    assert.equal(res.status, 200);
    assert.equal(sent(from, 'GET', ZAKEN).length, 2);
  });

  it('a GET whose connection is dropped is tried again', async () => {
    const from = double.requests.length;
    double.faults.loseResponse('GET', ZAKEN, 1, 'destroy');
    assert.equal((await http.json(list)).status, 200);
    assert.equal(sent(from, 'GET', ZAKEN).length, 2);
  });

  it('a GET that fails every time gives up after `retries` attempts with "niet bereikbaar"', async () => {
    const from = double.requests.length;
    double.faults.add({ method: 'GET', path: ZAKEN, times: Infinity, action: { type: 'status', status: 503 } });
    await assert.rejects(http.json(list), (e: unknown) => e instanceof ZgwUnreachableError && e.status === 503);
    assert.equal(sent(from, 'GET', ZAKEN).length, RETRIES);
  });

  it('a GET answered 400 is an answer: not retried', async () => {
    const from = double.requests.length;
    double.faults.failNth('GET', ZAKEN, 1, 400, { type: 'x', code: 'invalid', title: 'Invalid input.', status: 400, detail: '', instance: 'urn:uuid:1', invalidParams: [] });
    await assert.rejects(http.json(list), (e: unknown) => e instanceof ZgwHttpError && e.status === 400);
    assert.equal(sent(from, 'GET', ZAKEN).length, 1);
  });

  it('a POST answered 500 is sent once, and says its outcome is unknown', async () => {
    const from = double.requests.length;
    double.faults.add({ method: 'POST', path: ZAKEN, times: Infinity, action: { type: 'status', status: 500 } });
    await assert.rejects(http.json(post('036320240000950')), (e: unknown) => e instanceof ZgwUnreachableError && e.outcomeUnknown);
    assert.equal(sent(from, 'POST', ZAKEN).length, 1);
  });

  it('a POST that times out is sent once (it may have taken effect: the unit of work looks, it never resends)', async () => {
    const from = double.requests.length;
    double.faults.timeout('POST', ZAKEN, 1);
    await assert.rejects(http.json(post('036320240000951')), (e: unknown) => e instanceof ZgwUnreachableError && e.outcomeUnknown);
    assert.equal(sent(from, 'POST', ZAKEN).length, 1);
  });

  it('a POST whose answer is lost after it took effect is sent once: one zaak, not two', async () => {
    const from = double.requests.length;
    double.faults.loseResponse('POST', ZAKEN, 1, 'destroy');
    await assert.rejects(http.json(post('036320240000952')), (e: unknown) => e instanceof ZgwUnreachableError && e.outcomeUnknown);
    assert.equal(sent(from, 'POST', ZAKEN).length, 1);
    const found = await http.json<{ count: number }>({ ...list, query: { bronorganisatie: RSIN, identificatie: '036320240000952' } });
    assert.equal(found.body.count, 1);
  });

  it('a PATCH answered 502 is sent once', async () => {
    const made = await http.json<{ url: string }>(post('036320240000953'));
    const from = double.requests.length;
    double.faults.add({ method: 'PATCH', path: /\/zaken\/api\/v1\/zaken\/[0-9a-f-]{36}$/, times: Infinity, action: { type: 'status', status: 502 } });
    await assert.rejects(http.json({ api: 'zaken', method: 'PATCH', url: made.body.url, body: { omschrijving: 'x' }, purpose: 'zaak wijzigen' }), ZgwUnreachableError);
    assert.equal(sent(from, 'PATCH', /\/zaken\/[0-9a-f-]{36}$/).length, 1);
  });

  it('a DELETE marked idempotent is retried after a 500', async () => {
    const made = await http.json<{ url: string }>(post('036320240000954'));
    const from = double.requests.length;
    double.faults.failNth('DELETE', /\/zaken\/api\/v1\/zaken\/[0-9a-f-]{36}$/, 1, 500);
    const res = await http.json({ api: 'zaken', method: 'DELETE', url: made.body.url, idempotent: true, purpose: 'zaak verwijderen' });
    assert.equal(res.status, 204);
    assert.equal(sent(from, 'DELETE', /\/zaken\/[0-9a-f-]{36}$/).length, 2);
  });
});
