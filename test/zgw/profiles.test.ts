/** Translation profiles per zaaktype on the ZGW TEST DOUBLE (not Open Zaak): statustype by code, roltype choice. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Rol } from '../../src/domain/model.js';
import { NS } from '../../src/stuf/namespaces.js';
import { startZgwDouble } from '../zgw-double/index.js';
import { type ZgwFixture, RSIN, listInZgw, openZgwFixture, zaakVoorZgw } from './helpers.js';

describe('zgw translation profiles', () => {
  let f: ZgwFixture;
  let seeded: Awaited<ReturnType<Awaited<ReturnType<typeof startZgwDouble>>['seed']>>;
  before(async () => {
    const double = await startZgwDouble();
    seeded = await double.seed({
      catalogus: { domein: 'PROF', rsin: RSIN },
      zaaktypen: [{
        identificatie: 'P1', omschrijving: 'Profielzaak',
        statustypen: [{ omschrijving: 'Intake', omschrijvingGeneriek: 'INT' }, { omschrijving: 'Klaar', omschrijvingGeneriek: 'END' }],
        roltypen: ['initiator', 'beslisser', 'zaakcoordinator'], resultaattypen: ['Toegekend'], besluittypen: ['Toekenning', 'Afwijzing'],
      }],
    });
    f = await openZgwFixture({ double, settings: { catalogus: { domein: 'PROF', rsin: RSIN }, profiles: { P1: { statustypeMatch: 'code', roltypen: { heeftAlsVerantwoordelijke: 'beslisser' }, besluittype: 'Afwijzing' } } } });
  });
  after(async () => {
    await f?.close();
    await f?.double.close();
  });

  it('finds the statustype by code and the roltype the profile names, and reads them back', async () => {
    const verantwoordelijke: Rol = { rolType: 'heeftAlsVerantwoordelijke', betrokkene: { kind: 'organisatorischeEenheid', key: 'OE1', keyElement: 'identificatie', leaves: [{ ns: NS.zkn, local: 'identificatie', value: 'OE1' }] } };
    const zaak = { ...zaakVoorZgw('036320240000700', { rollen: [verantwoordelijke] }), zaaktype: { code: 'P1' }, statussen: [{ statustype: { volgnummer: '', code: 'INT' }, datumStatusGezet: '20240315093012000' }] };
    await f.backend.store.transaction((tx) => tx.insertZaak(zaak));
    const zt = seeded.zaaktypen.P1!;
    const statussen = await listInZgw<{ statustype: string }>(f.double, `${f.double.roots.zaken}/statussen`);
    assert.deepEqual(statussen.map((s) => s.statustype), [zt.statustypen.Intake]);
    const rollen = await listInZgw<{ roltype: string }>(f.double, `${f.double.roots.zaken}/rollen`);
    assert.deepEqual(rollen.map((r) => r.roltype), [zt.roltypen.beslisser]);
    const back = (await f.backend.store.getZaak('036320240000700'))!;
    assert.equal(back.rollen[0]!.rolType, 'heeftAlsVerantwoordelijke');
    assert.equal(back.statussen[0]!.statustype.omschrijving, 'Intake');
    assert.deepEqual(f.double.violations, []);
  });

  it('gives a besluit without bst.omschrijving the profile\'s besluittype, one that names it its own', async () => {
    const zaak = { ...zaakVoorZgw('036320240000701', { rollen: [] }), zaaktype: { code: 'P1' }, statussen: [] };
    const besluit = (identificatie: string, bstOmschrijving?: string) => ({
      identificatie, zaakIdentificatie: zaak.identificatie, datumBeslissing: { value: '20240501' }, ingangsdatumWerking: { value: '20240501' }, documenten: [],
      ...(bstOmschrijving ? { bstOmschrijving } : {}),
    });
    await f.backend.store.transaction(async (tx) => {
      await tx.insertZaak(zaak);
      await tx.insertBesluit(besluit('0363B000701'));
      await tx.insertBesluit(besluit('0363B000702', 'Toekenning'));
    });
    const zt = seeded.zaaktypen.P1!;
    const inZgw = await listInZgw<{ identificatie: string; besluittype: string }>(f.double, `${f.double.roots.besluiten}/besluiten`);
    const typeOf = (id: string) => inZgw.find((b) => b.identificatie === id)?.besluittype;
    assert.equal(typeOf('0363B000701'), zt.besluittypen.Afwijzing);
    assert.equal(typeOf('0363B000702'), zt.besluittypen.Toekenning);
    assert.equal((await f.backend.store.getBesluit('0363B000701'))?.bstOmschrijving, 'Afwijzing');
    assert.deepEqual(f.double.violations, []);
  });
});
