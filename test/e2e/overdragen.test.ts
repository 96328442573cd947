/**
 * overdragenZaak end to end: Zaakpoort offers a zaak to a fake zaakservice-consumer (a node:http server that
 * validates the Di01 against the official XSD and answers Bv03 or Fo03), the ZSC answers later with an
 * overdragenZaak_Du01, and the CLI does the same from a separate process. Every Zaakpoort answer is validated.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCatalogue } from '../../src/catalogue/index.js';
import { faultEnvelope } from '../../src/soap/envelope-writer.js';
import { systemClock } from '../../src/stuf/dates.js';
import { StufFault } from '../../src/stuf/fault.js';
import { writeBv03, writeFo } from '../../src/stuf/messages.js';
import { type OverdrachtInput, overdragenZaak } from '../../src/zds/overdracht/verstuur.js';
import { minimalZaak } from '../contract/fixtures.js';
import { cliArgs } from '../helpers/built-server.js';
import * as m from '../helpers/messages.js';
import { assertSchemaValid, assertSoapResponseValid, extractSoapPayload } from '../helpers/xsd.js';
import { REPO_ROOT, type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

type Mode = 'bv03' | 'fo03' | 'hang';

interface Received {
  soapAction: string;
  di01: string;
  referentienummer: string;
  /** The schema assertion's failure, when the Di01 was not valid. */
  schemaError?: string;
}

interface FakeZsc {
  url: string;
  mode: Mode;
  received: Received[];
  close(): Promise<void>;
}

const ZSC = { organisatie: '1234', applicatie: 'ZSC' };

