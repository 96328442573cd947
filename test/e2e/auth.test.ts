/**
 * Who may call what, over real HTTP(S): zaaktypen per sender, basic auth, mutual TLS bound to applications,
 * per-sender validation strictness, and what reaches the log when processing fails. Test certificates are
 * made with the openssl CLI in a temp folder at test time.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Zaakpoort, createZaakpoort } from '../../src/compose.js';
import { type Config, type SenderConfig, defaultConfig } from '../../src/config.js';
import { hashPassword } from '../../src/server/passwords.js';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid, schemas } from '../helpers/xsd.js';
import { REPO_ROOT, envelope } from '../helpers/zaakpoort.js';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

interface Instance {
  base: string;
  zp: Zaakpoort;
  dataDir: string;
  logs: string[];
  send(body: string, opts?: { headers?: Record<string, string>; tls?: https.RequestOptions; path?: string; method?: string }): Promise<Answer>;
  close(): Promise<void>;
}

/** A real Zaakpoort whose JSON log lines are captured (level info, as in production). */
async function start(overrides: Partial<Config>): Promise<Instance> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-auth-'));
  const logs: string[] = [];
  const config: Config = {
    ...defaultConfig(),
    dataDir,
    schemaDir: process.env.ZAAKPOORT_SCHEMA_DIR ?? path.join(REPO_ROOT, 'xsd'),
    gemeentecode: '1234',
    port: 0,
    logLevel: 'info',
    ...overrides,
  };
  const zp = await createZaakpoort(config, { logger: { stream: { write: (line) => void logs.push(line) } }, schemas: await schemas() });
  await zp.server.listen({ port: 0, host: '127.0.0.1' });
  const addr = zp.server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const base = `${config.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    base,
    zp,
    dataDir,
    logs,
    send: (body, opts = {}) => request(base + (opts.path ?? '/zds'), body, opts),
    async close() {
      await zp.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function request(url: string, body: string, opts: { headers?: Record<string, string>; tls?: https.RequestOptions; method?: string }): Promise<Answer> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, {
      method: opts.method ?? 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', ...opts.headers },
      agent: false,
      ...opts.tls,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.method === 'GET' ? undefined : body);
  });
}

/** The same message from another application (the helpers always write zender SHV). */
function from(applicatie: string, body: string): string {
  return body.replace('<StUF:applicatie>SHV</StUF:applicatie>', `<StUF:applicatie>${applicatie}</StUF:applicatie>`);
}

const code = (text: string): string | undefined => m.extract(text, 'code');
const env = (body: string) => envelope(body);

async function newZaakId(srv: Instance, applicatie: string, opts: Parameters<Instance['send']>[1] = {}): Promise<string> {
  const res = await srv.send(env(from(applicatie, m.genereerIdentificatie('Zaak', '1.2'))), opts);
  await assertSoapResponseValid(res.text);
  assert.equal(res.status, 200, res.text);
  return m.extract(res.text, 'identificatie')!;
}

async function expectFault(res: Answer, stufCode: string, status = 500): Promise<void> {
  await assertSoapResponseValid(res.text);
  assert.equal(res.status, status, res.text);
  assert.equal(code(res.text), stufCode, res.text);
}

describe('zaaktypen per sender', () => {
  let srv: Instance;
  const senders: SenderConfig[] = [
    { organisatie: '1234', applicatie: 'SHV', zaaktypen: ['SHV01'] },
    { organisatie: '1234', applicatie: 'KCC' },
  ];
  before(async () => {
    srv = await start({ senders });
  });
  after(async () => srv.close());

  it('creates only zaken of its own zaaktypen; StUF052 and nothing stored otherwise', async () => {
    const other = await newZaakId(srv, 'SHV');
    const refused = await srv.send(env(m.creeerZaak({ identificatie: other, zaaktype: 'WMO01' }, '1.2')));
    await expectFault(refused, 'StUF052');
    assert.match(refused.text, /Fo03Bericht/);
    assert.match(refused.text, /WMO01/);
    assert.equal(await srv.zp.backend.store.getZaak(other), undefined);

    const own = await newZaakId(srv, 'SHV');
    const ok = await srv.send(env(m.creeerZaak({ identificatie: own, zaaktype: 'SHV01' }, '1.2')));
    await assertSoapResponseValid(ok.text);
    assert.equal(ok.status, 200, ok.text);
  });

  it('a zaak of another zaaktype, its documents and besluiten are "not found" (StUF064); its own still works', async () => {
    const wmo = await newZaakId(srv, 'KCC');
    const created = await srv.send(env(from('KCC', m.creeerZaak({ identificatie: wmo, zaaktype: 'WMO01' }, '1.2'))));
    assert.equal(created.status, 200, created.text);
    const docId = `1234D${Date.now()}`;
    const doc = await srv.send(env(from('KCC', m.voegZaakdocumentToe(docId, wmo, Buffer.from('inhoud WMO'), '1.2'))));
    assert.equal(doc.status, 200, doc.text);

    await expectFault(await srv.send(env(m.geefZaakdetails(wmo, '1.2'))), 'StUF064');
    await expectFault(await srv.send(env(m.geefLijstZaakdocumenten(wmo, '1.2'))), 'StUF064');
    await expectFault(await srv.send(env(m.geefZaakdocumentLezen(docId, '1.2'))), 'StUF064');

    const sneaky = `${docId}X`;
    await expectFault(await srv.send(env(m.voegZaakdocumentToe(sneaky, wmo, randomBytes(70_000), '1.2'))), 'StUF064');
    assert.equal(await srv.zp.backend.store.getDocument(sneaky), undefined);
    assert.deepEqual(await readdir(path.join(srv.dataDir, 'tmp')), [], 'no temp content left');

    const kcc = await srv.send(env(from('KCC', m.geefZaakdetails(wmo, '1.2'))));
    await assertSoapResponseValid(kcc.text);
    assert.equal(kcc.status, 200, 'an application without zaaktypen sees every zaak');
  });

  it('"exists but not yours" is answered exactly as "does not exist"', async () => {
    const wmo = await newZaakId(srv, 'KCC');
    assert.equal((await srv.send(env(from('KCC', m.creeerZaak({ identificatie: wmo, zaaktype: 'WMO01' }, '1.2'))))).status, 200);
    const docId = `1234D${Date.now()}W`;
    assert.equal((await srv.send(env(from('KCC', m.voegZaakdocumentToe(docId, wmo, Buffer.from('x'), '1.2'))))).status, 200);
    const besluitId = `1234B${Date.now()}`;
    assert.equal((await srv.send(env(from('KCC', m.voegBesluitToe(besluitId, wmo))))).status, 200);
    const missing = { zaak: `1234${Date.now()}9`, doc: `1234D${Date.now()}Q`, besluit: `1234B${Date.now()}Q` };
    /** The answer with the identificatie and the message's own stuurgegevens taken out. */
    const shape = async (body: string, id: string) => {
      const res = await srv.send(env(body));
      await assertSoapResponseValid(res.text);
      const text = res.text.split(id).join('<ID>').replace(/<StUF:stuurgegevens>.*<\/StUF:stuurgegevens>/s, '');
      return { status: res.status, text };
    };
    const pairs: Array<[string, string, (id: string) => string]> = [
      [wmo, missing.zaak, (id) => m.geefZaakdetails(id, '1.2')],
      [wmo, missing.zaak, (id) => m.geefLijstZaakdocumenten(id, '1.2')],
      [wmo, missing.zaak, (id) => m.geefLijstBesluiten(id, '1.2')],
      [wmo, missing.zaak, (id) => m.updateZaak(id, '<ZKN:omschrijving>a</ZKN:omschrijving>', '<ZKN:omschrijving>b</ZKN:omschrijving>')],
      [docId, missing.doc, (id) => m.geefZaakdocumentLezen(id, '1.2')],
      [docId, missing.doc, (id) => m.geefZaakdocumentBewerken(id, '1.2')],
      [docId, missing.doc, (id) => m.updateZaakdocument(id, '1.2', { set: { titel: 'gewijzigd' } })],
      [besluitId, missing.besluit, (id) => m.geefBesluitdetails(id)],
    ];
    for (const [existing, absent, body] of pairs) {
      const a = await shape(body(existing), existing);
      const b = await shape(body(absent), absent);
      assert.equal(m.extract(a.text, 'code'), 'StUF064', a.text);
      assert.deepEqual(a, b);
    }
    const stored = await srv.zp.backend.store.getDocument(docId);
    assert.notEqual(stored?.meta.titel, 'gewijzigd', 'nothing changed');
  });

  it('a document unlinked from a zaak of another zaaktype stays out of reach; a besluit of such a zaak too', async () => {
    const wmo = await newZaakId(srv, 'KCC');
    assert.equal((await srv.send(env(from('KCC', m.creeerZaak({ identificatie: wmo, zaaktype: 'WMO01' }, '1.2'))))).status, 200);
    const docId = `1234D${Date.now()}U`;
    assert.equal((await srv.send(env(from('KCC', m.voegZaakdocumentToe(docId, wmo, Buffer.from('geheim WMO'), '1.2'))))).status, 200);
    const unlinked = await srv.send(env(from('KCC', m.ontkoppelZaakdocument(docId, wmo))));
    assert.equal(unlinked.status, 200, unlinked.text);
    assert.deepEqual(await srv.zp.backend.store.listDocumentZaken(docId), [], 'the document has no zaak now');

    const read = await srv.send(env(m.geefZaakdocumentLezen(docId, '1.2')));
    await expectFault(read, 'StUF064');
    assert.doesNotMatch(read.text, new RegExp(Buffer.from('geheim WMO').toString('base64')));
    await expectFault(await srv.send(env(m.geefZaakdocumentBewerken(docId, '1.2'))), 'StUF064');
    await expectFault(await srv.send(env(m.updateZaakdocument(docId, '1.2', { content: Buffer.from('overschreven') }))), 'StUF064');
    assert.equal((await srv.zp.backend.store.listDocumentVersions(docId)).length, 1, 'no version added');
    // Linking it to an own zaak would make it readable: refused as unknown as well.
    const own = await newZaakId(srv, 'SHV');
    assert.equal((await srv.send(env(m.creeerZaak({ identificatie: own, zaaktype: 'SHV01' }, '1.2')))).status, 200);
    const link = await srv.send(env(m.updateZaakdocument(docId, '1.2', {
      relatie: { oud: '', nieuw: `<ZKN:isRelevantVoor StUF:entiteittype="EDCZAK" StUF:verwerkingssoort="T"><ZKN:gerelateerde StUF:entiteittype="ZAK" StUF:verwerkingssoort="I"><ZKN:identificatie>${own}</ZKN:identificatie></ZKN:gerelateerde></ZKN:isRelevantVoor>` },
    })));
    await expectFault(link, 'StUF064');
    assert.deepEqual(await srv.zp.backend.store.listDocumentZaken(docId), []);
    // The unrestricted application still reads it.
    const kcc = await srv.send(env(from('KCC', m.geefZaakdocumentLezen(docId, '1.2'))));
    assert.equal(kcc.status, 200, kcc.text);

    const besluitId = `1234B${Date.now()}U`;
    assert.equal((await srv.send(env(from('KCC', m.voegBesluitToe(besluitId, wmo))))).status, 200);
    await expectFault(await srv.send(env(m.geefBesluitdetails(besluitId))), 'StUF064');
    const upd = await srv.send(env(m.updateBesluit(besluitId, '<ZKN:toelichting xsi:nil="true" StUF:noValue="geenWaarde"/>', '<ZKN:toelichting>gewijzigd</ZKN:toelichting>')));
    await expectFault(upd, 'StUF064');
    assert.notEqual((await srv.zp.backend.store.getBesluit(besluitId))?.toelichting, 'gewijzigd');
  });
});

const PASSWORDS = { shv: 'shv-wachtwoord-2026!', kcc: 'kcc-wachtwoord-2026!' };

/** SHV and KCC with basic auth (cheap scrypt parameters: these tests check behaviour, not cost). */
async function basicAuthSenders(): Promise<SenderConfig[]> {
  return [
    { organisatie: '1234', applicatie: 'SHV', basicAuth: { username: 'shv', passwordHash: await hashPassword(PASSWORDS.shv, 10) } },
    { organisatie: '1234', applicatie: 'KCC', basicAuth: { username: 'kcc', passwordHash: await hashPassword(PASSWORDS.kcc, 10) } },
  ];
}

const basic = (user: string, pw: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}` });

