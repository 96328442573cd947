/**
 * Migration modes end to end. The legacy zaaksysteem is a real one: a second Zaakpoort on its own SQLite store,
 * reached over HTTP. The new side is the embedded store of the Zaakpoort under test (migration-zgw.test.ts has
 * the ZGW backend, on the ZGW test double, as the new side). An outage of the new side is a test double: a
 * wrapper around the real store that throws while "down" (the message log stays reachable, as Zaakpoort's own
 * state does next to a ZGW system).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid, extractSoapPayload, schemas } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';
import { cliArgs } from '../helpers/built-server.js';
import { outage } from '../helpers/outage.js';
import { QUEUED_DURING_OUTAGE, migrationSides, stripStuurgegevens } from '../helpers/migration.js';
import { geefZaakdetailsAlles } from '../../src/migration/legacy-vragen.js';
import { type StepCollector, runWithSteps } from '../../src/observability/steps.js';

describe('migration: proxy, replicate, translate against a legacy Zaakpoort over HTTP', () => {
  let legacy: TestServer;
  let zp: TestServer;
  const newSide = outage();

  before(async () => {
    const registry = await schemas();
    legacy = await startServer({}, { schemas: registry });
    zp = await startServer(
      {
        migration: {
          legacy: { url: `${legacy.url}/zds`, timeoutMs: 20_000 },
          default: 'translate',
          zaaktypen: { SHV01: 'replicate', CUT01: 'replicate', PRX01: 'proxy' },
          operations: { genereerZaakIdentificatie_Di02: 'translate' },
          shadow: true,
          outbox: { retryBaseMs: 20, retryMaxMs: 50 },
        },
      },
      { schemas: registry, wrapBackend: newSide.wrap },
    );
  });
  after(async () => {
    await zp?.close();
    await legacy?.close();
  });

  const { viaZaakpoort, direct, newSideAnswer, assertSameOnBothSides, sendFirstTouch, sendDuringOutage, outboxCaughtUp } = migrationSides(() => ({ zp, legacy }), { exactText: true });

  it('replicate: a zaak made in legacy before the switch, then updated and documented through Zaakpoort, is identical on both sides', async () => {
    // Before the switch: the vakapplicatie talked to the legacy system itself.
    assert.equal((await direct(m.creeerZaak({ identificatie: '1234SHV0001', zaaktype: 'SHV01' }, '1.2'))).status, 200);
    assert.equal((await direct(m.voegZaakdocumentToe('1234D-OUD1', '1234SHV0001', Buffer.from('oud document'), '1.2'))).status, 200);
    assert.equal((await direct(m.voegBesluitToe('1234B-OUD1', '1234SHV0001', { toelichting: 'voor de overstap', documenten: ['1234D-OUD1'] }))).status, 200);
    assert.equal(await zp.zp.backend.store.getZaak('1234SHV0001'), undefined);

    await sendFirstTouch();
    const bsl = await viaZaakpoort(m.voegBesluitToe('1234B-NIEUW1', '1234SHV0001', { documenten: ['1234D-NIEUW1'] }));
    assert.equal(bsl.status, 200, bsl.text);

    // Legacy got everything (it is leading) ...
    const legacyZaak = await legacy.zp.backend.store.getZaak('1234SHV0001');
    assert.equal(legacyZaak?.omschrijving, 'Herziene aanvraag');
    assert.equal(legacyZaak?.statussen.length, 2);
    // ... and the new side holds the same zaak, the old document and besluit copied in, the document with its content.
    await assertSameOnBothSides('1234SHV0001', ['1234D-OUD1', '1234D-NIEUW1'], ['1234B-OUD1', '1234B-NIEUW1']);
    const lezen = await newSideAnswer(m.geefZaakdocumentLezen('1234D-OUD1', '1.2'));
    assert.match(lezen, new RegExp(Buffer.from('oud document').toString('base64')));
    assert.equal((await zp.zp.migration!.status()).outbox.pending, 0);
  });

  it('replicate: a check-out and check-in through Zaakpoort happen in legacy; the document is synced to the new side', async () => {
    const bewerken = await viaZaakpoort(m.geefZaakdocumentBewerken('1234D-NIEUW1', '1.2'));
    assert.equal(bewerken.status, 200, bewerken.text);
    const checkedOutId = m.extract(bewerken.text, 'checkedOutId');
    assert.ok(checkedOutId);
    assert.ok((await legacy.zp.backend.store.getDocument('1234D-NIEUW1'))?.lock, 'the lock is the legacy system\'s');
    const inchecken = await viaZaakpoort(m.updateZaakdocument('1234D-NIEUW1', '1.2', { checkedOutId, content: Buffer.from('bewerkte versie'), contentType: 'application/pdf', set: { titel: 'Bewerkt' } }));
    assert.equal(inchecken.status, 200, inchecken.text);
    assert.equal((await zp.zp.backend.store.getDocument('1234D-NIEUW1'))?.meta.titel, 'Bewerkt');
    await assertSameOnBothSides('1234SHV0001', ['1234D-OUD1', '1234D-NIEUW1']);
    assert.match(await newSideAnswer(m.geefZaakdocumentLezen('1234D-NIEUW1', '1.2')), new RegExp(Buffer.from('bewerkte versie').toString('base64')));
  });

  it('replicate: answers are the legacy system\'s own (it issues identificaties, its Bv03 and its faults)', async () => {
    const res = await viaZaakpoort(m.geefZaakdetails('1234SHV0001', '1.2'));
    assert.equal(res.status, 200);
    const fromLegacy = (await direct(m.geefZaakdetails('1234SHV0001', '1.2'))).text;
    assert.equal(stripStuurgegevens(extractSoapPayload(res.text).xml), stripStuurgegevens(extractSoapPayload(fromLegacy).xml));
    // A change the legacy system refuses is refused, and nothing happens on the new side.
    const refused = await viaZaakpoort(m.updateZaak('1234SHV0001', m.isVan('SHV01'), m.isVan('ANDERS01')));
    assert.equal(refused.status, 500);
    assert.match(refused.text, /Fo03Bericht/);
    assert.match(refused.text, /Zaaktype is niet muteerbaar/);
    assert.equal((await zp.zp.backend.store.getZaak('1234SHV0001'))?.omschrijving, 'Herziene aanvraag');
  });

  it('replicate: the new side down for a while loses nothing; the outbox catches up in order', async () => {
    newSide.down = true;
    try {
      await sendDuringOutage();

      const status = await zp.zp.migration!.status();
      // Six: the new side cannot say whether it has 1234SHV0001, so its copy is queued too (a no-op once it can).
      assert.equal(status.outbox.pending, 6, JSON.stringify(status));
      await zp.zp.migration!.outbox.idle();
      const health = await fetch(`${zp.url}/health`).then((r) => r.json()) as { migration: { outbox: { pending: number; failing?: { lastError?: string } } } };
      assert.equal(health.migration.outbox.pending, 6);
      // The failing head and why: the new side's own (masked) error, not just "see the log".
      assert.match(health.migration.outbox.failing?.lastError ?? '', /StUF058.*nieuwe kant tijdelijk niet bereikbaar \(testdubbel\)/);
      const listed = await zp.zp.migration!.store.list();
      assert.deepEqual(listed.map((e) => [e.operation, e.zaakIdentificatie]), QUEUED_DURING_OUTAGE);
    } finally {
      newSide.down = false;
    }
    await outboxCaughtUp();
    const migration = zp.zp.migration!;
    assert.ok((await migration.status()).outbox.appliedSinceStart >= 6);
    await assertSameOnBothSides('1234SHV0001', ['1234D-OUD1', '1234D-NIEUW1']);
    await assertSameOnBothSides('1234SHV0002', ['1234D-STORING']);
    await assertSameOnBothSides('1234SHV0003', []);
  });

  it('shadow comparison records a deliberately introduced difference, element by element', async () => {
    // The difference: the new side's copy changed behind the router's back.
    await zp.zp.backend.store.transaction(async (tx) => {
      const z = (await tx.getZaak('1234SHV0002'))!;
      await tx.updateZaak({ ...z, omschrijving: 'Alleen aan de nieuwe kant' });
    });
    const res = await viaZaakpoort(m.geefZaakdetails('1234SHV0002', '1.2'));
    assert.match(res.text, /Tijdens storing/); // the legacy answer is the one returned
    const [record] = await zp.zp.migration!.shadowReport({ zaaktype: 'SHV01', limit: 1 });
    assert.ok(record, 'a shadow record');
    assert.equal(record.operation, 'geefZaakdetails_ZakLv01');
    assert.equal(record.zaakIdentificatie, '1234SHV0002');
    assert.deepEqual(record.differences, [
      { path: '/geefZaakdetails_ZakLa01/antwoord/object/omschrijving', legacy: 'Tijdens storing', nieuw: 'Alleen aan de nieuwe kant' },
    ]);
    // A vraag both sides answer alike leaves no record.
    const before = (await zp.zp.migration!.shadowReport()).length;
    await viaZaakpoort(m.geefZaakdetails('1234SHV0001', '1.2'));
    assert.equal((await zp.zp.migration!.shadowReport()).length, before);
  });

  it('cut-over refuses a zaaktype whose zaken answer differently on the new side, and names the element', async () => {
    // 1234SHV0002 got a deliberate difference above; the documents of 1234SHV0001 (content included) are equal.
    const r = await zp.zp.migration!.cutOver('SHV01');
    assert.equal(r.done, false);
    assert.equal(r.checked, 3);
    assert.deepEqual(r.missing, []);
    assert.deepEqual(r.different, [{
      zaak: '1234SHV0002',
      differences: [{ path: '/geefZaakdetails_ZakLa01/antwoord/object/omschrijving', legacy: 'Tijdens storing', nieuw: 'Alleen aan de nieuwe kant' }],
    }]);
    assert.deepEqual((await zp.zp.migration!.status()).overrides, []);
  });

  it('cut-over of a zaaktype with one zaak missing on the new side refuses and names it; then succeeds', async () => {
    for (const id of ['1234CUT01', '1234CUT02', '1234CUT03']) {
      assert.equal((await direct(m.creeerZaak({ identificatie: id, zaaktype: 'CUT01' }, '1.2'))).status, 200);
    }
    // Legacy issued identificaties before; the cut-over must continue past them.
    for (let i = 0; i < 3; i++) await direct(m.genereerIdentificatie('Zaak', '1.2'));
    // Only CUT01 is touched through Zaakpoort, so only it is copied.
    await viaZaakpoort(m.updateZaak('1234CUT01', '<ZKN:omschrijving>Aanvraag schuldhulpverlening</ZKN:omschrijving>', '<ZKN:omschrijving>Gecontroleerd</ZKN:omschrijving>'));
    const migration = zp.zp.migration!;
    const refused = await migration.cutOver('CUT01');
    assert.equal(refused.done, false);
    assert.equal(refused.checked, 3);
    assert.deepEqual(refused.missing, ['1234CUT02', '1234CUT03']);
    assert.deepEqual(refused.different, []);
    assert.deepEqual((await migration.status()).overrides, []);

    // Touching it copies it in (a vraag does not: geefZaakstatus is answered by legacy, the copy comes with a change).
    await viaZaakpoort(m.actualiseerZaakstatus('1234CUT02', { volgnummer: '2', omschrijving: 'In behandeling', datum: '20261127090000000' }, '1.2'));
    // The rest by a backfill of the zaaktype (what `zaakpoort migration copy --zaaktype` does).
    assert.deepEqual(await migration.copy({ zaaktype: 'CUT01' }), { copied: ['1234CUT03'], present: ['1234CUT01', '1234CUT02'], queued: [], unknown: [] });
    await assertSameOnBothSides('1234CUT03', []);
    const done = await migration.cutOver('CUT01');
    assert.equal(done.done, true, JSON.stringify(done));
    assert.deepEqual((await migration.status()).overrides.map((o) => [o.zaaktype, o.mode]), [['CUT01', 'translate']]);
    // Counter past the highest legacy identificatie: legacy issued 3, the cut-over asked a 4th.
    assert.match(done.raisedPast.zaak ?? '', /^1234\d{4}0000004$/, JSON.stringify(done));
    const gen = await viaZaakpoort(m.genereerIdentificatie('Zaak', '1.2'));
    assert.match(m.extract(gen.text, 'identificatie') ?? '', /^1234\d{4}0000005$/);

    // From now on CUT01 is translate: Zaakpoort's own backend only, the legacy system no longer sees it.
    const upd = await viaZaakpoort(m.updateZaak('1234CUT01', '<ZKN:omschrijving>Gecontroleerd</ZKN:omschrijving>', '<ZKN:omschrijving>Na cut-over</ZKN:omschrijving>'));
    assert.equal(upd.status, 200, upd.text);
    assert.equal((await zp.zp.backend.store.getZaak('1234CUT01'))?.omschrijving, 'Na cut-over');
    assert.equal((await legacy.zp.backend.store.getZaak('1234CUT01'))?.omschrijving, 'Gecontroleerd');
  });

  it('proxy: passed on unchanged, legacy faults returned unchanged, nothing stored on the new side', async () => {
    const create = m.creeerZaak({ identificatie: '1234PRX01', zaaktype: 'PRX01' }, '1.2');
    const ok = await viaZaakpoort(create);
    assert.equal(ok.status, 200, ok.text);
    assert.ok(await legacy.zp.backend.store.getZaak('1234PRX01'));
    assert.equal(await zp.zp.backend.store.getZaak('1234PRX01'), undefined);

    // The same creeerZaak again (another referentienummer): the legacy system's own fault, as it gives it directly.
    const viaZp = await viaZaakpoort(m.creeerZaak({ identificatie: '1234PRX01', zaaktype: 'PRX01' }, '1.2'));
    const directly = await direct(m.creeerZaak({ identificatie: '1234PRX01', zaaktype: 'PRX01' }, '1.2'));
    assert.equal(viaZp.status, directly.status);
    const faultOf = (xml: string) => ({
      faultstring: m.extract(xml, 'faultstring'),
      body: stripStuurgegevens(extractSoapPayload(xml).xml),
    });
    assert.deepEqual(faultOf(viaZp.text), faultOf(directly.text));
    assert.match(viaZp.text, /Fo03Bericht/);

    // A resend (same referentienummer) goes to the legacy system again, which answers it from its own log.
    const ref = m.nextRef();
    const first = await viaZaakpoort(m.creeerZaak({ identificatie: '1234PRX02', zaaktype: 'PRX01' }, '1.2', ref));
    const resend = await viaZaakpoort(m.creeerZaak({ identificatie: '1234PRX02', zaaktype: 'PRX01' }, '1.2', ref));
    assert.equal(first.status, 200, first.text);
    assert.equal(resend.status, 200, resend.text);
    assert.equal(extractSoapPayload(resend.text).xml, extractSoapPayload(first.text).xml, 'the legacy system\'s original Bv03');
    // Zaakpoort still measures what it passed on.
    const metrics = await fetch(`${zp.url}/metrics`).then((r) => r.text());
    assert.match(metrics, /\{[^}]*operation="creeerZaak_ZakLk01"[^}]*\} [1-9]/);
  });

  it('proxy: a document with its content reaches the legacy system byte for byte; SOAP 1.2 callers get SOAP 1.2', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
    const res = await zp.post(envelope(m.voegZaakdocumentToe('1234D-PRX1', '1234PRX01', bytes, '1.2'), '1.2'), { soapVersion: '1.2' });
    assert.equal(res.status, 200, res.text);
    assert.match(res.contentType, /application\/soap\+xml/);
    await assertSoapResponseValid(res.text);
    const doc = await legacy.zp.backend.store.getDocument('1234D-PRX1');
    assert.ok(doc?.latest.blobRef);
    const chunks: Buffer[] = [];
    for await (const c of legacy.zp.backend.content.open(doc.latest.blobRef)) chunks.push(c as Buffer);
    assert.deepEqual(Buffer.concat(chunks), bytes);
    assert.equal(await zp.zp.backend.store.getDocument('1234D-PRX1'), undefined);
    const lezen = await viaZaakpoort(m.geefZaakdocumentLezen('1234D-PRX1', '1.2'));
    assert.match(lezen.text, new RegExp(bytes.toString('base64').slice(0, 200).replace(/[+/]/g, '\\$&')));
  });

  it('proxy: an unreachable legacy system is a StUF058 that says so, not a hang or a stack trace', async () => {
    const down = await startServer({ migration: { legacy: { url: 'http://127.0.0.1:9/zds', timeoutMs: 5_000 }, default: 'proxy' } });
    try {
      const res = await down.post(envelope(m.geefZaakdetails('1234X', '1.2')));
      await assertSoapResponseValid(res.text);
      assert.equal(res.status, 500);
      assert.match(res.text, /StUF058/);
      assert.match(res.text, /Legacy zaaksysteem niet bereikbaar/);
      assert.match(res.text, /127\.0\.0\.1:9\/zds is niet bereikbaar/);
    } finally {
      await down.close();
    }
    // A legacy system that accepts the connection and never answers: the configured timeout, then StUF058.
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    const port = (silent.address() as { port: number }).port;
    const slow = await startServer({ migration: { legacy: { url: `http://127.0.0.1:${port}/zds`, timeoutMs: 300 }, default: 'proxy' } });
    try {
      const res = await slow.post(envelope(m.geefZaakdetails('1234X', '1.2')));
      await assertSoapResponseValid(res.text);
      assert.match(res.text, /StUF058/);
      assert.match(res.text, /antwoordde niet binnen 0\.3 s/);
    } finally {
      await slow.close();
      silent.close();
    }
  });

  it('proxy: Zaakpoort still validates: a schema-invalid bericht is refused here and never reaches the legacy system', async () => {
    const invalid = m.creeerZaak({ identificatie: '1234PRX09', zaaktype: 'PRX01' }, '1.2').replace(/<ZKN:zaakniveau>1<\/ZKN:zaakniveau>/, '');
    const res = await viaZaakpoort(invalid);
    assert.equal(res.status, 500);
    assert.match(res.text, /StUF055/);
    assert.equal(await legacy.zp.backend.store.getZaak('1234PRX09'), undefined);
  });

  it('proxy: a sender limited to zaaktypen stays limited on the legacy side', async () => {
    const limited = await startServer({ senders: [{ applicatie: 'SHV', zaaktypen: ['SHV01'] }], migration: { legacy: { url: `${legacy.url}/zds` }, default: 'proxy' } });
    try {
      const allowed = await limited.post(envelope(m.geefZaakdetails('1234SHV0001', '1.2')));
      await assertSoapResponseValid(allowed.text);
      assert.equal(allowed.status, 200, allowed.text);
      const refused = await limited.post(envelope(m.geefZaakdetails('1234PRX01', '1.2')));
      await assertSoapResponseValid(refused.text);
      assert.equal(refused.status, 500);
      assert.match(refused.text, /niet geautoriseerd voor dit zaaktype/);
      assert.match(refused.text, /zaak 1234PRX01 van zaaktype "PRX01"/);
    } finally {
      await limited.close();
    }
  });

  it('records every legacy call as a backend step of the bericht (kind legacy)', async () => {
    const collector: StepCollector = { steps: [] };
    const vraag = geefZaakdetailsAlles({ self: { applicatie: 'Zaakpoort' }, ontvanger: { applicatie: 'Oud' }, clock: { now: () => new Date() }, timeZone: 'Europe/Amsterdam' }, '1234SHV0001');
    const legacyClient = zp.zp.migration!.legacy;
    const answer = await runWithSteps(collector, () => legacyClient.call('BeantwoordVraag', vraag.operation, [vraag.xml], vraag.soapAction));
    await legacyClient.release(answer);
    assert.equal(answer.kind, 'ok');
    assert.equal(collector.steps.length, 1);
    const [step] = collector.steps;
    assert.equal(step?.kind, 'legacy');
    assert.equal(step?.url, `${legacy.url}/zds`);
    assert.equal(step?.status, 200);
    assert.match(step?.requestBody ?? '', /geefZaakdetails_ZakLv01/);
    assert.match(step?.responseBody ?? '', /geefZaakdetails_ZakLa01/);
  });

  it('the zaakpoort migration command prints the shadow report and the status, and copies', async () => {
    const { spawnSync } = await import('node:child_process');
    const cli = (...args: string[]) => {
      const res = spawnSync(process.execPath, [...cliArgs(), 'migration', ...args], {
        cwd: new URL('../..', import.meta.url).pathname,
        env: { ...process.env, ZAAKPOORT_DATA_DIR: zp.dataDir, ZAAKPOORT_GEMEENTECODE: '1234', ZAAKPOORT_LEGACY_URL: `${legacy.url}/zds` },
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(res.status, 0, res.stderr);
      return res.stdout;
    };
    const report = cli('shadow-report', '--zaaktype', 'SHV01');
    assert.match(report, /geefZaakdetails_ZakLv01 {2}zaak 1234SHV0002/);
    assert.match(report, /legacy: Tijdens storing\n\s+nieuw: {2}Alleen aan de nieuwe kant/);
    const status = JSON.parse(cli('status')) as { outbox: { pending: number }; overrides: Array<{ zaaktype: string; mode: string }> };
    assert.equal(status.outbox.pending, 0);
    assert.deepEqual(status.overrides.map((o) => [o.zaaktype, o.mode]), [['CUT01', 'translate']]);
    assert.match(cli('copy', '--zaak', '1234CUT01'), /gekopieerd: 0, al aanwezig: 1/);
  });
});
