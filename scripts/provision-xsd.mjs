#!/usr/bin/env node
// Provisions the official VNG ZDS schema package into the schema directory ($ZAAKPOORT_SCHEMA_DIR, default
// <repo>/xsd). Every file is checked against schema-checksums/SHA256SUMS, which is committed in this repository,
// so a tampered or wrong source folder is caught. Runs as npm postinstall: when no source can be found it prints
// instructions and exits 0 (npm ci must not fail); the server then refuses to start and says why.
// Sources (ZAAKPOORT_SCHEMA_SOURCE, comma-separated): a folder laid out like the package, or the official zip
// files themselves (a local path or an https URL). Files from zips are matched by their hash, so the layout
// inside the zip does not matter. Without ZAAKPOORT_SCHEMA_SOURCE: ../shared/zds/schemas when it exists (the
// development set-up), else the official VNG zip URLs in schema-checksums/OFFICIAL-ZIPS, each of which must match
// the official zip's recorded checksum before any file is taken from it.
// Usage: node scripts/provision-xsd.mjs (also `zaakpoort provision-xsd`)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sumsFile = path.join(repoRoot, 'schema-checksums', 'SHA256SUMS');
// ZAAKPOORT_SCHEMA_OFFICIAL_ZIPS: another list in the same format (tests serve zips from 127.0.0.1).
const officialZipsFile = process.env.ZAAKPOORT_SCHEMA_OFFICIAL_ZIPS || path.join(repoRoot, 'schema-checksums', 'OFFICIAL-ZIPS');
const targetDir = path.resolve(repoRoot, process.env.ZAAKPOORT_SCHEMA_DIR || 'xsd');
const localSource = path.resolve(repoRoot, '..', 'shared', 'zds', 'schemas');

class ProvisionError extends Error {}