describe('HTTP basic auth per application', () => {
  let srv: Instance;
  before(async () => {
    srv = await start({ senders: await basicAuthSenders() });
  });
  after(async () => srv.close());

  it('missing or wrong credentials: 401 with WWW-Authenticate and a SOAP fault', async () => {
    for (const headers of [{}, basic('shv', 'fout'), basic('niemand', PASSWORDS.shv), { authorization: 'Bearer abc' }]) {
      const res = await srv.send(env(m.genereerIdentificatie('Zaak', '1.2')), { headers });
      await expectFault(res, 'StUF013', 401);
      assert.match(String(res.headers['www-authenticate']), /^Basic realm="Zaakpoort"/);
    }
  });

  it('the right credentials for the zender pass; another application\'s credentials are StUF052', async () => {
    const id = await newZaakId(srv, 'SHV', { headers: basic('shv', PASSWORDS.shv) });
    assert.ok(id.startsWith('1234'));
    const posing = await srv.send(env(m.creeerZaak({ identificatie: id }, '1.2')), { headers: basic('kcc', PASSWORDS.kcc) });
    await expectFault(posing, 'StUF052');
    assert.match(posing.text, /gebruikersnaam kcc/);
    assert.equal(await srv.zp.backend.store.getZaak(id), undefined);
  });

  it('passwords never reach the log', () => {
    const all = srv.logs.join('');
    for (const pw of Object.values(PASSWORDS)) assert.ok(!all.includes(pw));
    assert.ok(!all.includes(Buffer.from(`shv:${PASSWORDS.shv}`).toString('base64')));
  });
});

