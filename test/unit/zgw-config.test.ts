/** Configuration of the ZGW backend: environment, JSON file, and the errors that name the setting. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

const ENV = {
  ZAAKPOORT_BACKEND: 'zgw',
  ZAAKPOORT_ZGW_ZAKEN_URL: 'http://oz.example/zaken/api/v1',
  ZAAKPOORT_ZGW_DOCUMENTEN_URL: 'http://oz.example/documenten/api/v1',
  ZAAKPOORT_ZGW_CATALOGI_URL: 'http://oz.example/catalogi/api/v1',
  ZAAKPOORT_ZGW_BESLUITEN_URL: 'http://oz.example/besluiten/api/v1',
  ZAAKPOORT_ZGW_CLIENT_ID: 'zaakpoort',
  ZAAKPOORT_ZGW_SECRET: 'geheim',
  ZAAKPOORT_ZGW_RSIN: '002220647',
  ZAAKPOORT_ZGW_CATALOGUS: '{"domein":"ZAAK","rsin":"002220647"}',
};

describe('zgw configuration', () => {
  it('reads the quick path from the environment, with defaults for the rest', () => {
    const cfg = loadConfig(ENV, '/tmp');
    assert.equal(cfg.backend.kind, 'zgw');
    if (cfg.backend.kind !== 'zgw') return;
    assert.equal(cfg.backend.zakenUrl, ENV.ZAAKPOORT_ZGW_ZAKEN_URL);
    assert.deepEqual(cfg.backend.catalogus, { domein: 'ZAAK', rsin: '002220647' });
    assert.equal(cfg.backend.rsin, '002220647');
    assert.equal(cfg.backend.timeoutMs, 15_000);
    assert.equal(cfg.backend.local, undefined);
  });

  it('keeps Zaakpoort\'s own state in PostgreSQL when ZAAKPOORT_DATABASE_URL is set', () => {
    const cfg = loadConfig({ ...ENV, ZAAKPOORT_DATABASE_URL: 'postgres://127.0.0.1/test', ZAAKPOORT_DATABASE_POOL_MAX: '4' }, '/tmp');
    assert.equal(cfg.backend.kind, 'zgw');
    if (cfg.backend.kind !== 'zgw') return;
    assert.deepEqual(cfg.backend.local, { kind: 'postgres', url: 'postgres://127.0.0.1/test', poolMax: 4 });
  });

  it('refuses what cannot work, naming the variable', () => {
    assert.throws(() => loadConfig({ ...ENV, ZAAKPOORT_ZGW_RSIN: '12' }, '/tmp'), (e: unknown) => e instanceof ConfigError && /ZAAKPOORT_ZGW_RSIN/.test(e.message));
    assert.throws(() => loadConfig({ ...ENV, ZAAKPOORT_ZGW_ZAKEN_URL: 'geen url' }, '/tmp'), (e: unknown) => e instanceof ConfigError && /ZAAKPOORT_ZGW_ZAKEN_URL/.test(e.message));
    const { ZAAKPOORT_BACKEND: _b, ...withoutBackend } = ENV;
    assert.throws(() => loadConfig(withoutBackend, '/tmp'), /alleen voor de ZGW-backend/);
    assert.throws(() => loadConfig({ ...ENV, ZAAKPOORT_BACKEND: 'openzaak' }, '/tmp'), /sqlite, postgres of zgw/);
    const { ZAAKPOORT_ZGW_SECRET: _s, ...withoutSecret } = ENV;
    assert.throws(() => loadConfig(withoutSecret, '/tmp'), /backend\.secret/);
  });
});
