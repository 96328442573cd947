/**
 * A Zaakpoort with `backend: zgw` end to end over HTTP, in front of the ZGW TEST DOUBLE (an in-process,
 * OAS-validating stand-in for Open Zaak). Every answer is validated against the official XSDs, and every request
 * Zaakpoort sent to the double against the official OAS.
 *
 * Acceptance run: with ZAAKPOORT_ACCEPTANCE_ZGW=1 the same flow runs against the real Open Zaak the
 * ZAAKPOORT_ZGW_* variables name; its catalogus must hold zaaktype SHV01 as `SHV01` in test/zgw/helpers.ts describes. The checks
 * that need the double's request log or fault injection are then left out (the fault test is reported skipped).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { ZgwBackendConfig } from '../../src/config.js';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';
import { type ZgwDouble, startZgwDouble } from '../zgw-double/index.js';
import { RSIN, SHV01, authHeaders, settingsFor } from '../zgw/helpers.js';
import { zgwSettingsFromEnv } from '../../src/backends/zgw/config.js';

const REAL = process.env.ZAAKPOORT_ACCEPTANCE_ZGW === '1';
const needsDouble = REAL ? { skip: 'needs the test double (fault injection); this is the acceptance run against a real Open Zaak' } : {};

const SHV = { catalogus: { domein: 'ZAAK', rsin: RSIN }, zaaktypen: [SHV01] };

let n = 0;
const newId = () => `1234${String(Date.now() % 1e7).padStart(7, '0')}${++n}`;

describe(`Zaakpoort with backend zgw (${REAL ? 'on a real Open Zaak' : 'on the ZGW test double'})`, () => {
  let double: ZgwDouble | undefined;
  let srv: TestServer;
  const send = async (body: string, soapAction?: string) => {
    const res = await srv.post(envelope(body), soapAction ? { soapAction } : {});
    await assertSoapResponseValid(res.text);
    return res;
  };

  before(async () => {
    let backend: ZgwBackendConfig;
    if (REAL) backend = { kind: 'zgw', ...zgwSettingsFromEnv(process.env, undefined) };
    else {
      double = await startZgwDouble();
      await double.seed(SHV);
      backend = { kind: 'zgw', ...settingsFor(double) };
    }
    srv = await startServer({ backend });
  });
  after(async () => {
    await srv?.close();
    await double?.close();
  });
  afterEach(() => {
    if (double) assert.deepEqual(double.violations, [], 'every request Zaakpoort sent is valid against the OAS');
  });
  /** The double's request log (empty on a real Open Zaak, where the checks that use it are left out). */
  const requests = () => double?.requests ?? [];

  it('genereerZaakIdentificatie, creeerZaak, geefZaakdetails (scope alles) and geefZaakstatus', async () => {
    const g = await send(m.genereerIdentificatie('Zaak', '1.2'));
    assert.equal(g.status, 200, g.text);
    const id = m.extract(g.text, 'identificatie')!;
    assert.match(id, /^1234/);
    const c = await send(m.creeerZaak({ identificatie: id }, '1.2'));
    assert.equal(c.status, 200, c.text);
    assert.match(c.text, /Bv03Bericht/);
    if (double) {
      const zaken = requests().filter((r) => r.method === 'POST' && r.path.endsWith('/zaken'));
      assert.equal((zaken.at(-1)!.body as { identificatie: string }).identificatie, id);
    }

    const mark = requests().length;
    const d = await send(m.geefZaakdetails(id, '1.2'));
    assert.equal(d.status, 200, d.text);
    if (double) {
      const calls = requests().slice(mark).filter((r) => !r.path.includes('/catalogi/')).length;
      assert.ok(calls <= 6, `geefZaakdetails scope alles took ${calls} ZGW calls (warm catalogue)`);
    }
    assert.equal(m.extract(d.text, 'inp.bsn'), '123456782');
    assert.equal(m.extract(d.text, 'geslachtsnaam'), 'Vries');
    assert.equal(m.extract(d.text, 'kenmerk'), 'SHV-2026-001');
    assert.equal(m.extract(d.text, 'indicatieLaatsteStatus'), 'J');
    assert.equal(m.extract(d.text, 'datumStatusGezet'), '20261124101500000');
    assert.ok(m.extractAll(d.text, 'identificatie').includes('MDW042'));
    // What ZGW has no field for is kept beside it and answered as sent: the rol's code and omschrijving, voorvoegsel.
    assert.ok(m.extractAll(d.text, 'code').includes('INI'), 'rol code kept');
    assert.ok(m.extractAll(d.text, 'omschrijving').includes('Aanvrager'), 'rol omschrijving kept');
    assert.equal(m.extract(d.text, 'voorvoegselGeslachtsnaam'), 'de');

    const s = await send(m.geefZaakstatus(id, '1.2'));
    assert.equal(s.status, 200, s.text);
    assert.equal(m.extract(s.text, 'volgnummer'), '1');
  });

  it('ZDS 1.1: zakLk01 (creeer) and zakLv01 (details) over SOAP 1.1 with SOAPAction', async () => {
    const id = newId();
    const c = await send(m.creeerZaak({ identificatie: id }, '1.1'), `${m.ACTION_11}creeerZaak_Lk01`);
    assert.match(c.text, /Bv03Bericht/, c.text);
    const d = await send(m.geefZaakdetails(id, '1.1'), `${m.ACTION_11}geefZaakdetails_Lv01`);
    assert.match(d.text, /zakLa01/, d.text);
    assert.equal(m.extract(d.text, 'identificatie'), id);
    assert.equal(m.extract(d.text, 'inp.bsn'), '123456782');
  });

  it('a resend of creeerZaak gets the original answer and changes nothing in ZGW', async () => {
    const id = newId();
    const ref = `ref-${id}`;
    const first = await send(m.creeerZaak({ identificatie: id }, '1.2', ref));
    assert.match(first.text, /Bv03Bericht/, first.text);
    const before = requests().length;
    const again = await send(m.creeerZaak({ identificatie: id }, '1.2', ref));
    assert.match(again.text, /Bv03Bericht/, again.text);
    if (double) assert.equal(requests().filter((r, i) => i >= before && r.method !== 'GET').length, 0);
  });

  it('updateZaak changes the omschrijving with one PATCH; actualiseerZaakstatus closes with resultaat, einddatum from the eindstatus', async () => {
    const id = newId();
    assert.match((await send(m.creeerZaak({ identificatie: id }, '1.2'))).text, /Bv03Bericht/);
    const mark = requests().length;
    const u = await send(m.updateZaak(id, '<ZKN:omschrijving>Aanvraag schuldhulpverlening</ZKN:omschrijving>', '<ZKN:omschrijving>Gewijzigd</ZKN:omschrijving>'));
    assert.match(u.text, /Bv03Bericht/, u.text);
    if (double) {
      const writes = requests().slice(mark).filter((r) => r.method !== 'GET');
      assert.deepEqual(writes.map((r) => [r.method, r.body]), [['PATCH', { omschrijving: 'Gewijzigd' }]]);
    }

    const r = await send(m.updateZaak(id, '', '<ZKN:resultaat><ZKN:omschrijving>Toegekend</ZKN:omschrijving></ZKN:resultaat>'));
    assert.match(r.text, /Bv03Bericht/, r.text);
    const a = await send(m.actualiseerZaakstatus(id, { volgnummer: '3', omschrijving: 'Afgehandeld', datum: '20261130103000000' }, '1.2'));
    assert.match(a.text, /Bv03Bericht/, a.text);
    // isGezetDoor names medewerker MDW042, the zaak's behandelaar: ZGW's status.gezetdoor points at that rol.
    if (double) {
      const status = requests().filter((r) => r.method === 'POST' && r.path.endsWith('/statussen')).at(-1)!;
      const door = (status.body as { gezetdoor?: string }).gezetdoor;
      assert.ok(door, 'gezetdoor sent');
      const rol = (await (await fetch(door!, { headers: await authHeaders(double) })).json()) as { betrokkeneIdentificatie: { identificatie: string }; zaak: string };
      assert.equal(rol.betrokkeneIdentificatie.identificatie, 'MDW042');
      assert.equal(rol.zaak, (status.body as { zaak: string }).zaak);
    }
    const d = await send(m.geefZaakdetails(id, '1.2'));
    assert.equal(m.extract(d.text, 'einddatum'), '20261130');
    assert.equal(m.extract(d.text, 'omschrijving'), 'Gewijzigd');
  });

  it('faults a vakapplicatie can act on: eindstatus without resultaat, unknown zaaktype', async () => {
    const id = newId();
    await send(m.creeerZaak({ identificatie: id }, '1.2'));
    const a = await send(m.actualiseerZaakstatus(id, { volgnummer: '3', omschrijving: 'Afgehandeld', datum: '20261130103000000' }, '1.2'));
    assert.match(a.text, /StUF058/);
    assert.match(a.text, /resultaat/);
    const unknown = await send(m.creeerZaak({ identificatie: newId(), zaaktype: 'ONBEKEND' }, '1.2'));
    assert.match(unknown.text, /Zaaktype onbekend/);
  });

  it('ZGW down: StUF058 "niet bereikbaar" without hosts or errno text, /health unavailable per API', needsDouble, async () => {
    const id = newId();
    await send(m.creeerZaak({ identificatie: id }, '1.2'));
    if (!double) return;
    await double.faults.setReachable(false);
    try {
      const down = await send(m.geefZaakdetails(id, '1.2'));
      assert.match(down.text, /Zaaksysteem \(ZGW\) niet bereikbaar/);
      assert.doesNotMatch(down.text, /127\.0\.0\.1|ECONNREFUSED/);
      const health = await fetch(`${srv.url}/health`);
      const body = (await health.json()) as { status: string; parts?: Record<string, string> };
      assert.equal(body.status, 'unavailable');
      assert.notEqual(body.parts?.zaken, 'ok');
    } finally {
      await double.faults.setReachable(true);
    }
  });

  it('voegBesluitToe, geefBesluitdetails and geefLijstBesluiten', async () => {
    const id = newId();
    await send(m.creeerZaak({ identificatie: id }, '1.2'));
    const bid = `1234B${id.slice(-6)}`;
    const v = await send(m.voegBesluitToe(bid, id, { toelichting: 'Toegekend na beoordeling' }));
    assert.match(v.text, /Bv03Bericht/, v.text);
    const b = await send(m.geefBesluitdetails(bid));
    assert.equal(b.status, 200, b.text);
    assert.equal(m.extract(b.text, 'toelichting'), 'Toegekend na beoordeling');
    assert.equal(m.extract(b.text, 'datumBeslissing'), '20261201');
    const l = await send(m.geefLijstBesluiten(id, '1.2'));
    assert.ok(m.extractAll(l.text, 'identificatie').includes(bid), l.text);
  });

  it('zakLv01 finds zaken by identificatie from the ZGW data', async () => {
    const id = newId();
    await send(m.creeerZaak({ identificatie: id }, '1.2'));
    const r = await send(m.zakLv01(`<ZKN:gelijk StUF:entiteittype="ZAK"><ZKN:identificatie>${id}</ZKN:identificatie></ZKN:gelijk><ZKN:scope><ZKN:object StUF:entiteittype="ZAK" StUF:scope="alles"/></ZKN:scope>`));
    assert.equal(r.status, 200, r.text);
    assert.equal(m.extract(r.text, 'identificatie'), id);
  });
});
