/**
 * `zaakpoort backup` on a running server (while berichten keep arriving), `zaakpoort restore` into a fresh data
 * directory, and a new Zaakpoort on that directory answering every zaak and every document version as before.
 * A damaged backup is refused before anything is written.
 */
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliArgs } from '../helpers/built-server.js';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { REPO_ROOT, type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'zaakpoort-backup-'));

function zaakpoort(dataDir: string, ...args: string[]) {
  return spawnSync(process.execPath, [...cliArgs(), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ZAAKPOORT_DATA_DIR: dataDir, ZAAKPOORT_GEMEENTECODE: '1234', ZAAKPOORT_CONFIG: '' },
    encoding: 'utf8',
  });
}

async function ok(srv: TestServer, body: string): Promise<string> {
  const res = await srv.post(envelope(body));
  assert.equal(res.status, 200, res.text);
  return res.text;
}

describe('zaakpoort backup / restore (SQLite + document files)', () => {
  let srv: TestServer;
  /** What the restored Zaakpoort must answer: zaak → its documents → their current content. */
  const zaken = new Map<string, Map<string, Buffer>>();
  const backupDir = path.join(tmp, 'backup-1');

  before(async () => {
    srv = await startServer();
    for (let z = 1; z <= 4; z++) {
      const zaakId = `12340000009${String(z).padStart(2, '0')}`;
      await ok(srv, m.creeerZaak({ identificatie: zaakId }, '1.2'));
      const docs = new Map<string, Buffer>();
      for (let d = 1; d <= z; d++) {
        const docId = `1234D0000009${z}${d}`;
        const content = randomBytes(d === 1 ? 300_000 : 1000 + d);
        await ok(srv, m.voegZaakdocumentToe(docId, zaakId, content, '1.2'));
        docs.set(docId, content);
      }
      zaken.set(zaakId, docs);
    }
    // A second version of one document: both versions are in the backup, the current one is read back.
    const [firstZaak] = zaken.keys();
    const [firstDoc] = zaken.get(firstZaak!)!.keys();
    const checkedOut = await ok(srv, m.geefZaakdocumentBewerken(firstDoc!, '1.2'));
    const v2 = Buffer.from('tweede versie');
    await ok(srv, m.updateZaakdocument(firstDoc!, '1.2', { checkedOutId: m.extract(checkedOut, 'checkedOutId')!, content: v2 }));
    zaken.get(firstZaak!)!.set(firstDoc!, v2);
  });
  after(async () => {
    await srv.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('backs up while the server keeps accepting berichten', async () => {
    // Berichten arrive during the backup; they may or may not be in it, but must not disturb it.
    const busy = (async () => {
      for (let i = 0; i < 20; i++) await ok(srv, m.creeerZaak({ identificatie: `12340000098${String(i).padStart(2, '0')}` }, '1.2'));
    })();
    const child = spawn(process.execPath, [...cliArgs(), 'backup', '--to', backupDir], {
      cwd: REPO_ROOT,
      env: { ...process.env, ZAAKPOORT_DATA_DIR: srv.dataDir, ZAAKPOORT_GEMEENTECODE: '1234', ZAAKPOORT_CONFIG: '' },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    await busy;
    assert.equal(code, 0, out);
    assert.match(out, /backup in .*: database en 11 documentbestanden/);
    assert.ok(existsSync(path.join(backupDir, 'zaakpoort.sqlite')));
    assert.ok(!existsSync(`${backupDir}.partial`));
    const again = zaakpoort(srv.dataDir, 'backup', '--to', backupDir);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /^zaakpoort backup: .* bestaat al en is niet leeg/);
  });

  it('restores into a fresh data directory; a new Zaakpoort answers every zaak and document', async () => {
    const fresh = path.join(tmp, 'restored');
    const res = zaakpoort(fresh, 'restore', '--from', backupDir);
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /teruggezet in .*: database en 11 documentbestanden/);
    const refused = zaakpoort(fresh, 'restore', '--from', backupDir);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /bevat al een database; stop Zaakpoort en geef --force/);

    const restored = await startServer({ dataDir: fresh });
    try {
      for (const [zaakId, docs] of zaken) {
        const details = await ok(restored, m.geefZaakdetails(zaakId, '1.2'));
        await assertSoapResponseValid(details);
        assert.equal(m.extract(details, 'identificatie'), zaakId);
        const lijst = await ok(restored, m.geefLijstZaakdocumenten(zaakId, '1.2'));
        assert.deepEqual(new Set(m.extractAll(lijst, 'identificatie').filter((id) => id !== zaakId)), new Set(docs.keys()));
        for (const [docId, content] of docs) {
          const lezen = await ok(restored, m.geefZaakdocumentLezen(docId, '1.2'));
          await assertSoapResponseValid(lezen);
          assert.ok(Buffer.from(m.extract(lezen, 'inhoud')!, 'base64').equals(content), `content of ${docId}`);
        }
      }
      // The restored database goes on numbering where the backup left off, and accepts new work.
      const id = await ok(restored, m.genereerIdentificatie('Zaak', '1.2'));
      assert.match(id, /genereerZaakIdentificatie_Du02/);
    } finally {
      await restored.close();
    }
  });

  it('a damaged backup is refused before the data directory is touched', () => {
    const damaged = path.join(tmp, 'damaged');
    spawnSync('cp', ['-a', backupDir, damaged]);
    const shard = readdirSync(path.join(damaged, 'documents'))[0]!;
    const blob = path.join(damaged, 'documents', shard, readdirSync(path.join(damaged, 'documents', shard))[0]!);
    const bytes = readFileSync(blob);
    bytes[0] = bytes[0]! ^ 0xff;
    writeFileSync(blob, bytes);
    const target = path.join(tmp, 'not-restored');
    const res = zaakpoort(target, 'restore', '--from', damaged);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /^zaakpoort restore: documentbestand \S+ wijkt af van de sha256 in de database\n$/);
    assert.ok(!existsSync(path.join(target, 'zaakpoort.sqlite')));
  });

  it('not a backup, or PostgreSQL: one clear line', () => {
    const res = zaakpoort(path.join(tmp, 'x'), 'restore', '--from', tmp);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /is geen Zaakpoort-backup/);
    const pg = spawnSync(process.execPath, [...cliArgs(), 'backup', '--to', path.join(tmp, 'pg')], {
      cwd: REPO_ROOT,
      env: { ...process.env, ZAAKPOORT_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', ZAAKPOORT_CONFIG: '' },
      encoding: 'utf8',
    });
    assert.equal(pg.status, 1);
    assert.match(pg.stderr, /pg_dump/);
  });
});
