/**
 * What Zaakpoort does with SOAP headers (README "SOAP headers"): it understands no header block, so a block it
 * must understand (mustUnderstand, addressed to it) is a MustUnderstand fault and nothing is processed; other
 * blocks are ignored; a Header after the Body (or a second Header) is refused as a malformed envelope.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid, schemas } from '../helpers/xsd.js';
import { type TestServer, startServer } from '../helpers/zaakpoort.js';

const ENV = { '1.1': 'http://schemas.xmlsoap.org/soap/envelope/', '1.2': 'http://www.w3.org/2003/05/soap-envelope' } as const;
const SECURITY = 'xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"';

function withHeader(v: '1.1' | '1.2', header: string, body: string, headerAfterBody = false): string {
  const h = `<soap:Header>${header}</soap:Header>`;
  return `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${ENV[v]}">${headerAfterBody ? '' : h}<soap:Body>${body}</soap:Body>${headerAfterBody ? h : ''}</soap:Envelope>`;
}

describe('SOAP headers', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer({}, { schemas: await schemas() });
  });
  after(async () => srv.close());

  const newZaakId = async () => m.extract((await srv.post(withHeader('1.1', '', m.genereerIdentificatie('Zaak', '1.2')))).text, 'identificatie')!;

  it('SOAP 1.1: a mustUnderstand="1" block for us is a soap:MustUnderstand fault (no detail) and nothing is stored', async () => {
    const id = await newZaakId();
    const res = await srv.post(withHeader('1.1', `<wsse:Security ${SECURITY} soap:mustUnderstand="1"/>`, m.creeerZaak({ identificatie: id }, '1.2')));
    assert.equal(res.status, 500, res.text);
    assert.match(res.text, /<faultcode>soap:MustUnderstand<\/faultcode><faultstring>SOAP-headerblok \{[^}]+\}Security wordt niet begrepen<\/faultstring><\/soap:Fault>/);
    assert.equal(await srv.zp.backend.store.getZaak(id), undefined);
  });

  it('SOAP 1.2: mustUnderstand="true" gives soap:MustUnderstand with the StUF fault in Detail', async () => {
    const id = await newZaakId();
    const res = await srv.post(withHeader('1.2', `<wsse:Security ${SECURITY} soap:mustUnderstand="true"/>`, m.creeerZaak({ identificatie: id }, '1.2')), { soapVersion: '1.2' });
    await assertSoapResponseValid(res.text);
    assert.equal(res.status, 500, res.text);
    assert.match(res.text, /<soap:Value>soap:MustUnderstand<\/soap:Value>/);
    assert.equal(await srv.zp.backend.store.getZaak(id), undefined);
  });

  it('blocks for another actor/role, or without mustUnderstand, are ignored', async () => {
    const cases: Array<['1.1' | '1.2', string]> = [
      ['1.1', `<wsse:Security ${SECURITY} soap:mustUnderstand="1" soap:actor="urn:ergens-anders"/>`],
      ['1.2', `<wsse:Security ${SECURITY} soap:mustUnderstand="true" soap:role="http://www.w3.org/2003/05/soap-envelope/role/none"/>`],
      ['1.1', `<wsse:Security ${SECURITY} soap:mustUnderstand="0"/>`],
      ['1.1', '<x:Trace xmlns:x="urn:trace">abc</x:Trace>'],
    ];
    for (const [v, header] of cases) {
      const res = await srv.post(withHeader(v, header, m.genereerIdentificatie('Zaak', '1.2')), { soapVersion: v });
      await assertSoapResponseValid(res.text);
      assert.equal(res.status, 200, `${header}\n${res.text}`);
    }
  });

  it('a Header after the Body, or a second Header, is a malformed envelope (StUF055)', async () => {
    const after1 = await srv.post(withHeader('1.1', '', m.genereerIdentificatie('Zaak', '1.2'), true));
    await assertSoapResponseValid(after1.text);
    assert.equal(after1.status, 500);
    assert.equal(m.extract(after1.text, 'code'), 'StUF055');
    assert.match(after1.text, /Header op een verkeerde plaats/);
    const twice = `<?xml version="1.0"?><soap:Envelope xmlns:soap="${ENV['1.1']}"><soap:Header/><soap:Header/><soap:Body>${m.genereerIdentificatie('Zaak', '1.2')}</soap:Body></soap:Envelope>`;
    const res = await srv.post(twice);
    assert.equal(m.extract(res.text, 'code'), 'StUF055', res.text);
  });
});
