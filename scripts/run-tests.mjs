#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's own test runner (TypeScript loaded through tsx).
// Usage: node scripts/run-tests.mjs [folder-or-file ...]
import { readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

function collect(target, out) {
  const st = statSync(target);
  if (st.isFile()) {
    if (target.endsWith('.test.ts')) out.push(target);
    return;
  }
  for (const name of readdirSync(target).sort()) collect(path.join(target, name), out);
}

const targets = process.argv.slice(2);
const files = [];
for (const t of targets.length ? targets : ['test']) collect(t, files);
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', ...files],
  { stdio: 'inherit', env: process.env },
);
process.exit(res.status ?? 1);
