/**
 * A Zaakpoort process killed (SIGKILL) while its POST is in flight: the ZGW TEST DOUBLE (not Open Zaak) has
 * processed the POST but holds the answer back, so the resource exists in ZGW while the process never heard of it.
 * The journal entry written before the POST lets the next start find that resource and undo it. A refused POST
 * (identificatie niet uniek) leaves no journal entry, so nothing that existed before is ever looked for.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { JOURNAL_FILE, SqliteUnitJournal } from '../../src/backends/zgw/journal.js';
import { DuplicateError } from '../../src/ports/zaak-store.js';
import { REPO_ROOT } from '../helpers/zaakpoort.js';
import { type ZgwDouble, startZgwDouble } from '../zgw-double/index.js';
import { CATALOGUE, RSIN, listInZgw, openZgwBackendAt, settingsFor, zaakVoorZgw, zakenInZgw, zgwEnvFor } from './helpers.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-child.ts');

describe('zgw journal: a crash while a creating POST is in flight', () => {
  let double: ZgwDouble;
  const dirs: string[] = [];
  before(async () => {
    double = await startZgwDouble();
    await double.seed(CATALOGUE);
  });
  afterEach(() => {
    double.faults.clear();
    assert.deepEqual(double.violations, [], 'every request Zaakpoort sent is valid against the OAS');
  });
  after(async () => {
    await double?.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  async function freshDir(): Promise<string> {
    const d = await mkdtemp(path.join(tmpdir(), 'zaakpoort-zgw-crash-'));
    dirs.push(d);
    return d;
  }

  /** Start the child on `dir`, wait until the double has processed the held POST on `pathRe`, then SIGKILL it. */
  async function killDuringPost(dir: string, pathRe: RegExp, args: Record<string, unknown>): Promise<void> {
    const held = double.faults.loseResponse('POST', pathRe, 1, 'hold');
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify({ dir, env: zgwEnvFor(double), ...args })], {
      cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (c) => (out += String(c)));
    child.stderr!.on('data', (c) => (out += String(c)));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const deadline = Date.now() + 30_000;
    while (!double.requests.some((r) => r.method === 'POST' && pathRe.test(r.path) && r.processed !== undefined)) {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        assert.fail(`the child never reached the POST: ${out}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(held.fired, 1);
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL', out);
    assert.doesNotMatch(out, /done/, 'the unit never finished');
  }

  /** What the dead process left in its journal (read without running recovery). */
  async function journalLeft(dir: string): Promise<Array<{ kind: string; what: string }>> {
    const j = new SqliteUnitJournal(dir);
    try {
      return j.open().flatMap((u) => u.undos.map((s) => ({ kind: s.kind, what: s.what })));
    } finally {
      await j.close();
    }
  }

  it('creeerZaak: the zaak the POST made is found by its identificatie at the next start and deleted', async () => {
    const dir = await freshDir();
    const id = '036320240000900';
    await killDuringPost(dir, /\/zaken\/api\/v1\/zaken$/, { scenario: 'zaak', zaak: id });
    assert.ok((await zakenInZgw(double)).includes(id), 'the POST took effect in ZGW');
    assert.deepEqual(await journalLeft(dir), [{ kind: 'deleteMatching', what: `zaak ${id}` }], 'journalled before the POST was sent');
    const backend = await openZgwBackendAt(settingsFor(double), dir);
    try {
      assert.ok(!(await zakenInZgw(double)).includes(id), 'recovery deleted the unjournalled zaak');
      assert.deepEqual(backend.zgw.context.journal.open(), []);
    } finally {
      await backend.close();
    }
  });

  it('voegZaakdocumentToe: the EIO the POST made is found and deleted; the zaak it was for stays', async () => {
    const dir = await freshDir();
    const zaak = '036320240000901';
    const doc = '0363D20240000901';
    const setup = await openZgwBackendAt(settingsFor(double), dir);
    await setup.store.transaction((tx) => tx.insertZaak(zaakVoorZgw(zaak)));
    await setup.close();
    await killDuringPost(dir, /\/documenten\/api\/v1\/enkelvoudiginformatieobjecten$/, { scenario: 'document', zaak, document: doc });
    const eios = () => listInZgw<{ identificatie: string }>(double, `${double.roots.documenten}/enkelvoudiginformatieobjecten?bronorganisatie=${RSIN}&identificatie=${doc}`);
    assert.equal((await eios()).length, 1, 'the POST took effect in ZGW');
    assert.deepEqual(await journalLeft(dir), [{ kind: 'deleteMatching', what: 'enkelvoudiginformatieobject' }]);
    const backend = await openZgwBackendAt(settingsFor(double), dir);
    try {
      assert.deepEqual(await eios(), [], 'recovery deleted the unjournalled EIO');
      assert.ok((await zakenInZgw(double)).includes(zaak), 'the zaak of an earlier, completed unit stays');
      assert.deepEqual(backend.zgw.context.journal.open(), []);
    } finally {
      await backend.close();
    }
  });

  it('a POST refused as a duplicate leaves no journal entry: the zaak that already had the identificatie is never looked for', async () => {
    const dir = await freshDir();
    const id = '036320240000902';
    const backend = await openZgwBackendAt(settingsFor(double), dir);
    try {
      await backend.store.transaction((tx) => tx.insertZaak(zaakVoorZgw(id)));
      await assert.rejects(backend.store.transaction((tx) => tx.insertZaak(zaakVoorZgw(id))), (e: unknown) => e instanceof DuplicateError);
      assert.deepEqual(backend.zgw.context.journal.open(), []);
      const j = await journalLeft(dir);
      assert.deepEqual(j, []);
    } finally {
      await backend.close();
    }
    const again = await openZgwBackendAt(settingsFor(double), dir);
    await again.close();
    assert.ok((await zakenInZgw(double)).includes(id), 'the original zaak survives the next start');
  });

  it('runs the journal in WAL mode with synchronous NORMAL: the fsync of an undo is its own, off the main thread (test/zgw/journal-sync.test.ts)', async () => {
    const j = new SqliteUnitJournal(await freshDir());
    try {
      // SQLite: synchronous 1 = NORMAL (0 OFF, 2 FULL, 3 EXTRA). COMMIT does not sync; record() awaits a WAL fdatasync.
      assert.deepEqual(j.pragmas(), { journalMode: 'wal', synchronous: 1 });
      j.begin('u1', { operation: 'test' });
      const seq = await j.record('u1', { kind: 'delete', api: 'zaken', url: 'http://x/zaken/1', what: 'zaak' });
      j.replace(seq, { kind: 'delete', api: 'zaken', url: 'http://x/zaken/2', what: 'zaak' });
      assert.deepEqual(j.pragmas(), { journalMode: 'wal', synchronous: 1 });
      j.release('u1');
      assert.deepEqual(j.open().map((u) => u.undos), [[{ kind: 'delete', api: 'zaken', url: 'http://x/zaken/2', what: 'zaak' }]]);
      await j.end('u1');
    } finally {
      await j.close();
    }
    assert.equal(JOURNAL_FILE, 'zgw-journal.sqlite');
  });
});
