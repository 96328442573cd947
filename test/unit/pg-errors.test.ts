/** Which PostgreSQL driver errors count as "the database is not reachable" (answered StUF058 "niet bereikbaar"). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseUnavailableError, isConnectionError, translate } from '../../src/backends/postgres/errors.js';
import { BackendUnavailableError, findUnavailable } from '../../src/ports/unavailable.js';

const withCode = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('PostgreSQL connection errors', () => {
  it('every way a connection is lost or never made', () => {
    for (const e of [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      withCode('read ECONNRESET', 'ECONNRESET'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('the database system is starting up', '57P03'),
      withCode('connection failure', '08006'),
      new Error('Connection terminated unexpectedly'),
      new Error('Connection terminated due to connection timeout'),
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      assert.ok(isConnectionError(e), e.message);
      const t = translate(e);
      assert.ok(t instanceof DatabaseUnavailableError && t instanceof BackendUnavailableError);
      assert.equal((t as DatabaseUnavailableError).publicMessage, 'De database (PostgreSQL) is niet bereikbaar');
    }
  });

  it('other errors stay what they are; a wrapped outage is still found', () => {
    for (const e of [withCode('duplicate key value violates unique constraint', '23505'), new Error('syntax error at or near "x"')]) {
      assert.equal(isConnectionError(e), false);
      assert.equal(translate(e), e);
    }
    const wrapped = new Error('Interne fout', { cause: new Error('lezen mislukt', { cause: translate(new Error('Connection terminated unexpectedly')) }) });
    assert.ok(findUnavailable(wrapped) instanceof DatabaseUnavailableError);
    assert.equal(findUnavailable(new Error('iets anders')), undefined);
  });
});
