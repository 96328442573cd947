#!/usr/bin/env node
// better-sqlite3 vs node:sqlite on the statements the SQLite backend runs most: a creeerZaak-like write
// transaction (zaak row + message-log row + counter update, WAL) with synchronous=FULL (what Zaakpoort uses) and
// with NORMAL (no fsync per commit, so the driver's own cost shows), and primary-key reads. Both drivers run the
// same SQL on their own database file in the same process, one after the other. Not part of npm test.
// Usage: node bench/sqlite-drivers.mjs   (BENCH_QUICK=1 for a short run)
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const quick = process.env.BENCH_QUICK === '1';
const N_FULL = quick ? 500 : 3000;
const N_NORMAL = quick ? 5000 : 30000;
const N_READ = quick ? 20000 : 200000;
const zaakJson = JSON.stringify({ omschrijving: 'x'.repeat(1500), rollen: Array.from({ length: 4 }, (_, i) => ({ rol: i, naam: 'y'.repeat(80) })) });
const answer = `<soap:Envelope>${'z'.repeat(1200)}</soap:Envelope>`;

const SCHEMA = `
  CREATE TABLE zaak (identificatie TEXT PRIMARY KEY, data TEXT NOT NULL, created_at TEXT NOT NULL);
  CREATE TABLE message_log (zender TEXT NOT NULL, referentie TEXT NOT NULL, answer TEXT NOT NULL, PRIMARY KEY (zender, referentie));
  CREATE TABLE counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  INSERT INTO counter VALUES ('zaak', 0);`;

function betterSqlite(file) {
  const Database = require('better-sqlite3');
  const db = new Database(file);
  return {
    name: 'better-sqlite3',
    exec: (sql) => db.exec(sql),
    prepare: (sql) => db.prepare(sql),
    close: () => db.close(),
  };
}

function nodeSqlite(file) {
  const { DatabaseSync } = require('node:sqlite');
  const db = new DatabaseSync(file);
  return { name: 'node:sqlite', exec: (sql) => db.exec(sql), prepare: (sql) => db.prepare(sql), close: () => db.close() };
}

function run(open, sync) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zp-sqlite-drivers-'));
  const db = open(path.join(dir, 'bench.sqlite'));
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${sync}; PRAGMA foreign_keys = ON;`);
  db.exec(SCHEMA);
  const insZaak = db.prepare('INSERT INTO zaak (identificatie, data, created_at) VALUES (?, ?, ?)');
  const insLog = db.prepare('INSERT INTO message_log (zender, referentie, answer) VALUES (?, ?, ?)');
  const bump = db.prepare("UPDATE counter SET value = value + 1 WHERE name = 'zaak'");
  const n = sync === 'FULL' ? N_FULL : N_NORMAL;
  let t = performance.now();
  for (let i = 0; i < n; i++) {
    db.exec('BEGIN IMMEDIATE');
    insZaak.run(`1234${String(i).padStart(11, '0')}`, zaakJson, new Date().toISOString());
    insLog.run('1234|SHV', `ref-${i}`, answer);
    bump.run();
    db.exec('COMMIT');
  }
  const writeUs = ((performance.now() - t) * 1000) / n;
  let readUs;
  if (sync === 'NORMAL') {
    const get = db.prepare('SELECT data FROM zaak WHERE identificatie = ?');
    t = performance.now();
    for (let i = 0; i < N_READ; i++) get.get(`1234${String(i % n).padStart(11, '0')}`);
    readUs = ((performance.now() - t) * 1000) / N_READ;
  }
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { writeUs, readUs };
}

const ROUNDS = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}${quick ? ', BENCH_QUICK' : ''}; medians of ${ROUNDS} interleaved rounds\n`);
const results = new Map([[betterSqlite, []], [nodeSqlite, []]]);
for (let r = 0; r < ROUNDS; r++) {
  for (const open of results.keys()) results.get(open).push({ full: run(open, 'FULL'), normal: run(open, 'NORMAL') });
}
console.log('| driver | write txn, synchronous=FULL (µs) | write txn, NORMAL (µs) | point read (µs) |\n|---|---|---|---|');
for (const [open, rs] of results) {
  const name = open === betterSqlite ? 'better-sqlite3' : 'node:sqlite';
  console.log(`| ${name} | ${median(rs.map((x) => x.full.writeUs)).toFixed(0)} | ${median(rs.map((x) => x.normal.writeUs)).toFixed(1)} | ${median(rs.map((x) => x.normal.readUs)).toFixed(2)} |`);
}
