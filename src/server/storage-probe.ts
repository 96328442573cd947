/**
 * Is the data directory writable right now? A full disk, a read-only remount or a vanished volume must turn
 * Zaakpoort unready (a load balancer then stops sending berichten it could not store), so the probe really
 * writes: it creates a small file, fsyncs it and removes it. Checking permissions would not do (root passes
 * every permission check, and a full disk has the same permissions). One probe at a time; a hanging filesystem
 * (NFS) counts as not writable after the timeout.
 */
import { randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Writing a new 4 KiB block needs a free block: on a full filesystem this fails with ENOSPC. */
const PROBE_BYTES = 4096;
const PROBE_TIMEOUT_MS = 2_000;

export interface StorageProbe {
  /** Resolves to undefined when writable, else a short reason without paths (ENOSPC, EROFS, timeout...). */
  check(): Promise<string | undefined>;
}

/** The file operations the probe uses; tests substitute failing ones. */
export interface ProbeFs {
  writeAndSync(file: string, data: Buffer): Promise<void>;
  remove(file: string): Promise<void>;
}

const realFs: ProbeFs = {
  async writeAndSync(file, data) {
    const handle = await open(file, 'w', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async remove(file) {
    await unlink(file).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  },
};

export class DataDirProbe implements StorageProbe {
  private running: Promise<string | undefined> | undefined;
  private readonly file: string;

  constructor(dir: string, private readonly fs: ProbeFs = realFs) {
    this.file = path.join(dir, `.health-probe-${process.pid}`);
  }

  check(): Promise<string | undefined> {
    this.running ??= this.probe().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async probe(): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const attempt = (async () => {
      try {
        await this.fs.writeAndSync(this.file, randomBytes(PROBE_BYTES));
        return undefined;
      } catch (e) {
        return (e as NodeJS.ErrnoException).code ?? 'write failed';
      } finally {
        await this.fs.remove(this.file).catch(() => undefined);
      }
    })();
    try {
      return await Promise.race([attempt, new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timeout'), PROBE_TIMEOUT_MS)))]);
    } finally {
      clearTimeout(timer);
    }
  }
}
