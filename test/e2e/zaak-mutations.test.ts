/**
 * Changing a zaak over HTTP: updateZaak (was/wordt), actualiseerZaakstatus, geefZaakstatus, and closing a zaak
 * with einddatum / eindstatus / resultaat arriving in any order. Both dialects; every answer XSD-validated.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import type { Zaak } from '../../src/domain/model.js';
import * as m from '../helpers/messages.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { type TestServer, envelope, startServer } from '../helpers/zaakpoort.js';

const CATALOGUE: Config['catalogue'] = {
  mode: 'strict',
  zaaktypen: [
    {
      code: 'SHV01',
      omschrijving: 'Schuldhulpverlening',
      statustypen: [
        { volgnummer: '1', omschrijving: 'Intake' },
        { volgnummer: '2', omschrijving: 'In behandeling' },
        { volgnummer: '3', omschrijving: 'Afgehandeld' },
      ],
    },
    { code: 'OTHER', omschrijving: 'Ander zaaktype', statustypen: [{ volgnummer: '1', omschrijving: 'Intake' }] },
  ],
};

const BEHANDELING = { volgnummer: '2', omschrijving: 'In behandeling' };
const AFGEHANDELD = { volgnummer: '3', omschrijving: 'Afgehandeld' };

const ACTIONS: Record<string, string> = {
  updateZaak: 'updateZaak_Lk01',
  actualiseerZaakstatus: 'actualiseerZaakstatus_Lk01',
};

let counter = 0;
const newId = () => `1234${String(Date.now() % 1e6).padStart(6, '0')}${++counter}`;

describe('zaak mutations', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer({ catalogue: CATALOGUE });
  });
  after(async () => {
    await srv.close();
  });

  /** Send a body (with the 1.1 SOAPAction for ZDS 1.1 kennisgevingen), validate the answer against the XSDs. */
  async function send(body: string, d: m.Dialect = '1.2', op?: keyof typeof ACTIONS) {
    const soapAction = d === '1.1' && op ? m.ACTION_11 + ACTIONS[op] : undefined;
    const res = await srv.post(envelope(body), { soapAction });
    await assertSoapResponseValid(res.text);
    return res;
  }
  async function ok(body: string, d: m.Dialect = '1.2', op?: keyof typeof ACTIONS) {
    const res = await send(body, d, op);
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /Bv03Bericht|La01/);
    return res;
  }
  async function fault(body: string, code: RegExp, d: m.Dialect = '1.2', op?: keyof typeof ACTIONS) {
    const res = await send(body, d, op);
    assert.equal(res.status, 500, res.text);
    assert.match(res.text, code, res.text);
    return res;
  }
  async function createZaak(d: m.Dialect = '1.2'): Promise<string> {
    const id = newId();
    await ok(m.creeerZaak({ identificatie: id }, d));
    return id;
  }
  const stored = async (id: string): Promise<Zaak> => (await srv.zp.backend.store.getZaak(id))!;
  const active = (z: Zaak, rolType: string) => z.rollen.filter((r) => r.rolType === rolType && !r.eindRelatie).map((r) => r.betrokkene.key).sort();

  for (const d of ['1.2', '1.1'] as const) {
    describe(`ZDS ${d}`, () => {
      it('adds, removes, ends and replaces rollen', async () => {
        const id = await createZaak(d);
        // V the uitvoerende, T a belanghebbende and a verantwoordelijke
        await ok(m.updateZaak(id,
          m.rol('heeftAlsBelanghebbende', 'T') + m.rol('heeftAlsUitvoerende', 'V', { medewerker: 'MDW042' }) + m.rol('heeftAlsVerantwoordelijke', 'T'),
          m.rol('heeftAlsBelanghebbende', 'T', { bsn: '111222333' }) + m.rol('heeftAlsUitvoerende', 'V') + m.rol('heeftAlsVerantwoordelijke', 'T', { medewerker: 'MDW007' }),
          d), d, 'updateZaak');
        let z = await stored(id);
        assert.deepEqual(active(z, 'heeftAlsUitvoerende'), []);
        assert.deepEqual(active(z, 'heeftAlsBelanghebbende'), ['111222333']);
        // E the verantwoordelijke: old holds eindRelatie, new is the empty element
        await ok(m.updateZaak(id,
          m.rol('heeftAlsVerantwoordelijke', 'E', { medewerker: 'MDW007' }, { eind: '20261201' }),
          m.rol('heeftAlsVerantwoordelijke', 'E'), d), d, 'updateZaak');
        z = await stored(id);
        assert.deepEqual(active(z, 'heeftAlsVerantwoordelijke'), []);
        assert.equal(z.rollen.find((r) => r.rolType === 'heeftAlsVerantwoordelijke')?.eindRelatie, '20261201');
        // R the initiator
        await ok(m.updateZaak(id,
          m.rol('heeftAlsInitiator', 'R', { bsn: '123456782' }, { eind: '20261202' }),
          m.rol('heeftAlsInitiator', 'R', { medewerker: 'MDW100' }, { begin: '20261202' }), d), d, 'updateZaak');
        z = await stored(id);
        assert.deepEqual(active(z, 'heeftAlsInitiator'), ['MDW100']);
        assert.equal(z.rollen.find((r) => r.betrokkene.key === '123456782')?.eindRelatie, '20261202');
        const details = await ok(m.geefZaakdetails(id, d));
        assert.match(details.text, /<ZKN:heeftAlsInitiator[^>]*>.*MDW100/s);
        assert.doesNotMatch(details.text, /heeftAlsUitvoerende|heeftAlsVerantwoordelijke/);
      });

      it('several gerelateerden on one roltype: remove one and add another in the same message', async () => {
        const id = await createZaak(d);
        await ok(m.updateZaak(id,
          m.rol('heeftAlsBelanghebbende', 'T') + m.rol('heeftAlsBelanghebbende', 'T'),
          m.rol('heeftAlsBelanghebbende', 'T', { bsn: '100000001' }) + m.rol('heeftAlsBelanghebbende', 'T', { medewerker: 'MDW002' }), d), d, 'updateZaak');
        assert.deepEqual(active(await stored(id), 'heeftAlsBelanghebbende'), ['100000001', 'MDW002']);
        await ok(m.updateZaak(id,
          m.rol('heeftAlsBelanghebbende', 'V', { bsn: '100000001' }) + m.rol('heeftAlsBelanghebbende', 'T'),
          m.rol('heeftAlsBelanghebbende', 'V') + m.rol('heeftAlsBelanghebbende', 'T', { medewerker: 'MDW003' }), d), d, 'updateZaak');
        assert.deepEqual(active(await stored(id), 'heeftAlsBelanghebbende'), ['MDW002', 'MDW003']);
      });

      it('an existing gerelateerde sent with T is treated as I', async () => {
        const id = await createZaak(d);
        // The initiator's person (inp.bsn 123456782, sent with verwerkingssoort T) also becomes belanghebbende.
        await ok(m.updateZaak(id, m.rol('heeftAlsBelanghebbende', 'T'), m.rol('heeftAlsBelanghebbende', 'T', { bsn: '123456782' }), d), d, 'updateZaak');
        assert.deepEqual(active(await stored(id), 'heeftAlsBelanghebbende'), ['123456782']);
      });

      it('clears a value with nil and replaces the kenmerk set as a whole', async () => {
        const id = await createZaak(d);
        await ok(m.updateZaak(id,
          '<ZKN:omschrijving>Aanvraag schuldhulpverlening</ZKN:omschrijving><ZKN:kenmerk><ZKN:kenmerk>SHV-2026-001</ZKN:kenmerk><ZKN:bron>SHV</ZKN:bron></ZKN:kenmerk>' +
            '<ZKN:einddatumGepland>20270224</ZKN:einddatumGepland>',
          '<ZKN:omschrijving>Schuldhulp gezin De Vries</ZKN:omschrijving>' +
            '<ZKN:kenmerk><ZKN:kenmerk>K-1</ZKN:kenmerk><ZKN:bron>Portaal</ZKN:bron></ZKN:kenmerk><ZKN:kenmerk><ZKN:kenmerk>K-2</ZKN:kenmerk><ZKN:bron>Post</ZKN:bron></ZKN:kenmerk>' +
            '<ZKN:einddatumGepland xsi:nil="true" StUF:noValue="geenWaarde"/>',
          d), d, 'updateZaak');
        const z = await stored(id);
        assert.equal(z.omschrijving, 'Schuldhulp gezin De Vries');
        assert.equal(z.einddatumGepland, undefined);
        assert.deepEqual(z.kenmerken, [{ kenmerk: 'K-1', bron: 'Portaal' }, { kenmerk: 'K-2', bron: 'Post' }]);
        assert.equal(z.startdatum.value, '20261124', 'absent = unchanged');
        const details = await ok(m.geefZaakdetails(id, d));
        assert.deepEqual(m.extractAll(details.text, 'bron'), ['Portaal', 'Post']);
      });

      it('refuses to change identificatie or zaaktype, and an unknown zaak', async () => {
        const id = await createZaak(d);
        const idFault = await fault(m.updateZaak(id, '', '', d, { nieuwId: `${id}9` }), /StUF058/, d, 'updateZaak');
        assert.match(idFault.text, /identificatie/);
        const ztFault = await fault(m.updateZaak(id, m.isVan('OTHER'), m.isVan('OTHER'), d), /StUF058/, d, 'updateZaak');
        assert.match(ztFault.text, /Zaaktype is niet muteerbaar[\s\S]*OTHER[\s\S]*SHV01/);
        const unknown = await fault(m.updateZaak('1234999999', '', '<ZKN:omschrijving>x</ZKN:omschrijving>', d), /StUF064/, d, 'updateZaak');
        assert.match(unknown.text, /Fo03Bericht/);
        await fault(m.actualiseerZaakstatus('1234999999', { ...BEHANDELING, datum: '20261125100000000' }, d), /StUF064/, d, 'actualiseerZaakstatus');
      });

      it('geefZaakstatus answers the status with the latest datumStatusGezet, not the last one received', async () => {
        const id = await createZaak(d);
        await ok(m.actualiseerZaakstatus(id, { ...AFGEHANDELD, datum: '20261203120000000', toelichting: 'Klaar' }, d), d, 'actualiseerZaakstatus');
        await ok(m.actualiseerZaakstatus(id, { ...BEHANDELING, datum: '20261126090000000' }, d), d, 'actualiseerZaakstatus');
        const res = await ok(m.geefZaakstatus(id, d));
        assert.match(res.text, d === '1.2' ? /geefZaakstatus_ZakLa01/ : /zakLa01/);
        assert.equal(m.extractAll(res.text, 'datumStatusGezet').length, 1);
        assert.equal(m.extract(res.text, 'datumStatusGezet'), '20261203120000000');
        assert.equal(m.extract(res.text, 'volgnummer'), '3');
        assert.equal(m.extract(res.text, 'toelichting'), 'Klaar');
        assert.deepEqual(m.extractAll(res.text, 'indicatieLaatsteStatus'), ['J']);
        // geefZaakdetails: all statuses, newest first, J only on the current one
        const details = await ok(m.geefZaakdetails(id, d));
        assert.deepEqual(m.extractAll(details.text, 'datumStatusGezet'), ['20261203120000000', '20261126090000000', '20261124101500000']);
        assert.deepEqual(m.extractAll(details.text, 'indicatieLaatsteStatus'), ['J', 'N', 'N']);
        // the eindstatus is current: the zaak is closed on its date
        assert.equal((await stored(id)).einddatum?.value, '20261203');
      });

      it('geefZaakstatus: toelichting nil when empty, scope alles, unknown zaak Fo02 StUF064', async () => {
        const id = await createZaak(d);
        const res = await ok(m.geefZaakstatus(id, d));
        assert.match(res.text, /<ZKN:toelichting xsi:nil="true" StUF:noValue="geenWaarde"\/>/);
        assert.match(res.text, /<ZKN:omschrijving>Intake<\/ZKN:omschrijving>/);
        if (d === '1.1') {
          // The ZDS 1.2 vraag type requires an explicit scope; the generic StUF-ZKN one also takes a keyword.
          const alles = await ok(m.geefZaakstatus(id, d, 'alles'));
          assert.match(alles.text, /<ZKN:isVan/);
        }
        const unknown = await fault(m.geefZaakstatus('1234999999', d), /StUF064/, d);
        assert.match(unknown.text, /Fo02Bericht/);
      });
    });
  }

  it('a new initiator sent with T replaces the one the zaak has (as the StUF-testplatform expects), ending it', async () => {
    const id = await createZaak();
    await ok(m.updateZaak(id, m.rol('heeftAlsInitiator', 'T'), m.rol('heeftAlsInitiator', 'T', { medewerker: 'MDW555' }, { begin: '20261201' })));
    const z = await stored(id);
    assert.deepEqual(active(z, 'heeftAlsInitiator'), ['MDW555']);
    const oud = z.rollen.find((r) => r.rolType === 'heeftAlsInitiator' && r.betrokkene.key === '123456782');
    assert.equal(oud?.eindRelatie, '20261201', 'the old initiator ends where the new one begins');
  });

  it('refuses removing the only initiator without replacement; nothing is written', async () => {
    const id = await createZaak();
    const before = await stored(id);
    const res = await fault(m.updateZaak(id, m.rol('heeftAlsInitiator', 'V', { bsn: '123456782' }), m.rol('heeftAlsInitiator', 'V')), /StUF058/);
    assert.match(res.text, /enige initiator/);
    // A V for a rol the zaak does not have names the relation and the subject.
    const missing = await fault(m.updateZaak(id, m.rol('heeftAlsUitvoerende', 'V', { medewerker: 'NOPE' }), m.rol('heeftAlsUitvoerende', 'V')), /StUF064/);
    assert.match(missing.text, /heeftAlsUitvoerende\[1\][\s\S]*NOPE/);
    assert.deepEqual(await stored(id), before);
  });

  it('refuses a wrong mutatiesoort, an unknown statustype and an actualiseerZaakstatus without new status', async () => {
    const id = await createZaak();
    await fault(m.updateZaak(id, '', '<ZKN:omschrijving>x</ZKN:omschrijving>', '1.2', { mutatiesoort: 'T' }), /StUF058[\s\S]*mutatiesoort/);
    const st = await fault(m.actualiseerZaakstatus(id, { volgnummer: '9', omschrijving: 'Bestaat niet', datum: '20261125100000000' }, '1.2'), /StUF058/);
    assert.match(st.text, /Statustype onbekend[\s\S]*SHV01/);
    const zonder = m.actualiseerZaakstatus(id, { ...BEHANDELING, datum: '20261125100000000' }, '1.2')
      .replace(/<ZKN:heeft StUF:entiteittype="ZAKSTT" StUF:verwerkingssoort="T"><ZKN:gerelateerde[\s\S]*<\/ZKN:heeft>/, m.heeft(undefined));
    await fault(zonder, /StUF058[\s\S]*Geen nieuwe status/);
    assert.equal((await stored(id)).statussen.length, 1);
  });

  it('actualiseerZaakstatus changes only the status (an omschrijving in the same message is not applied); updateZaak can add a status', async () => {
    const id = await createZaak();
    await ok(m.actualiseerZaakstatus(id, { ...BEHANDELING, datum: '20261125100000000' }, '1.2', '<ZKN:omschrijving>Nieuw</ZKN:omschrijving>'));
    let z = await stored(id);
    assert.equal(z.omschrijving, 'Aanvraag schuldhulpverlening');
    assert.equal(z.statussen.length, 2);
    await ok(m.updateZaak(id, m.heeft(undefined), m.heeft({ ...AFGEHANDELD, datum: '20261130100000000' })));
    z = await stored(id);
    assert.equal(z.statussen.length, 3);
    assert.equal(z.einddatum?.value, '20261130');
  });

  describe('closing a zaak: einddatum, eindstatus and resultaat in any order', () => {
    const eindstatus = (id: string) => m.actualiseerZaakstatus(id, { ...AFGEHANDELD, datum: '20261210143000000' }, '1.2');
    const einddatum = (id: string, value: string) => m.updateZaak(id, '', `<ZKN:einddatum>${value}</ZKN:einddatum>`, '1.2');
    const resultaat = (id: string) => m.updateZaak(id, '', '<ZKN:resultaat><ZKN:omschrijving>Toegekend</ZKN:omschrijving></ZKN:resultaat>', '1.2');
    const permutations = <T>(xs: T[]): T[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p])));
    /** The stored zaak without what differs per test zaak (its identificatie). */
    const normalised = (z: Zaak) => ({ ...z, identificatie: 'X' });

    for (const explicit of [undefined, '20261215', '20261210']) {
      it(explicit ? `explicit einddatum ${explicit} always wins` : 'without einddatum: derived from the eindstatus', async () => {
        const steps: Array<(id: string) => string> = [eindstatus, resultaat];
        if (explicit) steps.push((id) => einddatum(id, explicit));
        const outcomes: unknown[] = [];
        for (const order of permutations(steps)) {
          const id = await createZaak();
          for (const step of order) await ok(step(id));
          outcomes.push(normalised(await stored(id)));
        }
        for (const o of outcomes) assert.deepEqual(o, outcomes[0]);
        const z = outcomes[0] as Zaak;
        assert.equal(z.einddatum?.value, explicit ?? '20261210');
        assert.equal(z.resultaat?.omschrijving, 'Toegekend');
      });
    }

    it('a status set before the eindstatus (arriving after it) does not reopen the zaak', async () => {
      const id = await createZaak();
      await ok(eindstatus(id));
      await ok(m.actualiseerZaakstatus(id, { ...BEHANDELING, datum: '20261205100000000' }, '1.2'));
      assert.equal((await stored(id)).einddatum?.value, '20261210');
    });

    it('a status later than the eindstatus reopens: a derived einddatum is cleared, an explicit one kept', async () => {
      const derived = await createZaak();
      await ok(eindstatus(derived));
      await ok(m.actualiseerZaakstatus(derived, { ...BEHANDELING, datum: '20261220100000000' }, '1.2'));
      assert.equal((await stored(derived)).einddatum, undefined);
      const status = await ok(m.geefZaakstatus(derived, '1.2'));
      assert.equal(m.extract(status.text, 'volgnummer'), '2');

      const explicit = await createZaak();
      await ok(einddatum(explicit, '20261215'));
      await ok(eindstatus(explicit));
      await ok(m.actualiseerZaakstatus(explicit, { ...BEHANDELING, datum: '20261220100000000' }, '1.2'));
      assert.equal((await stored(explicit)).einddatum?.value, '20261215');
    });

    it('eindstatus inside creeerZaak closes the zaak too', async () => {
      const id = newId();
      const body = m.creeerZaak({ identificatie: id }, '1.2').replace(
        '<ZKN:volgnummer>1</ZKN:volgnummer><ZKN:omschrijving>Intake</ZKN:omschrijving>',
        '<ZKN:volgnummer>3</ZKN:volgnummer><ZKN:omschrijving>Afgehandeld</ZKN:omschrijving>',
      );
      await ok(body);
      assert.equal((await stored(id)).einddatum?.value, '20261124');
    });
  });
});