/** Parse "<sha256>  ./relative/path" lines into [relativePath, hash] pairs. */
function readExpected() {
  const entries = [];
  for (const raw of readFileSync(sumsFile, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([0-9a-f]{64}) [ *]?(.+)$/.exec(line);
    if (!m) throw new ProvisionError(`${sumsFile}: unreadable line: ${line}`);
    const rel = path.posix.normalize(m[2].trim().replace(/^\.\//, ''));
    // The list is ours, but never let it write outside the target folder.
    if (rel.startsWith('../') || path.posix.isAbsolute(rel)) throw new ProvisionError(`${sumsFile}: unsafe path ${rel}`);
    entries.push([rel, m[1]]);
  }
  if (entries.length === 0) throw new ProvisionError(`${sumsFile} lists no files`);
  return entries;
}

/**
 * The official zips: "<git blob sha1>  <url>" lines. The git blob id is the checksum the publisher's own
 * repository records for the zip file (sha1 over "blob <size>\0" + the bytes); no sha256 of the zips is published.
 */
function readOfficialZips() {
  const zips = [];
  for (const raw of readFileSync(officialZipsFile, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([0-9a-f]{40})\s+(https?:\/\/\S+)$/.exec(line);
    if (!m) throw new ProvisionError(`${officialZipsFile}: unreadable line: ${line}`);
    zips.push({ gitBlob: m[1], url: m[2] });
  }
  return zips;
}

function gitBlobSha1(buf) {
  return createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function isFile(p) {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p) {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Files in the target that are absent or differ from the expected hash. */
function outdated(entries) {
  return entries.filter(([rel, hash]) => {
    const file = path.join(targetDir, rel);
    return !isFile(file) || sha256(file) !== hash;
  });
}

/**
 * The entries of a zip archive (stored or deflated; what the VNG packages use), as name → bytes. Only the
 * central directory is trusted for sizes and offsets.
 */
function readZip(buf, label) {
  const fail = (why) => new ProvisionError(`${label} is not a readable zip file: ${why}`);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw fail('no end of central directory');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const files = new Map();
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw fail('broken central directory');
    const method = buf.readUInt16LE(at + 10);
    const compressed = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    at += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    if (buf.readUInt32LE(local) !== 0x04034b50) throw fail(`broken entry ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + compressed);
    if (method === 0) files.set(name, data);
    else if (method === 8) files.set(name, inflateRawSync(data));
    else throw fail(`entry ${name} uses compression method ${method}`);
  }
  return files;
}

async function download(url) {
  console.log(`[zaakpoort] downloading ${url}`);
  let res;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  } catch (e) {
    const cause = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(e);
    throw new ProvisionError(`download of ${url} failed (${cause}); set ZAAKPOORT_SCHEMA_SOURCE to the zip files or an unzipped folder`);
  }
  if (!res.ok) throw new ProvisionError(`download of ${url} failed: HTTP ${res.status}; set ZAAKPOORT_SCHEMA_SOURCE to the zip files or an unzipped folder`);
  return Buffer.from(await res.arrayBuffer());
}

async function loadZip(spec, expectedGitBlob) {
  if (/^https?:\/\//.test(spec)) {
    const buf = await download(spec);
    if (expectedGitBlob && gitBlobSha1(buf) !== expectedGitBlob) {
      throw new ProvisionError(`${spec} is not the official zip (git blob ${gitBlobSha1(buf)}, expected ${expectedGitBlob}); nothing installed`);
    }
    return readZip(buf, spec);
  }
  const file = path.resolve(process.cwd(), spec);
  if (!isFile(file)) throw new ProvisionError(`schema source ${spec} is not a file`);
  return readZip(readFileSync(file), spec);
}

/**
 * Where each expected file comes from: a folder answers by relative path; zips by content hash. Returns
 * rel → () => bytes for every expected file a source has, and a label for messages. Null when there is no source.
 */
async function findSource(entries) {
  const configured = process.env.ZAAKPOORT_SCHEMA_SOURCE;
  const official = new Map(readOfficialZips().map((z) => [z.url, z.gitBlob]));
  const specs = configured ? configured.split(',').map((s) => s.trim()).filter(Boolean) : isDir(localSource) ? [localSource] : [...official.keys()];
  if (specs.length === 0) return null;
  const byRel = new Map();
  const byHash = new Map();
  for (const spec of specs) {
    const dir = path.resolve(process.cwd(), spec);
    if (!/^https?:/.test(spec) && isDir(dir)) {
      for (const [rel] of entries) {
        const file = path.join(dir, rel);
        if (!byRel.has(rel) && isFile(file)) byRel.set(rel, () => readFileSync(file));
      }
      continue;
    }
    if (!/^https?:/.test(spec) && !spec.toLowerCase().endsWith('.zip')) {
      throw new ProvisionError(`ZAAKPOORT_SCHEMA_SOURCE: ${spec} is neither a folder nor a .zip file`);
    }
    for (const data of (await loadZip(spec, official.get(spec))).values()) {
      byHash.set(createHash('sha256').update(data).digest('hex'), data);
    }
  }
  const pick = new Map();
  for (const [rel, hash] of entries) {
    if (byRel.has(rel)) pick.set(rel, byRel.get(rel));
    else if (byHash.has(hash)) pick.set(rel, () => byHash.get(hash));
  }
  return { label: specs.join(', '), pick };
}

function printInstructions(missing, total) {
  console.warn(`
[zaakpoort] The official ZDS schemas are not installed (${missing} of ${total} files missing or different in
            ${targetDir}). The server will refuse to start until they are.

  The schemas are published by VNG Realisatie in the GitHub repository VNG-Realisatie/Zaak-en-Documentservices:
    docs/documenten/Zaak-_Documentservices_1_2.zip      (ZDS 1.2)
    docs/documenten/Zaak_DocumentServices_1_1_02.zip    (ZDS 1.1.02)

  Unzip them into one folder laid out like this:
    <folder>/0301/stuf0301.xsd, <folder>/zds0120/..., <folder>/zkn0310/..., <folder>/bg0310/...,
    <folder>/gml-3.1.1.2/..., <folder>/xlink/..., <folder>/xml/..., <folder>/xmlmime/...   (the 1.2 package)
    <folder>/zds-1.1.02/0301/..., <folder>/zds-1.1.02/zkn0310/..., ...                     (the 1.1.02 package)
  Then run:
    ZAAKPOORT_SCHEMA_SOURCE=<folder> npm run provision-xsd
  or point at the two zip files (paths or https URLs) directly; their inner layout does not matter:
    ZAAKPOORT_SCHEMA_SOURCE=<1.2 zip>,<1.1.02 zip> npm run provision-xsd

  Every file is checked against schema-checksums/SHA256SUMS; only the files listed there are copied.
  The official download URLs are in schema-checksums/OFFICIAL-ZIPS.
`);
}

async function provision() {
  const entries = readExpected();
  const todo = outdated(entries);
  if (todo.length === 0) {
    console.log(`[zaakpoort] schemas up to date in ${path.relative(process.cwd(), targetDir) || '.'} (${entries.length} files)`);
    return 0;
  }
  let source;
  try {
    source = await findSource(entries);
  } catch (e) {
    // npm ci must not fail on a machine without internet when nobody chose a source: say so in one line.
    if (!(e instanceof ProvisionError) || process.env.ZAAKPOORT_SCHEMA_SOURCE || process.env.npm_lifecycle_event !== 'postinstall') throw e;
    console.warn(`[zaakpoort] ${e.message}`);
    console.warn('[zaakpoort] the server refuses to start until the schemas are installed: run `zaakpoort provision-xsd` (see README, Schemas)');
    return 0;
  }
  if (!source) {
    printInstructions(todo.length, entries.length);
    return 0;
  }
  // Verify everything first, so a bad source never leaves a half-updated target behind.
  const problems = [];
  const contents = new Map();
  for (const [rel, hash] of todo) {
    const read = source.pick.get(rel);
    if (!read) {
      problems.push(`missing: ${rel}`);
      continue;
    }
    const data = read();
    if (createHash('sha256').update(data).digest('hex') !== hash) problems.push(`sha256 mismatch: ${rel}`);
    else contents.set(rel, data);
  }
  if (problems.length) {
    throw new ProvisionError(
      `schema source ${source.label} does not match schema-checksums/SHA256SUMS:\n  ${problems.slice(0, 20).join('\n  ')}` +
        (problems.length > 20 ? `\n  ... and ${problems.length - 20} more` : ''),
    );
  }
  for (const [rel, data] of contents) {
    const dest = path.join(targetDir, rel);
    mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${process.pid}`;
    writeFileSync(tmp, data);
    renameSync(tmp, dest);
  }
  const still = outdated(entries);
  if (still.length) throw new ProvisionError(`after copying, ${still.length} files still differ, e.g. ${still[0][0]}`);
  console.log(`[zaakpoort] provisioned ${todo.length} schema files into ${targetDir} (${entries.length} verified)`);
  return 0;
}

/** Provision the schemas; resolves to the exit code (0 also when no source was found: instructions printed). */
export async function provisionSchemas() {
  try {
    if (!existsSync(sumsFile)) throw new ProvisionError(`${sumsFile} is missing; it lists the expected schema hashes`);
    return await provision();
  } catch (e) {
    if (!(e instanceof ProvisionError)) throw e;
    console.error(`[zaakpoort] schema provisioning failed: ${e.message.split('\n')[0]}`);
    if (e.message.includes('\n')) console.error(e.message.split('\n').slice(1).join('\n'));
    return 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await provisionSchemas();
}
