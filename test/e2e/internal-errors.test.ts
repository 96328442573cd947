/**
 * Our own failures (disk, file system, database driver, bugs) injected at each place they can arise: the sender
 * gets StUF058 without a path, address or errno text; the log has the error with its code and cause, masked.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { StoreWriter } from '../../src/ports/index.js';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid, schemas } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

/** An error as the log describes it (src/redact.ts describeError). */
interface Described {
  code?: string;
  cause?: { code?: string };
}

/** What a Node file-system or socket error looks like (message with the path or address, code, errno). */
function osError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, errno: -2, syscall: 'open' });
}

const LEAKS = /ENOENT|ENOSPC|EACCES|ECONNREFUSED|EIO|\/tmp\/|\/data\/|\.part\b|127\.0\.0\.1|5432|\bat .+:\d+:\d+|\.ts\b|node_modules/;

async function expectInternalFault(res: { status: number; text: string }): Promise<void> {
  await assertSoapResponseValid(res.text);
  assert.equal(res.status, 500, res.text);
  assert.equal(m.extract(res.text, 'code'), 'StUF058', res.text);
  assert.doesNotMatch(res.text, LEAKS);
}

describe('internal errors: masked for the sender, logged with their cause', () => {
  let srv: TestServer;
  const logs: string[] = [];
  before(async () => {
    srv = await startServer({}, { schemas: await schemas(), logs });
  });
  after(async () => srv.close());
  beforeEach(() => {
    logs.length = 0;
  });

  /** The log lines at level error (50) that carry an error code. */
  const loggedCodes = (): string[] =>
    logs.map((l) => JSON.parse(l) as { level: number; error?: Described; err?: Described })
      .map((l) => (l.level >= 50 ? l.error ?? l.err : undefined))
      .flatMap((e) => [e?.code, e?.cause?.code].filter((c): c is string => !!c));

  async function zaak(): Promise<string> {
    const id = m.extract((await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')))).text, 'identificatie')!;
    assert.equal((await srv.post(envelope(m.creeerZaak({ identificatie: id }, '1.2')))).status, 200);
    return id;
  }

  it('the temp store failing while a document streams in (SOAP reader): no path, ENOENT logged', async () => {
    const zaakId = await zaak();
    const content = srv.zp.backend.content;
    const original = content.createTemp;
    content.createTemp = async () => {
      throw osError('ENOENT', `ENOENT: no such file or directory, open '${srv.dataDir}/tmp/0123456789abcdef0123456789abcdef.part'`);
    };
    try {
      const res = await srv.post(envelope(m.voegZaakdocumentToe(`1234D${Date.now()}`, zaakId, Buffer.alloc(100_000, 7), '1.2')));
      await expectInternalFault(res);
      assert.match(res.text, /Documentinhoud kon niet tijdelijk worden opgeslagen/);
    } finally {
      content.createTemp = original;
    }
    assert.ok(loggedCodes().includes('ENOENT'), logs.join(''));
  });

  it('a full disk while writing temp content (ENOSPC from the write stream)', async () => {
    const zaakId = await zaak();
    const content = srv.zp.backend.content;
    const original = content.createTemp.bind(content);
    content.createTemp = async () => {
      const temp = await original();
      temp.stream.destroy(osError('ENOSPC', `ENOSPC: no space left on device, write '${srv.dataDir}/tmp/x.part'`));
      return temp;
    };
    try {
      await expectInternalFault(await srv.post(envelope(m.voegZaakdocumentToe(`1234D${Date.now()}`, zaakId, Buffer.alloc(300_000, 1), '1.2'))));
    } finally {
      content.createTemp = original;
    }
    assert.ok(loggedCodes().includes('ENOSPC'), logs.join(''));
  });

  it('persisting a blob fails (EACCES in the document store, during the operation)', async () => {
    const zaakId = await zaak();
    const content = srv.zp.backend.content;
    const original = content.persist;
    content.persist = async () => {
      throw osError('EACCES', `EACCES: permission denied, rename '${srv.dataDir}/tmp/a.part' -> '${srv.dataDir}/documents/ab/abc'`);
    };
    try {
      await expectInternalFault(await srv.post(envelope(m.voegZaakdocumentToe(`1234D${Date.now()}`, zaakId, Buffer.from('inhoud'), '1.2'))));
    } finally {
      content.persist = original;
    }
    assert.ok(loggedCodes().includes('EACCES'), logs.join(''));
  });

  it('a database driver error in a read and in the identificatie generator (ECONNREFUSED text)', async () => {
    const store = srv.zp.backend.store;
    const ids = srv.zp.backend.ids;
    const originalRead = store.getZaak;
    const originalReserve = ids.reserve;
    store.getZaak = async () => {
      throw osError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432');
    };
    ids.reserve = async () => {
      throw new Error('disk I/O error at /var/lib/zaakpoort/zaakpoort.sqlite', { cause: osError('EIO', 'EIO: i/o error, write') });
    };
    try {
      await expectInternalFault(await srv.post(envelope(m.geefZaakdetails('123420260000001', '1.2'))));
      await expectInternalFault(await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2'))));
    } finally {
      store.getZaak = originalRead;
      ids.reserve = originalReserve;
    }
    const codes = loggedCodes();
    assert.ok(codes.includes('ECONNREFUSED') && codes.includes('EIO'), logs.join(''));
  });

  it('the idempotency lookup failing (dispatcher, before the operation) is masked too', async () => {
    const store = srv.zp.backend.store;
    const original = store.getLoggedMessage;
    store.getLoggedMessage = async () => {
      throw osError('ENOENT', `ENOENT: no such file or directory, open '${srv.dataDir}/zaakpoort.sqlite-wal'`);
    };
    try {
      await expectInternalFault(await srv.post(envelope(m.creeerZaak({ identificatie: `1234${Date.now()}` }, '1.2'))));
    } finally {
      store.getLoggedMessage = original;
    }
    assert.ok(loggedCodes().includes('ENOENT'));
  });

  it('genereerIdentificatie whose message-log write fails: still answered; a resend gets a new identificatie', async () => {
    const store = srv.zp.backend.store;
    const original = store.transaction;
    const failingLog = <T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T> =>
      original.call(store, (tx) => fn(new Proxy(tx, {
        get: (t, p) => (p === 'logMessage' ? async () => { throw osError('EIO', 'EIO: i/o error, write'); } : Reflect.get(t, p, t)),
      }))) as Promise<T>;
    store.transaction = failingLog;
    const message = envelope(m.genereerIdentificatie('Zaak', '1.2'));
    let first: { status: number; text: string };
    let again: { status: number; text: string };
    try {
      first = await srv.post(message);
      again = await srv.post(message);
    } finally {
      store.transaction = original;
    }
    assert.equal(first.status, 200, first.text);
    assert.equal(again.status, 200, again.text);
    // The first identificatie stays reserved (never issued again); the resend could not be recognised.
    assert.notEqual(m.extract(again.text, 'identificatie'), m.extract(first.text, 'identificatie'));
    assert.ok(logs.some((l) => l.includes('berichtenlog') && l.includes('EIO')), logs.join(''));
  });

  it('a blob that fails while the answer streams: the connection is cut, the cause (ENOENT) is logged', async () => {
    const zaakId = await zaak();
    const docId = `1234D${Date.now()}S`;
    assert.equal((await srv.post(envelope(m.voegZaakdocumentToe(docId, zaakId, Buffer.from('inhoud'), '1.2')))).status, 200);
    const blobRef = (await srv.zp.backend.store.getDocument(docId))!.latest.blobRef!;
    await srv.zp.backend.content.remove(blobRef); // the file vanishes behind Zaakpoort's back
    logs.length = 0;
    await assert.rejects(srv.post(envelope(m.geefZaakdocumentLezen(docId, '1.2'))));
    for (let i = 0; i < 100 && !loggedCodes().includes('ENOENT'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(loggedCodes().includes('ENOENT'), logs.join(''));
  });
});