/** A zaakservice-consumer serving the overdragen WSDL's overdragenZaak_Di01. */
async function startZsc(): Promise<FakeZsc> {
  const zsc: FakeZsc = { url: '', mode: 'bv03', received: [], close: async () => undefined };
  const server = http.createServer(async (req, res) => {
    let text = '';
    for await (const c of req) text += String(c);
    const di01 = extractSoapPayload(text).xml;
    const referentienummer = m.extract(di01, 'referentienummer') ?? '';
    const got: Received = { soapAction: String(req.headers.soapaction ?? ''), di01, referentienummer };
    await assertSchemaValid(di01).catch((e: Error) => (got.schemaError = e.message));
    zsc.received.push(got);
    if (zsc.mode === 'hang') return; // never answers; the sender's timeout must end it
    const reply = {
      zender: ZSC,
      ontvanger: { organisatie: '1234', applicatie: 'Zaakpoort' },
      referentienummer: `ZSC-${zsc.received.length}`,
      tijdstipBericht: '20261124101600000',
      crossRefnummer: referentienummer,
    };
    if (zsc.mode === 'fo03') {
      const fault = new StufFault('StUF058', 'server', 'Zaaktype wordt niet ondersteund', 'Deze ZSC neemt geen zaken van dit zaaktype over');
      res.writeHead(500, { 'content-type': 'text/xml; charset=utf-8' }).end(faultEnvelope('1.1', 'server', fault.omschrijving, writeFo('Fo03', fault, reply)));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(envelope(writeBv03(reply)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  zsc.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/overdragen`;
  zsc.close = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return zsc;
}

describe('overdragenZaak', () => {
  let srv: TestServer;
  let zsc: FakeZsc;
  const ZAAK = '1234OVDZAAK01';
  const send = async (body: string) => {
    const res = await srv.post(envelope(body), { soapAction: m.ACTION_12 + 'overdragenZaak_Du01' });
    await assertSoapResponseValid(res.text);
    return res;
  };
  const verstuur = (input: Partial<OverdrachtInput> & { zaakIdentificatie: string }, timeoutMs?: number) =>
    overdragenZaak(
      { config: srv.zp.config, backend: srv.zp.backend, catalogue: createCatalogue(srv.zp.config), schemas: srv.zp.schemas, clock: systemClock, ...(timeoutMs ? { timeoutMs } : {}) },
      { endpoint: zsc.url, ontvanger: ZSC, ...input },
    );
  /** The Di01 the ZSC received last, checked for schema validity. */
  const lastDi01 = (): Received => {
    const got = zsc.received.at(-1);
    assert.ok(got, 'the ZSC received a Di01');
    assert.equal(got.schemaError, undefined, got.schemaError);
    return got;
  };

  before(async () => {
    srv = await startServer({
      self: { organisatie: '1234', applicatie: 'Zaakpoort' },
      catalogue: { mode: 'permissive', zaaktypen: [{ code: 'OVD02', omschrijving: 'Omgevingsvergunning' }] },
    });
    zsc = await startZsc();
    assert.equal((await send(m.creeerZaak({ identificatie: ZAAK }, '1.2'))).status, 200);
    await srv.zp.backend.store.transaction(async (tx) => {
      await tx.insertZaak({ ...minimalZaak('1234OVDZAAK02'), zaaktype: { code: 'OVD02' } });
      await tx.insertZaak({ ...minimalZaak('1234OVDZAAK03'), zaaktype: { code: 'ONB01' } });
      await tx.insertZaak({ ...minimalZaak('1234OVDZAAK04'), zaaktype: { code: 'OVD02' } });
    });
  });
  after(async () => {
    await zsc?.close();
    await srv?.close();
  });

  it('sends a schema-valid Di01, stores the overdracht once the ZSC answered Bv03, and records the accepting Du01', async () => {
    const o = await verstuur({ zaakIdentificatie: ZAAK, meldingen: ['Graag overnemen'] });
    const got = lastDi01();
    assert.equal(got.soapAction, '"http://www.stufstandaarden.nl/koppelvlak/zds0120/overdragenZaak_Di01"');
    assert.equal(got.referentienummer, o.referentienummer);
    assert.match(got.di01, /<StUF:zender><StUF:organisatie>1234<\/StUF:organisatie><StUF:applicatie>Zaakpoort<\/StUF:applicatie><\/StUF:zender>/);
    assert.match(got.di01, /<StUF:ontvanger><StUF:organisatie>1234<\/StUF:organisatie><StUF:applicatie>ZSC<\/StUF:applicatie><\/StUF:ontvanger>/);
    assert.match(got.di01, /<ZKN:melding>Graag overnemen<\/ZKN:melding>/);
    assert.match(got.di01, /<ZKN:omschrijving>Schuldhulpverlening<\/ZKN:omschrijving><ZKN:code>SHV01<\/ZKN:code>/);
    assert.deepEqual(await srv.zp.backend.store.getOverdracht(o.referentienummer), o);
    assert.equal(o.status, 'verzonden');

    const du01 = m.overdragenZaakDu01(ZAAK, o.referentienummer, { meldingen: ['Overgenomen door team Noord'] });
    const res = await send(du01);
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /Bv03Bericht/);
    assert.equal(m.extract(res.text, 'crossRefnummer'), m.extract(du01, 'referentienummer'));
    const stored = await srv.zp.backend.store.getOverdracht(o.referentienummer);
    assert.equal(stored?.status, 'geaccepteerd');
    assert.deepEqual(stored?.meldingen, ['Overgenomen door team Noord']);
    assert.ok(stored?.beantwoordOp);

    // An identical resend gets the original Bv03; a new answer to the same overdracht is refused.
    const again = await send(du01);
    assert.equal(again.text, res.text);
    const second = await send(m.overdragenZaakDu01(ZAAK, o.referentienummer, { antwoord: 'Overdracht geweigerd' }));
    assert.equal(second.status, 500);
    assert.match(second.text, /Fo03Bericht[^]*StUF058[^]*al beantwoord/);
    assert.equal((await srv.zp.backend.store.getOverdracht(o.referentienummer))?.status, 'geaccepteerd');
  });

  it('takes the zaaktype omschrijving from the catalogue, and records a refusing Du01', async () => {
    const o = await verstuur({ zaakIdentificatie: '1234OVDZAAK02' });
    assert.match(lastDi01().di01, /<ZKN:omschrijving>Omgevingsvergunning<\/ZKN:omschrijving><ZKN:code>OVD02<\/ZKN:code>/);
    assert.doesNotMatch(lastDi01().di01, /melding/);
    const res = await send(m.overdragenZaakDu01('1234OVDZAAK02', o.referentienummer, { antwoord: 'Overdracht geweigerd', meldingen: ['Geen capaciteit', 'Probeer team Zuid'] }));
    assert.equal(res.status, 200, res.text);
    const stored = await srv.zp.backend.store.getOverdracht(o.referentienummer);
    assert.equal(stored?.status, 'geweigerd');
    assert.deepEqual(stored?.meldingen, ['Geen capaciteit', 'Probeer team Zuid']);
  });

  it('a Du01 with an unknown crossRefnummer gets Fo03 StUF043', async () => {
    const res = await send(m.overdragenZaakDu01(ZAAK, 'zp-nooit-verstuurd'));
    assert.equal(res.status, 500);
    assert.match(res.text, /Fo03Bericht[^]*StUF043[^]*zp-nooit-verstuurd/);
  });

  it('a Du01 naming another zaak than the overdracht gets StUF058 with both, and changes nothing', async () => {
    const o = await verstuur({ zaakIdentificatie: '1234OVDZAAK04' });
    const res = await send(m.overdragenZaakDu01(ZAAK, o.referentienummer));
    assert.equal(res.status, 500);
    assert.match(res.text, /Fo03Bericht[^]*StUF058[^]*1234OVDZAAK04[^]*1234OVDZAAK01/);
    assert.equal((await srv.zp.backend.store.getOverdracht(o.referentienummer))?.status, 'verzonden');
  });

  it('fails and stores nothing when the ZSC answers Fo03, or does not answer in time', async () => {
    zsc.mode = 'fo03';
    try {
      await assert.rejects(verstuur({ zaakIdentificatie: ZAAK }), /weigerde de overdracht \(Fo03 StUF058 [^)]*Zaaktype wordt niet ondersteund: Deze ZSC/);
      assert.equal(await srv.zp.backend.store.getOverdracht(lastDi01().referentienummer), undefined);
      zsc.mode = 'hang';
      await assert.rejects(verstuur({ zaakIdentificatie: ZAAK }, 300), /antwoordde niet binnen 0.3 s/);
      assert.equal(await srv.zp.backend.store.getOverdracht(lastDi01().referentienummer), undefined);
    } finally {
      zsc.mode = 'bv03';
    }
  });

  it('refuses before sending: unknown zaak, zaaktype without omschrijving, invalid ontvanger or endpoint', async () => {
    const before = zsc.received.length;
    await assert.rejects(verstuur({ zaakIdentificatie: '1234GEENZAAK' }), /Zaak 1234GEENZAAK bestaat niet/);
    await assert.rejects(verstuur({ zaakIdentificatie: '1234OVDZAAK03' }), /Zaaktype ONB01 .* geen omschrijving/);
    await assert.rejects(verstuur({ zaakIdentificatie: ZAAK, ontvanger: { applicatie: 'Z' } }), /Ontvanger is ongeldig/);
    await assert.rejects(verstuur({ zaakIdentificatie: ZAAK, endpoint: 'ftp://zsc' }), /http- of https-URL/);
    await assert.rejects(verstuur({ zaakIdentificatie: ZAAK, meldingen: ['x'.repeat(251)] }), /langer dan 250/);
    assert.equal(zsc.received.length, before, 'nothing was sent');
  });

  describe('CLI (zaakpoort overdragen, npm run overdragen)', () => {
    const cli = async (args: string[]) => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ZAAKPOORT_DATA_DIR: srv.dataDir,
        ZAAKPOORT_SCHEMA_DIR: srv.zp.config.schemaDir,
        ZAAKPOORT_GEMEENTECODE: '1234',
      };
      delete env.ZAAKPOORT_DATABASE_URL;
      // The municipality's config file: the catalogue gives OVD02 its omschrijving.
      env.ZAAKPOORT_CONFIG = path.join(srv.dataDir, 'config.json');
      await writeFile(env.ZAAKPOORT_CONFIG, JSON.stringify({ self: srv.zp.config.self, catalogue: srv.zp.config.catalogue }));
      const child = spawn(process.execPath, [...cliArgs(), 'overdragen', ...args], { cwd: REPO_ROOT, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += String(c)));
      child.stderr.on('data', (c) => (stderr += String(c)));
      const [code] = (await once(child, 'close')) as [number];
      return { code, stdout, stderr };
    };

    it('offers a zaak next to the running server and prints the referentienummer the Du01 refers to', async () => {
      const r = await cli(['--zaak', '1234OVDZAAK04', '--endpoint', zsc.url, '--applicatie', 'ZSC', '--organisatie', '1234', '--administratie', 'Archief', '--melding', 'Graag overnemen']);
      assert.equal(r.code, 0, r.stderr);
      const ref = r.stdout.trim();
      assert.match(ref, /^zp-/);
      const got = lastDi01();
      assert.equal(got.referentienummer, ref);
      assert.match(got.di01, /<StUF:administratie>Archief<\/StUF:administratie>/);
      assert.deepEqual((await srv.zp.backend.store.getOverdracht(ref))?.ontvanger, { organisatie: '1234', applicatie: 'ZSC', administratie: 'Archief' });
      const res = await send(m.overdragenZaakDu01('1234OVDZAAK04', ref));
      assert.equal(res.status, 200, res.text);
      assert.equal((await srv.zp.backend.store.getOverdracht(ref))?.status, 'geaccepteerd');
    });

    it('fails with one line on stderr and exit 1 (2 for a usage error)', async () => {
      const unknown = await cli(['--zaak', '1234GEENZAAK', '--endpoint', zsc.url, '--applicatie', 'ZSC']);
      assert.equal(unknown.code, 1);
      assert.equal(unknown.stdout, '');
      assert.equal(unknown.stderr, 'zaakpoort overdragen: Zaak 1234GEENZAAK bestaat niet\n');
      const missing = await cli(['--zaak', ZAAK, '--endpoint', zsc.url]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /^zaakpoort: required option '--applicatie <applicatie>' not specified/);
      assert.equal(missing.stderr.trim().split('\n').length, 1);
    });
  });
});
