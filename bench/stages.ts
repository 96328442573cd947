/**
 * Cost per request of each stage of Zaakpoort's pipeline, measured in this one process (no HTTP, no load
 * generator sharing the cores), so the next profile starts from a table instead of a guess:
 *
 *   envelope reading (readEnvelope: one libxml2 parse and its element tree, or saxes for documents) →
 *   validation (libxml2-wasm, on that parse or on the body text) → StUF/ZDS logic
 *   (dispatcher and operation, including their SQL statements) → store commit (the COMMIT with its fsync) →
 *   answer writing (the envelope around the operation's answer, as response.ts sends it).
 *
 * Requests go one at a time through the real SQLite backend, dispatcher and compiled schemas. Validation and
 * commit are timed by wrapping SchemaRegistry.validate and better-sqlite3's COMMIT (exec and prepared
 * statements: the group commit uses one, the identificatie reservation the other); "logic" is the dispatch
 * time minus those two. CPU µs (process.cpuUsage) are the figures to compare on a loaded machine; wall µs
 * also hold waiting (fsync, the group commit's one event-loop turn, and on a loaded machine the wait for a core).
 *
 * Second table: reading plus request validation of the same berichten, one parse against the streaming reader
 * with a second parse for validation (the path every bericht took before), alternating in this process.
 *
 * Third table: the inline-document pipeline without disk (readEnvelope of a voegZaakdocumentToe with a large
 * base64 <inhoud>, into a content store that discards the bytes: a test double), in MB of base64 text per CPU
 * second, next to Node's own `Buffer.from(text, 'base64')` of the same text in the same run.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { createCatalogue } from '../src/catalogue/index.js';
import { defaultConfig, type Config } from '../src/config.js';
import { openBackend } from '../src/compose.js';
import type { DocumentContentStore, TempContentWriter } from '../src/ports/document-content-store.js';
import { SchemaRegistry, schemaSetFor } from '../src/schema/index.js';
import { envelopeClose, envelopeOpen } from '../src/soap/envelope-writer.js';
import { DEFAULT_MAX_SKELETON_BYTES, EnvelopeParser, readEnvelope } from '../src/soap/envelope-reader.js';
import { systemClock } from '../src/stuf/dates.js';
import { createDispatcher } from '../src/zds/dispatcher.js';
import * as m from '../test/helpers/messages.js';
import { envelope } from '../test/helpers/zaakpoort.js';
import type { BenchContext } from './lib/context.js';
import { REPO_ROOT } from './lib/server.js';
import { median, type Table } from './lib/table.js';

export const name = 'stages';

const STAGES = ['envelope reading', 'validation', 'StUF/ZDS logic', 'store commit', 'answer writing'] as const;
type Stage = (typeof STAGES)[number];

/** Wall and CPU microseconds, summed over the measured requests. */
class Clock2 {
  wall = 0;
  cpu = 0;
  private w0 = 0;
  private c0: NodeJS.CpuUsage = { user: 0, system: 0 };
  start(): void {
    this.w0 = performance.now();
    this.c0 = process.cpuUsage();
  }
  stop(): { wall: number; cpu: number } {
    const wall = (performance.now() - this.w0) * 1000;
    const c = process.cpuUsage(this.c0);
    const cpu = c.user + c.system;
    this.wall += wall;
    this.cpu += cpu;
    return { wall, cpu };
  }
}

/** Adds the time of every COMMIT run through better-sqlite3 (both ways it is run) to `into`. */
function timeCommits(db: Database.Database, into: () => Clock2 | undefined): () => void {
  const dbProto = Object.getPrototypeOf(db) as { exec(this: unknown, sql: string): unknown };
  const stmtProto = Object.getPrototypeOf(db.prepare('SELECT 1')) as { run(this: { source: string }, ...a: unknown[]): unknown };
  const exec = dbProto.exec;
  const run = stmtProto.run;
  const timed = <T>(isCommit: boolean, f: () => T): T => {
    const clock = isCommit ? into() : undefined;
    if (!clock) return f();
    clock.start();
    try {
      return f();
    } finally {
      clock.stop();
    }
  };
  dbProto.exec = function (this: unknown, sql: string) {
    return timed(sql.trim().toUpperCase() === 'COMMIT', () => exec.call(this, sql));
  };
  stmtProto.run = function (this: { source: string }, ...a: unknown[]) {
    return timed(/^\s*COMMIT\b/i.test(this.source), () => run.apply(this, a));
  };
  return () => {
    dbProto.exec = exec;
    stmtProto.run = run;
  };
}

