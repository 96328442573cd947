/**
 * Tests of the ZGW TEST DOUBLE itself (its API for the backend's tests): OAS checks, seeding, fault injection,
 * request log, clients and scopes. The Open Zaak behaviour is checked by replay.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TRANSLATOR_SCOPES, type ZgwDouble, makeJwt, startZgwDouble } from './index.js';
import { type ApiName, ZGW_SHARED_DIR, matchRoute, toInvalidParams, validatorFor } from './oas.js';
import { type Seeded, type SeedSpec, runSeed } from './seed.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const SPEC: SeedSpec = {
  catalogus: { domein: 'TEST', rsin: '002220647' },
  zaaktypen: [
    {
      identificatie: 'B1026',
      omschrijving: 'Aanvraag vergunning',
      statustypen: ['Ontvangen', 'In behandeling', 'Afgehandeld'],
      roltypen: ['initiator', 'behandelaar', { omschrijving: 'Contact', omschrijvingGeneriek: 'klantcontacter' }],
      resultaattypen: ['Toegekend', { omschrijving: 'Bewaard', archiefnominatie: 'blijvend_bewaren' }],
      eigenschappen: ['kenteken', { naam: 'datumAanvraag', formaat: 'datum' }],
      informatieobjecttypen: ['Aanvraag', 'Bijlage'],
      besluittypen: ['Vergunningsbesluit'],
    },
  ],
};

interface Client {
  call(method: string, url: string, body?: unknown, opts?: { clientId?: string; secret?: string; headers?: Record<string, string> }): Promise<{ status: number; body: Json; headers: Headers }>;
}

function client(d: ZgwDouble): Client {
  return {
    async call(method, url, body, opts = {}) {
      const token = await makeJwt(opts.clientId ?? d.clientId, opts.secret ?? d.secret);
      const res = await fetch(url.startsWith('http') ? url : d.baseUrl + url, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Accept-Crs': 'EPSG:4326', 'Content-Crs': 'EPSG:4326', ...(opts.headers ?? {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json: Json = text;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON
      }
      return { status: res.status, body: json, headers: res.headers };
    },
  };
}

function responseViolations(d: ZgwDouble) {
  return d.violations.filter((v) => v.kind === 'response');
}

describe('ZGW test double: OAS checks', () => {
  it('every JSON answer Open Zaak gave in the recordings passes the response check (except the excluded audittrail and parse_error)', () => {
    const dir = path.join(ZGW_SHARED_DIR, 'recordings');
    let checked = 0;
    const failures: string[] = [];
    for (const f of readdirSync(dir).filter((x) => x !== 'index.json')) {
      for (const e of JSON.parse(readFileSync(path.join(dir, f), 'utf8'))) {
        const u = new URL(e.request.path, 'http://openzaak.local');
        const api = u.pathname.split('/')[1] as ApiName;
        if (!['zaken', 'documenten', 'catalogi', 'besluiten'].includes(api) || u.pathname.includes('audittrail') || e.request.method === 'HEAD') continue;
        const op = matchRoute(api, u.pathname.slice(`/${api}/api/v1`.length), e.request.method)?.op;
        const schema = op?.responses[String(e.response.status)];
        if (!schema || e.response.bodyEncoding || e.response.body?.code === 'parse_error') continue;
        checked++;
        const v = validatorFor(api, schema, 'response');
        if (!v(e.response.body)) failures.push(`${f} ${e.step}: ${JSON.stringify(toInvalidParams(v.errors)).slice(0, 200)}`);
      }
    }
    assert.ok(checked > 600, `checked ${checked}`);
    assert.deepEqual(failures, []);
  });

  it('the response check still refuses wrong types, missing required fields and unknown choices', () => {
    const zaak = matchRoute('zaken', '/zaken/00000000-0000-4000-8000-000000000000', 'GET')!.op!;
    const v = validatorFor('zaken', zaak.responses['200'], 'response');
    assert.equal(v({ url: 'x' }), false, 'missing required fields');
    const rol = matchRoute('zaken', '/rollen', 'POST')!.op!;
    const r = validatorFor('zaken', rol.responses['201'], 'response');
    assert.equal(r({ betrokkeneType: 'medewerker', url: 'http://a/b', uuid: 'x', zaak: 5 }), false, 'wrong type');
    const req = validatorFor('zaken', rol.requestSchema);
    assert.equal(req({ betrokkeneType: 'kat', zaak: 'http://a/z', roltype: 'http://a/r', roltoelichting: 'x' }), false, 'unknown choice');
  });
});

describe('ZGW test double', () => {
  let d: ZgwDouble;
  let c: Client;
  let cat: Seeded;

  before(async () => {
    d = await startZgwDouble({ chunkSize: 1024 });
    c = client(d);
    cat = await d.seed(SPEC);
  });
  after(async () => {
    await d.close();
  });

  it('serves the four API roots on 127.0.0.1 and the default client has every scope', () => {
    assert.match(d.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(d.roots.zaken, `${d.baseUrl}/zaken/api/v1`);
    assert.equal(d.roots.documenten, `${d.baseUrl}/documenten/api/v1`);
    assert.equal(d.roots.catalogi, `${d.baseUrl}/catalogi/api/v1`);
    assert.equal(d.roots.besluiten, `${d.baseUrl}/besluiten/api/v1`);
  });

  it('serves the OAS files as Open Zaak does (no authentication)', async () => {
    const yaml = await fetch(`${d.roots.zaken}/schema/openapi.yaml`);
    assert.equal(yaml.status, 200);
    assert.equal(yaml.headers.get('content-type'), 'application/vnd.oai.openapi');
    assert.match(await yaml.text(), /^openapi: 3\.0/m);
    const json = await fetch(`${d.roots.documenten}/schema/openapi.yaml?format=json`);
    assert.equal(((await json.json()) as Json).info.title, 'Documenten API');
  });

  it('seeds a published catalogus whose objects are what the Catalogi API answers', async () => {
    const zt = cat.zaaktypen.B1026!;
    const list = await c.call('GET', `/catalogi/api/v1/zaaktypen?catalogus=${encodeURIComponent(cat.catalogus)}&identificatie=B1026`);
    assert.equal(list.status, 200);
    assert.equal(list.body.count, 1);
    const z = list.body.results[0];
    assert.equal(z.url, zt.url);
    assert.equal(z.concept, false);
    assert.equal(z.statustypen.length, 3);
    assert.equal(z.roltypen.length, 3);
    assert.deepEqual([...z.informatieobjecttypen].sort(), Object.values(zt.informatieobjecttypen).sort());
    assert.deepEqual(z.besluittypen, [cat.besluittypen.Vergunningsbesluit]);
    const eind = await c.call('GET', zt.statustypenByVolgnummer[3]!);
    assert.equal(eind.body.isEindstatus, true);
    const rt = await c.call('GET', `/catalogi/api/v1/roltypen?zaaktype=${encodeURIComponent(zt.url)}&omschrijvingGeneriek=klantcontacter`);
    assert.equal(rt.body.results[0].omschrijving, 'Contact');
    const bewaard = await c.call('GET', zt.resultaattypen.Bewaard!);
    assert.equal(bewaard.body.archiefnominatie, 'blijvend_bewaren');
    assert.deepEqual(responseViolations(d), []);
  });

  it('in-memory seeding and seeding through the real Catalogi calls give the same shapes', async () => {
    const other = await startZgwDouble();
    try {
      const oc = client(other);
      const overHttp = await runSeed(SPEC, async (method, p, body) => {
        const r = await oc.call(method, p, body);
        return { status: r.status, body: r.body };
      });
      const inMemory = await d.seed({ ...SPEC, catalogus: { ...SPEC.catalogus, domein: 'MEM' } });
      const strip = (j: Json): Json => JSON.parse(JSON.stringify(j).replace(/http:\/\/127\.0\.0\.1:\d+/g, 'H').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'U'));
      for (const [a, b] of [
        [overHttp.zaaktypen.B1026!.url, inMemory.zaaktypen.B1026!.url],
        [overHttp.zaaktypen.B1026!.statustypenByVolgnummer[1]!, inMemory.zaaktypen.B1026!.statustypenByVolgnummer[1]!],
        [overHttp.zaaktypen.B1026!.roltypen.initiator!, inMemory.zaaktypen.B1026!.roltypen.initiator!],
        [overHttp.zaaktypen.B1026!.resultaattypen.Toegekend!, inMemory.zaaktypen.B1026!.resultaattypen.Toegekend!],
        [overHttp.zaaktypen.B1026!.eigenschappen.kenteken!, inMemory.zaaktypen.B1026!.eigenschappen.kenteken!],
        [overHttp.informatieobjecttypen.Aanvraag!, inMemory.informatieobjecttypen.Aanvraag!],
      ] as const) {
        const x = await oc.call('GET', a);
        const y = await c.call('GET', b);
        assert.equal(x.status, 200);
        assert.deepEqual(Object.keys(y.body).sort(), Object.keys(x.body).sort());
        assert.deepEqual(strip({ ...y.body, catalogus: '' }), strip({ ...x.body, catalogus: '' }));
      }
      assert.deepEqual(responseViolations(other), []);
    } finally {
      await other.close();
    }
  });

  async function newZaak(extra: Json = {}): Promise<Json> {
    const r = await c.call('POST', '/zaken/api/v1/zaken', {
      zaaktype: cat.zaaktypen.B1026!.url,
      bronorganisatie: '002220647',
      verantwoordelijkeOrganisatie: '002220647',
      startdatum: '2026-01-15',
      ...extra,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  }

  it('records an invalid request as a violation and answers it as Open Zaak does', async () => {
    d.violations.length = 0;
    const r = await c.call('POST', '/zaken/api/v1/rollen', { zaak: 'http://x/z', betrokkeneType: 'kat' });
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'invalid');
    assert.ok(r.body.invalidParams.some((p: Json) => p.name === 'betrokkeneType' && p.code === 'invalid_choice'));
    const q = await c.call('GET', '/zaken/api/v1/zaken?inpBsn=1');
    assert.equal(q.status, 400);
    assert.equal(q.body.invalidParams[0].code, 'unknown-parameters');
    const kinds = d.violations.map((v) => `${v.kind}:${v.operationId}`);
    assert.deepEqual(kinds, ['request:rol_create', 'request:zaak_list']);
  });

  it('a valid exchange leaves no violation and is in the request log with status and body', async () => {
    d.violations.length = 0;
    d.requests.length = 0;
    const zaak = await newZaak({ omschrijving: 'log' });
    await c.call('GET', `${zaak.url}?expand=status`);
    assert.deepEqual(d.violations, []);
    assert.equal(d.requests.length, 2);
    assert.deepEqual(
      d.requests.map((r) => [r.method, r.path, r.status]),
      [
        ['POST', '/zaken/api/v1/zaken', 201],
        ['GET', `/zaken/api/v1/zaken/${zaak.uuid}`, 200],
      ],
    );
    assert.deepEqual(d.requests[1]!.query, { expand: 'status' });
    assert.equal((d.requests[0]!.body as Json).omschrijving, 'log');
    assert.equal(d.requests[0]!.clientId, d.clientId);
  });

  it('fails the n-th matching call with a given status and body, then behaves again', async () => {
    const body = { type: 'x', code: 'invalid', title: 't', status: 400, detail: '', instance: 'i', invalidParams: [{ name: 'roltype', code: 'does_not_exist', reason: 'r' }] };
    const f = d.faults.failNth('POST', /\/zaken\/api\/v1\/zaken$/, 2, 400, body);
    await newZaak();
    const second = await c.call('POST', '/zaken/api/v1/zaken', { zaaktype: cat.zaaktypen.B1026!.url, bronorganisatie: '002220647', verantwoordelijkeOrganisatie: '002220647', startdatum: '2026-01-15' });
    assert.equal(second.status, 400);
    assert.deepEqual(second.body, body);
    await newZaak();
    assert.equal(f.fired, 1);
    d.faults.clear();
  });

  it('loses the response of a call that took effect (socket destroyed, or a 500)', async () => {
    const before = (await c.call('GET', '/zaken/api/v1/zaken')).body.count;
    d.faults.loseResponse('POST', '/zaken/api/v1/zaken', 1, 'destroy');
    await assert.rejects(c.call('POST', '/zaken/api/v1/zaken', { zaaktype: cat.zaaktypen.B1026!.url, bronorganisatie: '002220647', verantwoordelijkeOrganisatie: '002220647', startdatum: '2026-01-15' }));
    d.faults.add({ method: 'POST', path: '/zaken/api/v1/zaken', action: { type: 'lose-response', mode: 'status', status: 502 } });
    const r = await c.call('POST', '/zaken/api/v1/zaken', { zaaktype: cat.zaaktypen.B1026!.url, bronorganisatie: '002220647', verantwoordelijkeOrganisatie: '002220647', startdatum: '2026-01-15' });
    assert.equal(r.status, 502);
    const afterCount = (await c.call('GET', '/zaken/api/v1/zaken')).body.count;
    assert.equal(afterCount, before + 2, 'both zaken were created although neither answer arrived');
    d.faults.clear();
  });

  it('holds a timed-out call until the client gives up, and close() ends it', async () => {
    const other = await startZgwDouble();
    const token = await makeJwt(other.clientId, other.secret);
    /** Wait until the double has received the call the fault holds (a condition, not a fixed sleep). */
    const arrived = async (f: { fired: number }, n: number) => {
      for (let i = 0; i < 2000 && f.fired < n; i++) await new Promise((r) => setTimeout(r, 5));
      assert.equal(f.fired, n);
    };
    const first = other.faults.timeout('GET', /zaaktypen/);
    const abort = new AbortController();
    const aborted = fetch(`${other.roots.catalogi}/zaaktypen`, { headers: { Authorization: `Bearer ${token}` }, signal: abort.signal });
    await arrived(first, 1);
    abort.abort();
    await assert.rejects(aborted, /abort/i);
    // a second held call is ended by close(), so no socket keeps the process alive
    other.faults.clear();
    const second = other.faults.timeout('GET', /zaaktypen/);
    const held = new Promise<string>((resolve) => {
      const req = http.get(`${other.roots.catalogi}/zaaktypen`, { headers: { Authorization: `Bearer ${token}` } }, () => resolve('answered'));
      req.on('error', () => resolve('closed'));
    });
    await arrived(second, 1);
    await other.close();
    assert.equal(await held, 'closed');
  });

  it('can be made unreachable and reachable again on the same address', async () => {
    await d.faults.setReachable(false);
    assert.equal(d.faults.reachable, false);
    await assert.rejects(fetch(`${d.roots.zaken}/zaken`), /fetch failed/);
    await d.faults.setReachable(true);
    const r = await c.call('GET', '/zaken/api/v1/zaken');
    assert.equal(r.status, 200);
  });

  it('refuses closing changes for a client without zaken.geforceerd-bijwerken / zaken.heropenen', async () => {
    d.addClient({ clientId: 'translator', secret: 'translator-secret', scopes: TRANSLATOR_SCOPES });
    const as = { clientId: 'translator', secret: 'translator-secret' };
    const zt = cat.zaaktypen.B1026!;
    const zaak = await newZaak();
    assert.equal((await c.call('POST', '/zaken/api/v1/resultaten', { zaak: zaak.url, resultaattype: zt.resultaattypen.Toegekend }, { ...as })).status, 201);
    const eind = await c.call('POST', '/zaken/api/v1/statussen', { zaak: zaak.url, statustype: zt.statustypenByVolgnummer[3], datumStatusGezet: '2026-02-01T00:30:00+01:00' }, as);
    assert.equal(eind.status, 201);
    const closed = await c.call('GET', zaak.url, undefined, as);
    assert.equal(closed.body.einddatum, '2026-02-01');
    assert.equal(closed.body.archiefnominatie, 'vernietigen');
    assert.equal(closed.body.archiefactiedatum, '2036-02-01');
    const future = await c.call('POST', '/zaken/api/v1/statussen', { zaak: zaak.url, statustype: zt.statustypenByVolgnummer[2], datumStatusGezet: new Date(Date.now() + 3_600_000).toISOString() });
    assert.equal(future.body.invalidParams?.[0]?.code, 'future_not_allowed');
    const patch = await c.call('PATCH', zaak.url, { omschrijving: 'x' }, as);
    assert.equal(patch.status, 403);
    assert.equal(patch.body.detail, 'Modifying a closed case with current scope is forbidden');
    const reopen = await c.call('POST', '/zaken/api/v1/statussen', { zaak: zaak.url, statustype: zt.statustypenByVolgnummer[1], datumStatusGezet: '2026-02-02T10:00:00Z' }, as);
    assert.equal(reopen.status, 403);
    const rol = await c.call('POST', '/zaken/api/v1/rollen', { zaak: zaak.url, roltype: zt.roltypen.initiator, betrokkeneType: 'natuurlijk_persoon', roltoelichting: 'x', betrokkeneIdentificatie: { inpBsn: '111222333' } }, as);
    assert.equal(rol.status, 403);
    assert.match(rol.body.type, /ZaakClosed/);
    // the all-scopes client may reopen
    const byAdmin = await c.call('POST', '/zaken/api/v1/statussen', { zaak: zaak.url, statustype: zt.statustypenByVolgnummer[1], datumStatusGezet: '2026-02-02T10:00:00Z' });
    assert.equal(byAdmin.status, 201);
    assert.equal((await c.call('GET', zaak.url)).body.einddatum, null);
    assert.deepEqual(responseViolations(d), []);
  });

  it('documents: lock, new versie per change, bestandsdelen in chunks of the configured size, download', async () => {
    const iot = cat.informatieobjecttypen.Aanvraag!;
    const eio = await c.call('POST', '/documenten/api/v1/enkelvoudiginformatieobjecten', {
      bronorganisatie: '002220647', creatiedatum: '2026-01-15', titel: 'groot', auteur: 'a', taal: 'nld', bestandsnaam: 'g.bin',
      bestandsomvang: 2500, inhoud: null, informatieobjecttype: iot, indicatieGebruiksrecht: false,
    });
    assert.equal(eio.status, 201);
    assert.equal(eio.body.locked, true);
    assert.deepEqual(eio.body.bestandsdelen.map((p: Json) => p.omvang), [1024, 1024, 452]);
    const token = await makeJwt(d.clientId, d.secret);
    const data = Buffer.alloc(2500, 7);
    for (const [i, p] of eio.body.bestandsdelen.entries()) {
      const form = new FormData();
      form.append('lock', eio.body.lock);
      form.append('inhoud', new Blob([data.subarray(i * 1024, i * 1024 + p.omvang)]), 'part.bin');
      const r = await fetch(p.url, { method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: form });
      assert.equal(r.status, 200);
    }
    assert.equal((await c.call('POST', `${eio.body.url}/unlock`, { lock: eio.body.lock })).status, 204);
    const dl = await fetch(`${eio.body.url}/download`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/octet-stream' } });
    assert.equal(dl.status, 200);
    assert.equal(dl.headers.get('API-version'), null);
    assert.ok(Buffer.from(await dl.arrayBuffer()).equals(data));
    const lock = (await c.call('POST', `${eio.body.url}/lock`)).body.lock;
    const patched = await c.call('PATCH', eio.body.url, { beschrijving: 'v2', lock });
    assert.equal(patched.body.versie, 2);
    assert.equal((await c.call('PATCH', eio.body.url, { beschrijving: 'v3', lock: 'wrong' })).body.invalidParams[0].code, 'incorrect-lock-id');
    assert.equal((await c.call('POST', `${eio.body.url}/unlock`, { lock })).status, 204);
    assert.equal((await c.call('PATCH', eio.body.url, { beschrijving: 'v3' })).body.invalidParams[0].code, 'unlocked');
    const v1 = await fetch(`${eio.body.url}/download?versie=1`, { headers: { Authorization: `Bearer ${token}` } });
    assert.ok(Buffer.from(await v1.arrayBuffer()).equals(data));
    assert.deepEqual(responseViolations(d), []);
  });

  it('deleting a zaak removes its rollen, statussen, resultaat, zaakobjecten, zaakeigenschappen and ZIOs; a besluit blocks it', async () => {
    const zt = cat.zaaktypen.B1026!;
    const zaak = await newZaak();
    const post = async (p: string, body: Json) => {
      const r = await c.call('POST', p, body);
      assert.equal(r.status, 201, `${p}: ${JSON.stringify(r.body)}`);
      return r.body;
    };
    await post('/zaken/api/v1/rollen', { zaak: zaak.url, roltype: zt.roltypen.initiator, betrokkeneType: 'natuurlijk_persoon', roltoelichting: 'x', betrokkeneIdentificatie: { inpBsn: '111222333' } });
    await post('/zaken/api/v1/statussen', { zaak: zaak.url, statustype: zt.statustypenByVolgnummer[1], datumStatusGezet: '2026-01-15T10:00:00Z' });
    await post('/zaken/api/v1/resultaten', { zaak: zaak.url, resultaattype: zt.resultaattypen.Toegekend });
    await post('/zaken/api/v1/zaakobjecten', { zaak: zaak.url, objectType: 'adres', objectIdentificatie: { identificatie: '1', wplWoonplaatsNaam: 'X', gorOpenbareRuimteNaam: 'Y', huisnummer: 1 } });
    const ze = await post(`/zaken/api/v1/zaken/${zaak.uuid}/zaakeigenschappen`, { zaak: zaak.url, eigenschap: zt.eigenschappen.kenteken, waarde: 'AB-12-CD' });
    assert.equal(ze.naam, 'kenteken');
    const eio = await post('/documenten/api/v1/enkelvoudiginformatieobjecten', { bronorganisatie: '002220647', creatiedatum: '2026-01-15', titel: 't', auteur: 'a', taal: 'nld', inhoud: Buffer.from('hallo').toString('base64'), informatieobjecttype: cat.informatieobjecttypen.Aanvraag, indicatieGebruiksrecht: false });
    await post('/zaken/api/v1/zaakinformatieobjecten', { zaak: zaak.url, informatieobject: eio.url });
    const besluit = await post('/besluiten/api/v1/besluiten', { verantwoordelijkeOrganisatie: '002220647', besluittype: cat.besluittypen.Vergunningsbesluit, zaak: zaak.url, datum: '2026-01-15', ingangsdatum: '2026-01-15' });
    await post('/besluiten/api/v1/besluitinformatieobjecten', { besluit: besluit.url, informatieobject: eio.url });
    const foreign = await d.seed({ zaaktypen: [{ identificatie: 'ANDERS', informatieobjecttypen: ['Elders'] }] });
    const eio2 = await post('/documenten/api/v1/enkelvoudiginformatieobjecten', { bronorganisatie: '002220647', creatiedatum: '2026-01-15', titel: 't', auteur: 'a', taal: 'nld', inhoud: null, informatieobjecttype: foreign.informatieobjecttypen.Elders });
    const refused = await c.call('POST', '/besluiten/api/v1/besluitinformatieobjecten', { besluit: besluit.url, informatieobject: eio2.url });
    assert.equal(refused.body.invalidParams?.[0]?.code, 'missing-besluittype-informatieobjecttype-relation');
    assert.equal((await c.call('GET', `/zaken/api/v1/zaken/${zaak.uuid}/besluiten`)).body.length, 1);
    const blocked = await c.call('DELETE', zaak.url);
    assert.equal(blocked.status, 400);
    assert.equal(blocked.body.invalidParams[0].code, 'related-besluiten');
    assert.equal((await c.call('DELETE', besluit.url)).status, 204);
    const counts = d.counts();
    assert.equal(d.objects('zaken/rollen').filter((r: Json) => r.zaak === zaak.url).length, 1);
    assert.equal((await c.call('DELETE', zaak.url)).status, 204);
    const after = d.counts();
    for (const k of ['zaken/zaken', 'zaken/rollen', 'zaken/statussen', 'zaken/resultaten', 'zaken/zaakobjecten', 'zaken/zaakeigenschappen', 'zaken/zaakinformatieobjecten', 'documenten/objectinformatieobjecten']) {
      assert.equal(after[k] ?? 0, counts[k]! - 1, k);
    }
    const q = `zaak=${encodeURIComponent(zaak.url)}`;
    for (const p of ['rollen', 'statussen', 'resultaten', 'zaakobjecten']) assert.equal((await c.call('GET', `/zaken/api/v1/${p}?${q}`)).body.count, 0, p);
    assert.deepEqual((await c.call('GET', `/zaken/api/v1/zaakinformatieobjecten?${q}`)).body, []);
    assert.deepEqual((await c.call('GET', `/documenten/api/v1/objectinformatieobjecten?object=${encodeURIComponent(zaak.url)}`)).body, []);
    assert.equal((await c.call('GET', ze.url)).status, 404);
    assert.equal((await c.call('DELETE', eio.url)).status, 204, 'no relation left');
    assert.deepEqual(responseViolations(d), []);
  });

  it("a document can only be linked to a zaak whose zaaktype lists the document's informatieobjecttype", async () => {
    const other = await d.seed({ zaaktypen: [{ identificatie: 'ZONDER', informatieobjecttypen: ['Anders'] }] });
    const zaak = await newZaak();
    const eio = await c.call('POST', '/documenten/api/v1/enkelvoudiginformatieobjecten', { bronorganisatie: '002220647', creatiedatum: '2026-01-15', titel: 't', auteur: 'a', taal: 'nld', inhoud: null, informatieobjecttype: other.informatieobjecttypen.Anders });
    const r = await c.call('POST', '/zaken/api/v1/zaakinformatieobjecten', { zaak: zaak.url, informatieobject: eio.body.url });
    assert.equal(r.status, 400);
    assert.equal(r.body.invalidParams[0].code, 'missing-zaaktype-informatieobjecttype-relation');
  });

  it('zaaktype, informatieobjecttype and besluittype must be published and cannot be changed afterwards', async () => {
    const concept = await c.call('POST', '/catalogi/api/v1/informatieobjecttypen', { catalogus: cat.catalogus, omschrijving: 'Concept', vertrouwelijkheidaanduiding: 'openbaar', beginGeldigheid: '2026-01-01', informatieobjectcategorie: 'x' });
    assert.equal(concept.status, 201, JSON.stringify(concept.body));
    const eio = await c.call('POST', '/documenten/api/v1/enkelvoudiginformatieobjecten', { bronorganisatie: '002220647', creatiedatum: '2026-01-15', titel: 't', auteur: 'a', taal: 'nld', inhoud: null, informatieobjecttype: concept.body.url });
    assert.equal(eio.body.invalidParams?.[0]?.code, 'not-published');
    const bt = await c.call('POST', '/catalogi/api/v1/besluittypen', { catalogus: cat.catalogus, omschrijving: 'Concept', publicatieIndicatie: false, informatieobjecttypen: [], beginGeldigheid: '2026-01-01' });
    const besluit = await c.call('POST', '/besluiten/api/v1/besluiten', { verantwoordelijkeOrganisatie: '002220647', besluittype: bt.body.url, datum: '2026-01-15', ingangsdatum: '2026-01-15' });
    assert.equal(besluit.body.invalidParams?.[0]?.code, 'not-published');
    const zaak = await newZaak();
    const other = await d.seed({ zaaktypen: [{ identificatie: 'ANDER' }] });
    const patch = await c.call('PATCH', zaak.url, { zaaktype: other.zaaktypen.ANDER!.url });
    assert.equal(patch.body.invalidParams?.[0]?.code, 'wijzigen-niet-toegelaten');
  });

  it('gebruiksrechten set indicatieGebruiksrecht (not recorded; as the standard describes)', async () => {
    const eio = await c.call('POST', '/documenten/api/v1/enkelvoudiginformatieobjecten', { bronorganisatie: '002220647', creatiedatum: '2026-01-15', titel: 't', auteur: 'a', taal: 'nld', inhoud: null, informatieobjecttype: cat.informatieobjecttypen.Aanvraag });
    assert.equal(eio.body.indicatieGebruiksrecht, null);
    const g = await c.call('POST', '/documenten/api/v1/gebruiksrechten', { informatieobject: eio.body.url, startdatum: '2026-01-15T00:00:00Z', omschrijvingVoorwaarden: 'geen' });
    assert.equal(g.status, 201, JSON.stringify(g.body));
    assert.equal((await c.call('GET', eio.body.url)).body.indicatieGebruiksrecht, true);
    await c.call('DELETE', g.body.url);
    assert.equal((await c.call('GET', eio.body.url)).body.indicatieGebruiksrecht, null);
  });

  it('a client restricted to some zaaktypen neither sees nor creates zaken of others', async () => {
    d.addClient({ clientId: 'narrow', secret: 'narrow-secret', scopes: TRANSLATOR_SCOPES, zaaktypen: ['http://elsewhere/zaaktypen/1'] });
    const as = { clientId: 'narrow', secret: 'narrow-secret' };
    const zaak = await newZaak();
    assert.equal((await c.call('GET', zaak.url, undefined, as)).status, 403);
    assert.equal((await c.call('GET', '/zaken/api/v1/zaken', undefined, as)).body.count, 0);
    const r = await c.call('POST', '/zaken/api/v1/zaken', { zaaktype: cat.zaaktypen.B1026!.url, bronorganisatie: '002220647', verantwoordelijkeOrganisatie: '002220647', startdatum: '2026-01-15' }, as);
    assert.equal(r.status, 400);
    assert.equal(r.body.invalidParams[0].code, 'does_not_exist');
  });

  it('reset() forgets data, requests, violations and faults', async () => {
    d.faults.failNth('GET', '/x', 1, 500);
    d.reset();
    assert.equal(d.requests.length, 0);
    assert.equal(d.violations.length, 0);
    assert.equal(d.faults.list.length, 0);
    const r = await c.call('GET', '/catalogi/api/v1/zaaktypen');
    assert.equal(r.body.count, 0);
    cat = await d.seed(SPEC);
  });
});
