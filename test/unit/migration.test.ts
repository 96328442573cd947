/** Migration routing rules, the element-by-element comparison, the legacy vragen and the configuration keys. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { parseGeneratedIdentificatie } from '../../src/domain/identificatie.js';
import { compareAnswers, flatten } from '../../src/migration/compare.js';
import * as vragen from '../../src/migration/legacy-vragen.js';
import { LegacyClient } from '../../src/migration/legacy-client.js';
import { chooseMode, dependsOnZaaktype, routingKey } from '../../src/migration/modes.js';
import { readEnvelope } from '../../src/soap/envelope-reader.js';
import type { DocumentContentStore } from '../../src/ports/document-content-store.js';
import type { Clock } from '../../src/stuf/dates.js';
import type { XmlElement } from '../../src/xml/tree.js';
import * as m from '../helpers/messages.js';
import { assertSchemaValid } from '../helpers/xsd.js';
import { envelope } from '../helpers/zaakpoort.js';

/** Parsing only: bodies without document content never reach the content store. */
const noContent = {} as DocumentContentStore;
async function tree(body: string): Promise<XmlElement> {
  return (await readEnvelope(Readable.from([Buffer.from(envelope(body))]), { contentType: 'text/xml', maxBytes: 1 << 20, maxDepth: 100, content: noContent })).body;
}

describe('migration: choosing the mode', () => {
  const cfg = {
    default: 'proxy' as const,
    operations: { genereerZaakIdentificatie_Di02: 'replicate' as const },
    zaaktypen: { A: 'replicate' as const, B: { mode: 'translate' as const, operations: { geefZaakdetails_ZakLv01: 'proxy' as const } } },
  };
  it('most specific first: override, zaaktype+operation, zaaktype, operation, default, translate', () => {
    assert.equal(chooseMode(cfg, new Map([['A', 'translate']]), 'creeerZaak_ZakLk01', 'A'), 'translate');
    assert.equal(chooseMode(cfg, new Map(), 'creeerZaak_ZakLk01', 'A'), 'replicate');
    assert.equal(chooseMode(cfg, new Map(), 'geefZaakdetails_ZakLv01', 'B'), 'proxy');
    assert.equal(chooseMode(cfg, new Map(), 'updateZaak_ZakLk01', 'B'), 'translate');
    assert.equal(chooseMode(cfg, new Map(), 'genereerZaakIdentificatie_Di02', undefined), 'replicate');
    assert.equal(chooseMode(cfg, new Map(), 'updateZaak_ZakLk01', 'ONBEKEND'), 'proxy');
    assert.equal(chooseMode({}, new Map(), 'updateZaak_ZakLk01', undefined), 'translate');
    assert.equal(dependsOnZaaktype({}, new Map()), false);
    assert.equal(dependsOnZaaktype({}, new Map([['A', 'translate']])), true);
  });

  it('finds zaak, document and zaaktype in every kind of bericht', async () => {
    assert.deepEqual(routingKey(await tree(m.creeerZaak({ identificatie: '1234Z1', zaaktype: 'SHV01' }, '1.2'))), { zaak: '1234Z1', zaaktype: 'SHV01' });
    assert.deepEqual(routingKey(await tree(m.creeerZaak({ identificatie: '1234Z1', zaaktype: 'SHV01' }, '1.1'))), { zaak: '1234Z1', zaaktype: 'SHV01' });
    assert.deepEqual(routingKey(await tree(m.updateZaak('1234Z2', '<ZKN:omschrijving>a</ZKN:omschrijving>', '<ZKN:omschrijving>b</ZKN:omschrijving>'))), { zaak: '1234Z2' });
    assert.deepEqual(routingKey(await tree(m.geefZaakdetails('1234Z3', '1.2'))), { zaak: '1234Z3' });
    assert.deepEqual(routingKey(await tree(m.voegZaakdocumentToe('D1', '1234Z4', Buffer.alloc(0), '1.2'))), { document: 'D1', zaak: '1234Z4' });
    assert.deepEqual(routingKey(await tree(m.geefZaakdocumentLezen('D2', '1.2'))), { document: 'D2' });
    assert.deepEqual(routingKey(await tree(m.genereerIdentificatie('Zaak', '1.2'))), {});
    // The stuurgegevens' entiteittype (an element, not the attribute) is no routing key.
    assert.deepEqual(routingKey(await tree(m.geefLijstBesluiten('1234Z5', '1.2'))), { zaak: '1234Z5' });
  });
});

