/**
 * Developer tool (not part of `npm run bench`'s tables): runs the built server (`npm start` flags) with
 * --cpu-prof under a load of one operation and prints where its main thread spent the time, by function and
 * by package/file. It also prints the CPU per request of the server (all threads), of its main thread alone and of
 * the load generator (this process). NO_PROFILE=1 runs without the profiler. PROFILE_DATABASE_URL=postgres://...
 * runs the server on PostgreSQL (a schema of its own, dropped afterwards) and also prints the CPU of the
 * machine's PostgreSQL processes per request.
 * Usage: node --import tsx bench/profile-server.ts [creeerZaak|geefZaakdetails|genereer|voegZaakdocumentToe] [clients] [seconds]
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as m from '../test/helpers/messages.js';
import { dropSchemas } from '../test/helpers/postgres.js';
import { envelope } from '../test/helpers/zaakpoort.js';

import { runLoad } from './lib/load.js';
import { startProcess, zaakpoortEnv } from './lib/server.js';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

/** The document of a voegZaakdocumentToe: 1 KB (the round trips, not the bytes, are what this measures). */
const DOCUMENT = Buffer.alloc(1024, 'zaakpoort ');

/** utime + stime of every process named postgres on this machine, in ms (Linux /proc). */
function postgresCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks * 10;
}

async function main(): Promise<void> {
  const op = process.argv[2] ?? 'creeerZaak';
  const clients = Number(process.argv[3] ?? 8);
  const seconds = Number(process.argv[4] ?? 8);
  const profDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-prof-'));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-prof-data-'));
  const profile = process.env.NO_PROFILE !== '1';
  const dbUrl = process.env.PROFILE_DATABASE_URL;
  const schema = `zp_profile_${randomBytes(4).toString('hex')}`;
  const backend = dbUrl ? zaakpoortEnv({ kind: 'postgres', url: dbUrl, schema, dataDir }) : zaakpoortEnv({ kind: 'sqlite', dataDir });
  const server = await startProcess('src/main.ts', { ...backend, ...(profile ? { NODE_OPTIONS: `${process.env.PROFILE_FLAGS ?? '--cpu-prof'} ${process.env.PROFILE_FLAGS ? `--heap-prof-dir=${profDir}` : `--cpu-prof-dir=${profDir}`}` } : {}) });
  const uniq = randomBytes(3).toString('hex');
  const seeded = `1234S${uniq}`;
  await fetch(`${server.url}/zds`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: envelope(m.creeerZaak({ identificatie: seeded }, '1.2')) }).then((r) => r.text());
  const body = op === 'creeerZaak'
    ? (i: number) => envelope(m.creeerZaak({ identificatie: `1234Z${uniq}x${i}` }, '1.2', `B${uniq}x${i}`))
    : op === 'geefZaakdetails' ? () => envelope(m.geefZaakdetails(seeded, '1.2'))
    : op === 'voegZaakdocumentToe' ? (i: number) => envelope(m.voegZaakdocumentToe(`D${uniq}x${i}`, seeded, DOCUMENT, '1.2'))
    : () => envelope(m.genereerIdentificatie('Zaak', '1.2'));
  const cpu0 = server.cpuMs();
  const main0 = server.mainThreadCpuMs();
  const client0 = process.cpuUsage();
  const pg0 = dbUrl ? postgresCpuMs() : 0;
  const res = await runLoad({ url: `${server.url}/zds`, concurrency: clients, seconds, body });
  const cpuPerRequest = ((server.cpuMs() - cpu0) * 1000) / res.requests;
  const mainPerRequest = ((server.mainThreadCpuMs() - main0) * 1000) / res.requests;
  const client = process.cpuUsage(client0);
  const clientPerRequest = (client.user + client.system) / res.requests;
  const pgPerRequest = dbUrl ? `; PostgreSQL processes ${(((postgresCpuMs() - pg0) * 1000) / res.requests).toFixed(0)} µs` : '';
  console.log(`${op} ${clients} clients: ${res.rps.toFixed(0)} req/s p50 ${res.p50.toFixed(2)} p99 ${res.p99.toFixed(2)} errors ${res.errors}; server CPU ${cpuPerRequest.toFixed(0)} µs per request (all threads${profile ? ', with the profiler on' : ''}), main thread ${mainPerRequest.toFixed(0)} µs; load generator ${clientPerRequest.toFixed(0)} µs${pgPerRequest}`);
  await server.stop();
  if (dbUrl) await dropSchemas(dbUrl, [schema]);
  await rm(dataDir, { recursive: true, force: true });
  if (!profile) return;
  const file = (await readdir(profDir)).find((f) => f.endsWith('.cpuprofile'));
  if (!file) {
    console.log(`no CPU profile; written: ${profDir}`);
    return;
  }
  const prof = JSON.parse(await readFile(path.join(profDir, file), 'utf8')) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i]!, (self.get(prof.samples[i]!) ?? 0) + (prof.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id)!;
    const url = n.callFrame.url.replace(/^file:\/\//, '');
    const key = `${n.callFrame.functionName || '(anon)'} ${path.basename(url)}:${n.callFrame.lineNumber}`;
    fn.set(key, (fn.get(key) ?? 0) + t);
    const p = url.includes('node_modules/') ? url.split('node_modules/').pop()!.split('/').slice(0, url.includes('node_modules/@') ? 2 : 1).join('/') : url.startsWith('node:') ? url : url ? path.basename(url) : n.callFrame.functionName;
    pkg.set(p, (pkg.get(p) ?? 0) + t);
  }
  const top = (mp: Map<string, number>, k: number) => [...mp].sort((a, b) => b[1] - a[1]).slice(0, k).map(([n, t]) => `${((t / total) * 100).toFixed(1).padStart(5)} %  ${n}`).join('\n');
  console.log(`\nby file/package (main thread, ${(total / 1e6).toFixed(1)} s sampled)\n${top(pkg, 25)}\n\nby function\n${top(fn, 45)}`);
  console.log(`profile: ${path.join(profDir, file)}`);
}

void main();
