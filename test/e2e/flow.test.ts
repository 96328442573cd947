/**
 * The vakapplicatie flow end to end over HTTP, in both dialects and both SOAP versions: identificaties,
 * creeerZaak, voegZaakdocumentToe, and reading it all back. Every answer is validated against the official XSDs.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import * as m from '../helpers/messages.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

const COMBOS: Array<{ dialect: m.Dialect; soap: '1.1' | '1.2'; withAction: boolean }> = [
  { dialect: '1.2', soap: '1.1', withAction: true },
  { dialect: '1.2', soap: '1.2', withAction: false },
  { dialect: '1.1', soap: '1.1', withAction: true },
  { dialect: '1.1', soap: '1.1', withAction: false },
  { dialect: '1.1', soap: '1.2', withAction: true },
];

function action(dialect: m.Dialect, op12: string, op11: string, withAction: boolean): string | undefined {
  if (!withAction) return undefined;
  return dialect === '1.2' ? m.ACTION_12 + op12 : m.ACTION_11 + op11;
}

describe('vakapplicatie flow', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
  });
  after(async () => {
    await srv.close();
  });

  for (const c of COMBOS) {
    it(`ZDS ${c.dialect} over SOAP ${c.soap}${c.withAction ? ' with SOAPAction' : ' without SOAPAction'}`, async () => {
      const send = async (body: string, op12: string, op11: string) => {
        const res = await srv.post(envelope(body, c.soap), { soapVersion: c.soap, soapAction: action(c.dialect, op12, op11, c.withAction) });
        await assertSoapResponseValid(res.text);
        return res;
      };
      const expectedType = c.soap === '1.1' ? 'text/xml' : 'application/soap+xml';

      // 1. genereerZaakIdentificatie → Du02 with a fresh identificatie
      const r1 = await send(m.genereerIdentificatie('Zaak', c.dialect), 'genereerZaakIdentificatie_Di02', 'genereerZaakIdentificatie_Di02');
      assert.equal(r1.status, 200, r1.text);
      assert.ok(r1.contentType.startsWith(expectedType), r1.contentType);
      assert.match(r1.text, /genereerZaakIdentificatie_Du02/);
      const zaakId = m.extract(r1.text, 'identificatie');
      assert.ok(zaakId && zaakId.startsWith('1234'), `zaak id ${zaakId}`);

      // 2. creeerZaak → Bv03
      const r2 = await send(m.creeerZaak({ identificatie: zaakId! }, c.dialect), 'creeerZaak_ZakLk01', 'creeerZaak_Lk01');
      assert.equal(r2.status, 200, r2.text);
      assert.match(r2.text, /Bv03Bericht/);

      // 3. genereerDocumentIdentificatie → Du02
      const r3 = await send(m.genereerIdentificatie('Document', c.dialect), 'genereerDocumentIdentificatie_Di02', 'genereerDocumentIdentificatie_Di02');
      assert.equal(r3.status, 200, r3.text);
      const docId = m.extract(r3.text, 'identificatie');
      assert.ok(docId, 'document id');

      // 4. voegZaakdocumentToe with real bytes → Bv03
      const content = randomBytes(300_001);
      const r4 = await send(m.voegZaakdocumentToe(docId!, zaakId!, content, c.dialect), 'voegZaakdocumentToe_EdcLk01', 'voegZaakdocumentToe_Lk01');
      assert.equal(r4.status, 200, r4.text);
      assert.match(r4.text, /Bv03Bericht/);

      // 5. geefZaakdetails → La01 with what was stored
      const r5 = await send(m.geefZaakdetails(zaakId!, c.dialect), 'geefZaakdetails_ZakLv01', 'geefZaakdetails_Lv01');
      assert.equal(r5.status, 200, r5.text);
      assert.match(r5.text, c.dialect === '1.2' ? /geefZaakdetails_ZakLa01/ : /zakLa01/);
      assert.equal(m.extract(r5.text, 'identificatie'), zaakId);
      assert.equal(m.extract(r5.text, 'inp.bsn'), '123456782');
      assert.equal(m.extract(r5.text, 'code'), 'SHV01');
      assert.equal(m.extract(r5.text, 'indicatieLaatsteStatus'), 'J');
      assert.equal(m.extract(r5.text, 'kenmerk'), 'SHV-2026-001');

      // 6. geefLijstZaakdocumenten → La01 listing the document
      const r6 = await send(m.geefLijstZaakdocumenten(zaakId!, c.dialect), 'geefLijstZaakdocumenten_ZakLv01', 'geefLijstZaakdocumenten_Lv01');
      assert.equal(r6.status, 200, r6.text);
      assert.ok(m.extractAll(r6.text, 'identificatie').includes(docId!), r6.text);

      // 7. geefZaakdocumentLezen → EdcLa01 with the identical bytes
      const r7 = await send(m.geefZaakdocumentLezen(docId!, c.dialect), 'geefZaakdocumentLezen_EdcLv01', 'geefZaakdocumentLezen_Lv01');
      assert.equal(r7.status, 200, r7.text);
      const b64 = /<ZKN:inhoud[^>]*>([^<]*)<\/ZKN:inhoud>/.exec(r7.text)?.[1];
      assert.ok(b64, 'inhoud present');
      assert.ok(Buffer.from(b64!, 'base64').equals(content), 'document bytes identical');
      assert.match(r7.text, /StUF:bestandsnaam="aanvraag.pdf"/);
    });
  }

  it('scope kerngegevens and an explicit scope narrow the answer', async () => {
    const id = m.extract((await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')))).text, 'identificatie')!;
    await srv.post(envelope(m.creeerZaak({ identificatie: id }, '1.2')));
    const kern = await srv.post(envelope(m.geefZaakdetails(id, '1.2', { keyword: 'kerngegevens' })));
    await assertSoapResponseValid(kern.text);
    assert.equal(kern.status, 200, kern.text);
    assert.doesNotMatch(kern.text, /heeftAlsInitiator/);
    assert.doesNotMatch(kern.text, /omschrijving>Aanvraag schuldhulpverlening/);
    const explicit = await srv.post(
      envelope(m.geefZaakdetails(id, '1.2', { explicit: '<ZKN:identificatie xsi:nil="true"/><ZKN:omschrijving xsi:nil="true"/><ZKN:einddatum xsi:nil="true"/><ZKN:heeftAlsInitiator StUF:entiteittype="ZAKBTRINI" xsi:nil="true"/>' })),
    );
    await assertSoapResponseValid(explicit.text);
    assert.equal(explicit.status, 200, explicit.text);
    assert.match(explicit.text, /omschrijving>Aanvraag schuldhulpverlening/);
    assert.match(explicit.text, /<ZKN:einddatum xsi:nil="true" StUF:noValue="geenWaarde"\/>/);
    assert.match(explicit.text, /inp.bsn>123456782/);
    assert.doesNotMatch(explicit.text, /startdatum/);
    assert.doesNotMatch(explicit.text, /heeftAlsUitvoerende/);
  });

  it('identificaties are never handed out twice, also under concurrent requests', async () => {
    const replies = await Promise.all(Array.from({ length: 60 }, () => srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')))));
    const ids = replies.map((r) => m.extract(r.text, 'identificatie'));
    assert.equal(new Set(ids).size, 60);
  });

  it('a second creeerZaak with the same identificatie is refused with Fo03 and changes nothing', async () => {
    const id = m.extract((await srv.post(envelope(m.genereerIdentificatie('Zaak', '1.2')))).text, 'identificatie')!;
    assert.equal((await srv.post(envelope(m.creeerZaak({ identificatie: id }, '1.2')))).status, 200);
    const again = await srv.post(envelope(m.creeerZaak({ identificatie: id, omschrijving: 'Anders' }, '1.2')));
    await assertSoapResponseValid(again.text);
    assert.equal(again.status, 500);
    assert.match(again.text, /Fo03Bericht/);
    assert.match(again.text, /StUF058/);
    const details = await srv.post(envelope(m.geefZaakdetails(id, '1.2')));
    assert.match(details.text, /Aanvraag schuldhulpverlening/);
  });

  it('unknown zaak and unknown document give Fo02 StUF064', async () => {
    for (const body of [m.geefZaakdetails('1234999999', '1.2'), m.geefZaakdocumentLezen('1234D999', '1.2'), m.geefLijstZaakdocumenten('1234999999', '1.1')]) {
      const res = await srv.post(envelope(body));
      await assertSoapResponseValid(res.text);
      assert.equal(res.status, 500);
      assert.match(res.text, /Fo02Bericht/);
      assert.match(res.text, /StUF064/);
    }
  });

  it('a document for a zaak that does not exist is refused and nothing is stored', async () => {
    const res = await srv.post(envelope(m.voegZaakdocumentToe('1234D0000077', '1234000000077', Buffer.from('x'), '1.2')));
    await assertSoapResponseValid(res.text);
    assert.match(res.text, /Fo03Bericht/);
    assert.match(res.text, /StUF064/);
    assert.equal(await srv.zp.backend.store.getDocument('1234D0000077'), undefined);
  });

  it('SOAP 1.2 faults use the SOAP 1.2 HTTP binding: 400 for the sender’s faults, 500 for the receiver’s', async () => {
    const bad = m.creeerZaak({ identificatie: '1234000000098' }, '1.2').replace('<ZKN:zaakniveau>1</ZKN:zaakniveau>', '<ZKN:zaakniveau>7</ZKN:zaakniveau>');
    const client = await srv.post(envelope(bad, '1.2'), { soapVersion: '1.2' });
    await assertSoapResponseValid(client.text);
    assert.equal(client.status, 400, client.text);
    assert.match(client.text, /<soap:Value>soap:Sender<\/soap:Value>/);
    const server = await srv.post(envelope(m.geefZaakdetails('1234999999', '1.2'), '1.2'), { soapVersion: '1.2' });
    await assertSoapResponseValid(server.text);
    assert.equal(server.status, 500, server.text);
    assert.match(server.text, /StUF064/);
  });

  it('a schema-invalid message gets StUF055 naming the element', async () => {
    const bad = m.creeerZaak({ identificatie: '1234000000099' }, '1.2').replace('<ZKN:zaakniveau>1</ZKN:zaakniveau>', '<ZKN:zaakniveau>7</ZKN:zaakniveau>');
    const res = await srv.post(envelope(bad));
    await assertSoapResponseValid(res.text);
    assert.equal(res.status, 500);
    assert.match(res.text, /StUF055/);
    assert.match(res.text, /zaakniveau/);
    assert.equal(await srv.zp.backend.store.getZaak('1234000000099'), undefined);
  });
});