describe('migration: comparing answers element by element', () => {
  const la01 = (omschrijving: string, extra = '') =>
    `<ZDS:geefZaakdetails_ZakLa01 xmlns:ZDS="http://www.stufstandaarden.nl/koppelvlak/zds0120" xmlns:ZKN="http://www.egem.nl/StUF/sector/zkn/0310" xmlns:StUF="http://www.egem.nl/StUF/StUF0301">` +
    `<ZKN:stuurgegevens><StUF:berichtcode>La01</StUF:berichtcode><StUF:tijdstipBericht>${Date.now()}</StUF:tijdstipBericht></ZKN:stuurgegevens>` +
    `<ZKN:antwoord><ZKN:object StUF:entiteittype="ZAK"><ZKN:identificatie>1</ZKN:identificatie><ZKN:omschrijving>${omschrijving}</ZKN:omschrijving>${extra}` +
    '<ZKN:heeft><ZKN:volgnummer>1</ZKN:volgnummer></ZKN:heeft><ZKN:heeft><ZKN:volgnummer>2</ZKN:volgnummer></ZKN:heeft></ZKN:object></ZKN:antwoord></ZDS:geefZaakdetails_ZakLa01>';
  it('ignores the stuurgegevens and reports changed, missing and extra elements by path', async () => {
    assert.deepEqual(compareAnswers(await tree(la01('a')), await tree(la01('a'))), []);
    assert.deepEqual(compareAnswers(await tree(la01('a')), await tree(la01('b', '<ZKN:toelichting>t</ZKN:toelichting>'))), [
      { path: '/geefZaakdetails_ZakLa01/antwoord/object/omschrijving', legacy: 'a', nieuw: 'b' },
      { path: '/geefZaakdetails_ZakLa01/antwoord/object/toelichting', nieuw: 't' },
    ]);
    // What a ZGW system always fills in (the zaaktype's ingangsdatumObject) is no difference when only it has it ...
    const isVan = (datum: string) => `<ZKN:isVan><ZKN:gerelateerde><ZKN:code>SHV01</ZKN:code>${datum}</ZKN:gerelateerde></ZKN:isVan>`;
    assert.deepEqual(compareAnswers(await tree(la01('a', isVan(''))), await tree(la01('a', isVan('<ZKN:ingangsdatumObject>20200101</ZKN:ingangsdatumObject>')))), []);
    // ... but still one when both sides give it and it differs.
    assert.deepEqual(compareAnswers(await tree(la01('a', isVan('<ZKN:ingangsdatumObject>20190101</ZKN:ingangsdatumObject>'))), await tree(la01('a', isVan('<ZKN:ingangsdatumObject>20200101</ZKN:ingangsdatumObject>')))), [
      { path: '/geefZaakdetails_ZakLa01/antwoord/object/isVan/gerelateerde/ingangsdatumObject', legacy: '20190101', nieuw: '20200101' },
    ]);
    const flat = flatten(await tree(la01('a')));
    assert.equal(flat.get('/geefZaakdetails_ZakLa01/antwoord/object[1]/heeft[2]/volgnummer'), undefined);
    assert.equal(flat.get('/geefZaakdetails_ZakLa01/antwoord/object/heeft[2]/volgnummer'), '2');
    assert.equal(flat.get('/geefZaakdetails_ZakLa01/antwoord/object/@entiteittype'), 'ZAK');
  });
});

