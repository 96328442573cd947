import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createCatalogue } from '../../src/catalogue/index.js';
import { ConfigError, defaultConfig, loadConfig } from '../../src/config.js';
import { REPO_ROOT } from '../helpers/zaakpoort.js';

describe('configuration', () => {
  it('defaults need no setup and resolve paths against the working directory', () => {
    const cfg = loadConfig({}, '/srv/zaakpoort');
    assert.equal(cfg.port, 8080);
    assert.equal(cfg.host, '127.0.0.1');
    assert.equal(cfg.dataDir, path.resolve('/srv/zaakpoort', 'data'));
    assert.equal(cfg.timeZone, 'Europe/Amsterdam');
    assert.equal(cfg.backend.kind, 'sqlite');
  });

  it('environment variables override the file, the file overrides the defaults', () => {
    const cfg = loadConfig({ ZAAKPOORT_CONFIG: 'config.example.json', PORT: '9090', ZAAKPOORT_GEMEENTECODE: '0363' }, REPO_ROOT);
    assert.equal(cfg.port, 9090);
    assert.equal(cfg.gemeentecode, '0363');
    assert.equal(cfg.catalogue.mode, 'strict');
    assert.equal(cfg.senders.length, 2);
  });

  it('a wrong value is a clear ConfigError, not a crash later', () => {
    assert.throws(() => loadConfig({ ZAAKPOORT_GEMEENTECODE: '12' }), (e: unknown) => e instanceof ConfigError && /4 cijfers/.test(e.message));
    assert.throws(() => loadConfig({ PORT: 'abc' }), ConfigError);
    assert.throws(() => loadConfig({ ZAAKPOORT_TIME_ZONE: 'Mars/Olympus' }), /tijdzone/);
    assert.throws(() => loadConfig({ ZAAKPOORT_CONFIG: 'does-not-exist.json' }, REPO_ROOT), /kan niet worden gelezen/);
  });
});

describe('catalogue', () => {
  const cfg = loadConfig({ ZAAKPOORT_CONFIG: 'config.example.json' }, REPO_ROOT);
  const cat = createCatalogue(cfg);

  it('finds statustypen by volgnummer, or by omschrijving when no volgnummer is given', () => {
    assert.equal(cat.findStatustype('SHV01', '2', undefined)?.omschrijving, 'Plan van aanpak');
    assert.equal(cat.findStatustype('SHV01', '0002', 'iets anders')?.omschrijving, 'Plan van aanpak');
    assert.equal(cat.findStatustype('SHV01', undefined, 'Intake')?.volgnummer, '1');
    assert.equal(cat.findStatustype('SHV01', '9', undefined), undefined);
    assert.equal(cat.findStatustype('ONBEKEND', '1', undefined), undefined);
  });

  it('marks the explicit eindstatus, or else the highest volgnummer', () => {
    assert.equal(cat.findStatustype('SHV01', '3', undefined)?.isEindstatus, true);
    assert.equal(cat.findStatustype('SHV01', '2', undefined)?.isEindstatus, false);
    const implicit = createCatalogue({
      ...defaultConfig(),
      catalogue: { mode: 'permissive', zaaktypen: [{ code: 'X', statustypen: [{ volgnummer: '1', omschrijving: 'a' }, { volgnummer: '5', omschrijving: 'b' }] }] },
    });
    assert.equal(implicit.findStatustype('X', '5', undefined)?.isEindstatus, true);
    assert.equal(implicit.findStatustype('X', '1', undefined)?.isEindstatus, false);
  });
});

describe('hardening settings', () => {
  it('retention, connection limits and password-check limits: defaults, environment, partial file values, refusals', async () => {
    const d = defaultConfig();
    assert.equal(d.messageRetentionDays, 30);
    assert.equal(d.authLimits.maxConcurrentVerifications, 1);
    const env = loadConfig({ ZAAKPOORT_MESSAGE_RETENTION_DAYS: '7', ZAAKPOORT_MAX_CONNECTIONS: '100', ZAAKPOORT_MAX_CONNECTIONS_PER_ADDRESS: '5', ZAAKPOORT_HEADERS_TIMEOUT_MS: '2000' });
    assert.deepEqual([env.messageRetentionDays, env.maxConnections, env.maxConnectionsPerAddress, env.headersTimeoutMs], [7, 100, 5, 2000]);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-cfg-'));
    try {
      await writeFile(path.join(dir, 'c.json'), JSON.stringify({ authLimits: { maxFailuresPerAddress: 3 } }));
      const cfg = loadConfig({ ZAAKPOORT_CONFIG: 'c.json' }, dir);
      assert.equal(cfg.authLimits.maxFailuresPerAddress, 3);
      assert.equal(cfg.authLimits.verifiedCacheTtlMs, d.authLimits.verifiedCacheTtlMs, 'the other limits keep their defaults');
      await writeFile(path.join(dir, 'bad.json'), JSON.stringify({ authLimits: { maxConcurrentVerifications: 0 } }));
      assert.throws(() => loadConfig({ ZAAKPOORT_CONFIG: 'bad.json' }, dir), /authLimits.maxConcurrentVerifications/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    assert.throws(() => loadConfig({ ZAAKPOORT_MESSAGE_RETENTION_DAYS: '-1' }), /messageRetentionDays/);
    assert.throws(() => loadConfig({ ZAAKPOORT_MAX_CONNECTIONS: '0' }), /maxConnections/);
  });
});
