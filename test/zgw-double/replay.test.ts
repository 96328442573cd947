/**
 * Replays every exchange recorded against a real Open Zaak 1.12.4 (../shared/zgw/recordings) against the ZGW TEST
 * DOUBLE, one fresh double per scenario, and compares status, error code + invalidParams (name, code), headers that
 * matter (API-version, Allow, Location) and the body shape and values. Generated uuids, URLs, identificaties and
 * lock ids of earlier answers are mapped onto the double's values so that later steps refer to the right objects.
 *
 * Exchanges the double does not reproduce on purpose are EXCLUDED (with the reason); known differences are listed
 * in KNOWN_MISMATCHES (with the reason). Every other exchange must match, and no response of the double may break
 * the OAS.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { type ZgwDouble, makeJwt, startZgwDouble } from './index.js';
import { ZGW_SHARED_DIR } from './oas.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Exchange {
  step: string;
  note?: string;
  request: { method: string; path: string; headers: Record<string, string>; jwt?: Json; body?: Json; bodyEncoding?: string };
  response: { status: number; headers: Record<string, string>; body?: Json; bodyEncoding?: string };
}

const REC_DIR = path.join(ZGW_SHARED_DIR, 'recordings');
const OZ = 'http://openzaak.local';
const INDEX: { recordings: Array<{ file: string; recordedAt: string; seconds: number }> } = JSON.parse(readFileSync(path.join(REC_DIR, 'index.json'), 'utf8'));

/** Exchanges the double deliberately does not reproduce. */
const EXCLUDED: Array<{ match: (e: Exchange) => boolean; reason: string }> = [
  { match: (e) => e.request.path.startsWith('/autorisaties/'), reason: 'Autorisaties API management is not part of the double; the replay turns these Applicaties into double.addClient()' },
  { match: (e) => e.request.path.includes('/audittrail'), reason: 'audittrail is not implemented by the double' },
  { match: (e) => 'If-None-Match' in e.request.headers || /etag/i.test(e.step), reason: 'ETag / If-None-Match: the recorded installation never changed its ETags (README §42); the double sends none' },
];

/** Exchanges where the double knowingly answers differently, with the reason. Keyed `<file>#<index>`. */
const KNOWN_MISMATCHES: Record<string, string> = {};

function excludedReason(e: Exchange): string | undefined {
  return EXCLUDED.find((x) => x.match(e))?.reason;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const HAS_UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const GENERATED_ID = /^(ZAAK|DOCUMENT|BESLUIT)-\d{4}-\d{10}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Recorded values → the double's values (uuids, lock ids, generated identificaties). */
class Mapping {
  readonly map = new Map<string, string>();
  constructor(private readonly base: string) {}

  /** Values of the double already paired with a recorded value: never re-paired (that would hide a wrong reference). */
  private readonly targets = new Set<string>();

  learn(recorded: string, actual: string): void {
    if (recorded === actual || this.map.has(recorded) || this.targets.has(recorded) || this.targets.has(actual)) return;
    this.map.set(recorded, actual);
    this.targets.add(actual);
  }

  /** Pair the uuids of a recorded and an actual string (same shape) and remember them. */
  learnUuids(recorded: string, actual: string): boolean {
    const r = recorded.match(UUID) ?? [];
    const a = actual.match(UUID) ?? [];
    const shape = (x: string): string => x.replaceAll(this.base, OZ).replace(UUID, 'U');
    if (r.length !== a.length || shape(recorded) !== shape(actual)) return false;
    r.forEach((u, i) => {
      if (!this.map.has(u)) this.learn(u, a[i]!);
    });
    return r.every((u, i) => (this.map.get(u) ?? u) === a[i]);
  }

  rewrite(s: string): string {
    let out = s.replaceAll(OZ, this.base).replaceAll(encodeURIComponent(OZ), encodeURIComponent(this.base));
    out = out.replace(UUID, (u) => this.map.get(u) ?? u);
    for (const [k, v] of this.map) if (!/^[0-9a-f-]{36}$/.test(k) && out.includes(k)) out = out.replaceAll(k, v);
    return out;
  }

  rewriteJson(v: Json): Json {
    if (typeof v === 'string') return this.rewrite(v);
    if (Array.isArray(v)) return v.map((x) => this.rewriteJson(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.rewriteJson(x)]));
    return v;
  }
}

