import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, ConfigSchema, loadConfig, maskSecrets, openOnNetworkWarning } from '../../src/config.js';
import { REPO_ROOT } from '../helpers/zaakpoort.js';

const dir = mkdtempSync(path.join(tmpdir(), 'zp-config-'));
let n = 0;
function withFile(content: unknown, env: Record<string, string> = {}) {
  const file = path.join(dir, `c${n++}.json`);
  writeFileSync(file, JSON.stringify(content));
  return loadConfig({ ZAAKPOORT_CONFIG: file, ...env }, dir);
}
function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    assert.match(e.message, pattern);
    assert.doesNotMatch(e.message, /\n/, 'one line');
    return true;
  });
}

describe('configuration schema', () => {
  it('refuses an unknown key, naming its path (a misspelt senders must not leave Zaakpoort open)', () => {
    refused(() => withFile({ sendrs: [{ applicatie: 'SHV' }] }), /onbekende instelling "sendrs"/);
    refused(() => withFile({ senders: [{ applicatie: 'SHV', opertions: [] }] }), /"senders\[0\]\.opertions"/);
    refused(() => withFile({ catalogue: { zaaktypen: [{ code: 'A', statustypen: [{ volgnummer: '1', omschrijving: 'x', eind: true }] }] } }), /catalogue\.zaaktypen\[0\]\.statustypen\[0\]\.eind/);
  });

  it('applies documented defaults inside sections: a catalogue without mode is permissive', () => {
    const cfg = withFile({ catalogue: { zaaktypen: [{ code: 'SHV01' }] } });
    assert.equal(cfg.catalogue.mode, 'permissive');
    assert.equal(cfg.catalogue.zaaktypen[0]?.code, 'SHV01');
    const partial = withFile({ idTemplates: { zaak: 'Z{volgnummer:5}' }, self: { organisatie: '1234' } });
    assert.equal(partial.idTemplates.document, '{gemeentecode}D{jaar}{volgnummer:7}');
    assert.equal(partial.self.applicatie, 'Zaakpoort');
  });

  it('a wrong type or value names the key and what is allowed', () => {
    refused(() => withFile({ catalogue: { mode: 'streng' } }), /catalogue\.mode moet permissive, strict zijn, niet "streng"/);
    refused(() => withFile({ port: '8080' }), /port moet een (geheel )?getal zijn, niet "8080"/);
    refused(() => withFile({ senders: [{ applicatie: 'X', validation: 'loose' }] }), /senders\[0\]\.validation moet strict, warn, off/);
    refused(() => withFile({ senders: [{ organisatie: '1' }] }), /senders\[0\]\.applicatie ontbreekt/);
    refused(() => withFile({ senders: [{ applicatie: 'X', basicAuth: { username: 'x', passwordHash: 'geheim' } }] }), /passwordHash moet een hash.*niet \(verborgen\)/);
    refused(() => withFile([1, 2]), /JSON-object/);
  });

  it('names the environment variable when a value came from it', () => {
    refused(() => loadConfig({ PORT: 'abc' }), /PORT \(port\) moet een/);
    refused(() => loadConfig({ ZAAKPOORT_VALIDATION: 'lax' }), /ZAAKPOORT_VALIDATION \(validation\) moet strict, warn, off zijn, niet "lax"/);
    refused(() => loadConfig({ ZAAKPOORT_DATABASE_POOL_MAX: '5' }), /alleen voor PostgreSQL/);
    refused(() => loadConfig({ ZAAKPOORT_TLS_CA: 'ca.pem' }), /tls\.cert ontbreekt/);
  });

  it('environment overrides the file also inside a section; ZAAKPOORT_DATABASE_URL keeps the file PostgreSQL settings', () => {
    const cfg = withFile({ backend: { kind: 'postgres', url: 'postgres://file@db/x', poolMax: 3 } }, { ZAAKPOORT_DATABASE_URL: 'postgres://zp:geheim@db/zaken' });
    assert.deepEqual(cfg.backend, { kind: 'postgres', url: 'postgres://zp:geheim@db/zaken', poolMax: 3 });
  });

  it('config.example.json shows every top-level setting and is valid', () => {
    const example = JSON.parse(readFileSync(path.join(REPO_ROOT, 'config.example.json'), 'utf8')) as Record<string, unknown>;
    const missing = Object.keys(ConfigSchema.shape).filter((k) => !(k in example));
    assert.deepEqual(missing, []);
    const senders = example.senders as Array<Record<string, unknown>>;
    for (const k of ['basicAuth', 'oin', 'certificateSubject', 'operations', 'zaaktypen', 'validation']) {
      assert.ok(senders.some((s) => k in s), `an example sender shows ${k}`);
    }
    loadConfig({ ZAAKPOORT_CONFIG: 'config.example.json' }, REPO_ROOT);
  });

  it('masks secrets in what config check prints', () => {
    const cfg = withFile({
      senders: [{ applicatie: 'SHV', basicAuth: { username: 'shv', passwordHash: '$scrypt$N=16384,r=8,p=1$abc$def' } }],
    }, { ZAAKPOORT_DATABASE_URL: 'postgres://zp:hunter2@db:5432/zaken' });
    const text = JSON.stringify(maskSecrets(cfg));
    assert.doesNotMatch(text, /hunter2|\$scrypt\$N/);
    assert.match(text, /postgres:\/\/zp:\*\*\*@db:5432\/zaken/);
    assert.match(text, /"username":"shv"/);
    // Keys colleagues add later are masked by name too (tokens, secrets, keys), and passwords in any URL.
    const later = maskSecrets({ ...cfg, extra: { clientSecret: 's3cret', apiToken: 't0ken', bsnKey: 'abcd', endpoint: 'https://u:pw@zgw.example/api' } } as never);
    assert.doesNotMatch(JSON.stringify(later), /s3cret|t0ken|abcd|:pw@/);
  });

  it('warns loudly when open and listening beyond loopback', () => {
    assert.equal(openOnNetworkWarning(loadConfig({})), undefined);
    assert.equal(openOnNetworkWarning(loadConfig({ HOST: '::1' })), undefined);
    assert.match(openOnNetworkWarning(loadConfig({ HOST: '0.0.0.0' })) ?? '', /OPEN.*0\.0\.0\.0/);
    assert.equal(openOnNetworkWarning(withFile({ host: '0.0.0.0', senders: [{ applicatie: 'SHV' }] })), undefined);
  });
});
