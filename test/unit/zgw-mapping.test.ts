/** The ZGW backend's pure mappings: times, dates, betrokkenen, rollen, the minimal PATCH, errors → StUF faults. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateZgwSettings, zgwSettingsFromEnv } from '../../src/backends/zgw/config.js';
import { toStufFault } from '../../src/backends/zgw/errors.js';
import { ZgwHttpError, ZgwUnreachableError } from '../../src/backends/zgw/http.js';
import { betrokkeneFromZgw, betrokkeneToZgw, rolFingerprint, rolFromZgw, rolToZgw, rolTypeOf, roltypeFor } from '../../src/backends/zgw/map-rol.js';
import { documentSidecar, eioFields } from '../../src/backends/zgw/documents/map-document.js';
import { changedFields, dateToZgw, tijdstipFromZgw, tijdstipToZgw, zaakFields } from '../../src/backends/zgw/map-zaak.js';
import type { Rol, Zaak } from '../../src/domain/model.js';
import { NS } from '../../src/stuf/namespaces.js';
import { StufFault } from '../../src/stuf/fault.js';

const TZ = 'Europe/Amsterdam';

describe('zgw mapping: times', () => {
  it('sends StUF tijdstippen with the zone offset of that moment, and reads ZGW UTC back into the zone', () => {
    assert.equal(tijdstipToZgw('20261201193000000', TZ), '2026-12-01T19:30:00+01:00');
    assert.equal(tijdstipToZgw('20260701193000123', TZ), '2026-07-01T19:30:00.123+02:00');
    assert.equal(tijdstipFromZgw('2026-12-01T18:30:00Z', TZ), '20261201193000000');
    // Just after midnight local is the previous day in UTC: the offset keeps Open Zaak's einddatum on the local date.
    assert.equal(tijdstipToZgw('20261201003000000', TZ), '2026-12-01T00:30:00+01:00');
    assert.equal(tijdstipFromZgw('2026-11-30T23:30:00Z', TZ), '20261201003000000');
  });

  it('keeps dates as dates and refuses incomplete ones with a clear fault', () => {
    assert.equal(dateToZgw({ value: '20240315' }, 'startdatum'), '2024-03-15');
    assert.equal(dateToZgw(undefined, 'startdatum'), null);
    assert.throws(() => dateToZgw({ value: '20240300', onvolledig: 'D' }, 'startdatum'), (e: unknown) => e instanceof StufFault && e.code === 'StUF058' && /startdatum/.test(e.details ?? ''));
  });
});

const bg = (local: string, value: string) => ({ ns: NS.bg, local, value });

describe('zgw mapping: betrokkenen', () => {
  it('maps a natuurlijk persoon with verblijfsadres both ways', () => {
    const b = {
      kind: 'natuurlijkPersoon' as const, key: '999993653', keyElement: 'inp.bsn',
      leaves: [
        bg('inp.bsn', '999993653'), bg('geslachtsnaam', 'Jansen'), bg('voorletters', 'J.'), bg('geslachtsaanduiding', 'V'), bg('geboortedatum', '19800101'),
        { ns: NS.bg, local: 'verblijfsadres', value: '', children: [bg('aoa.identificatie', '0344200000100001'), bg('wpl.woonplaatsNaam', 'Utrecht'), bg('gor.openbareRuimteNaam', 'Stationsplein'), bg('aoa.postcode', '3511ED'), bg('aoa.huisnummer', '12')] },
      ],
    };
    const z = betrokkeneToZgw(b);
    assert.equal(z.betrokkeneType, 'natuurlijk_persoon');
    assert.deepEqual(z.betrokkeneIdentificatie, {
      inpBsn: '999993653', geslachtsnaam: 'Jansen', voorletters: 'J.', geslachtsaanduiding: 'v', geboortedatum: '19800101',
      verblijfsadres: { aoaIdentificatie: '0344200000100001', wplWoonplaatsNaam: 'Utrecht', gorOpenbareRuimteNaam: 'Stationsplein', aoaPostcode: '3511ED', aoaHuisnummer: 12 },
    });
    // Open Zaak answers every field of the type, empty ones as "".
    const answered = { ...z.betrokkeneIdentificatie, anpIdentificatie: '', inpA_nummer: '', voornamen: '', voorvoegselGeslachtsnaam: '' };
    assert.deepEqual(betrokkeneFromZgw('natuurlijk_persoon', answered), b);
  });

  it('maps every betrokkeneType and its key', () => {
    const cases: Array<[Parameters<typeof betrokkeneToZgw>[0], string, Record<string, unknown>]> = [
      [{ kind: 'nietNatuurlijkPersoon', key: '123456782', keyElement: 'inn.nnpId', leaves: [bg('inn.nnpId', '123456782'), bg('statutaireNaam', 'Voorbeeld B.V.')] }, 'niet_natuurlijk_persoon', { innNnpId: '123456782', statutaireNaam: 'Voorbeeld B.V.' }],
      [{ kind: 'vestiging', key: '000012345678', keyElement: 'vestigingsNummer', leaves: [bg('vestigingsNummer', '000012345678'), bg('handelsnaam', 'Winkel')] }, 'vestiging', { vestigingsNummer: '000012345678', handelsnaam: ['Winkel'] }],
      [{ kind: 'organisatorischeEenheid', key: 'VERG', keyElement: 'identificatie', leaves: [{ ns: NS.zkn, local: 'identificatie', value: 'VERG' }, { ns: NS.zkn, local: 'naam', value: 'Vergunningen' }] }, 'organisatorische_eenheid', { identificatie: 'VERG', naam: 'Vergunningen' }],
      [{ kind: 'medewerker', key: 'mdw-001', keyElement: 'identificatie', leaves: [{ ns: NS.zkn, local: 'identificatie', value: 'mdw-001' }, { ns: NS.zkn, local: 'achternaam', value: 'Pietersen' }] }, 'medewerker', { identificatie: 'mdw-001', achternaam: 'Pietersen' }],
    ];
    for (const [b, type, id] of cases) {
      const z = betrokkeneToZgw(b);
      assert.equal(z.betrokkeneType, type);
      assert.deepEqual(z.betrokkeneIdentificatie, id);
      assert.deepEqual(betrokkeneFromZgw(z.betrokkeneType, z.betrokkeneIdentificatie), b);
    }
  });
});

const roltypen = ['initiator', 'belanghebbende', 'behandelaar', 'zaakcoordinator', 'adviseur'].map((g) => ({ url: `http://zgw/roltypen/${g}`, omschrijving: g, omschrijvingGeneriek: g }));

describe('zgw mapping: rollen', () => {
  const rol: Rol = { rolType: 'heeftAlsGemachtigde', betrokkene: { kind: 'medewerker', key: 'm1', keyElement: 'identificatie', leaves: [] }, emailadres: 'a@example.org' };

  it('chooses roltypen by the documented defaults and a profile overrides them', () => {
    assert.equal(roltypeFor('heeftAlsUitvoerende', roltypen, undefined)?.omschrijvingGeneriek, 'behandelaar');
    assert.equal(roltypeFor('heeftAlsVerantwoordelijke', roltypen, undefined)?.omschrijvingGeneriek, 'zaakcoordinator');
    assert.equal(roltypeFor('heeftAlsOverigBetrokkene', roltypen, undefined)?.omschrijvingGeneriek, 'adviseur');
    assert.equal(roltypeFor('heeftAlsUitvoerende', roltypen, { roltypen: { heeftAlsUitvoerende: 'omschrijving:adviseur' } })?.url, 'http://zgw/roltypen/adviseur');
    assert.equal(rolTypeOf({ omschrijving: 'x', omschrijvingGeneriek: 'beslisser' }, undefined), 'heeftAlsVerantwoordelijke');
  });

  it('marks a gemachtigde on the rol and reads it back; a missing toelichting round-trips as absent', () => {
    const body = rolToZgw(rol, roltypeFor(rol.rolType, roltypen, undefined)!);
    assert.equal(body.indicatieMachtiging, 'gemachtigde');
    assert.equal(body.roltoelichting, 'heeftAlsGemachtigde');
    const back = rolFromZgw({ url: 'u', omschrijving: 'belanghebbende', omschrijvingGeneriek: 'belanghebbende', ...(body as { roltype: string; betrokkeneType: 'medewerker'; roltoelichting: string; indicatieMachtiging: string }), contactpersoonRol: { emailadres: 'a@example.org', naam: '' }, betrokkeneIdentificatie: { identificatie: 'm1', achternaam: '', voorletters: '' } }, undefined);
    assert.deepEqual(back, { ...rol, betrokkene: { ...rol.betrokkene, leaves: [{ ns: NS.zkn, local: 'identificatie', value: 'm1' }] } });
  });

  it('fingerprints ignore the empty fields Open Zaak fills in, and see a real change', () => {
    const body = rolToZgw(rol, roltypen[1]!) as Parameters<typeof rolFingerprint>[0];
    const answered = { ...body, betrokkeneIdentificatie: { ...body.betrokkeneIdentificatie, achternaam: '', voorletters: '' }, contactpersoonRol: { emailadres: 'a@example.org', functie: '', telefoonnummer: '', naam: '' } };
    assert.equal(rolFingerprint(answered), rolFingerprint(body));
    assert.notEqual(rolFingerprint({ ...body, roltoelichting: 'anders' }), rolFingerprint(body));
  });
});

describe('zgw mapping: the zaak and its minimal PATCH', () => {
  const zaak: Zaak = {
    identificatie: 'Z1', zaaktype: { code: 'B1' }, kenmerken: [{ kenmerk: 'K', bron: 'B' }], anderZaakObjecten: [],
    startdatum: { value: '20240315' }, registratiedatum: { value: '20240315' }, zaakniveau: '1', deelzakenIndicatie: 'N',
    rollen: [], statussen: [], relaties: [], omschrijving: 'Oud', betalingsIndicatie: 'Gedeeltelijk', verlenging: { duur: '14', reden: 'r' },
  };

  it('translates the ZDS values ZGW spells differently', () => {
    const f = zaakFields(zaak, TZ);
    assert.equal(f.betalingsindicatie, 'gedeeltelijk');
    assert.deepEqual(f.verlenging, { reden: 'r', duur: 'P14D' });
    assert.equal(f.startdatum, '2024-03-15');
  });

  it('sends only the fields that changed', () => {
    const stored = { ...zaakFields(zaak, TZ), opschorting: { indicatie: false, reden: '' }, toelichting: '', laatsteBetaaldatum: null, url: 'x' };
    assert.deepEqual(changedFields(stored, zaakFields(zaak, TZ)), {});
    assert.deepEqual(changedFields(stored, zaakFields({ ...zaak, omschrijving: 'Nieuw' }, TZ)), { omschrijving: 'Nieuw' });
  });
});

describe('zgw errors as StUF faults', () => {
  const call = { api: 'zaken' as const, method: 'POST' as const, purpose: 'rol toevoegen' };

  it('names the ZDS element and the ZGW reason for a 400, without URLs', () => {
    const f = toStufFault(new ZgwHttpError(call, '/rollen', 400, { code: 'invalid', invalidParams: [{ name: 'betrokkeneIdentificatie.inpBsn', code: 'invalid', reason: 'Onjuist RSIN nummer.' }, { name: 'roltype', code: 'does_not_exist', reason: 'Bad URL "http://oz.example/catalogi/api/v1/roltypen/1" - object could not be fetched.' }] }), 'zp') as StufFault;
    assert.equal(f.code, 'StUF058');
    assert.match(f.details!, /inp\.bsn: Onjuist RSIN nummer\./);
    assert.doesNotMatch(f.details!, /oz\.example/);
  });

  it('says which API refused the client for a 403, StUF064 for a 404, and "niet bereikbaar" without errno text', () => {
    const refused = toStufFault(new ZgwHttpError(call, '/rollen', 403, { code: 'permission_denied' }), 'zaakpoort') as StufFault;
    assert.match(refused.omschrijving, /Zaken API weigert de client/);
    assert.match(refused.details!, /zaakpoort.*rol toevoegen/);
    assert.equal((toStufFault(new ZgwHttpError(call, '/x', 404, {}), 'zp') as StufFault).code, 'StUF064');
    const down = toStufFault(new ZgwUnreachableError(call, '/rollen', true, 'verbinding mislukt (ECONNRESET)'), 'zp') as StufFault;
    assert.equal(down.omschrijving, 'Zaaksysteem (ZGW) niet bereikbaar');
    assert.doesNotMatch(down.details!, /ECONNRESET|\/rollen/);
  });
});

describe('zgw settings', () => {
  it('reads the environment and refuses what cannot work, naming the variable', () => {
    const env = {
      ZAAKPOORT_ZGW_ZAKEN_URL: 'http://oz/zaken/api/v1', ZAAKPOORT_ZGW_DOCUMENTEN_URL: 'http://oz/documenten/api/v1',
      ZAAKPOORT_ZGW_CATALOGI_URL: 'http://oz/catalogi/api/v1', ZAAKPOORT_ZGW_BESLUITEN_URL: 'http://oz/besluiten/api/v1',
      ZAAKPOORT_ZGW_CLIENT_ID: 'zp', ZAAKPOORT_ZGW_SECRET: 's', ZAAKPOORT_ZGW_RSIN: '{"0363":"002220647"}',
      ZAAKPOORT_ZGW_CATALOGUS: '{"domein":"ZAAK","rsin":"002220647"}',
    };
    const s = zgwSettingsFromEnv(env, undefined);
    assert.deepEqual(s.rsin, { '0363': '002220647' });
    assert.deepEqual(s.catalogus, { domein: 'ZAAK', rsin: '002220647' });
    const err = (m: string) => new Error(m);
    validateZgwSettings(s, err);
    assert.throws(() => validateZgwSettings({ ...s, zakenUrl: '' }, err), /ZAAKPOORT_ZGW_ZAKEN_URL/);
    assert.throws(() => validateZgwSettings({ ...s, rsin: '12' }, err), /ZAAKPOORT_ZGW_RSIN/);
  });
});

describe('zgw mapping: document taal', () => {
  const fields = (taal: string | undefined) => eioFields({ identificatie: 'D1', auteur: 'A', ...(taal === undefined ? {} : { taal }) }, undefined, { taal: 'dut' }, '2024-06-15').taal;

  it('sends the configured default for a missing or empty taal (the Documenten API refuses a blank one)', () => {
    assert.equal(fields(undefined), 'dut');
    assert.equal(fields(''), 'dut');
  });

  it('sends the ISO 639-1 code of a common language as ISO 639-2/B, anything else as it came', () => {
    assert.equal(fields('nl'), 'dut');
    assert.equal(fields('EN'), 'eng');
    assert.equal(fields('nld'), 'nld');
    // No ISO 639-2/B code (the StUF-testplatform's placeholder): the default goes to ZGW, the text is kept beside it.
    assert.equal(fields('taal'), 'dut');
    assert.deepEqual(documentSidecar({ identificatie: 'D1', taal: 'taal' }), { taal: 'taal' });
    assert.deepEqual(documentSidecar({ identificatie: 'D1', taal: 'nl' }), { taal: 'nl' });
    assert.equal(documentSidecar({ identificatie: 'D1', taal: 'dut' }), undefined);
  });

  it('sends a link only when it is a URL the Documenten API holds; another one is kept beside it', () => {
    const link = (l: string) => eioFields({ identificatie: 'D1', auteur: 'A', link: l }, undefined, { taal: 'dut' }, '2024-06-15').link;
    assert.equal(link('https://example.org/doc'), 'https://example.org/doc');
    assert.equal(link('link'), '');
    assert.deepEqual(documentSidecar({ identificatie: 'D1', link: 'link' }), { link: 'link' });
    assert.equal(documentSidecar({ identificatie: 'D1', link: 'https://example.org/doc' }), undefined);
  });
});