describe('password checks are throttled (HTTP 429) and cannot be used to slow Zaakpoort down', () => {
  /** A throttled answer waits this long (the default is 1000 ms; shorter here to keep the suite quick). */
  const DELAY_MS = 300;
  let srv: Instance;
  const PW = PASSWORDS;
  before(async () => {
    srv = await start({
      senders: await basicAuthSenders(),
      authLimits: { maxConcurrentVerifications: 1, maxQueuedVerifications: 64, maxFailuresPerAddress: 3, maxFailuresPerUsername: 5, failureWindowMs: 60_000, verifiedCacheTtlMs: 60_000, throttledAnswerDelayMs: DELAY_MS },
    });
  });
  after(async () => srv.close());
  /** From another loopback address (Linux routes all of 127/8 to lo): the limits are per client address. */
  const fromAddress = (n: number) => ({ tls: { localAddress: `127.0.0.${n}` } as https.RequestOptions });

  it('wrong passwords from one address: 401 three times, then 429 with Retry-After and a SOAP Fault', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const res = await srv.send(env(m.genereerIdentificatie('Zaak', '1.2')), { headers: basic('shv', `fout-${i}`), ...fromAddress(11) });
      const ms = performance.now() - t0;
      statuses.push(res.status);
      if (res.status === 429) {
        // Throttled answers wait, so a flooding connection gets one per delay.
        assert.ok(ms >= DELAY_MS - 5, `429 after ${ms.toFixed(0)} ms`);
        await expectFault(res, 'StUF013', 429);
        assert.ok(Number(res.headers['retry-after']) >= 1, `Retry-After: ${String(res.headers['retry-after'])}`);
        assert.match(res.text, /Te veel aanmeldpogingen/);
        assert.equal(res.headers['www-authenticate'], undefined);
      }
    }
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    // Even the right password from that address is refused now: it is not checked at all.
    const right = await srv.send(env(m.genereerIdentificatie('Zaak', '1.2')), { headers: basic('shv', PW.shv), ...fromAddress(11) });
    assert.equal(right.status, 429);
  });

  it('credentials verified before still work from a blocked address and during a flood of wrong passwords', async () => {
    const ok = await srv.send(env(m.genereerIdentificatie('Zaak', '1.2')), { headers: basic('shv', PW.shv), ...fromAddress(12) });
    assert.equal(ok.status, 200, ok.text);
    // A flood of wrong passwords from many addresses at once.
    const flood = Array.from({ length: 40 }, (_, i) =>
      srv.send(env(m.genereerIdentificatie('Zaak', '1.2')), { headers: basic('shv', `raad-${i}`), ...fromAddress(20 + (i % 10)) }),
    );
    const during = await Promise.all(Array.from({ length: 5 }, () => srv.send(env(m.genereerIdentificatie('Zaak', '1.2')), { headers: basic('shv', PW.shv), ...fromAddress(12) })));
    for (const r of during) assert.equal(r.status, 200, r.text);
    const floodStatuses = (await Promise.all(flood)).map((r) => r.status);
    assert.ok(floodStatuses.every((s) => s === 401 || s === 429), floodStatuses.join());
    assert.ok(floodStatuses.includes(429), 'the flood was throttled');
    // From the blocked address of the previous test too: remembered credentials need no check.
    const remembered = await srv.send(env(m.genereerIdentificatie('Zaak', '1.2')), { headers: basic('shv', PW.shv), ...fromAddress(11) });
    assert.equal(remembered.status, 200, remembered.text);
  });

  it('wrong passwords for one username from changing addresses: 429 once the username limit is reached', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await srv.send(env(from('KCC', m.genereerIdentificatie('Zaak', '1.2'))), { headers: basic('kcc', `fout-${i}`), ...fromAddress(40 + i) });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
  });
});