/** Differences between a recorded (already rewritten) value and the double's, as readable lines. */
function diff(rec: Json, act: Json, at: string, m: Mapping, out: string[]): void {
  if (typeof rec === 'string' && typeof act === 'string') {
    if (rec === act) return;
    if (DATETIME.test(rec) && DATETIME.test(act) && rec.includes('.')) {
      // server-set times (with microseconds) differ; their form must not. Times the client sent must match exactly.
      if (rec.endsWith('Z') !== act.endsWith('Z') || !act.includes('.')) out.push(`${at}: datetime form ${act} vs recorded ${rec}`);
      return;
    }
    if (GENERATED_ID.test(rec) && GENERATED_ID.test(act) && rec.slice(0, -10) === act.slice(0, -10)) {
      m.learn(rec, act);
      return;
    }
    if (/^[0-9a-f]{32}$/.test(rec) && /^[0-9a-f]{32}$/.test(act)) {
      m.learn(rec, act);
      return;
    }
    // a uuid generated by Open Zaak that no earlier answer told us (e.g. an objectinformatieobject)
    if (HAS_UUID.test(rec) && m.learnUuids(rec, act) && m.rewrite(rec) === act) return;
    out.push(`${at}: ${JSON.stringify(act).slice(0, 120)} vs recorded ${JSON.stringify(rec).slice(0, 120)}`);
    return;
  }
  if (Array.isArray(rec) && Array.isArray(act)) {
    if (rec.length !== act.length) {
      out.push(`${at}: ${act.length} items vs recorded ${rec.length}`);
      return;
    }
    const key = (x: Json): string => (typeof x === 'string' ? x : x && typeof x === 'object' ? String(x.url ?? x.volgnummer ?? JSON.stringify(x)) : JSON.stringify(x));
    // order of URL lists and of equal-rank list items is not significant; compare sorted when all are mapped
    const allKnown = rec.every((x: Json) => typeof x !== 'string' || !HAS_UUID.test(x) || act.includes(x));
    const r = allKnown && rec.every((x: Json) => typeof x === 'string') ? [...rec].sort() : rec;
    const a = allKnown && act.every((x: Json) => typeof x === 'string') ? [...act].sort() : act;
    const recKeys = r.map(key);
    const sameSet = recKeys.every((k: string) => a.some((x: Json) => key(x) === k));
    r.forEach((x: Json, i: number) => diff(x, sameSet && typeof x === 'object' && x ? a.find((y: Json) => key(y) === key(x)) : a[i], `${at}[${i}]`, m, out));
    return;
  }
  if (rec && act && typeof rec === 'object' && typeof act === 'object') {
    for (const k of Object.keys(rec)) {
      if (!(k in act)) out.push(`${at}.${k}: missing (recorded ${JSON.stringify(rec[k]).slice(0, 80)})`);
      else diff(rec[k], act[k], `${at}.${k}`, m, out);
    }
    for (const k of Object.keys(act)) if (!(k in rec)) out.push(`${at}.${k}: not in the recording (${JSON.stringify(act[k]).slice(0, 80)})`);
    return;
  }
  if (rec !== act) out.push(`${at}: ${JSON.stringify(act)?.slice(0, 120)} vs recorded ${JSON.stringify(rec)?.slice(0, 120)}`);
}

