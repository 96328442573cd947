/**
 * scripts/provision-xsd.mjs: from the shared folder, from zip files (layout inside the zip does not matter,
 * files are matched by hash), refusing a source whose files do not match schema-checksums/SHA256SUMS.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { crc32, deflateRawSync } from 'node:zlib';
import { NEEDS_SHARED_SCHEMAS, REPO_ROOT, SHARED_DIR } from '../helpers/zaakpoort.js';

const SCRIPT = path.join(REPO_ROOT, 'scripts/provision-xsd.mjs');
const SOURCE = path.join(SHARED_DIR, 'zds/schemas');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'zaakpoort-provision-'));

function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p, base) : [path.relative(base, p)];
  });
}

/** A minimal zip writer (deflate), enough to package test input the way VNG's zips are packaged. */
function writeZip(target: string, entries: Array<{ name: string; data: Buffer }>): void {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const data = deflateRawSync(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(e.data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(e.data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(target, Buffer.concat([...locals, cd, end]));
}

function provision(target: string, source?: string) {
  const env: Record<string, string | undefined> = { ...process.env, ZAAKPOORT_SCHEMA_DIR: target };
  if (source) env.ZAAKPOORT_SCHEMA_SOURCE = source;
  else delete env.ZAAKPOORT_SCHEMA_SOURCE;
  return spawnSync(process.execPath, [SCRIPT], { cwd: REPO_ROOT, env, encoding: 'utf8' });
}

describe('schema provisioning', { skip: NEEDS_SHARED_SCHEMAS }, () => {
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const all = files(SOURCE).filter((f) => f.endsWith('.xsd') || f.endsWith('.wsdl'));

  it('installs every listed file from zip files, whatever folder the zip puts them in', () => {
    const v12 = all.filter((f) => !f.startsWith('zds-1.1.02'));
    const v11 = all.filter((f) => f.startsWith('zds-1.1.02'));
    writeZip(path.join(tmp, 'zds12.zip'), v12.map((f) => ({ name: `Zaak- Documentservices 1.2/Schema/${f}`, data: readFileSync(path.join(SOURCE, f)) })));
    writeZip(path.join(tmp, 'zds11.zip'), v11.map((f) => ({ name: `ZDS 1.1.02/${path.basename(f)}-${f.length}`, data: readFileSync(path.join(SOURCE, f)) })));
    const target = path.join(tmp, 'from-zip');
    const res = provision(target, `${path.join(tmp, 'zds12.zip')},${path.join(tmp, 'zds11.zip')}`);
    assert.equal(res.status, 0, res.stderr);
    for (const f of all) assert.ok(readFileSync(path.join(target, f)).equals(readFileSync(path.join(SOURCE, f))), f);
  });

  it('refuses a source with a changed file and installs nothing', () => {
    const bad = all.slice(0, 20).map((f) => ({ name: f, data: readFileSync(path.join(SOURCE, f)) }));
    bad[3] = { name: bad[3]!.name, data: Buffer.concat([bad[3]!.data, Buffer.from('<!-- changed -->')]) };
    writeZip(path.join(tmp, 'bad.zip'), bad);
    const target = path.join(tmp, 'from-bad');
    const res = provision(target, path.join(tmp, 'bad.zip'));
    assert.equal(res.status, 1);
    assert.match(res.stderr, /does not match schema-checksums\/SHA256SUMS/);
    assert.throws(() => statSync(target));
  });

  it('a configured source that is neither a folder nor a zip file is an error', () => {
    const res = provision(path.join(tmp, 'nowhere'), path.join(tmp, 'empty-folder'));
    assert.equal(res.status, 1);
    assert.match(res.stderr, /neither a folder nor a \.zip file/);
  });

  describe('from an https/http URL (the default source is the official zip URLs)', () => {
    /** The provisioning script as a child process, without blocking this process (which serves the zips). */
    async function provisionAsync(target: string, env: Record<string, string>) {
      const child = spawn(process.execPath, [SCRIPT], { cwd: REPO_ROOT, env: { ...process.env, ZAAKPOORT_SCHEMA_DIR: target, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const [status] = (await once(child, 'close')) as [number];
      return { status, stdout, stderr };
    }
    const gitBlob = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

    it('takes files from a downloaded zip only when it matches the recorded zip checksum', async () => {
      writeZip(path.join(tmp, 'served.zip'), all.map((f) => ({ name: `pkg/${f}`, data: readFileSync(path.join(SOURCE, f)) })));
      const zip = readFileSync(path.join(tmp, 'served.zip'));
      const server = http.createServer((_req, res) => res.end(zip));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/Zaak-_Documentservices_1_2.zip`;
      try {
        const list = path.join(tmp, 'OFFICIAL-ZIPS');
        writeFileSync(list, `# test\n${'0'.repeat(40)}  ${url}\n`);
        const wrong = await provisionAsync(path.join(tmp, 'from-url-wrong'), { ZAAKPOORT_SCHEMA_SOURCE: url, ZAAKPOORT_SCHEMA_OFFICIAL_ZIPS: list });
        assert.equal(wrong.status, 1);
        assert.match(wrong.stderr, /is not the official zip \(git blob [0-9a-f]{40}, expected 0{40}\); nothing installed/);
        assert.throws(() => statSync(path.join(tmp, 'from-url-wrong')));

        writeFileSync(list, `${gitBlob(zip)}  ${url}\n`);
        const target = path.join(tmp, 'from-url');
        const ok = await provisionAsync(target, { ZAAKPOORT_SCHEMA_SOURCE: url, ZAAKPOORT_SCHEMA_OFFICIAL_ZIPS: list });
        assert.equal(ok.status, 0, ok.stderr);
        for (const f of all) assert.ok(readFileSync(path.join(target, f)).equals(readFileSync(path.join(SOURCE, f))), f);
      } finally {
        server.close();
      }
    });

    it('a failed download is one clear line', async () => {
      const port = await new Promise<number>((resolve) => {
        const s = http.createServer().listen(0, '127.0.0.1', () => {
          const p = (s.address() as AddressInfo).port;
          s.close(() => resolve(p));
        });
      });
      const url = `http://127.0.0.1:${port}/Zaak-_Documentservices_1_2.zip`;
      const res = await provisionAsync(path.join(tmp, 'unreachable'), { ZAAKPOORT_SCHEMA_SOURCE: url });
      assert.equal(res.status, 1);
      assert.equal(res.stderr, `[zaakpoort] schema provisioning failed: download of ${url} failed (ECONNREFUSED); set ZAAKPOORT_SCHEMA_SOURCE to the zip files or an unzipped folder\n`);
    });
  });
});
