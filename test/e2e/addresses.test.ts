/**
 * Zaakpoort's own StUF addresses (config `self` + `addresses`): an ontvanger that is none of them gets StUF010
 * (Fo03 on kennisgevingen, Fo02 on vragen); each configured address is answered as zender; without addresses
 * configured every ontvanger is accepted. Every answer is XSD-validated.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

const ONTVANGER = '<StUF:ontvanger><StUF:organisatie>1234</StUF:organisatie><StUF:applicatie>Zaakpoort</StUF:applicatie></StUF:ontvanger>';
const naar = (body: string, org: string, app: string) =>
  body.replace(ONTVANGER, `<StUF:ontvanger><StUF:organisatie>${org}</StUF:organisatie><StUF:applicatie>${app}</StUF:applicatie></StUF:ontvanger>`);

let n = 0;
const newId = () => `1234${String(Date.now() % 1e6).padStart(6, '0')}${++n}`;

describe('own StUF addresses and StUF010', () => {
  let srv: TestServer;
  let open: TestServer;
  before(async () => {
    srv = await startServer({ self: { organisatie: '1234', applicatie: 'Zaakpoort' }, addresses: [{ organisatie: '5678', applicatie: 'ZaakpoortW' }] });
    open = await startServer();
  });
  after(async () => {
    await srv.close();
    await open.close();
  });

  async function post(s: TestServer, body: string) {
    const res = await s.post(envelope(body));
    await assertSoapResponseValid(res.text);
    return res;
  }

  it('answers as whichever configured address the request named', async () => {
    const a = await post(srv, m.creeerZaak({ identificatie: newId() }, '1.2'));
    assert.equal(a.status, 200, a.text);
    assert.match(a.text, /<StUF:zender><StUF:organisatie>1234<\/StUF:organisatie><StUF:applicatie>Zaakpoort<\/StUF:applicatie><\/StUF:zender>/);
    const b = await post(srv, naar(m.creeerZaak({ identificatie: newId() }, '1.2'), '5678', 'ZaakpoortW'));
    assert.equal(b.status, 200, b.text);
    assert.match(b.text, /<StUF:zender><StUF:organisatie>5678<\/StUF:organisatie><StUF:applicatie>ZaakpoortW<\/StUF:applicatie><\/StUF:zender>/);
  });

  it('refuses an ontvanger that is not Zaakpoort with StUF010 (Fo03 for a kennisgeving, Fo02 for a vraag) and stores nothing', async () => {
    const id = newId();
    const lk = await post(srv, naar(m.creeerZaak({ identificatie: id }, '1.2'), '9999', 'AnderSysteem'));
    assert.equal(lk.status, 500);
    assert.match(lk.text, /<StUF:Fo03Bericht[\s\S]*<StUF:code>StUF010<\/StUF:code><StUF:plek>client<\/StUF:plek><StUF:omschrijving>Combinatie van ontvangende organisatie, applicatie en administratie onbekend<\/StUF:omschrijving><StUF:details>Ontvanger is onbekend: [^<]*"9999"[^<]*"AnderSysteem"/);
    assert.equal(await srv.zp.backend.store.getZaak(id), undefined);
    // Right organisatie, wrong applicatie is not ours either.
    const lv = await post(srv, naar(m.geefZaakdetails(id, '1.2'), '5678', 'Zaakpoort'));
    assert.match(lv.text, /<StUF:Fo02Bericht[\s\S]*<StUF:code>StUF010<\/StUF:code>/);
  });

  it('a vraag without ontvanger is not refused (the schema allows it on Lv01)', async () => {
    const id = newId();
    await post(srv, m.creeerZaak({ identificatie: id }, '1.2'));
    const res = await post(srv, m.geefZaakdetails(id, '1.2').replace(ONTVANGER, ''));
    assert.equal(res.status, 200, res.text);
  });

  it('without configured addresses any ontvanger is accepted (quick start)', async () => {
    const res = await post(open, naar(m.creeerZaak({ identificatie: newId() }, '1.2'), '9999', 'AnderSysteem'));
    assert.equal(res.status, 200, res.text);
  });
});
