/**
 * Serves the official schema files from config.schemaDir under /zds/xsd/<relative path>, so the
 * schemaLocations in our WSDL (and the relative ones inside the XSDs) resolve. Only .xsd files, and only
 * inside schemaDir: any '..', absolute path, backslash or symlink that leaves the folder is refused.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

export type XsdLookup = { ok: true; stream: Readable; size: number } | { ok: false; status: 400 | 404 };

export async function openXsd(schemaDir: string, relative: string): Promise<XsdLookup> {
  if (!isSafeRelative(relative)) return { ok: false, status: 400 };
  let root: string;
  let file: string;
  try {
    root = await realpath(schemaDir);
    file = await realpath(path.join(root, relative));
  } catch {
    return { ok: false, status: 404 };
  }
  if (!file.startsWith(root + path.sep)) return { ok: false, status: 400 };
  try {
    const st = await stat(file);
    if (!st.isFile()) return { ok: false, status: 404 };
    return { ok: true, stream: createReadStream(file), size: st.size };
  } catch {
    return { ok: false, status: 404 };
  }
}

function isSafeRelative(rel: string): boolean {
  if (!rel || rel.length > 512 || !rel.toLowerCase().endsWith('.xsd')) return false;
  if (rel.includes('\\') || rel.includes('\0') || rel.includes(':') || rel.startsWith('/')) return false;
  return rel.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}
