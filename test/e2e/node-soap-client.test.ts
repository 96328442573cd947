/**
 * A generic SOAP client (node-soap) driven by the OFFICIAL zds0120_vrijeBerichten_zs-dms.wsdl talks to Zaakpoort:
 * what a vakapplicatie generated from the VNG WSDL sends must work unchanged.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import soap from 'soap';
import { type TestServer, REPO_ROOT, startServer } from '../helpers/zaakpoort.js';

const WSDL = path.join(process.env.ZAAKPOORT_SCHEMA_DIR ?? path.join(REPO_ROOT, 'xsd'), 'zds0120/berichten/zds0120_vrijeBerichten_zs-dms.wsdl');

const stuurgegevens = (functie: string) => ({
  berichtcode: 'Di02',
  zender: { organisatie: '1234', applicatie: 'SoapClient' },
  ontvanger: { organisatie: '1234', applicatie: 'Zaakpoort' },
  tijdstipBericht: '20261124120000000',
  functie,
});

describe('node-soap client on the official vrijeBerichten WSDL', () => {
  let srv: TestServer;
  let client: soap.Client;
  before(async () => {
    srv = await startServer();
    client = await soap.createClientAsync(WSDL, { endpoint: `${srv.url}/zds/VerwerkSynchroonVrijBericht` });
  });
  after(async () => {
    await srv.close();
  });

  it('genereerZaakIdentificatie_Di02 gives a fresh zaakidentificatie each call', async () => {
    const [a] = await client.genereerZaakIdentificatie_Di02Async({ stuurgegevens: stuurgegevens('genereerZaakidentificatie') });
    const [b] = await client.genereerZaakIdentificatie_Di02Async({ stuurgegevens: stuurgegevens('genereerZaakidentificatie') });
    const idA = a?.zaak?.identificatie;
    const idB = b?.zaak?.identificatie;
    assert.equal(typeof idA, 'string');
    assert.match(idA, /^1234\d{11}$/);
    assert.notEqual(idA, idB);
    assert.equal(a?.stuurgegevens?.berichtcode, 'Du02');
    await assertSoapResponseValid(client.lastResponse as string);
  });

  it('genereerDocumentIdentificatie_Di02 gives a document identificatie', async () => {
    const [r] = await client.genereerDocumentIdentificatie_Di02Async({ stuurgegevens: stuurgegevens('genereerDocumentidentificatie') });
    // typeof first: String(undefined) would be "undefined", which is not empty either.
    const id = r?.document?.identificatie;
    assert.equal(typeof id, 'string');
    assert.match(id, /^1234D\d{11}$/);
    assert.equal(r?.stuurgegevens?.functie, 'genereerDocumentidentificatie');
    await assertSoapResponseValid(client.lastResponse as string);
  });

  it('a wrong functie comes back as a SOAP fault with a StUF foutcode', async () => {
    await assert.rejects(
      client.genereerZaakIdentificatie_Di02Async({ stuurgegevens: stuurgegevens('genereerZaakIdentificatie') }),
      (e: unknown) => /<StUF:code>StUF034<\/StUF:code>/.test(String((e as { body?: string }).body ?? '')),
    );
    await assertSoapResponseValid(client.lastResponse as string);
  });
});
