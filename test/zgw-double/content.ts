/**
 * Document content of the ZGW TEST DOUBLE: small base64 uploads stay in memory, bestandsdelen and their merged
 * result go to files in a temp folder, so a test with a 1 GB document does not hold it in the test process's memory.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export type Content = { kind: 'memory'; data: Buffer } | { kind: 'file'; path: string; size: number };

export function sizeOf(c: Content): number {
  return c.kind === 'memory' ? c.data.length : c.size;
}

export function memory(data: Buffer): Content {
  return { kind: 'memory', data };
}

export class ContentFiles {
  private dir: string | undefined;

  /** A new file path in the double's temp folder (created on first use). */
  newPath(): string {
    this.dir ??= mkdtempSync(path.join(os.tmpdir(), 'zgw-double-'));
    return path.join(this.dir, randomUUID());
  }

  /** Write a stream to a new file. */
  async write(stream: Readable): Promise<Content> {
    const p = this.newPath();
    let size = 0;
    stream.on('data', (d: Buffer) => {
      size += d.length;
    });
    await pipeline(stream, createWriteStream(p));
    return { kind: 'file', path: p, size };
  }

  /** The parts, in order, as one new file (the bestandsdelen merge on unlock). */
  async concat(parts: Content[]): Promise<Content> {
    const p = this.newPath();
    const out = createWriteStream(p);
    let size = 0;
    for (const part of parts) {
      size += sizeOf(part);
      if (part.kind === 'memory') await new Promise<void>((resolve, reject) => out.write(part.data, (e) => (e ? reject(e) : resolve())));
      else await pipeline(createReadStream(part.path), out, { end: false });
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    return { kind: 'file', path: p, size };
  }

  /** Remove every file (reset / close). */
  clear(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
