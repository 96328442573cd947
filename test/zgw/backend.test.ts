/**
 * The ZGW backend's store on the ZGW TEST DOUBLE (an OAS-validating stand-in for Open Zaak, not Open Zaak):
 * creating and reading a zaak, the minimal update, closing, besluiten, zakLv01, and that every request the
 * backend sent is valid against the official OAS (double.violations stays empty).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { DuplicateError } from '../../src/ports/zaak-store.js';
import { StufFault } from '../../src/stuf/fault.js';
import { type ZgwFixture, initiator, listInZgw, openZgwFixture, zaakVoorZgw, zakenInZgw } from './helpers.js';

async function zaakUrl(f: ZgwFixture, id: string): Promise<string | undefined> {
  return (await listInZgw<{ url: string; identificatie: string }>(f.double, `${f.double.roots.zaken}/zaken?identificatie=${id}`))[0]?.url;
}

const calls = (f: ZgwFixture) => f.double.requests.filter((r) => !r.path.includes('/catalogi/'));

describe('zgw backend on the ZGW test double', () => {
  let f: ZgwFixture;
  before(async () => {
    f = await openZgwFixture();
  });
  after(async () => {
    await f?.close();
  });
  afterEach(() => {
    assert.deepEqual(f.double.violations, [], 'every request Zaakpoort sent is valid against the OAS');
  });

  it('creates a zaak with two rollen and a status in at most 5 ZGW calls (warm catalogue), and reads it back', async () => {
    await f.backend.store.getZaak('warm-up-catalogue');
    await f.backend.store.transaction((tx) => tx.insertZaak(zaakVoorZgw('036320240000009')));
    f.double.requests.length = 0;
    const zaak = zaakVoorZgw('036320240000001');
    await f.backend.store.transaction((tx) => tx.insertZaak(zaak));
    assert.ok(f.backend.store.lastUnitCalls <= 5, `creeerZaak took ${f.backend.store.lastUnitCalls} calls`);
    assert.deepEqual(calls(f).map((r) => `${r.method} ${r.path.replace(/^\/zaken\/api\/v1/, '')}`).sort(), ['POST /rollen', 'POST /rollen', 'POST /statussen', 'POST /zaken']);
    const back = await f.backend.store.getZaak(zaak.identificatie);
    assert.ok(back);
    assert.equal(back.omschrijving, zaak.omschrijving);
    assert.deepEqual(back.kenmerken, zaak.kenmerken);
    assert.deepEqual(back.einddatumGepland, zaak.einddatumGepland);
    assert.deepEqual(back.rollen.map((r) => [r.rolType, r.betrokkene.key, r.toelichting]).sort(), [['heeftAlsInitiator', '999993653', 'Aanvrager'], ['heeftAlsUitvoerende', 'mdw-001', undefined]]);
    assert.deepEqual(back.rollen.find((r) => r.rolType === 'heeftAlsInitiator')!.betrokkene, initiator.betrokkene);
    assert.equal(back.statussen.length, 1);
    assert.equal(back.statussen[0]!.datumStatusGezet, '20240315093012000');
    assert.equal(back.statussen[0]!.statustype.omschrijving, 'Ontvangen');
    assert.equal(back.statussen[0]!.toelichting, 'Binnen');
  });

  it('reads a zaak in at most 6 ZGW calls with a warm catalogue', async () => {
    f.double.requests.length = 0;
    await f.backend.store.getZaak('036320240000001');
    assert.ok(calls(f).length <= 6, `getZaak took ${calls(f).length} calls`);
  });

  it('refuses a duplicate identificatie with DuplicateError and leaves the existing zaak alone', async () => {
    await assert.rejects(f.backend.store.transaction((tx) => tx.insertZaak(zaakVoorZgw('036320240000001'))), (e: unknown) => e instanceof DuplicateError && e.kind === 'zaak');
    assert.equal((await zakenInZgw(f.double)).filter((z) => z === '036320240000001').length, 1);
  });

  it('refuses an unknown zaaktype, statustype or incomplete date before any call', async () => {
    f.double.requests.length = 0;
    await assert.rejects(f.backend.store.transaction((tx) => tx.insertZaak(zaakVoorZgw('036320240000002', { zaaktype: { code: 'ONBEKEND' } }))), (e: unknown) => e instanceof StufFault && e.omschrijving === 'Zaaktype onbekend');
    await assert.rejects(f.backend.store.transaction((tx) => tx.insertZaak(zaakVoorZgw('036320240000002', { statussen: [{ statustype: { volgnummer: '7' }, datumStatusGezet: '20240315093012000' }] }))), /Statustype onbekend/);
    await assert.rejects(f.backend.store.transaction((tx) => tx.insertZaak(zaakVoorZgw('036320240000002', { startdatum: { value: '20240300', onvolledig: 'D' } }))), /Onvolledige datum/);
    assert.deepEqual(calls(f).filter((r) => r.method !== 'GET'), []);
  });

  it('refuses a datumStatusGezet in the future, and an einddatum without eindstatus', async () => {
    await assert.rejects(f.backend.store.transaction((tx) => tx.insertZaak(zaakVoorZgw('036320240000002', { statussen: [{ statustype: { volgnummer: '1' }, datumStatusGezet: '20991231120000000' }] }))), /toekomst/);
    await assert.rejects(f.backend.store.transaction((tx) => tx.insertZaak(zaakVoorZgw('036320240000002', { einddatum: { value: '20240320' } }))), /Eindstatus vraagt een resultaat/);
    await assert.rejects(f.backend.store.transaction((tx) => tx.insertZaak(zaakVoorZgw('036320240000002', { einddatum: { value: '20991231' }, resultaat: { omschrijving: 'Toegekend' } }))), /Einddatum ligt in de toekomst/);
    assert.ok(!(await zakenInZgw(f.double)).includes('036320240000002'));
  });

  it('updates with the minimal calls: one PATCH for a changed field, unchanged rollen untouched, a changed rol deleted and created', async () => {
    const id = '036320240000001';
    f.double.requests.length = 0;
    await f.backend.store.transaction(async (tx) => {
      const z = (await tx.getZaak(id))!;
      await tx.updateZaak({ ...z, omschrijving: 'Gewijzigd' });
    });
    const writes = () => calls(f).filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace(/^\/zaken\/api\/v1/, '').replace(/[0-9a-f-]{36}/, '{uuid}')}`);
    assert.deepEqual(writes(), ['PATCH /zaken/{uuid}']);
    assert.deepEqual(calls(f).find((r) => r.method === 'PATCH')!.body, { omschrijving: 'Gewijzigd' });

    f.double.requests.length = 0;
    await f.backend.store.transaction(async (tx) => {
      const z = (await tx.getZaak(id))!;
      await tx.updateZaak({ ...z, rollen: z.rollen.map((r) => (r.rolType === 'heeftAlsUitvoerende' ? { ...r, toelichting: 'Nieuwe behandelaar' } : r)) });
    });
    assert.deepEqual(writes().sort(), ['DELETE /rollen/{uuid}', 'POST /rollen']);
    const back = (await f.backend.store.getZaak(id))!;
    assert.equal(back.omschrijving, 'Gewijzigd');
    assert.equal(back.rollen.find((r) => r.rolType === 'heeftAlsUitvoerende')!.toelichting, 'Nieuwe behandelaar');

    f.double.requests.length = 0;
    await f.backend.store.transaction(async (tx) => tx.updateZaak((await tx.getZaak(id))!));
    assert.deepEqual(writes(), [], 'an unchanged zaak causes no write at all');
  });

  it('closes: resultaat before the eindstatus; Open Zaak sets einddatum from the eindstatus in the configured zone', async () => {
    const id = '036320240000001';
    await f.backend.store.transaction(async (tx) => {
      const z = (await tx.getZaak(id))!;
      await assert.rejects(
        tx.updateZaak({ ...z, statussen: [...z.statussen, { statustype: { volgnummer: '3' }, datumStatusGezet: '20240401003000000' }] }),
        /Eindstatus vraagt een resultaat/,
      );
      // The refused update leaves the transaction failed, so it may end with an error; but not with a failed check.
    }).catch((e: unknown) => {
      if (e instanceof assert.AssertionError) throw e;
    });
    f.double.requests.length = 0;
    await f.backend.store.transaction(async (tx) => {
      const z = (await tx.getZaak(id))!;
      await tx.updateZaak({ ...z, resultaat: { omschrijving: 'Toegekend', toelichting: 'Na beoordeling' }, statussen: [...z.statussen, { statustype: { volgnummer: '3' }, datumStatusGezet: '20240401003000000' }] });
    });
    const order = calls(f).filter((r) => r.method === 'POST').map((r) => r.path.split('/').pop());
    assert.deepEqual(order, ['resultaten', 'statussen']);
    const back = (await f.backend.store.getZaak(id))!;
    // 00:30 local on 1 April is 31 March in UTC: the einddatum is the local date.
    assert.deepEqual(back.einddatum, { value: '20240401' });
    assert.deepEqual(back.resultaat, { omschrijving: 'Toegekend', toelichting: 'Na beoordeling' });
  });

  it('stores besluiten of a zaak, changes them minimally and lists them', async () => {
    const id = '036320240000009';
    await f.backend.store.transaction((tx) => tx.insertBesluit({ identificatie: '0363B000001', zaakIdentificatie: id, bstOmschrijving: 'Toekenning', datumBeslissing: { value: '20240320' }, ingangsdatumWerking: { value: '20240401' }, toelichting: 'Toegekend', documenten: [] }));
    const b = await f.backend.store.getBesluit('0363B000001');
    assert.deepEqual(b, { identificatie: '0363B000001', zaakIdentificatie: id, bstOmschrijving: 'Toekenning', datumBeslissing: { value: '20240320' }, ingangsdatumWerking: { value: '20240401' }, toelichting: 'Toegekend', documenten: [] });
    f.double.requests.length = 0;
    await f.backend.store.transaction((tx) => tx.updateBesluit({ ...b!, einddatumWerking: { value: '20250401' }, vervalreden: 'Besluit met tijdelijke werking' }));
    assert.deepEqual(f.double.requests.filter((r) => r.method === 'PATCH').map((r) => r.body), [{ vervaldatum: '2025-04-01', vervalreden: 'tijdelijk' }]);
    assert.deepEqual((await f.backend.store.listBesluiten(id)).map((x) => [x.identificatie, x.vervalreden]), [['0363B000001', 'Besluit met tijdelijke werking']]);
    await assert.rejects(f.backend.store.transaction((tx) => tx.insertBesluit({ ...b!, documenten: [] })), (e: unknown) => e instanceof DuplicateError && e.kind === 'besluit');
  });

  it('finds zaken by zakLv01 conditions, ordered by identificatie, with paging', async () => {
    const all = await f.backend.store.findZaken({ zaaktypeCode: { gelijk: 'B1026' }, limit: 10, countTotal: true });
    assert.deepEqual(all.zaken.map((z) => z.identificatie), ['036320240000001', '036320240000009']);
    assert.equal(all.total, 2);
    const first = await f.backend.store.findZaken({ limit: 1 });
    assert.deepEqual([first.zaken.map((z) => z.identificatie), first.more], [['036320240000001'], true]);
    const next = await f.backend.store.findZaken({ limit: 1, after: '036320240000001' });
    assert.deepEqual([next.zaken.map((z) => z.identificatie), next.more], [['036320240000009'], false]);
    const open = await f.backend.store.findZaken({ einddatum: { gelijk: null }, limit: 10 });
    assert.deepEqual(open.zaken.map((z) => z.identificatie), ['036320240000009']);
    const byInitiator = await f.backend.store.findZaken({ initiator: { kind: 'natuurlijkPersoon', keyElement: 'inp.bsn', key: '999993653' }, limit: 10 });
    assert.equal(byInitiator.zaken.length, 2);
  });

  it('closes a zaak that gets an einddatum and a resultaat but no eindstatus (ZDS 1.1 style) with the eindstatus on that date', async () => {
    const id = '036320240000003';
    await f.backend.store.transaction((tx) => tx.insertZaak(zaakVoorZgw(id, { einddatum: { value: '20240320' }, resultaat: { omschrijving: 'Afgewezen' } })));
    const back = (await f.backend.store.getZaak(id))!;
    assert.deepEqual(back.einddatum, { value: '20240320' });
    const eind = back.statussen.at(-1)!;
    assert.deepEqual([eind.statustype.volgnummer, eind.datumStatusGezet], ['3', '20240320235959000']);
    assert.match(eind.toelichting ?? '', /einddatum 20240320/);
  });

  it('keeps relations: hoofdzaak/deelzaak and andere zaken, read back from both sides', async () => {
    const hoofd = '036320240000010';
    const deel = '036320240000011';
    await f.backend.store.transaction((tx) => tx.insertZaak(zaakVoorZgw(hoofd, { statussen: [] })));
    await f.backend.store.transaction((tx) => tx.insertZaak({
      ...zaakVoorZgw(deel, { statussen: [], rollen: [] }), zaaktype: { code: 'B1027' },
      relaties: [{ soort: 'heeftAlsHoofdzaak', identificatie: hoofd }, { soort: 'heeftBetrekkingOpAndere', identificatie: '036320240000001' }],
    }));
    const d = (await f.backend.store.getZaak(deel))!;
    assert.deepEqual(d.relaties, [{ soort: 'heeftAlsHoofdzaak', identificatie: hoofd }, { soort: 'heeftBetrekkingOpAndere', identificatie: '036320240000001' }]);
    assert.equal(d.zaakniveau, '2');
    const h = (await f.backend.store.getZaak(hoofd))!;
    assert.deepEqual(h.relaties, [{ soort: 'heeftAlsDeelzaak', identificatie: deel }]);
    assert.equal(h.deelzakenIndicatie, 'J');
    // A relation to a zaak ZGW does not hold is kept as a reference beside ZGW (issue 9), not refused.
    await f.backend.store.transaction((tx) => tx.insertZaak(zaakVoorZgw('036320240000012', { relaties: [{ soort: 'heeftBetrekkingOpAndere', identificatie: 'bestaat-niet' }] })));
    assert.deepEqual((await f.backend.store.getZaak('036320240000012'))!.relaties, [{ soort: 'heeftBetrekkingOpAndere', identificatie: 'bestaat-niet' }]);
  });

  it('ends a rol: gone from ZGW, kept as history by Zaakpoort; an einddatum that differs from the eindstatus is refused', async () => {
    const id = '036320240000009';
    await f.backend.store.transaction(async (tx) => {
      const z = (await tx.getZaak(id))!;
      await tx.updateZaak({ ...z, rollen: z.rollen.map((r) => (r.rolType === 'heeftAlsUitvoerende' ? { ...r, eindRelatie: '20240320' } : r)) });
    });
    const rollen = await listInZgw<{ betrokkeneType: string }>(f.double, `${f.double.roots.zaken}/rollen?zaak=${encodeURIComponent((await zaakUrl(f, id))!)}`);
    assert.deepEqual(rollen.map((r) => r.betrokkeneType), ['natuurlijk_persoon']);
    const back = (await f.backend.store.getZaak(id))!;
    assert.deepEqual(back.rollen.map((r) => [r.rolType, r.eindRelatie]), [['heeftAlsInitiator', undefined], ['heeftAlsUitvoerende', '20240320']]);
    await assert.rejects(f.backend.store.transaction(async (tx) => {
      const z = (await tx.getZaak(id))!;
      await tx.updateZaak({ ...z, einddatum: { value: '20240402' }, resultaat: { omschrijving: 'Toegekend' }, statussen: [...z.statussen, { statustype: { volgnummer: '3' }, datumStatusGezet: '20240401120000000' }] });
    }), /Einddatum wijkt af van de eindstatus/);
  });

  it('generates identificaties from its own counter and skips one that already exists in ZGW', async () => {
    const first = await f.backend.ids.reserve('zaak', undefined);
    assert.match(first, /^0363\d{4}\d{7}$/);
    // Another application made the next value in ZGW meanwhile.
    const next = first.slice(0, -7) + String(Number(first.slice(-7)) + 1).padStart(7, '0');
    await f.backend.store.transaction((tx) => tx.insertZaak(zaakVoorZgw(next, { rollen: [], statussen: [] })));
    const issued = await f.backend.ids.reserve('zaak', undefined);
    assert.notEqual(issued, next);
    assert.ok(issued > next);
  });

  it('reports each API separately for /health', async () => {
    assert.deepEqual(await f.backend.health!(), { zaken: 'ok', documenten: 'ok', catalogi: 'ok', besluiten: 'ok', lokaal: 'ok' });
    const listed = await listInZgw(f.double, `${f.double.roots.catalogi}/zaaktypen`);
    assert.ok(listed.length >= 2);
  });
});
