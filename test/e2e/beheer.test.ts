/**
 * The message browser over HTTP (the browser tests drive the same pages in chromium): recording, filters,
 * BSN search and masking per role, steps, download, replay, the read audit with CSV, retention, and refusal
 * without an account or token. Answers to the SOAP requests are validated against the official XSDs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recordStep } from '../../src/observability/steps.js';
import { BEHEERDER, type BeheerClient, LEZER, flushed, login, startBeheerServer } from '../helpers/beheer.js';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

const BSN = '111222333';
const ZAAK = '12342026B000001';

describe('message browser', () => {
  let srv: TestServer;
  let lezer: BeheerClient;
  let beheerder: BeheerClient;

  before(async () => {
    srv = await startBeheerServer();
    const create = await srv.post(envelope(m.creeerZaak({ identificatie: ZAAK, bsn: BSN }, '1.2')));
    assert.equal(create.status, 200, create.text);
    await assertSoapResponseValid(create.text);
    const read = await srv.post(envelope(m.geefZaakdetails(ZAAK, '1.2')));
    assert.equal(read.status, 200, read.text);
    await assertSoapResponseValid(read.text);
    const bad = await srv.post(envelope(m.geefZaakdetails('12349999X', '1.2')));
    assert.equal(bad.status, 500);
    await flushed(srv);
    lezer = await login(srv.url, LEZER);
    beheerder = await login(srv.url, BEHEERDER);
  });
  after(async () => {
    await srv.close();
  });

  it('refuses without an account, with a wrong password, and a forged cookie', async () => {
    const anon = await fetch(`${srv.url}/beheer`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    assert.equal(anon.status, 303);
    assert.equal(anon.headers.get('location'), '/beheer/login');
    const api = await fetch(`${srv.url}/beheer/berichten/1`, { redirect: 'manual' });
    assert.equal(api.status, 401);
    await assert.rejects(login(srv.url, { username: LEZER.username, password: 'wrong-password-123' }), /login failed: 401/);
    await assert.rejects(login(srv.url, { username: 'nobody', password: 'whatever-123456' }), /login failed: 401/);
    const forged = Buffer.from(JSON.stringify({ username: 'x', role: 'beheer', expires: Date.now() + 1e6, csrf: 'a' })).toString('base64url');
    const f = await fetch(`${srv.url}/beheer`, { headers: { cookie: `zaakpoort_beheer=${forged}.AAAA`, accept: 'text/html' }, redirect: 'manual' });
    assert.equal(f.status, 303);
  });

  it('locks a username after five wrong passwords', async () => {
    const attempt = (password: string) =>
      fetch(`${srv.url}/beheer/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username: 'gast', password }).toString(), redirect: 'manual' });
    for (let i = 0; i < 5; i++) assert.equal((await attempt(`wrong-${i}-password`)).status, 401);
    const locked = await attempt('wrong-again-password');
    assert.equal(locked.status, 429);
    assert.match(await locked.text(), /Te veel mislukte pogingen/);
    // Other usernames are not affected.
    await login(srv.url, LEZER);
  });

  it('lists berichten with their columns and filters by zaak, BSN, outcome and foutcode', async () => {
    const all = await lezer.get('/beheer');
    assert.equal(all.status, 200);
    assert.match(all.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(all.text, /creeerZaak_ZakLk01/);
    assert.match(all.text, /geefZaakdetails_ZakLv01/);
    const byZaak = await lezer.get(`/beheer?zaak=${ZAAK}`);
    assert.equal((byZaak.text.match(/<tr data-id=/g) ?? []).length, 2, 'creeerZaak and geefZaakdetails name the zaak');
    const byBsn = await lezer.get(`/beheer?bsn=${BSN}`);
    assert.equal((byBsn.text.match(/<tr data-id=/g) ?? []).length, 2, 'the zaak and its answer carry the BSN');
    const otherBsn = await lezer.get('/beheer?bsn=999999990');
    assert.equal((otherBsn.text.match(/<tr data-id=/g) ?? []).length, 0);
    const faults = await lezer.get('/beheer?outcome=fault');
    assert.equal((faults.text.match(/<tr data-id=/g) ?? []).length, 1);
    assert.match(faults.text, /StUF064/);
    const byCode = await lezer.get('/beheer?foutcode=StUF064&operation=geefZaakdetails_ZakLv01');
    assert.equal((byCode.text.match(/<tr data-id=/g) ?? []).length, 1);
    const future = await lezer.get('/beheer?van=2099-01-01T00:00');
    assert.equal((future.text.match(/<tr data-id=/g) ?? []).length, 0);
    const byZender = await lezer.get(`/beheer?zender=${encodeURIComponent('1234/SHV')}`);
    assert.equal((byZender.text.match(/<tr data-id=/g) ?? []).length, 3);
  });

  it('stores the BSN only as a keyed hash in the index', async () => {
    const rows = await srv.zp.backend.sql!.query<{ bsn_hash: string }>('SELECT bsn_hash FROM bericht_bsn');
    assert.ok(rows.length >= 2);
    for (const r of rows) assert.notEqual(r.bsn_hash, BSN);
    const settings = await srv.zp.backend.sql!.query<{ name: string }>('SELECT name FROM beheer_setting ORDER BY name');
    assert.deepEqual(settings.map((s) => s.name), ['bsn-hash-key', 'session-key']);
  });

  const idOf = async (c: BeheerClient, query: string): Promise<number> => {
    const page = await c.get(`/beheer?${query}`);
    const id = /<tr data-id="(\d+)"/.exec(page.text)?.[1];
    assert.ok(id, `a bericht for ${query}`);
    return Number(id);
  };

  it('shows one bericht: masked BSN for lezen, in full for beheer; pretty XML', async () => {
    const id = await idOf(lezer, 'operation=creeerZaak_ZakLk01');
    const asLezer = await lezer.get(`/beheer/berichten/${id}`);
    assert.equal(asLezer.status, 200);
    assert.ok(!asLezer.text.includes(BSN), 'no full BSN for lezen');
    assert.match(asLezer.text, /\*{5}2333/);
    assert.match(asLezer.text, /\n\s+&lt;ZKN:identificatie&gt;12342026B000001&lt;\/ZKN:identificatie&gt;/);
    assert.ok(!asLezer.text.includes('Opnieuw versturen'), 'no replay for lezen');
    const asBeheer = await beheerder.get(`/beheer/berichten/${id}`);
    assert.ok(asBeheer.text.includes(`&lt;BG:inp.bsn&gt;${BSN}&lt;/BG:inp.bsn&gt;`));
    assert.match(asBeheer.text, /Opnieuw versturen/);
    const download = await lezer.get(`/beheer/berichten/${id}/download`);
    assert.match(download.headers.get('content-disposition') ?? '', /attachment; filename="bericht-\d+\.json"/);
    const file = JSON.parse(download.text) as { verzoek: string; gemaskeerd: boolean };
    assert.equal(file.gemaskeerd, true);
    assert.ok(!file.verzoek.includes(BSN));
    assert.equal((await lezer.get('/beheer/berichten/999999')).status, 404);
  });

  it('refuses replay for lezen and without the CSRF token', async () => {
    const id = await idOf(beheerder, 'operation=geefZaakdetails_ZakLv01&outcome=ok');
    assert.equal((await lezer.get(`/beheer/berichten/${id}/replay`)).status, 403);
    const noToken = await beheerder.post(`/beheer/berichten/${id}/replay`, { confirm: 'yes' });
    assert.equal(noToken.status, 403);
  });

  it('replays a bericht as a new one with a fresh referentienummer and shows both answers', async () => {
    const id = await idOf(beheerder, 'operation=geefZaakdetails_ZakLv01&outcome=ok');
    const confirm = await beheerder.get(`/beheer/berichten/${id}/replay`);
    assert.equal(confirm.status, 200);
    const ref = /name="referentienummer" value="([^"]+)"/.exec(confirm.text)?.[1];
    assert.ok(ref?.startsWith('ZPR'));
    const csrf = await beheerder.csrf();
    const unconfirmed = await beheerder.post(`/beheer/berichten/${id}/replay`, { _csrf: csrf, referentienummer: ref! });
    assert.equal(unconfirmed.status, 400);
    const done = await beheerder.post(`/beheer/berichten/${id}/replay`, { _csrf: csrf, referentienummer: ref!, confirm: 'yes', target: '' });
    assert.equal(done.status, 200, done.text);
    assert.match(done.text, /Oorspronkelijk antwoord/);
    assert.match(done.text, /class="xml replayed"[\s\S]*geefZaakdetails_ZakLa01/);
    const newId = Number(/Vastgelegd als <a href="\/beheer\/berichten\/(\d+)"/.exec(done.text)?.[1]);
    assert.ok(newId > id);
    const replayed = await beheerder.get(`/beheer/berichten/${newId}`);
    assert.match(replayed.text, new RegExp(`Replay van</dt><dd><a href="/beheer/berichten/${id}"`));
    assert.ok(replayed.text.includes(ref!), 'the new referentienummer was sent');
    const other = await beheerder.post(`/beheer/berichten/${id}/replay`, { _csrf: csrf, confirm: 'yes', target: 'http://127.0.0.1:1/zds' });
    assert.equal(other.status, 400, 'only configured replay targets');
  });

  it('keeps the read audit, searchable and as CSV', async () => {
    const page = await lezer.get(`/beheer/audit?identificatie=${ZAAK}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /geefZaakdetails_ZakLv01/);
    assert.match(page.text, /jdevries/);
    const csv = await lezer.get(`/beheer/audit.csv?identificatie=${ZAAK}`);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(lines[0], 'tijd;zender;gebruiker;operatie;soort;identificatie;bericht');
    assert.ok(lines.length >= 2);
    assert.match(lines[1]!, new RegExp(`;1234/SHV;jdevries;geefZaakdetails_ZakLv01;zaak;${ZAAK};\\d+$`));
    // creeerZaak is no read: not in the audit.
    assert.ok(!csv.text.includes('creeerZaak'));
  });

  it('serves its own stylesheet and script, nothing else', async () => {
    const css = await fetch(`${srv.url}/beheer/static/beheer.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /text\/css/);
    assert.equal((await fetch(`${srv.url}/beheer/static/beheer.js`)).status, 200);
    for (const name of ['constructor', '__proto__', 'toString', '..%2Fpackage.json']) {
      assert.equal((await fetch(`${srv.url}/beheer/static/${name}`)).status, 404, name);
    }
  });

  it('logs out with the token', async () => {
    const c = await login(srv.url, LEZER);
    const out = await c.post('/beheer/logout', { _csrf: await c.csrf() });
    assert.equal(out.status, 303);
    assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
  });
});

describe('message browser: what is kept', () => {
  it('keeps start and end of a bericht over the size cap, and refuses to replay it', async () => {
    const srv = await startBeheerServer({ maxBodyBytes: 1200 });
    try {
      const res = await srv.post(envelope(m.creeerZaak({ identificatie: '12342026B000009', omschrijving: 'x'.repeat(60) }, '1.2')));
      assert.equal(res.status, 200, res.text);
      await flushed(srv);
      const c = await login(srv.url, BEHEERDER);
      const id = /<tr data-id="(\d+)"/.exec((await c.get('/beheer')).text)![1];
      const page = await c.get(`/beheer/berichten/${id}`);
      assert.match(page.text, /bytes weggelaten/);
      assert.match(page.text, /soap:Envelope/, 'the start is kept');
      assert.match(page.text, /ingekort/);
      assert.match(page.text, /Opnieuw versturen kan niet: het verzoek is ingekort bewaard/);
    } finally {
      await srv.close();
    }
  });

  it('keeps no bodies with keep=metadata and nothing with keep=none (the audit still)', async () => {
    const meta = await startBeheerServer({ keep: 'metadata' });
    try {
      await meta.post(envelope(m.creeerZaak({ identificatie: '12342026B000010' }, '1.2')));
      await flushed(meta);
      const rows = await meta.zp.backend.sql!.query<{ detail: string }>('SELECT detail FROM bericht');
      assert.equal(rows.length, 1);
      const d = JSON.parse(rows[0]!.detail) as Record<string, unknown>;
      assert.equal(d.request, undefined);
      assert.equal(d.response, undefined);
    } finally {
      await meta.close();
    }
    const none = await startBeheerServer({ keep: 'none' });
    try {
      await none.post(envelope(m.creeerZaak({ identificatie: '12342026B000011' }, '1.2')));
      await none.post(envelope(m.geefZaakdetails('12342026B000011', '1.2')));
      await flushed(none);
      assert.equal((await none.zp.backend.sql!.query('SELECT id FROM bericht')).length, 0);
      assert.equal((await none.zp.backend.sql!.query('SELECT id FROM read_audit')).length, 1);
    } finally {
      await none.close();
    }
  });

  it('prunes berichten older than messageRetentionDays', async () => {
    const srv = await startBeheerServer({}, { messageRetentionDays: 1 });
    try {
      await srv.post(envelope(m.creeerZaak({ identificatie: '12342026B000012' }, '1.2')));
      await flushed(srv);
      await srv.zp.backend.sql!.write([{ sql: 'UPDATE bericht SET at = at - ?', params: [2 * 86_400_000] }]);
      await srv.post(envelope(m.geefZaakdetails('12342026B000012', '1.2')));
      await flushed(srv);
      const removed = await srv.zp.beheer!.store.prune(Date.now() - 86_400_000);
      assert.equal(removed, 1);
      assert.equal((await srv.zp.backend.sql!.query('SELECT id FROM bericht')).length, 1);
    } finally {
      await srv.close();
    }
  });

  it('lists requests refused or unreadable before dispatch, without a body', async () => {
    const srv = await startBeheerServer();
    try {
      const broken = await srv.post('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><x>');
      assert.equal(broken.status, 500);
      await assertSoapResponseValid(broken.text);
      const media = await srv.post('hello', { contentType: 'text/plain' });
      assert.equal(media.status, 415);
      await flushed(srv);
      const c = await login(srv.url, LEZER);
      const list = await c.get('/beheer');
      assert.equal((list.text.match(/<tr data-id=/g) ?? []).length, 2);
      assert.match(list.text, /class="outcome rejected">rejected<\/span><\/td><td>StUF055/);
      const id = /<tr data-id="(\d+)"/.exec((await c.get('/beheer?outcome=rejected')).text)![1];
      const page = await c.get(`/beheer/berichten/${id}`);
      assert.match(page.text, /HTTP 415/);
      assert.match(page.text, /het verzoek is niet bewaard/);
    } finally {
      await srv.close();
    }
  });

  it('is off without a beheer section: no /beheer, nothing recorded', async () => {
    const srv = await startServer();
    try {
      assert.equal((await fetch(`${srv.url}/beheer`)).status, 404);
      assert.equal(srv.zp.beheer, undefined);
    } finally {
      await srv.close();
    }
  });

  it('serves /beheer on a port of its own when configured', async () => {
    const srv = await startBeheerServer({ port: 0 });
    try {
      assert.equal((await fetch(`${srv.url}/beheer/login`)).status, 404, 'not on the SOAP port');
      const own = srv.zp.beheerServer!;
      await own.listen({ host: '127.0.0.1', port: 0 });
      const addr = own.server.address();
      const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
      assert.equal((await fetch(`${base}/beheer/login`)).status, 200);
      await login(base, LEZER);
    } finally {
      await srv.close();
    }
  });

  it('shows the steps a bericht caused, in order: backend calls and SQL reads and transactions', async () => {
    const srv = await startBeheerServer();
    try {
      // A test double of a backend call: the ZGW backend records its HTTP calls like this.
      const store = srv.zp.backend.store;
      const original = store.getZaak.bind(store);
      store.getZaak = async (id: string) => {
        recordStep({ kind: 'zgw', name: 'GET zaken /zaken', method: 'GET', url: `http://zgw.test/zaken/api/v1/zaken?identificatie=${id}`, status: 200, startedAt: Date.now(), durationMs: 3, responseBody: '{"count":1,"bsn":"111222333"}', attributes: { api: 'zaken' } });
        return original(id);
      };
      await srv.post(envelope(m.geefZaakdetails('12349999', '1.2')));
      await flushed(srv);
      const c = await login(srv.url, LEZER);
      const id = /<tr data-id="(\d+)"/.exec((await c.get('/beheer')).text)![1];
      const page = await c.get(`/beheer/berichten/${id}`);
      // The test double's ZGW call, and the SQL backend's own read, in the order they finished.
      const names = [...page.text.matchAll(/<strong>([^<]+)<\/strong>/g)].map((x) => x[1]);
      assert.deepEqual(names, ['GET zaken /zaken', 'sqlite getZaak']);
      assert.match(page.text, /Stappen \(2\)/);
      assert.match(page.text, /zgw\.test\/zaken\/api\/v1\/zaken\?identificatie=12349999/);
      assert.ok(!page.text.includes('111222333'), 'BSN in a step body masked for lezen');
      await srv.post(envelope(m.creeerZaak({ identificatie: '12342026B000013' }, '1.2')));
      await flushed(srv);
      const created = /<tr data-id="(\d+)"/.exec((await c.get('/beheer?operation=creeerZaak_ZakLk01')).text)![1];
      const txPage = await c.get(`/beheer/berichten/${created}`);
      assert.match(txPage.text, /<strong>sqlite transaction<\/strong>/);
      assert.match(txPage.text, /statements=\d+, calls=[^<]*insertZaak/);
      const metrics = await (await fetch(`${srv.url}/metrics`)).text();
      assert.match(metrics, /zaakpoort_backend_calls_total\{kind="zgw",operation="GET zaken \/zaken",api="zaken",status="200"\} 1/);
      assert.match(metrics, /zaakpoort_backend_call_duration_seconds_count\{kind="zgw",operation="GET zaken \/zaken",api="zaken",status="200"\} 1/);
      assert.match(metrics, /zaakpoort_backend_calls_total\{kind="sql",operation="sqlite getZaak",api="",status=""\} 1/);
    } finally {
      await srv.close();
    }
  });
});
