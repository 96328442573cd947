/**
 * Fuzzing the real server with mutated real-world requests (../shared/zds/fixtures): byte flips, truncation,
 * duplicated and removed elements, stray markup characters, huge numbers, deep nesting. For a bounded time
 * (FUZZ_SECONDS, default 20) and a printed seed (FUZZ_SEED to replay one run), every request must be answered
 * within a timeout with a schema-valid SOAP answer (200) or a SOAP Fault, and the server must stay healthy.
 * Four requests run at a time, so server state (which zaak exists when) varies a little between runs of a seed.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid, extractSoapPayload, schemas } from '../helpers/xsd.js';
import { FIXTURES_DIR, type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';
import { asRequest, readIndex } from '../conformance/fixture-index.js';
import { prng } from '../helpers/prng.js';

const SECONDS = Number(process.env.FUZZ_SECONDS ?? 20);
/** Fixed by default so `npm test` is repeatable; FUZZ_SEED=<n> replays a run, FUZZ_SEED=random explores. */
const SEED = process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED ?? 20261124);
const REQUEST_TIMEOUT_MS = 10_000;
const WORKERS = 4;


type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;

/** Leaf elements (<a ...>text</a>): what duplication, removal and value changes work on. */
function leaves(s: string): Array<{ start: number; end: number; textStart: number; textEnd: number }> {
  const out = [];
  const re = /<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>([^<]*)<\/\1>/g;
  for (let mt = re.exec(s); mt && out.length < 2000; mt = re.exec(s)) {
    const textEnd = mt.index + mt[0].length - (mt[1]!.length + 3);
    out.push({ start: mt.index, end: mt.index + mt[0].length, textStart: textEnd - mt[2]!.length, textEnd });
  }
  return out;
}

const STRAY = ['<', '&', '"', "'", '>', ']]>', '&#0;', '&#xD800;', '&bogus;', '<!--', '<![CDATA[', '\u0000', '\uFFFE', '</', '<?x', 'xmlns:StUF=""'];
const VALUES = ['9'.repeat(40), '9'.repeat(400), '-1', '1e309', '0', '', ' ', '99999999999999999999999', 'NaN', '20261399', '-20260101'];

type Mutation = (r: Rand, s: string) => string;
const MUTATIONS: Record<string, Mutation> = {
  flipByte(r, s) {
    const b = Buffer.from(s);
    for (let i = 1 + int(r, 3); i > 0; i--) {
      const at = int(r, b.length);
      b[at] = b[at]! ^ (1 << int(r, 8));
    }
    return b.toString('latin1'); // sent as latin1 bytes: flipped bytes stay as they are
  },
  truncate: (r, s) => s.slice(0, int(r, s.length)),
  duplicateElement(r, s) {
    const ls = leaves(s);
    if (ls.length === 0) return s;
    const l = pick(r, ls);
    return s.slice(0, l.end) + s.slice(l.start, l.end) + s.slice(l.end);
  },
  removeElement(r, s) {
    const ls = leaves(s);
    if (ls.length === 0) return s;
    const l = pick(r, ls);
    return s.slice(0, l.start) + s.slice(l.end);
  },
  insertStray(r, s) {
    const at = int(r, s.length);
    return s.slice(0, at) + pick(r, STRAY) + s.slice(at);
  },
  replaceValue(r, s) {
    const ls = leaves(s);
    if (ls.length === 0) return s;
    const l = pick(r, ls);
    return s.slice(0, l.textStart) + pick(r, VALUES) + s.slice(l.textEnd);
  },
  deepNesting(r, s) {
    const ls = leaves(s);
    if (ls.length === 0) return s;
    const l = pick(r, ls);
    const n = pick(r, [5, 300, 20_000]);
    return s.slice(0, l.textStart) + '<x>'.repeat(n) + '</x>'.repeat(n) + s.slice(l.textEnd);
  },
};
const NAMES = Object.keys(MUTATIONS);

interface Seed {
  body: string;
  soapVersion: '1.1' | '1.2';
  soapAction?: string;
}

function mutate(r: Rand, seed: Seed): { body: Buffer; applied: string[] } {
  let s = seed.body;
  const applied: string[] = [];
  let latin1 = false;
  for (let i = 1 + int(r, 3); i > 0; i--) {
    const name = pick(r, NAMES);
    applied.push(name);
    s = MUTATIONS[name]!(r, s);
    if (name === 'flipByte') latin1 = true;
  }
  return { body: Buffer.from(s, latin1 ? 'latin1' : 'utf8'), applied };
}

const haveFixtures = existsSync(path.join(FIXTURES_DIR, 'INDEX.tsv'));

describe('fuzzing with mutated fixtures', { skip: !haveFixtures && 'shared fixtures not found' }, () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer({}, { schemas: await schemas() });
  });
  after(async () => srv.close());

  it(`no crash, no hang, only SOAP answers for ${SECONDS} s (seed ${SEED})`, { timeout: (SECONDS + 60) * 1000 }, async () => {
    const seeds: Seed[] = readIndex()
      .filter((row) => row.direction === 'request')
      .map((row) => asRequest(row));
    assert.ok(seeds.length > 50, `${seeds.length} request fixtures`);
    const r = prng(SEED);
    const deadline = Date.now() + SECONDS * 1000;
    const counts: Record<string, number> = {};
    let total = 0;

    const one = async (): Promise<void> => {
      const seed = pick(r, seeds);
      const { body, applied } = mutate(r, seed);
      const n = ++total;
      const what = `request #${n} (seed ${SEED}, mutations ${applied.join('+')})`;
      const headers: Record<string, string> =
        seed.soapVersion === '1.2'
          ? { 'content-type': `application/soap+xml; charset=utf-8${seed.soapAction ? `; action="${seed.soapAction}"` : ''}` }
          : { 'content-type': 'text/xml; charset=utf-8', ...(seed.soapAction ? { soapaction: `"${seed.soapAction}"` } : {}) };
      let res: Response;
      try {
        res = await fetch(`${srv.url}/zds`, { method: 'POST', headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      } catch (e) {
        assert.fail(`${what}: no answer within ${REQUEST_TIMEOUT_MS} ms (${(e as Error).message})`);
      }
      const text = await res.text();
      counts[res.status] = (counts[res.status] ?? 0) + 1;
      try {
        await assertSoapResponseValid(text);
        const payload = extractSoapPayload(text);
        assert.equal(payload.fault, res.status !== 200, `HTTP ${res.status} with ${payload.fault ? 'a Fault' : 'no Fault'}`);
      } catch (e) {
        assert.fail(`${what}: HTTP ${res.status}: ${(e as Error).message.slice(0, 3000)}\n--- request (first 2000 bytes) ---\n${body.subarray(0, 2000).toString('latin1')}`);
      }
    };

    let failed = false;
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (!failed && Date.now() < deadline) {
          await one().catch((e: unknown) => {
            failed = true; // the other workers stop too, so the first failure is the one reported
            throw e;
          });
        }
      }),
    );
    console.log(`fuzz: seed ${SEED}, ${total} requests in ${SECONDS} s, answers by HTTP status ${JSON.stringify(counts)}`);

    // Still healthy: health is green and a normal request gets its normal answer.
    assert.equal((await fetch(`${srv.url}/health`)).status, 200);
    const ok = await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')));
    await assertSoapResponseValid(ok.text);
    assert.equal(ok.status, 200, ok.text);
  });
});