/** Discards what is written (a test double for the bench): the pipeline without disk. */
function discardingContentStore(): DocumentContentStore {
  let n = 0;
  return {
    async createTemp(): Promise<TempContentWriter> {
      let size = 0;
      const stream = new Writable({
        write(chunk: Buffer, _enc, cb) {
          size += chunk.length;
          cb();
        },
      });
      return {
        tempId: `discard-${n++}`,
        stream,
        async finish() {
          await new Promise<void>((r) => stream.end(r));
          return { size, sha256: createHash('sha256').digest('hex') };
        },
        async abort() {},
      };
    },
    async persist(tempId) { return tempId; },
    async discardTemp() {},
    openTemp() { throw new Error('discarding store: nothing to open'); },
    open() { throw new Error('discarding store: nothing to open'); },
    async remove() {},
    async sweepTemp() { return 0; },
  };
}

/** The body as the server gets it: chunks from an async stream. */
async function* stream(chunks: Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

interface Op {
  name: string;
  body(i: number): string;
  ok(pieces: string): boolean;
}

export async function run(ctx: BenchContext): Promise<Table[]> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-bench-stages-'));
  const config: Config = {
    ...defaultConfig(),
    dataDir,
    schemaDir: process.env.ZAAKPOORT_SCHEMA_DIR ?? path.join(REPO_ROOT, 'xsd'),
    gemeentecode: '1234',
  };
  const schemas = await SchemaRegistry.load(config.schemaDir);
  const backend = await openBackend(config, systemClock);
  const dispatcher = createDispatcher({ config, backend, catalogue: createCatalogue(config), schemas, clock: systemClock });
  const clocks = new Map<Stage, Clock2>();
  let current: Map<Stage, Clock2> | undefined;
  const validate = schemas.validate.bind(schemas);
  schemas.validate = (...a: Parameters<SchemaRegistry['validate']>) => {
    const c = current?.get('validation');
    c?.start();
    try {
      return validate(...a);
    } finally {
      c?.stop();
    }
  };
  // A request read in one parse is validated inside readEnvelope: timed here and taken out of "envelope reading".
  const validateElement = schemas.validateElement.bind(schemas);
  let inRead: Clock2 | undefined;
  schemas.validateElement = (...a: Parameters<SchemaRegistry['validateElement']>) => {
    const c = new Clock2();
    c.start();
    try {
      return validateElement(...a);
    } finally {
      const spent = c.stop();
      const v = current?.get('validation');
      if (v) {
        v.wall += spent.wall;
        v.cpu += spent.cpu;
      }
      if (inRead) {
        inRead.wall -= spent.wall;
        inRead.cpu -= spent.cpu;
      }
    }
  };
  const probe = new Database(':memory:');
  const restore = timeCommits(probe, () => current?.get('store commit'));
  probe.close();

  const uniq = randomBytes(3).toString('hex');
  const seeded = `1234S${uniq}`;
  const ops: Op[] = [
    {
      name: 'creeerZaak_ZakLk01',
      body: (i) => envelope(m.creeerZaak({ identificatie: `1234Z${uniq}x${i}` }, '1.2', `B${uniq}x${i}`), '1.1'),
      ok: (p) => p.includes('Bv03Bericht'),
    },
    { name: 'geefZaakdetails_ZakLv01', body: () => envelope(m.geefZaakdetails(seeded, '1.2')), ok: (p) => p.includes('ZakLa01') },
    { name: 'genereerZaakIdentificatie_Di02', body: () => envelope(m.genereerIdentificatie('Zaak', '1.2')), ok: (p) => p.includes('Du02') },
  ];

  const handle = async (xml: string): Promise<string> => {
    const read = current!.get('envelope reading')!;
    inRead = read;
    read.start();
    const parsed = await readEnvelope(stream([Buffer.from(xml)]), {
      contentType: 'text/xml; charset=utf-8',
      maxBytes: config.maxMessageBytes,
      maxDepth: config.maxDepth,
      content: backend.content,
      schemas,
    });
    read.stop();
    inRead = undefined;
    const dispatch = new Clock2();
    dispatch.start();
    const result = await dispatcher.dispatch(parsed);
    const spent = dispatch.stop();
    const logic = current!.get('StUF/ZDS logic')!;
    logic.wall += spent.wall;
    logic.cpu += spent.cpu;
    const answer = current!.get('answer writing')!;
    answer.start();
    if (result.kind !== 'ok') throw new Error(`${result.omschrijving}: ${result.detailXml.slice(0, 300)}`);
    const text = envelopeOpen(result.soapVersion) + (result.pieces as string[]).join('') + envelopeClose(result.soapVersion);
    Buffer.from(text);
    answer.stop();
    return text;
  };

  const rows: Array<Array<string | number>> = [];
  const perOp: Array<{ op: string; stages: Map<Stage, { wall: number; cpu: number }> }> = [];
  try {
    current = new Map(STAGES.map((s) => [s, new Clock2()]));
    await handle(envelope(m.creeerZaak({ identificatie: seeded }, '1.2')));
    const n = ctx.quick ? 300 : 3000;
    for (const op of ops) {
      // Warm-up (JIT, statement caches), then the runs; the median of the runs per stage is reported.
      current = new Map(STAGES.map((s) => [s, new Clock2()]));
      for (let i = 0; i < Math.min(n, 200); i++) await handle(op.body(1_000_000 + i));
      const runs: Array<Map<Stage, Clock2>> = [];
      for (let r = 0; r < ctx.runs; r++) {
        current = new Map(STAGES.map((s) => [s, new Clock2()]));
        for (let i = 0; i < n; i++) {
          const text = await handle(op.body(r * n + i));
          if (!op.ok(text)) throw new Error(`${op.name}: unexpected answer ${text.slice(0, 300)}`);
        }
        const c = current;
        // Validation and commit happen inside the dispatch: "logic" is the dispatch without them.
        for (const k of ['wall', 'cpu'] as const) c.get('StUF/ZDS logic')![k] -= c.get('validation')![k] + c.get('store commit')![k];
        runs.push(c);
      }
      const stages = new Map(STAGES.map((s) => [s, {
        wall: median(runs.map((c) => c.get(s)!.wall / n)),
        cpu: median(runs.map((c) => c.get(s)!.cpu / n)),
      }]));
      perOp.push({ op: op.name, stages });
    }
  } finally {
    current = undefined;
    restore();
    schemas.validate = validate;
    schemas.validateElement = validateElement;
    await backend.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  for (const s of STAGES) {
    rows.push([s, ...perOp.flatMap((o) => [o.stages.get(s)!.cpu, o.stages.get(s)!.wall])]);
  }
  rows.push(['total', ...perOp.flatMap((o) => {
    const all = [...o.stages.values()];
    return [all.reduce((a, v) => a + v.cpu, 0), all.reduce((a, v) => a + v.wall, 0)];
  })]);
  const stagesTable: Table = {
    title: 'Cost per request per stage (µs, one request at a time, in one process)',
    columns: ['stage', ...perOp.flatMap((o) => [`${o.op} CPU`, `${o.op} wall`])],
    rows,
    notes: [
      `${ctx.quick ? 300 : 3000} requests per run, median of ${ctx.runs} runs; SQLite backend (synchronous=FULL), validation strict. ` +
        'Not included: HTTP, fastify and pino (see the load tables), and garbage collection falls in whichever stage it interrupts. ' +
        'CPU µs are the figures to compare on a loaded machine; wall µs include the fsync and waiting for a core.',
    ],
  };
  return [stagesTable, await onePassTable(ctx, schemas, ops.map((o) => ({ name: o.name, xml: o.body(0) }))), await inhoudPipeline(ctx)];
}

/**
 * Reading plus request validation, the one-parse path against the streaming reader it replaced for ordinary
 * berichten (saxes and the element tree, the body serialised, that text parsed again and validated), in the
 * same process, alternating blocks of requests, so that a busy machine weighs on both alike.
 */
async function onePassTable(ctx: BenchContext, schemas: SchemaRegistry, bodies: Array<{ name: string; xml: string }>): Promise<Table> {
  const content = discardingContentStore();
  const opts = { contentType: 'text/xml; charset=utf-8', maxBytes: 1 << 24, maxDepth: 100, content };
  const onePass = async (bytes: Buffer) => {
    const req = await readEnvelope(stream([bytes]), { ...opts, schemas });
    if (!req.validation?.result.valid) throw new Error('one parse expected, valid');
  };
  const streaming = async (bytes: Buffer) => {
    const parser = new EnvelopeParser({ maxDepth: 100, maxSkeletonBytes: DEFAULT_MAX_SKELETON_BYTES, content, soapVersionHint: '1.1', encoding: 'utf-8', mtom: false });
    await parser.write(bytes);
    const req = await parser.finish();
    if (!schemas.validate(schemaSetFor(req.body.ns, req.body.local), req.bodyXml).valid) throw new Error('valid expected');
  };
  const block = ctx.quick ? 200 : 1000;
  const blocks = ctx.quick ? 10 : 30;
  const cpuPer = async (f: (b: Buffer) => Promise<void>, bytes: Buffer): Promise<number> => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < block; i++) await f(bytes);
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / block;
  };
  const rows: Array<Array<string | number>> = [];
  for (const { name, xml } of bodies) {
    const bytes = Buffer.from(xml);
    await cpuPer(onePass, bytes);
    await cpuPer(streaming, bytes);
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < blocks; r++) {
      b.push(await cpuPer(streaming, bytes));
      a.push(await cpuPer(onePass, bytes));
    }
    const before = median(b);
    const after = median(a);
    rows.push([`${name} (${bytes.length} bytes)`, before, after, `${(before / after).toFixed(2)}×`]);
  }
  return {
    title: 'Reading + request validation per bericht: streaming reader + second parse (before) vs one parse (CPU µs)',
    columns: ['bericht', 'saxes tree + serialise + libxml2 parse + validate', 'one libxml2 parse: tree + validate in place', 'gain'],
    rows,
    notes: [`Median of ${blocks} alternating blocks of ${block} requests in one process. The body text (bodyXml) is made only when read, so the one-parse column does not serialise.`],
  };
}