describe('migration: the berichten Zaakpoort sends to the legacy system', () => {
  const ctx = { self: { applicatie: 'Zaakpoort' }, ontvanger: { organisatie: '1234', applicatie: 'Oud' }, clock: { now: () => new Date('2026-11-24T10:00:00Z') } satisfies Clock, timeZone: 'Europe/Amsterdam' };
  it('are schema-valid', async () => {
    for (const v of [
      vragen.geefZaakdetailsAlles(ctx, '1234Z1'),
      vragen.geefZaaktype(ctx, '1234Z1'),
      vragen.geefLijstZaakdocumenten(ctx, '1234Z1'),
      vragen.geefZaakdocumentLezen(ctx, 'D1'),
      vragen.geefDocumentZaak(ctx, 'D1'),
      vragen.geefBesluitdetails(ctx, 'B1'),
      vragen.zakenVanZaaktype(ctx, 'SHV01', undefined, 100),
      vragen.zakenVanZaaktype(ctx, 'SHV01', '1234Z9', 100),
      vragen.genereerIdentificatie(ctx, 'Zaak'),
      vragen.genereerIdentificatie(ctx, 'Document'),
    ]) {
      await assertSchemaValid(v.xml);
    }
  });
});

describe('migration: legacy endpoints', () => {
  it('one URL for every port, or a URL per port where the legacy system has one path per port', () => {
    const client = new LegacyClient({ legacy: { url: 'http://oud/zds', ports: { BeantwoordVraag: 'http://oud/zds/vraag' } }, content: noContent, maxMessageBytes: 1, maxDepth: 1 });
    assert.equal(client.endpoint('BeantwoordVraag'), 'http://oud/zds/vraag');
    assert.equal(client.endpoint('OntvangAsynchroon'), 'http://oud/zds');
    assert.equal(client.timeoutMs, 30_000);
  });
});

describe('migration: reading a legacy identificatie against the template', () => {
  it('gives jaar and volgnummer, or undefined for another form', () => {
    assert.deepEqual(parseGeneratedIdentificatie('{gemeentecode}{jaar}{volgnummer:7}', '1234', '123420260000042'), { jaar: '2026', volgnummer: 42 });
    assert.deepEqual(parseGeneratedIdentificatie('{gemeentecode}B{volgnummer}', '1234', '1234B17'), { volgnummer: 17 });
    assert.deepEqual(parseGeneratedIdentificatie('ZK-{volgnummer:4}', '1234', 'ZK-123456'), { volgnummer: 123456 });
    assert.equal(parseGeneratedIdentificatie('{gemeentecode}{jaar}{volgnummer:7}', '1234', '999920260000042'), undefined);
    assert.equal(parseGeneratedIdentificatie('{gemeentecode}{jaar}{volgnummer:7}', '1234', '12342026000004'), undefined);
    assert.equal(parseGeneratedIdentificatie('ZK.{volgnummer}', '1234', 'ZKx12'), undefined, 'literal parts are literal');
  });
});

describe('migration: configuration', () => {
  it('ZAAKPOORT_LEGACY_URL and friends create the section; mistakes stop the start', () => {
    const cfg = loadConfig({ ZAAKPOORT_LEGACY_URL: 'http://oud.example/zds', ZAAKPOORT_MIGRATION_MODE: 'proxy', ZAAKPOORT_MIGRATION_SHADOW: 'true', ZAAKPOORT_LEGACY_TIMEOUT_MS: '5000' }, '/srv/zp');
    assert.deepEqual(cfg.migration, { legacy: { url: 'http://oud.example/zds', timeoutMs: 5000 }, default: 'proxy', shadow: true });
    assert.equal(loadConfig({}, '/srv/zp').migration, undefined);
    assert.throws(() => loadConfig({ ZAAKPOORT_LEGACY_URL: 'ftp://oud' }, '/srv/zp'), ConfigError);
    assert.throws(() => loadConfig({ ZAAKPOORT_LEGACY_URL: 'http://oud', ZAAKPOORT_MIGRATION_MODE: 'spiegel' }, '/srv/zp'), /translate, proxy, replicate/);
    assert.throws(() => loadConfig({ ZAAKPOORT_LEGACY_URL: 'http://oud', ZAAKPOORT_MIGRATION_SHADOW: 'ja' }, '/srv/zp'), ConfigError);
  });
});
