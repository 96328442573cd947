#!/usr/bin/env node
// How to run the server in production: start-up time (spawn until GET /health is 200) and idle RSS (VmRSS 3 s
// after ready) of each way to run the TypeScript sources, on the node that runs this script. Not part of npm test.
// Usage: node scripts/build.mjs && node bench/start-options.mjs [runs]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 3);
const lowMem = ['--max-semi-space-size=1'];
const options = [
  ['esbuild bundle (dist/cli.js)', [...lowMem, 'dist/cli.js', 'start']],
  ['node type stripping (--experimental-transform-types + .js→.ts resolve hook)', [...lowMem, '--experimental-transform-types', '--disable-warning=ExperimentalWarning', '--import', './bench/ts-resolve-hook.mjs', 'src/cli.ts', 'start']],
  ['tsx loader', [...lowMem, '--import', 'tsx', 'src/cli.ts', 'start']],
];

const freePort = () =>
  new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function once(args) {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'zp-startopt-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ZAAKPOORT_DATA_DIR: dataDir, ZAAKPOORT_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  let exited = false;
  child.on('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`exited before ready: ${stderr}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {}
    await sleep(5);
  }
  const readyMs = performance.now() - t0;
  await sleep(3000);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]);
  child.kill('SIGTERM');
  await new Promise((r) => (exited ? r() : child.once('exit', r)));
  rmSync(dataDir, { recursive: true, force: true });
  return { readyMs, rssMb: rssKb / 1024 };
}

console.log(`node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}, ${runs} runs each (medians)\n`);
console.log('| how | ready ms | idle RSS MB |\n|---|---|---|');
for (const [label, args] of options) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once(args));
  console.log(`| ${label} | ${median(results.map((r) => r.readyMs)).toFixed(0)} | ${median(results.map((r) => r.rssMb)).toFixed(0)} |`);
}