/** The inline-document pipeline without disk, against Node's own base64 decoding of the same text. */
async function inhoudPipeline(ctx: BenchContext): Promise<Table> {
  const mb = ctx.quick ? 16 : 100;
  const content = randomBytes(mb * 1024 * 1024);
  // Line breaks every 76 characters, as most clients write base64 (MIME style).
  const xml = Buffer.from(envelope(m.voegZaakdocumentToe('1234D0001', '1234Z0001', content, '1.2')).replace(
    /<ZKN:inhoud([^>]*)>([^<]*)</, (_m, attrs: string, b64: string) => `<ZKN:inhoud${attrs}>${b64.replace(/(.{76})/g, '$1\r\n')}<`));
  const base64Chars = xml.length;
  const CHUNK = 64 * 1024;
  const chunks: Buffer[] = [];
  for (let i = 0; i < xml.length; i += CHUNK) chunks.push(xml.subarray(i, i + CHUNK));
  const store = discardingContentStore();
  const cpu = async (f: () => Promise<unknown> | unknown): Promise<number> => {
    const c0 = process.cpuUsage();
    await f();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  };
  const pipeline = () => readEnvelope(stream(chunks), { contentType: 'text/xml; charset=utf-8', maxBytes: 2 ** 31, maxDepth: 100, content: store });
  const native = () => {
    let n = 0;
    for (const c of chunks) n += Buffer.from(c.toString('latin1'), 'base64').length;
    return n;
  };
  await pipeline();
  native();
  const ours: number[] = [];
  const node: number[] = [];
  for (let r = 0; r < ctx.runs; r++) {
    ours.push(base64Chars / 1e6 / (await cpu(pipeline)));
    node.push(base64Chars / 1e6 / (await cpu(native)));
  }
  const o = median(ours);
  const b = median(node);
  return {
    title: `Inline document pipeline without disk (${mb} MB of content, base64 with CRLF every 76 characters, 64 KB chunks)`,
    columns: ['what', 'MB base64 text per CPU second', 'share of Buffer.from'],
    rows: [
      ['readEnvelope into a discarding content store (test double)', o, `${Math.round((o / b) * 100)} %`],
      ["Node's Buffer.from(text, 'base64') of the same chunks", b, '100 %'],
    ],
    notes: [`Median of ${ctx.runs} interleaved runs. Target: ≥ 4× the ~250 MB/s measured before the byte path (issue 14).`],
  };
}