const haveOpenssl = spawnSync('openssl', ['version']).status === 0;

/** A CA, a server certificate for 127.0.0.1, and client certificates, made fresh for this run. */
async function makeCertificates(dir: string): Promise<(name: string) => string> {
  const file = (name: string) => path.join(dir, name);
  const run = (...args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
  };
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await writeFile(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await writeFile(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
  const ca = (name: string) => run('req', '-x509', ...key, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '1', '-subj', `/CN=${name}`);
  const issue = (name: string, subject: string, caName: string, ext: string) => {
    run('req', ...key, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    run('x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.crt`, '-CAkey', `${caName}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', ext);
  };
  ca('test-ca');
  ca('rogue-ca');
  issue('server', '/CN=localhost', 'test-ca', 'server.ext');
  issue('shv', '/O=Gemeente Test/serialNumber=00000001234567890000/CN=shv.leverancier.nl', 'test-ca', 'client.ext');
  issue('kcc', '/O=Gemeente Test/CN=kcc.leverancier.nl', 'test-ca', 'client.ext');
  issue('rogue', '/O=Gemeente Test/serialNumber=00000001234567890000/CN=shv.leverancier.nl', 'rogue-ca', 'client.ext');
  return file;
}

describe('mutual TLS bound to applications', { skip: !haveOpenssl && 'openssl CLI not available' }, () => {
  let srv: Instance;
  let certDir: string;
  let file: (name: string) => string;
  const client = (name?: string): https.RequestOptions => ({
    ca: readFileSync(file('test-ca.crt')),
    ...(name ? { key: readFileSync(file(`${name}.key`)), cert: readFileSync(file(`${name}.crt`)) } : {}),
  });

  before(async () => {
    certDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-certs-'));
    file = await makeCertificates(certDir);
    srv = await start({
      tls: { cert: file('server.crt'), key: file('server.key'), ca: file('test-ca.crt'), requireClientCert: true },
      senders: [
        { organisatie: '1234', applicatie: 'SHV', oin: '00000001234567890000' },
        { organisatie: '1234', applicatie: 'KCC', certificateSubject: 'kcc.leverancier.nl' },
      ],
    });
  });
  after(async () => {
    await srv?.close();
    await rm(certDir, { recursive: true, force: true });
  });

  it('serves HTTPS; the application\'s own certificate passes (OIN or CN binding)', async () => {
    assert.ok(srv.base.startsWith('https://'));
    const id = await newZaakId(srv, 'SHV', { tls: client('shv') });
    const kcc = await srv.send(env(from('KCC', m.geefZaakdetails(id, '1.2'))), { tls: client('kcc') });
    await expectFault(kcc, 'StUF064'); // authorised; the zaak was only reserved, not created
    const health = await srv.send('', { method: 'GET', path: '/health', tls: client('kcc') });
    assert.equal(health.status, 200);
  });

  it('no client certificate, or one from another CA, never reaches HTTP', async () => {
    await assert.rejects(srv.send(env(m.genereerIdentificatie('Zaak', '1.2')), { tls: client() }));
    const rogue = { ...client(), key: readFileSync(file('rogue.key')), cert: readFileSync(file('rogue.crt')) };
    await assert.rejects(srv.send(env(m.genereerIdentificatie('Zaak', '1.2')), { tls: rogue }));
  });

  it('one application cannot pose as another: zender SHV with the KCC certificate is StUF052', async () => {
    const res = await srv.send(env(m.genereerIdentificatie('Zaak', '1.2')), { tls: client('kcc') });
    await expectFault(res, 'StUF052');
    assert.match(res.text, /CN=kcc\.leverancier\.nl/);
    assert.match(res.text, /applicatie "KCC"/);
  });
});

describe('per-sender validation strictness', () => {
  let srv: Instance;
  before(async () => {
    srv = await start({
      senders: [
        { organisatie: '1234', applicatie: 'SHV', validation: 'warn' },
        { organisatie: '1234', applicatie: 'KCC', validation: 'strict' },
      ],
    });
  });
  after(async () => srv.close());
  const ref41 = `REF${'7'.repeat(38)}`;

  it('a 41-character referentienummer is processed with warn and logged without the body', async () => {
    assert.equal(ref41.length, 41);
    const id = await newZaakId(srv, 'SHV');
    srv.logs.length = 0;
    const res = await srv.send(env(m.creeerZaak({ identificatie: id }, '1.2', ref41)));
    await assertSoapResponseValid(res.text);
    assert.equal(res.status, 200, res.text);
    assert.ok(await srv.zp.backend.store.getZaak(id));
    const warn = srv.logs.find((l) => l.includes('niet valide'));
    assert.ok(warn, `a warning is logged:\n${srv.logs.join('')}`);
    assert.match(warn!, /referentienummer/);
    const all = srv.logs.join('');
    assert.ok(!all.includes(ref41), 'the offending value is masked');
    assert.ok(!all.includes('<ZKN:') && !all.includes('123456782'), 'no body, no BSN');
  });

  it('the same message is refused with StUF055 for a strict sender', async () => {
    const id = await newZaakId(srv, 'KCC');
    const res = await srv.send(env(from('KCC', m.creeerZaak({ identificatie: id }, '1.2', ref41))));
    await expectFault(res, 'StUF055');
    assert.match(res.text, /referentienummer/);
    assert.equal(await srv.zp.backend.store.getZaak(id), undefined);
  });
});

describe('nothing sensitive in faults or logs', () => {
  let srv: Instance;
  before(async () => {
    srv = await start({});
  });
  after(async () => srv.close());

  it('a failing store: StUF058 without stack trace; the log has no BSN and no stack frame', async () => {
    const store = srv.zp.backend.store;
    const original = store.transaction;
    // What a database error looks like: it quotes the value that broke the constraint.
    store.transaction = async () => {
      throw new Error('duplicate key value violates unique constraint "rol_bsn": Key (bsn)=(123456782) already exists');
    };
    srv.logs.length = 0;
    try {
      const id = `1234${Date.now()}`;
      const res = await srv.send(env(m.creeerZaak({ identificatie: id, bsn: '123456782' }, '1.2')));
      await expectFault(res, 'StUF058');
      assert.doesNotMatch(res.text, /\bat .+:\d+:\d+|\.ts\b|node_modules|123456782|duplicate key/);
    } finally {
      store.transaction = original;
    }
    const all = srv.logs.join('');
    assert.match(all, /verwerking mislukt/);
    assert.match(all, /unique constraint/, 'the beheerder still learns what failed');
    assert.doesNotMatch(all, /(?<!\d)\d{8,9}(?!\d)/, 'no BSN-like value in the log');
    assert.doesNotMatch(all, /\bat .+:\d+:\d+|\\n\s+at /, 'no stack frame in the log');
  });
});
