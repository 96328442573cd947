/**
 * Replicate mode with the ZGW backend as the new side. The legacy zaaksysteem is a real one: a second Zaakpoort
 * on its own SQLite store, reached over HTTP. The ZGW side is the ZGW TEST DOUBLE (test/zgw-double: an
 * in-process stand-in for Open Zaak that validates every request Zaakpoort sends against the official OAS; it is
 * not Open Zaak). Its outage is the double's fault injection (500s on the Zaken API). Every answer is validated
 * against the official XSDs.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import * as m from '../helpers/messages.js';
import { QUEUED_DURING_OUTAGE, migrationSides } from '../helpers/migration.js';
import { schemas } from '../helpers/xsd.js';
import { type TestServer, startServer } from '../helpers/zaakpoort.js';
import { type ZgwDouble, startZgwDouble } from '../zgw-double/index.js';
import { RSIN, SHV01, settingsFor, zakenInZgw } from '../zgw/helpers.js';

/** SHV01 under another code, for the cut-over (its own zaaktype, so cutting it over leaves SHV01 in replicate). */
const CUT01 = { ...SHV01, identificatie: 'CUT01' };

describe('migration: replicate onto the ZGW backend (ZGW test double), legacy a Zaakpoort over HTTP', () => {
  let legacy: TestServer;
  let zp: TestServer;
  let double: ZgwDouble;

  before(async () => {
    const registry = await schemas();
    double = await startZgwDouble();
    await double.seed({ catalogus: { domein: 'ZAAK', rsin: RSIN }, zaaktypen: [SHV01, CUT01] });
    legacy = await startServer({}, { schemas: registry });
    zp = await startServer(
      {
        backend: { kind: 'zgw', ...settingsFor(double) },
        migration: {
          legacy: { url: `${legacy.url}/zds`, timeoutMs: 20_000 },
          default: 'translate',
          zaaktypen: { SHV01: 'replicate', CUT01: 'replicate' },
          operations: { genereerZaakIdentificatie_Di02: 'translate' },
          outbox: { retryBaseMs: 20, retryMaxMs: 50 },
        },
      },
      { schemas: registry },
    );
  });
  after(async () => {
    await zp?.close();
    await legacy?.close();
    await double?.close();
  });
  afterEach(() => {
    assert.deepEqual(double.violations, [], 'every request Zaakpoort sent to the ZGW test double is valid against the OAS');
  });

  const { viaZaakpoort, direct, newSideAnswer, assertSameOnBothSides, sendFirstTouch, sendDuringOutage, outboxCaughtUp } = migrationSides(() => ({ zp, legacy }), { exactText: false });

  it('a zaak made in legacy before the switch, updated and documented through Zaakpoort, is copied into ZGW on first touch and equal on both sides', async () => {
    assert.equal((await direct(m.creeerZaak({ identificatie: '1234SHV0001', zaaktype: 'SHV01' }, '1.2'))).status, 200);
    assert.equal((await direct(m.voegZaakdocumentToe('1234D-OUD1', '1234SHV0001', Buffer.from('oud document'), '1.2'))).status, 200);
    assert.equal((await direct(m.voegBesluitToe('1234B-OUD1', '1234SHV0001', { toelichting: 'voor de overstap', documenten: ['1234D-OUD1'] }))).status, 200);
    assert.deepEqual(await zakenInZgw(double), []);

    await sendFirstTouch();
    const bsl = await viaZaakpoort(m.voegBesluitToe('1234B-NIEUW1', '1234SHV0001', { documenten: ['1234D-NIEUW1'] }));
    assert.equal(bsl.status, 200, bsl.text);

    assert.equal((await zp.zp.migration!.status()).outbox.pending, 0, JSON.stringify(await zp.zp.migration!.store.list()));
    // The copy went into the ZGW system itself, not into Zaakpoort's local state.
    assert.deepEqual(await zakenInZgw(double), ['1234SHV0001']);
    const legacyZaak = await legacy.zp.backend.store.getZaak('1234SHV0001');
    assert.equal(legacyZaak?.omschrijving, 'Herziene aanvraag');
    await assertSameOnBothSides('1234SHV0001', ['1234D-OUD1', '1234D-NIEUW1'], ['1234B-OUD1', '1234B-NIEUW1']);
    assert.match(await newSideAnswer(m.geefZaakdocumentLezen('1234D-OUD1', '1.2')), new RegExp(Buffer.from('oud document').toString('base64')));
    assert.match(await newSideAnswer(m.geefZaakdocumentLezen('1234D-NIEUW1', '1.2')), new RegExp(Buffer.from('nieuw document via Zaakpoort').toString('base64')));
  });

  it('the ZGW side failing for a while (500s) loses nothing: the outbox catches up, then both sides are equal', async () => {
    const outage = double.faults.add({ path: /^\/zaken\//, times: Infinity, action: { type: 'status', status: 500 } });
    try {
      await sendDuringOutage();
      await zp.zp.migration!.outbox.idle();
      const status = await zp.zp.migration!.status();
      // Six: ZGW cannot say whether it has 1234SHV0001, so its copy is queued too (a no-op once it can).
      assert.equal(status.outbox.pending, 6, JSON.stringify(status.outbox));
      assert.ok(outage.fired > 0, 'the ZGW test double refused calls');
      // The failing head and why: the ZGW backend's own fault, masked (no hosts), not just "see the log".
      assert.match(status.outbox.failing?.lastError ?? '', /StUF058 Zaaksysteem \(ZGW\) niet bereikbaar/);
      // Queued in the order the legacy system accepted them.
      assert.deepEqual((await zp.zp.migration!.store.list()).map((e) => [e.operation, e.zaakIdentificatie]), QUEUED_DURING_OUTAGE);
    } finally {
      double.faults.clear();
    }
    await outboxCaughtUp();
    assert.ok((await zp.zp.migration!.status()).outbox.appliedSinceStart >= 6);
    assert.equal((await zp.zp.backend.store.getZaak('1234SHV0001'))?.omschrijving, 'Na de storing');
    assert.deepEqual((await zakenInZgw(double)).sort(), ['1234SHV0001', '1234SHV0002', '1234SHV0003']);
    await assertSameOnBothSides('1234SHV0001', ['1234D-OUD1', '1234D-NIEUW1']);
    await assertSameOnBothSides('1234SHV0002', ['1234D-STORING']);
    await assertSameOnBothSides('1234SHV0003', []);
    assert.match(await newSideAnswer(m.geefZaakdocumentLezen('1234D-STORING', '1.2')), new RegExp(Buffer.from('tijdens de storing').toString('base64')));
  });

  it('cut-over of a zaaktype with everything present in ZGW succeeds and sets the counter past the legacy identificaties', async () => {
    for (const id of ['1234CUT01', '1234CUT02']) {
      assert.equal((await direct(m.creeerZaak({ identificatie: id, zaaktype: 'CUT01' }, '1.2'))).status, 200);
    }
    // Legacy issued identificaties before; after the cut-over Zaakpoort must continue past them.
    let lastLegacy = '';
    for (let i = 0; i < 3; i++) lastLegacy = m.extract((await direct(m.genereerIdentificatie('Zaak', '1.2'))).text, 'identificatie') ?? '';
    assert.match(lastLegacy, /^1234\d+$/);
    const migration = zp.zp.migration!;
    assert.deepEqual(await migration.copy({ zaaktype: 'CUT01' }), { copied: ['1234CUT01', '1234CUT02'], present: [], queued: [], unknown: [] });
    await assertSameOnBothSides('1234CUT01', []);
    await assertSameOnBothSides('1234CUT02', []);

    const done = await migration.cutOver('CUT01');
    assert.equal(done.done, true, JSON.stringify(done));
    assert.deepEqual(done.missing, []);
    assert.deepEqual(done.different, []);
    assert.deepEqual((await migration.status()).overrides.map((o) => [o.zaaktype, o.mode]), [['CUT01', 'translate']]);
    assert.ok((done.raisedPast.zaak ?? '') > lastLegacy, JSON.stringify(done));

    // genereerZaakIdentificatie is translate: the ZGW backend's counter, now above every legacy identificatie.
    const gen = await viaZaakpoort(m.genereerIdentificatie('Zaak', '1.2'));
    assert.equal(gen.status, 200, gen.text);
    const next = m.extract(gen.text, 'identificatie') ?? '';
    assert.equal(next.length, lastLegacy.length, `${next} vs ${lastLegacy}`);
    assert.ok(next > done.raisedPast.zaak!, `${next} after the cut-over, legacy's last ${lastLegacy}`);

    // From now on CUT01 is translate: ZGW only, the legacy system no longer sees it.
    const upd = await viaZaakpoort(m.updateZaak('1234CUT01', '<ZKN:omschrijving>Aanvraag schuldhulpverlening</ZKN:omschrijving>', '<ZKN:omschrijving>Na cut-over</ZKN:omschrijving>'));
    assert.equal(upd.status, 200, upd.text);
    assert.equal(m.extract(await newSideAnswer(m.geefZaakdetails('1234CUT01', '1.2')), 'omschrijving'), 'Na cut-over');
    assert.equal((await legacy.zp.backend.store.getZaak('1234CUT01'))?.omschrijving, 'Aanvraag schuldhulpverlening');
  });
});
