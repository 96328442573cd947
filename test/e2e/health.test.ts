/**
 * /health/live and /health/ready (= /health): readiness turns 503 when the data directory cannot be written —
 * a full filesystem (a real tiny tmpfs when this machine lets us mount one), a vanished directory, or an
 * injected write failure — and back to 200 when it can.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { checkHealth } from '../../src/server/health.js';
import { DataDirProbe } from '../../src/server/storage-probe.js';
import type { Backend } from '../../src/ports/index.js';
import { startServer, type TestServer } from '../helpers/zaakpoort.js';

async function health(srv: TestServer, which: '' | '/ready' | '/live'): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(`${srv.url}/health${which}`);
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

const fakeBackend = { store: { ping: async () => undefined } } as unknown as Backend;

describe('health: liveness and readiness', () => {
  it('a writable data directory is ready; liveness is separate', async () => {
    const srv = await startServer();
    try {
      for (const which of ['', '/ready'] as const) {
        const r = await health(srv, which);
        assert.equal(r.status, 200);
        assert.equal(r.body.status, 'ok');
        assert.equal(r.body.storage, 'writable');
      }
      const live = await health(srv, '/live');
      assert.equal(live.status, 200);
      assert.equal(live.body.status, 'ok');
    } finally {
      await srv.close();
    }
  });

  it('a data directory that is gone makes it unready (503) while it stays live; back when it returns', async () => {
    const srv = await startServer();
    try {
      rmSync(srv.dataDir, { recursive: true, force: true });
      const down = await health(srv, '');
      assert.equal(down.status, 503);
      assert.equal(down.body.storage, 'not writable');
      assert.equal(down.body.storageError, 'ENOENT');
      assert.doesNotMatch(JSON.stringify(down.body), /\//, 'no paths in the report');
      assert.equal((await health(srv, '/ready')).status, 503);
      assert.equal((await health(srv, '/live')).status, 200);
      mkdirSync(srv.dataDir, { recursive: true });
      assert.equal((await health(srv, '')).status, 200);
    } finally {
      await srv.close();
    }
  });

  it('an injected ENOSPC on the probe write makes readiness fail, naming the reason', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'zaakpoort-probe-'));
    try {
      let full = true;
      const probe = new DataDirProbe(dir, {
        writeAndSync: async () => {
          if (full) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        },
        remove: async () => undefined,
      });
      const report = await checkHealth(() => true, fakeBackend, probe);
      assert.equal(report.status, 'unavailable');
      assert.equal(report.storage, 'not writable');
      assert.equal(report.storageError, 'ENOSPC');
      full = false;
      assert.equal((await checkHealth(() => true, fakeBackend, probe)).status, 'ok');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('on a real full filesystem (tiny tmpfs)', () => {
    const mountPoint = mkdtempSync(path.join(os.tmpdir(), 'zaakpoort-full-'));
    const mounted = os.platform() === 'linux' && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint]).status === 0;
    after(() => {
      if (mounted) spawnSync('umount', ['-l', mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    });

    it('turns 503 when the disk is full and 200 again when space is freed', { skip: mounted ? false : 'cannot mount a tmpfs here (needs root); the ENOENT and injected-ENOSPC tests above still run' }, async () => {
      const dataDir = path.join(mountPoint, 'data');
      const srv = await startServer({ dataDir });
      try {
        assert.equal((await health(srv, '')).status, 200);
        const filler = path.join(mountPoint, 'filler');
        // Fill the filesystem: write chunks until the kernel says ENOSPC.
        for (let i = 0; ; i++) {
          try {
            writeFileSync(`${filler}-${i}`, Buffer.alloc(64 * 1024));
          } catch (e) {
            assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
            break;
          }
        }
        const full = await health(srv, '');
        assert.equal(full.status, 503, JSON.stringify(full.body));
        assert.equal(full.body.storageError, 'ENOSPC');
        assert.equal((await health(srv, '/live')).status, 200);
        spawnSync('sh', ['-c', `rm -f "${filler}"-*`]);
        assert.equal((await health(srv, '')).status, 200);
      } finally {
        await srv.close();
      }
    });
  });
});
