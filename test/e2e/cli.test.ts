/** The `zaakpoort` command as installed (bin/zaakpoort.mjs running the built bundle): help, exit codes, one-line errors. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { verifyPassword } from '../../src/server/passwords.js';
import { cliArgs } from '../helpers/built-server.js';
import { REPO_ROOT } from '../helpers/zaakpoort.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'zaakpoort-cli-'));

function zaakpoort(args: string[], env: Record<string, string> = {}, input?: string) {
  return spawnSync(process.execPath, [...cliArgs(), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ZAAKPOORT_CONFIG: '', ZAAKPOORT_DATA_DIR: path.join(tmp, 'data'), ...env },
    encoding: 'utf8',
    ...(input !== undefined ? { input } : {}),
  });
}

describe('zaakpoort command line', () => {
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('--help lists every command and exits 0', () => {
    const res = zaakpoort(['--help']);
    assert.equal(res.status, 0, res.stderr);
    for (const c of ['start', 'migrate', 'vrijgeven', 'overdragen', 'hash-password', 'provision-xsd', 'config', 'backup', 'restore']) {
      assert.match(res.stdout, new RegExp(`^  ${c}\\b`, 'm'), c);
    }
    assert.match(zaakpoort(['config', '--help']).stdout, /check/);
  });

  it('usage errors exit 2 with one line', () => {
    for (const args of [['bogus'], ['backup'], ['overdragen', '--zaak', 'X'], ['restore', '--from']]) {
      const res = zaakpoort(args);
      assert.equal(res.status, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
      assert.match(res.stderr, /^zaakpoort: .*\(zaakpoort --help\)$/m);
    }
  });

  it('config check prints the effective configuration with secrets masked; a bad file is one line, exit 1', () => {
    const file = path.join(tmp, 'config.json');
    writeFileSync(file, JSON.stringify({ senders: [{ applicatie: 'SHV', basicAuth: { username: 'shv', passwordHash: '$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA' } }] }));
    const ok = zaakpoort(['config', 'check'], { ZAAKPOORT_CONFIG: file, ZAAKPOORT_DATABASE_URL: 'postgres://zp:geheim@db/zaken' });
    assert.equal(ok.status, 0, ok.stderr);
    const shown = JSON.parse(ok.stdout) as { senders: Array<{ basicAuth: { passwordHash: string } }>; backend: { url: string }; catalogue: { mode: string } };
    assert.equal(shown.senders[0]!.basicAuth.passwordHash, '***');
    assert.equal(shown.backend.url, 'postgres://zp:***@db/zaken');
    assert.equal(shown.catalogue.mode, 'permissive');
    assert.doesNotMatch(ok.stdout, /geheim|aGFzaA/);

    writeFileSync(file, JSON.stringify({ sendrs: [] }));
    const bad = zaakpoort(['config', 'check'], { ZAAKPOORT_CONFIG: file });
    assert.equal(bad.status, 1);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /^zaakpoort config check: Configuratiefout: onbekende instelling "sendrs"/);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
  });

  it('config check warns when open on a non-loopback address', () => {
    const res = zaakpoort(['config', 'check'], { HOST: '0.0.0.0' });
    assert.equal(res.status, 0);
    assert.match(res.stderr, /WAARSCHUWING: Zaakpoort is OPEN/);
  });

  it('hash-password reads a piped password and prints a hash that verifies', async () => {
    const res = zaakpoort(['hash-password'], {}, 'een lang genoeg wachtwoord\n');
    assert.equal(res.status, 0, res.stderr);
    const hash = res.stdout.trim();
    assert.match(hash, /^\$scrypt\$/);
    assert.equal(await verifyPassword('een lang genoeg wachtwoord', hash), true);
    const short = zaakpoort(['hash-password'], {}, 'kort');
    assert.equal(short.status, 2);
    assert.equal(short.stderr.trim(), 'zaakpoort hash-password: gebruik een wachtwoord van minstens 12 tekens');
  });

  it('migrate on SQLite and start with missing schemas fail with one line, exit 1', () => {
    const migrate = zaakpoort(['migrate']);
    assert.equal(migrate.status, 1);
    assert.match(migrate.stderr, /^zaakpoort migrate: migrate is alleen nodig voor PostgreSQL/);
    const start = zaakpoort(['start'], { ZAAKPOORT_SCHEMA_DIR: path.join(tmp, 'no-schemas'), PORT: '0' });
    assert.equal(start.status, 1);
    assert.equal(start.stderr.trim().split('\n').length, 1, start.stderr);
    assert.match(start.stderr, /^zaakpoort start: Schema directory .* does not exist\. Install the official VNG ZDS schema package with `zaakpoort provision-xsd` \(downloads https:\/\/github\.com\/VNG-Realisatie/);
  });
});
