/** `zaakpoort vrijgeven` (`npm run vrijgeven`): a functioneel beheerder releases a check-out that will never be checked in. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { cliArgs } from '../helpers/built-server.js';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { REPO_ROOT, type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

describe('zaakpoort vrijgeven', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
  });
  after(async () => {
    await srv.close();
  });

  /** The CLI as a separate process on the server's data folder, next to the running server. */
  function vrijgeven(...args: string[]) {
    return spawnSync(process.execPath, [...cliArgs(), 'vrijgeven', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ZAAKPOORT_DATA_DIR: srv.dataDir, ZAAKPOORT_GEMEENTECODE: '1234', ZAAKPOORT_CONFIG: '' },
      encoding: 'utf8',
    });
  }

  it('releases a check-out, after which the document can be checked out again', async () => {
    const zaakId = '1234000000801';
    const docId = '1234D000000801';
    assert.equal((await srv.post(envelope(m.creeerZaak({ identificatie: zaakId }, '1.2')))).status, 200);
    assert.equal((await srv.post(envelope(m.voegZaakdocumentToe(docId, zaakId, Buffer.from('x'), '1.2')))).status, 200);
    const first = await srv.post(envelope(m.geefZaakdocumentBewerken(docId, '1.2')));
    assert.equal(first.status, 200, first.text);
    const refused = await srv.post(envelope(m.geefZaakdocumentBewerken(docId, '1.2')));
    assert.match(refused.text, /in bewerking/);

    const res = vrijgeven('--document', docId);
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`document ${docId} vrijgegeven \\(was uitgecheckt door jdevries, applicatie SHV, organisatie 1234`));

    const again = await srv.post(envelope(m.geefZaakdocumentBewerken(docId, '1.2')));
    await assertSoapResponseValid(again.text);
    assert.equal(again.status, 200, again.text);
    assert.equal(vrijgeven('--document', docId).status, 0);
    assert.match(vrijgeven('--document', docId).stdout, /was niet uitgecheckt/);
  });

  it('an unknown document is one line on stderr and exit 1; a missing argument is a usage error, exit 2', () => {
    const unknown = vrijgeven('--document', '1234D999');
    assert.equal(unknown.status, 1);
    assert.equal(unknown.stderr.trim(), 'zaakpoort vrijgeven: er is geen document met identificatie 1234D999');
    const missing = vrijgeven();
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr.trim(), "zaakpoort: required option '--document <identificatie>' not specified (zaakpoort --help)");
  });
});