/** A stored file name with its generated parts (a uuid, Django's 7-character suffix) as placeholders. */
function storedFileShape(disposition: string): string {
  return disposition.replace(UUID, 'U').replace(/_[A-Za-z0-9]{7}(\.[^."]*)?"$/, '_R$1"');
}

function errorSummary(b: Json): Json {
  return {
    code: b?.code,
    invalidParams: (b?.invalidParams ?? []).map((p: Json) => `${p.name}:${p.code}`).sort(),
  };
}

/** Deterministic file content of a given size (the recordings keep only size and sha256 of uploads). */
function content(size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

interface Outcome {
  index: number;
  step: string;
  result: 'matched' | 'mismatch' | 'excluded' | 'known';
  diffs: string[];
  reason?: string;
}

async function replayScenario(file: string): Promise<{ outcomes: Outcome[]; double: ZgwDouble }> {
  const exchanges: Exchange[] = JSON.parse(readFileSync(path.join(REC_DIR, file), 'utf8'));
  const meta = INDEX.recordings.find((r) => r.file === file)!;
  // the double's clock runs from the recording's start, so dates ("today", future checks) are those of the recording
  const start = Date.parse(meta.recordedAt) - meta.seconds * 1000 - 1000;
  const t0 = Date.now();
  const clock = (): number => start + (Date.now() - t0);
  const chunkSize = file.startsWith('c3-') ? 1024 * 1024 : undefined;
  const double = await startZgwDouble({ chunkSize, now: clock });
  double.externalObjects.push('http://selectielijst.local/');
  const m = new Mapping(double.baseUrl);
  const secrets = new Map<string, string>([['smoke-client', double.secret]]);
  const outcomes: Outcome[] = [];
  // what a large download must contain: the parts the replay uploaded (content(size)), merged in volgnummer order
  const openParts = new Map<string, Array<{ volgnummer: number; omvang: number }>>();
  const lastVersie = new Map<string, number>();
  const mergedSha = new Map<string, string>(); // `${eioUrl}#${versie}` → sha256 of the merged content

  // facts of the Selectielijst stand-in, read from the recorded resultaattypen (the double has no Selectielijst)
  for (const e of exchanges) {
    if (e.request.method === 'POST' && e.request.path === '/catalogi/api/v1/resultaattypen' && e.response.status === 201) {
      const b = e.response.body;
      double.selectielijst.set(b.selectielijstklasse, { archiefnominatie: b.archiefnominatie, archiefactietermijn: b.archiefactietermijn });
      double.selectielijst.set(b.resultaattypeomschrijving, { omschrijving: b.omschrijvingGeneriek });
    }
  }

  for (const [index, e] of exchanges.entries()) {
    const reason = excludedReason(e);
    if (e.request.path === '/autorisaties/api/v1/applicaties' && e.request.method === 'POST') {
      const b = e.request.body;
      const secret = `secret-${b.clientIds[0]}`;
      secrets.set(b.clientIds[0], secret);
      const zaaktypen = b.autorisaties.filter((a: Json) => a.component === 'zrc' && a.zaaktype).map((a: Json) => m.rewrite(a.zaaktype));
      double.addClient({ clientId: b.clientIds[0], secret, allScopes: b.heeftAlleAutorisaties, scopes: b.autorisaties.flatMap((a: Json) => a.scopes), zaaktypen: zaaktypen.length ? zaaktypen : undefined });
    }
    if (reason) {
      outcomes.push({ index, step: e.step, result: 'excluded', diffs: [], reason });
      continue;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(e.request.headers)) if (k !== 'Authorization' && !(k === 'Content-Type' && v.startsWith('multipart/'))) headers[k] = m.rewrite(v);
    const jwt = e.request.jwt ?? {};
    if (jwt.raw) headers.Authorization = jwt.raw;
    else if (!jwt.none && e.request.headers.Authorization) {
      const clientId: string = jwt.client_id === 'smoke-client' ? double.clientId : jwt.client_id;
      const nowS = Math.floor(clock() / 1000);
      const iat = jwt.iat === 'now' ? nowS : nowS + Number(/now([+-]\d+)s/.exec(jwt.iat)?.[1] ?? 0);
      const secret = jwt.signature === 'valid' ? (secrets.get(jwt.client_id) ?? 'unregistered') : 'a-wrong-secret';
      headers.Authorization = `Bearer ${await makeJwt(clientId, jwt.signature?.startsWith('valid') ? secret : 'a-wrong-secret', { iat, userId: 'translator', userRepresentation: 'ZDS-ZGW translator' })}`;
    }
    let body: string | FormData | undefined;
    if (e.request.bodyEncoding?.startsWith('multipart')) {
      const form = new FormData();
      for (const part of e.request.body as Json[]) {
        if (part.filename) form.append(part.name, new Blob([content(part.size)], { type: part.contentType }), part.filename);
        else form.append(part.name, m.rewrite(String(part.value)));
      }
      body = form;
    } else if (e.request.bodyEncoding === 'utf-8') body = String(e.request.body);
    else if (e.request.body !== undefined && e.request.body !== null) body = JSON.stringify(m.rewriteJson(e.request.body));
    const res = await fetch(double.baseUrl + m.rewrite(e.request.path), { method: e.request.method, headers, body });
    const raw = Buffer.from(await res.arrayBuffer());
    const diffs: string[] = [];
    if (res.status !== e.response.status) diffs.push(`status ${res.status} vs recorded ${e.response.status}`);
    const recCt = e.response.headers['Content-Type'] ?? '';
    if (recCt.includes('json') && e.response.body !== undefined && e.request.method !== 'HEAD') {
      let act: Json;
      try {
        act = JSON.parse(raw.toString('utf8'));
      } catch {
        diffs.push(`body is not JSON: ${raw.toString('utf8').slice(0, 100)}`);
      }
      if (act !== undefined) {
        const rec = e.response.body;
        if (res.status === 201 && res.headers.get('Location') !== act?.url) diffs.push(`Location ${res.headers.get('Location')} is not the url ${act?.url}`);
        if (res.status !== e.response.status && act?.invalidParams) diffs.push(`double said ${JSON.stringify(act.invalidParams).slice(0, 300)}`);
        if (e.response.status >= 400) {
          assertSame(errorSummary(act), errorSummary(rec), diffs);
        } else {
          // learn the generated values of this answer (url, uuid, identificatie, lock) before comparing
          const learnFrom = (r: Json, a: Json) => {
            if (!r || !a || typeof r !== 'object' || typeof a !== 'object') return;
            if (typeof r.url === 'string' && typeof a.url === 'string') m.learnUuids(r.url, a.url);
            if (typeof r.lock === 'string' && typeof a.lock === 'string' && r.lock && a.lock) m.learn(r.lock, a.lock);
            if (typeof r.identificatie === 'string' && typeof a.identificatie === 'string' && GENERATED_ID.test(r.identificatie)) m.learn(r.identificatie, a.identificatie);
            if (Array.isArray(r.bestandsdelen) && Array.isArray(a.bestandsdelen)) r.bestandsdelen.forEach((p: Json, i: number) => learnFrom(p, a.bestandsdelen[i]));
          };
          if (e.response.status === 201 || e.request.path.endsWith('/lock')) learnFrom(rec, act);
          if (Array.isArray(rec?.bestandsdelen)) learnFrom(rec, act);
          diff(m.rewriteJson(rec), act, 'body', m, diffs);
        }
      }
    } else if (recCt.startsWith('text/html')) {
      // the HTML 404 page of an unknown path: its content is Django's, only its kind matters
      if (!(res.headers.get('content-type') ?? '').startsWith('text/html')) diffs.push(`content type ${res.headers.get('content-type')} vs recorded ${recCt}`);
    } else if (e.response.bodyEncoding === 'utf-8' || e.response.bodyEncoding === 'base64') {
      const expected = Buffer.from(String(e.response.body), e.response.bodyEncoding === 'base64' ? 'base64' : 'utf8');
      if (!expected.equals(raw)) diffs.push(`body ${JSON.stringify(raw.toString('utf8').slice(0, 60))} vs recorded ${JSON.stringify(expected.toString('utf8').slice(0, 60))}`);
    } else if (e.response.bodyEncoding === 'omitted') {
      if (raw.length !== e.response.body.size) diffs.push(`body size ${raw.length} vs recorded ${e.response.body.size}`);
      const u = new URL(res.url);
      const eioUrl = `${u.origin}${u.pathname.replace(/\/download$/, '')}`;
      const versie = Number(u.searchParams.get('versie') ?? lastVersie.get(eioUrl));
      const expected = mergedSha.get(`${eioUrl}#${versie}`);
      if (!expected) diffs.push(`no uploaded content known for ${eioUrl} versie ${versie}`);
      else if (createHash('sha256').update(raw).digest('hex') !== expected) diffs.push('downloaded content is not the uploaded parts in volgnummer order');
    }
    if (res.status < 300 && recCt.includes('json') && e.request.method !== 'HEAD') {
      const act = JSON.parse(raw.toString('utf8') || 'null');
      for (const item of [act, ...(Array.isArray(act?.results) ? act.results : [])]) {
        if (typeof item?.versie === 'number' && typeof item.url === 'string') lastVersie.set(item.url, item.versie);
        if (Array.isArray(item?.bestandsdelen) && item.bestandsdelen.length) openParts.set(item.url, item.bestandsdelen.map((p: Json) => ({ volgnummer: p.volgnummer, omvang: p.omvang })));
      }
    }
    if (res.status === 204 && e.request.path.endsWith('/unlock')) {
      const eioUrl = (double.baseUrl + m.rewrite(e.request.path)).replace(/\/unlock$/, '');
      const parts = openParts.get(eioUrl);
      if (parts) {
        const hash = createHash('sha256');
        for (const p of [...parts].sort((a, b) => a.volgnummer - b.volgnummer)) hash.update(content(p.omvang));
        mergedSha.set(`${eioUrl}#${lastVersie.get(eioUrl)}`, hash.digest('hex'));
        openParts.delete(eioUrl);
      }
    }
    for (const h of ['API-version', 'Allow', 'Content-Crs', 'Warning']) {
      const rec = e.response.headers[h] === undefined ? undefined : m.rewrite(e.response.headers[h]);
      const act = res.headers.get(h) ?? undefined;
      if (rec !== act) diffs.push(`header ${h}: ${act} vs recorded ${rec}`);
    }
    if ('Location' in e.response.headers !== res.headers.has('Location')) diffs.push(`header Location presence differs`);
    // downloads: the stored file name (a uuid) and a Last-Modified, as recorded
    for (const h of ['Content-Disposition', 'Last-Modified']) {
      const rec = e.response.headers[h];
      const act = res.headers.get(h);
      if ((rec === undefined) !== (act === null)) diffs.push(`header ${h}: ${act} vs recorded ${rec}`);
      else if (h === 'Content-Disposition' && rec && storedFileShape(rec) !== storedFileShape(act!)) diffs.push(`header ${h}: ${act} vs recorded ${rec}`);
    }
    const key = `${file}#${index}`;
    if (KNOWN_MISMATCHES[key] !== undefined) outcomes.push({ index, step: e.step, result: 'known', diffs, reason: KNOWN_MISMATCHES[key] });
    else outcomes.push({ index, step: e.step, result: diffs.length ? 'mismatch' : 'matched', diffs });
  }
  return { outcomes, double };
}

function assertSame(act: Json, rec: Json, out: string[]): void {
  const a = JSON.stringify(act);
  const r = JSON.stringify(rec);
  if (a !== r) out.push(`error ${a} vs recorded ${r}`);
}

describe('replay comparator', () => {
  it('flags a wrong value, a wrong reference, a missing key and a wrong status code', () => {
    const m = new Mapping('http://127.0.0.1:1');
    const zaak = '11111111-1111-4111-8111-111111111111';
    const other = '22222222-2222-4222-8222-222222222222';
    m.learn(zaak, '33333333-3333-4333-8333-333333333333');
    m.learn(other, '44444444-4444-4444-8444-444444444444');
    const rec = { url: `${OZ}/zaken/api/v1/zaken/${zaak}`, einddatum: '2026-12-01', status: null as string | null, toelichting: '' };
    const good = m.rewriteJson(rec);
    const out: string[] = [];
    diff(m.rewriteJson(rec), good, 'body', m, out);
    assert.deepEqual(out, []);
    const wrongRef = { ...good, url: good.url.replace('33333333-3333-4333-8333-333333333333', '44444444-4444-4444-8444-444444444444') };
    const checks: Json[] = [{ ...good, einddatum: '2026-11-30' }, wrongRef, { url: good.url, einddatum: good.einddatum, status: null }, { ...good, status: '' }];
    for (const act of checks) {
      const d: string[] = [];
      diff(m.rewriteJson(rec), act, 'body', m, d);
      assert.notDeepEqual(d, [], JSON.stringify(act));
    }
  });
});

const files = readdirSync(REC_DIR).filter((f) => f.endsWith('.json') && f !== 'index.json').sort();
const totals = { replayed: 0, matched: 0, mismatch: 0, known: 0, excluded: 0 };

describe('ZGW test double: replay of the Open Zaak 1.12.4 recordings', () => {
  after(() => {
    console.log(`\nreplay total: ${totals.replayed} replayed, ${totals.matched} matched, ${totals.known} known differences, ${totals.mismatch} mismatched, ${totals.excluded} excluded`);
  });
  for (const file of files) {
    it(file, async () => {
      const { outcomes, double } = await replayScenario(file);
      try {
        const count = (r: Outcome['result']) => outcomes.filter((o) => o.result === r).length;
        const replayed = outcomes.length - count('excluded');
        totals.replayed += replayed;
        totals.matched += count('matched');
        totals.mismatch += count('mismatch');
        totals.known += count('known');
        totals.excluded += count('excluded');
        console.log(`${file}: ${replayed} replayed, ${count('matched')} matched, ${count('known')} known differences, ${count('mismatch')} mismatched, ${count('excluded')} excluded`);
        for (const o of outcomes.filter((x) => x.result === 'mismatch')) console.log(`  MISMATCH #${o.index} ${o.step}\n    ${o.diffs.slice(0, 6).join('\n    ')}`);
        if (process.env.ZGW_REPLAY_VERBOSE) for (const o of outcomes.filter((x) => x.result !== 'matched')) console.log(`  ${o.result} #${o.index} ${o.step}: ${o.reason ?? ''}`);
        const responseViolations = double.violations.filter((v) => v.kind === 'response');
        assert.deepEqual(responseViolations, [], 'responses of the double that break the OAS (a bug of the double)');
        assert.deepEqual(outcomes.filter((o) => o.result === 'mismatch').map((o) => `#${o.index} ${o.step}`), []);
      } finally {
        await double.close();
      }
    });
  }
});
