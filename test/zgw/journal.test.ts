/**
 * Crash recovery of ZGW units of work: what a unit did before the process stopped is undone at the next start,
 * unless the message log shows the bericht was answered. On the ZGW TEST DOUBLE (not Open Zaak).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UnitOfWork } from '../../src/backends/zgw/unit-of-work.js';
import { insertZaak } from '../../src/backends/zgw/write-zaak.js';
import { type ZgwFixture, openZgwFixture, zaakVoorZgw, zakenInZgw } from './helpers.js';

describe('zgw journal: recovery after a crash', () => {
  let f: ZgwFixture;
  before(async () => {
    f = await openZgwFixture();
  });
  after(async () => {
    await f?.close();
  });

  /** Run a unit's ZGW work and then "crash": neither complete nor undo it. */
  async function crashAfterWork(id: string, messageKey?: { zenderKey: string; referentienummer: string }): Promise<void> {
    const { context } = f.backend.zgw;
    const unit = new UnitOfWork(context.http, context.journal, { operation: 'creeerZaak' }, context.log);
    await insertZaak(context, unit, zaakVoorZgw(id));
    if (messageKey) unit.setMessageKey(messageKey);
    assert.ok((await zakenInZgw(f.double)).includes(id));
    assert.equal(context.journal.open().length, 0, 'a running unit is left alone by the sweep');
    // The process is gone: nothing runs the unit any more.
    context.journal.release(unit.id);
    assert.equal(context.journal.open().length, 1);
  }

  it('undoes an interrupted unit at the next start', async () => {
    await crashAfterWork('036320240000500');
    await f.reopen();
    assert.ok(!(await zakenInZgw(f.double)).includes('036320240000500'), 'the half-made zaak is gone');
    assert.deepEqual(f.backend.zgw.context.journal.open(), []);
  });

  it('keeps the work of a unit whose answer was logged (it completed; only the journal entry was left)', async () => {
    const key = { zenderKey: '1234|SHV||', referentienummer: 'ref-crash-1' };
    await crashAfterWork('036320240000501', key);
    await f.backend.zgw.context.local.store.transaction((tx) => tx.logMessage({ ...key, requestHash: 'h', responseXml: '<Bv03/>', at: new Date().toISOString() }));
    await f.reopen();
    assert.ok((await zakenInZgw(f.double)).includes('036320240000501'), 'the acknowledged zaak stays');
    assert.deepEqual(f.backend.zgw.context.journal.open(), []);
  });

  it('keeps the journal entry when the undo cannot reach ZGW, and finishes it at a later start', async () => {
    await crashAfterWork('036320240000502');
    await f.double.faults.setReachable(false);
    try {
      await f.reopen();
      assert.equal(f.backend.zgw.context.journal.open().length, 1);
    } finally {
      await f.double.faults.setReachable(true);
    }
    await f.reopen();
    assert.ok(!(await zakenInZgw(f.double)).includes('036320240000502'));
    assert.deepEqual(f.backend.zgw.context.journal.open(), []);
  });
});
