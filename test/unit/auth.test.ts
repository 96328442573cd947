/**
 * Who may call: password hashes, basic-auth and certificate bindings, the zender ↔ transport check, the
 * configuration that switches it on, and log redaction.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { ConfigError, type SenderConfig, loadConfig } from '../../src/config.js';
import { describeError, redact } from '../../src/redact.js';
import { Authenticator } from '../../src/server/auth.js';
import { AuthThrottle } from '../../src/server/auth-throttle.js';
import { hashPassword, parsePasswordHash, verifyPassword } from '../../src/server/passwords.js';
import { certificateBelongsTo, describeCertificate } from '../../src/server/tls.js';
import type { TransportIdentity } from '../../src/soap/parsed-request.js';
import { StufFault } from '../../src/stuf/fault.js';
import { authoriseSender } from '../../src/zds/senders.js';
import { PASSED_THROUGH, guardedMethodNames, restrictToZaaktypen } from '../../src/zds/zaaktype-scope.js';
import { PgZaakStore } from '../../src/backends/postgres/store.js';
import { PgWriter } from '../../src/backends/postgres/writer.js';
import { SqliteZaakStore } from '../../src/backends/sqlite/store.js';
import { SqliteWriter } from '../../src/backends/sqlite/writer.js';
import { ZgwZaakStore } from '../../src/backends/zgw/store.js';
import type { Zaak } from '../../src/domain/model.js';
import type { Backend, StoreWriter, ZaakQuery, ZaakQueryResult } from '../../src/ports/index.js';

const code = (c: string) => (e: unknown) => e instanceof StufFault && e.code === c;

describe('password hashes', () => {
  it('verify the right password only; the hash holds no password and differs per salt', async () => {
    const h1 = await hashPassword('correct horse battery', 10);
    const h2 = await hashPassword('correct horse battery', 10);
    assert.match(h1, /^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    assert.notEqual(h1, h2);
    assert.ok(!h1.includes('horse'));
    assert.equal(await verifyPassword('correct horse battery', h1), true);
    assert.equal(await verifyPassword('correct horse battery', h1), true, 'cached check');
    assert.equal(await verifyPassword('correct horse batterY', h1), false);
    assert.equal(await verifyPassword('', h1), false);
  });

  it('a malformed or absurd hash never matches', async () => {
    for (const bad of ['', 'geheim', '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAA', '$argon2id$v=19$m=1,t=1,p=1$AA$AA']) {
      assert.equal(parsePasswordHash(bad), undefined, bad);
      assert.equal(await verifyPassword('x', bad), false);
    }
  });
});

function fakeRequest(authorization?: string): IncomingMessage {
  return { headers: authorization === undefined ? {} : { authorization }, socket: new Socket() } as unknown as IncomingMessage;
}

describe('Authenticator (basic auth)', async () => {
  const hash = await hashPassword('wachtwoord-van-shv', 10);
  const shv: SenderConfig = { applicatie: 'SHV', basicAuth: { username: 'shv', passwordHash: hash } };
  const kcc: SenderConfig = { applicatie: 'KCC' };
  const auth = new Authenticator([shv, kcc]);
  const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

  it('is inactive without basicAuth or certificate bindings', () => {
    assert.equal(new Authenticator([kcc]).inactive, true);
    assert.equal(new Authenticator([]).inactive, true);
    assert.equal(auth.inactive, false);
  });

  it('binds the right credentials to their application', async () => {
    const r = await auth.authenticate(fakeRequest(basic('shv', 'wachtwoord-van-shv')));
    assert.ok(r.ok);
    assert.equal(r.callers.length, 1);
    assert.equal(r.callers[0]!.name, 'shv');
    assert.deepEqual(r.callers[0]!.senders, [shv]);
  });

  it('refuses missing, malformed and wrong credentials alike (no hint which part was wrong)', async () => {
    for (const header of [undefined, 'Bearer abc', 'Basic !!!', basic('shv', 'fout'), basic('onbekend', 'wachtwoord-van-shv')]) {
      const r = await auth.authenticate(fakeRequest(header));
      assert.equal(r.ok, false, String(header));
      if (!r.ok) assert.doesNotMatch(r.details, /wachtwoord-van-shv|onbekend/);
    }
  });
});

describe('certificate bindings', () => {
  it('CN, OIN in serialNumber or organizationIdentifier; every configured part must match', () => {
    const cert = { cn: 'shv.gemeente.nl', serialNumber: '00000001234567890000' };
    assert.ok(certificateBelongsTo({ applicatie: 'A', certificateSubject: 'shv.gemeente.nl' }, cert));
    assert.ok(certificateBelongsTo({ applicatie: 'A', oin: '00000001234567890000' }, cert));
    assert.ok(certificateBelongsTo({ applicatie: 'A', oin: '00000001234567890000' }, { organizationIdentifier: 'OINNL-00000001234567890000' }));
    assert.ok(!certificateBelongsTo({ applicatie: 'A', certificateSubject: 'shv.gemeente.nl', oin: '99999999999999999999' }, cert));
    assert.ok(!certificateBelongsTo({ applicatie: 'A', certificateSubject: 'kcc.gemeente.nl' }, cert));
    assert.ok(!certificateBelongsTo({ applicatie: 'A' }, cert), 'no binding configured: never matches');
    assert.equal(describeCertificate(cert), 'CN=shv.gemeente.nl, OIN 00000001234567890000');
  });
});

describe('zender must be the authenticated application', () => {
  const shv: SenderConfig = { organisatie: '1234', applicatie: 'SHV' };
  const kcc: SenderConfig = { organisatie: '1234', applicatie: 'KCC', operations: ['geefZaakdetails_ZakLv01'] };
  const senders = [shv, kcc];
  const zender = (applicatie: string) => ({ organisatie: '1234', applicatie });
  const as = (method: TransportIdentity['method'], ...owners: SenderConfig[]): TransportIdentity => ({ method, name: 'x', senders: owners });

  it('open registry: anyone, whatever the transport says', () => {
    assert.equal(authoriseSender([], zender('WIE'), 'creeerZaak_ZakLk01', [as('basic')]), undefined);
  });

  it('the matching application passes; another application is StUF052; an unbound identity StUF013', () => {
    assert.equal(authoriseSender(senders, zender('SHV'), 'creeerZaak_ZakLk01', [as('certificate', shv)]), shv);
    assert.throws(() => authoriseSender(senders, zender('SHV'), 'creeerZaak_ZakLk01', [as('basic', kcc)]), code('StUF052'));
    assert.throws(() => authoriseSender(senders, zender('SHV'), 'creeerZaak_ZakLk01', [as('certificate')]), code('StUF013'));
    assert.throws(() => authoriseSender(senders, zender('SHV'), 'creeerZaak_ZakLk01', [as('certificate', shv), as('basic', kcc)]), code('StUF052'));
  });

  it('unknown zender StUF013 and a forbidden operation StUF052 as before', () => {
    assert.throws(() => authoriseSender(senders, zender('WIE'), 'creeerZaak_ZakLk01'), code('StUF013'));
    assert.throws(() => authoriseSender(senders, zender('KCC'), 'creeerZaak_ZakLk01', [as('basic', kcc)]), code('StUF052'));
    assert.equal(authoriseSender(senders, zender('KCC'), 'geefZaakdetails_ZakLv01', [as('basic', kcc)]), kcc);
  });
});

describe('transport security configuration', () => {
  it('TLS from environment variables, paths resolved against the working directory', () => {
    const cfg = loadConfig({ ZAAKPOORT_TLS_CERT: 'tls/server.crt', ZAAKPOORT_TLS_KEY: 'tls/server.key', ZAAKPOORT_TLS_CA: 'tls/ca.crt', ZAAKPOORT_TLS_REQUIRE_CLIENT_CERT: 'true' }, '/srv/zp');
    assert.deepEqual(cfg.tls, { cert: '/srv/zp/tls/server.crt', key: '/srv/zp/tls/server.key', ca: '/srv/zp/tls/ca.crt', requireClientCert: true });
    assert.equal(loadConfig({}, '/srv/zp').tls, undefined, 'quick start stays plain HTTP');
  });

  it('settings that would silently leave Zaakpoort open stop the start', () => {
    assert.throws(() => loadConfig({ ZAAKPOORT_TLS_CERT: 'a.crt' }), ConfigError);
    assert.throws(() => loadConfig({ ZAAKPOORT_TLS_CERT: 'a.crt', ZAAKPOORT_TLS_KEY: 'a.key', ZAAKPOORT_TLS_REQUIRE_CLIENT_CERT: 'true' }), /ca/);
    assert.throws(() => loadConfig({ ZAAKPOORT_TLS_CERT: 'a.crt', ZAAKPOORT_TLS_KEY: 'a.key', ZAAKPOORT_TLS_REQUIRE_CLIENT_CERT: 'ja' }), ConfigError);
  });
});

describe('log redaction', () => {
  it('masks BSN-like numbers and values libxml2 quotes, keeps element names and long identificaties', () => {
    const msg =
      "Element '{http://www.egem.nl/StUF/sector/bg/0310}inp.bsn': [facet 'pattern'] The value '12345678X' is not accepted | " +
      "'abc 123456782' is not a valid value of the atomic type 'xs:integer' | Key (bsn)=(123456782) exists; zaak 123420260000001";
    const out = redact(msg);
    assert.doesNotMatch(out, /123456782|12345678X|abc/);
    assert.match(out, /inp\.bsn/);
    assert.match(out, /xs:integer/);
    assert.match(out, /123420260000001/);
    assert.match(redact('bsn 12345678 en 012345678'), /bsn \*{8} en \*{9}/);
  });

  it('describeError keeps type and masked message, never the stack', () => {
    const d = describeError(new TypeError('kapot bij 123456782'));
    assert.deepEqual(d, { type: 'TypeError', message: 'kapot bij *********' });
  });
});

describe('zaaktypen restriction on the store', () => {
  const zaak = (identificatie: string, code: string) => ({ identificatie, zaaktype: { code } }) as unknown as Zaak;
  const all = ['01A', '02B', '03A', '04B', '05A', '06A', '07B'].map((id) => zaak(id, id.endsWith('A') ? 'A' : 'B'));
  const inserted: Zaak[] = [];
  const store = {
    async getZaak(id: string) {
      return all.find((z) => z.identificatie === id);
    },
    async getZaakDetails(id: string) {
      const found = all.find((z) => z.identificatie === id);
      // Every other zaak as related, whatever its zaaktype: the restriction must filter them.
      return found && { zaak: found, besluiten: [], gerelateerde: new Map(all.filter((z) => z !== found).map((z) => [z.identificatie, z])) };
    },
    async findZaken(q: ZaakQuery): Promise<ZaakQueryResult> {
      const matches = all.filter((z) => !q.after || z.identificatie > q.after);
      return { zaken: matches.slice(0, q.limit), more: matches.length > q.limit, ...(q.countTotal ? { total: all.length } : {}) };
    },
    async transaction<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T> {
      const tx = { ...store, insertZaak: async (z: Zaak) => void inserted.push(z), updateZaak: async (z: Zaak) => void inserted.push(z) };
      return fn(tx as unknown as StoreWriter);
    },
  };
  const backend = { name: 'fake', store, content: {}, ids: {}, close: async () => undefined } as unknown as Backend;
  const scoped = restrictToZaaktypen(backend, { applicatie: 'SHV', zaaktypen: ['A'] });

  it('a selection leaves other zaaktypen out; limit, more, vervolgvraag and total stay exact', async () => {
    const first = await scoped.store.findZaken({ limit: 2, countTotal: true });
    assert.deepEqual(first.zaken.map((z) => z.identificatie), ['01A', '03A']);
    assert.equal(first.more, true);
    assert.equal(first.total, 4);
    const next = await scoped.store.findZaken({ limit: 2, after: '03A' });
    assert.deepEqual(next.zaken.map((z) => z.identificatie), ['05A', '06A']);
    assert.equal(next.more, false);
  });

  it('a zaak of another zaaktype reads as unknown; a new or changed one of another zaaktype is StUF052', async () => {
    assert.equal((await scoped.store.getZaak('01A'))?.identificatie, '01A');
    assert.equal(await scoped.store.getZaak('02B'), undefined, 'exactly as an unknown identificatie');
    assert.equal(await scoped.store.getZaak('99X'), undefined);
    await assert.rejects(scoped.store.transaction((tx) => tx.updateZaak(zaak('02B', 'A'))), code('StUF064'), 'changing it: "not found"');
    await assert.rejects(scoped.store.transaction((tx) => tx.insertZaak(zaak('08B', 'B'))), code('StUF052'));
    await assert.rejects(scoped.store.transaction((tx) => tx.updateZaak(zaak('01A', 'B'))), code('StUF052'), 'no moving a zaak out of sight');
    await scoped.store.transaction((tx) => tx.insertZaak(zaak('09A', 'A')));
    assert.deepEqual(inserted.map((z) => z.identificatie), ['09A']);
    assert.equal(scoped.name, 'fake', 'everything else is the original backend');
  });

  it('getZaakDetails answers a zaak of another zaaktype as unknown and leaves related zaken of other zaaktypen out', async () => {
    const want = { documenten: false, besluiten: true, relaties: ['heeftAlsDeelzaak'] as const };
    assert.equal(await scoped.store.getZaakDetails!('02B', want), undefined, 'exactly as an unknown identificatie');
    const details = await scoped.store.getZaakDetails!('01A', want);
    assert.equal(details?.zaak.identificatie, '01A');
    assert.deepEqual([...details!.gerelateerde!.keys()], ['03A', '05A', '06A']);
    // A store without the method stays without it, so callers take the guarded separate reads.
    const { getZaakDetails: _omitted, ...plain } = store;
    const scopedPlain = restrictToZaaktypen({ ...backend, store: plain } as unknown as Backend, { applicatie: 'SHV', zaaktypen: ['A'] });
    assert.equal(scopedPlain.store.getZaakDetails, undefined);
  });

  it('every method the real stores and transactions offer is guarded or deliberately passed through', () => {
    // Not on the ZaakStore/StoreWriter port (helpers of the classes themselves): a caller typed by the port cannot reach them.
    const internal = new Set(['detailsOf', 'lock', 'savepoint', 'stamp', 'insertVersion', 'beforeRead', 'drain', 'exclusiveWrite',
      'groupWrite', 'insideTransaction', 'runBatch', 'guarded', 'health', 'runUnit', 'snapshot']);
    const { reads, writes } = guardedMethodNames();
    const stores = { PgZaakStore, SqliteZaakStore, ZgwZaakStore };
    const writers = { PgWriter, SqliteWriter };
    const methods = (c: { prototype: object }): string[] => {
      const out = new Set<string>();
      for (let p: object | null = c.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
        for (const k of Object.getOwnPropertyNames(p)) if (k !== 'constructor' && typeof Object.getOwnPropertyDescriptor(p, k)?.value === 'function') out.add(k);
      }
      return [...out];
    };
    const unguarded = (known: string[], classes: Record<string, { prototype: object }>) =>
      Object.entries(classes).flatMap(([name, c]) =>
        methods(c).filter((m) => !known.includes(m) && !PASSED_THROUGH.has(m) && !internal.has(m)).map((m) => `${name}.${m}`));
    assert.deepEqual(unguarded([...reads, 'transaction'], stores), []);
    assert.deepEqual(unguarded([...reads, ...writes], writers), []);
    assert.ok(reads.includes('getZaakDetails') && reads.includes('getZaak') && writes.includes('insertZaak'));
  });
});

describe('password-check throttle', () => {
  const limits = { maxConcurrentVerifications: 1, maxQueuedVerifications: 1, maxFailuresPerAddress: 2, maxFailuresPerUsername: 3, failureWindowMs: 60_000, verifiedCacheTtlMs: 60_000, throttledAnswerDelayMs: 0 };

  it('runs one check at a time, queues one, answers the next as throttled at once', async () => {
    const t = new AuthThrottle(limits);
    let running = 0;
    let most = 0;
    const releases: Array<() => void> = [];
    const check = () =>
      new Promise<string>((resolve) => {
        running++;
        most = Math.max(most, running);
        releases.push(() => {
          running--;
          resolve('done');
        });
      });
    const first = t.verify('10.0.0.1', 'u1', check);
    const second = t.verify('10.0.0.2', 'u2', check);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(await t.verify('10.0.0.3', 'u3', check), { throttled: true, retryAfterSeconds: 1 });
    releases.shift()!();
    assert.equal(await first, 'done');
    await new Promise((r) => setImmediate(r));
    releases.shift()!();
    assert.equal(await second, 'done');
    assert.equal(most, 1);
  });

  it('remembers verified credentials by HMAC only, and blocks an address after its failures', () => {
    const t = new AuthThrottle(limits);
    t.remember('shv', 'geheim-wachtwoord', [0]);
    assert.deepEqual(t.remembered('shv', 'geheim-wachtwoord'), [0]);
    assert.equal(t.remembered('shv', 'ander'), undefined);
    assert.doesNotMatch(JSON.stringify([...(t as unknown as { verified: Map<string, unknown> }).verified.keys()]), /geheim/);
    assert.equal(t.blocked('10.0.0.1', 'a'), undefined);
    t.recordFailure('10.0.0.1', 'a');
    t.recordFailure('10.0.0.1', 'b');
    const b = t.blocked('10.0.0.1', 'c');
    assert.ok(b && b.retryAfterSeconds >= 1 && b.retryAfterSeconds <= 60);
    assert.equal(t.blocked('10.0.0.2', 'c'), undefined, 'another address is not blocked');
  });

  it('counts checks still running against the limits, so a burst sent at once gets no more checks than one by one', async () => {
    const t = new AuthThrottle({ ...limits, maxConcurrentVerifications: 4, maxQueuedVerifications: 4 });
    const releases: Array<() => void> = [];
    const check = () => new Promise<string[]>((resolve) => releases.push(() => resolve([])));
    const started = [t.verify('10.0.0.9', 'x', check), t.verify('10.0.0.9', 'y', check)];
    await new Promise((r) => setImmediate(r));
    const third = t.blocked('10.0.0.9', 'z');
    assert.ok(third && third.retryAfterSeconds >= 1, 'two checks running from this address reach its limit of 2');
    assert.equal(t.blocked('10.0.0.8', 'z'), undefined, 'another address is not affected');
    for (const release of releases) release();
    await Promise.all(started);
    assert.equal(t.blocked('10.0.0.9', 'z'), undefined, 'finished checks no longer count; only recorded failures do');
  });
});
