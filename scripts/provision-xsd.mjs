#!/usr/bin/env node
// Provisions the official VNG ZDS schema package into the schema directory ($ZAAKPOORT_SCHEMA_DIR, default
// <repo>/xsd). Every file is checked against schema-checksums/SHA256SUMS, which is committed in this repository,
// so a tampered or wrong source folder is caught. Runs as npm postinstall: when no source can be found it prints
// instructions and exits 0 (npm ci must not fail); the server then refuses to start and says why.
// Usage: node scripts/provision-xsd.mjs
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sumsFile = path.join(repoRoot, 'schema-checksums', 'SHA256SUMS');
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

/** An explicitly configured source wins over the neighbouring shared folder used in development. */
function findSource() {
  const configured = process.env.ZAAKPOORT_SCHEMA_SOURCE;
  if (configured) {
    const dir = path.resolve(process.cwd(), configured);
    if (!isDir(dir)) throw new ProvisionError(`ZAAKPOORT_SCHEMA_SOURCE=${configured} is not a folder`);
    return dir;
  }
  return isDir(localSource) ? localSource : null;
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

  Every file is checked against schema-checksums/SHA256SUMS; only the files listed there are copied.
`);
}

function provision() {
  const entries = readExpected();
  const todo = outdated(entries);
  if (todo.length === 0) {
    console.log(`[zaakpoort] schemas up to date in ${path.relative(process.cwd(), targetDir) || '.'} (${entries.length} files)`);
    return 0;
  }
  const source = findSource();
  if (!source) {
    printInstructions(todo.length, entries.length);
    return 0;
  }
  // Verify everything first, so a bad source never leaves a half-updated target behind.
  const problems = [];
  for (const [rel, hash] of todo) {
    const file = path.join(source, rel);
    if (!isFile(file)) problems.push(`missing: ${rel}`);
    else if (sha256(file) !== hash) problems.push(`sha256 mismatch: ${rel}`);
  }
  if (problems.length) {
    throw new ProvisionError(
      `schema source ${source} does not match schema-checksums/SHA256SUMS:\n  ${problems.slice(0, 20).join('\n  ')}` +
        (problems.length > 20 ? `\n  ... and ${problems.length - 20} more` : ''),
    );
  }
  for (const [rel] of todo) {
    const dest = path.join(targetDir, rel);
    mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${process.pid}`;
    copyFileSync(path.join(source, rel), tmp);
    renameSync(tmp, dest);
  }
  const still = outdated(entries);
  if (still.length) throw new ProvisionError(`after copying, ${still.length} files still differ, e.g. ${still[0][0]}`);
  console.log(`[zaakpoort] provisioned ${todo.length} schema files into ${targetDir} (${entries.length} verified)`);
  return 0;
}

try {
  if (!existsSync(sumsFile)) throw new ProvisionError(`${sumsFile} is missing; it lists the expected schema hashes`);
  process.exitCode = provision();
} catch (e) {
  if (!(e instanceof ProvisionError)) throw e;
  console.error(`[zaakpoort] schema provisioning failed: ${e.message}`);
  process.exitCode = 1;
}
