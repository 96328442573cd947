/**
 * The one libxml2 input provider of this process. libxml2 asks it for every external resource while a schema
 * compiles: generated hubs are answered from memory, package files from disk, and only inside the folders that
 * a compile has opened. Outside a compile nothing is open, so a validated document can never make libxml2 read
 * a file or go to the network.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { xmlRegisterInputProvider } from 'libxml2-wasm';

const virtualFiles = new Map<string, Uint8Array>();
const allowedRoots = new Set<string>();
const open = new Map<number, { data: Uint8Array; pos: number }>();
let nextHandle = 1;
let registered = false;

/** libxml2 hands us paths, sometimes as file: URLs or percent-escaped; map them to a normalised absolute path. */
function candidates(name: string): string[] {
  const out: string[] = [];
  let p = name;
  if (p.startsWith('file://')) p = p.slice('file://'.length);
  out.push(path.resolve(p));
  try {
    const decoded = decodeURIComponent(p);
    if (decoded !== p) out.push(path.resolve(decoded));
  } catch {
    // not escaped
  }
  return out;
}

function insideAllowedRoot(abs: string): boolean {
  for (const root of allowedRoots) if (abs === root || abs.startsWith(root + path.sep)) return true;
  return false;
}

function isFile(abs: string): boolean {
  try {
    return statSync(abs).isFile();
  } catch {
    return false;
  }
}

function resolve(name: string): { virtual: Uint8Array } | { disk: string } | null {
  for (const abs of candidates(name)) {
    const v = virtualFiles.get(abs);
    if (v) return { virtual: v };
    if (insideAllowedRoot(abs) && isFile(abs)) return { disk: abs };
  }
  return null;
}

function ensureRegistered(): void {
  if (registered) return;
  const ok = xmlRegisterInputProvider({
    match: (name) => resolve(name) !== null,
    open: (name) => {
      const r = resolve(name);
      if (!r) return undefined;
      let data: Uint8Array;
      try {
        data = 'virtual' in r ? r.virtual : readFileSync(r.disk);
      } catch {
        return undefined;
      }
      const handle = nextHandle++;
      open.set(handle, { data, pos: 0 });
      return handle;
    },
    read: (handle, buf) => {
      const f = open.get(handle);
      if (!f) return -1;
      const n = Math.min(buf.byteLength, f.data.byteLength - f.pos);
      buf.set(f.data.subarray(f.pos, f.pos + n));
      f.pos += n;
      return n;
    },
    close: (handle) => open.delete(handle),
  });
  if (!ok) throw new Error('libxml2 refused the schema input provider (callback table full)');
  registered = true;
}

/**
 * Run `compile` while `root` may be read from disk and `documents` (absolute path -> text) are served from
 * memory. Synchronous on purpose: libxml2 compiles synchronously, so nothing else can observe the window.
 */
export function withSchemaFiles<T>(root: string, documents: Map<string, string>, compile: () => T): T {
  ensureRegistered();
  const absRoot = path.resolve(root);
  const enc = new TextEncoder();
  for (const [p, text] of documents) virtualFiles.set(path.resolve(p), enc.encode(text));
  allowedRoots.add(absRoot);
  try {
    return compile();
  } finally {
    for (const p of documents.keys()) virtualFiles.delete(path.resolve(p));
    allowedRoots.delete(absRoot);
  }
}
