import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkStuurgegevens, type StuurgegevensExpectation } from '../../src/stuf/checks.js';
import { StufFault } from '../../src/stuf/fault.js';
import type { Stuurgegevens } from '../../src/stuf/stuurgegevens.js';

const lk01: Stuurgegevens = {
  berichtcode: 'Lk01',
  zender: { organisatie: 'KING', applicatie: 'STP' },
  ontvanger: { organisatie: '1234', applicatie: 'TTA' },
  referentienummer: 'STP0000007',
  tijdstipBericht: '20240110120000000',
  entiteittype: 'ZAK',
};
const creeerZaak: StuurgegevensExpectation = { berichtcode: 'Lk01', entiteittype: 'ZAK', requireAddressing: true };

const di02: Stuurgegevens = { berichtcode: 'Di02', functie: 'genereerZaakidentificatie' };
const genereer: StuurgegevensExpectation = { berichtcode: 'Di02', functie: 'genereerZaakidentificatie', requireAddressing: false };

function fails(sg: Stuurgegevens, expect: StuurgegevensExpectation, code: string, plek: 'client' | 'server', detail?: string): void {
  assert.throws(
    () => checkStuurgegevens(sg, expect),
    (e: unknown) => {
      assert.ok(e instanceof StufFault, String(e));
      assert.equal(e.code, code, e.message);
      assert.equal(e.plek, plek);
      if (detail) assert.ok(e.details?.includes(detail), `details "${e.details}" should mention "${detail}"`);
      return true;
    },
  );
}

describe('checkStuurgegevens', () => {
  test('accepts correct messages', () => {
    checkStuurgegevens(lk01, creeerZaak);
    checkStuurgegevens(di02, genereer); // no zender/ontvanger/referentienummer on Di02: fine
    checkStuurgegevens({ berichtcode: 'Lv01', entiteittype: 'ZAK' }, { berichtcode: 'Lv01', entiteittype: 'ZAK', requireAddressing: false });
  });

  test('StUF022: berichtcode that StUF does not know (also wrong case, or missing)', () => {
    fails({ ...lk01, berichtcode: 'Lk99' }, creeerZaak, 'StUF022', 'client', 'Lk99');
    fails({ ...lk01, berichtcode: 'lk01' }, creeerZaak, 'StUF022', 'client');
    fails({ ...lk01, berichtcode: '' }, creeerZaak, 'StUF022', 'client');
  });

  test('StUF025: a valid berichtcode that does not belong to this message', () => {
    fails({ ...lk01, berichtcode: 'Lk02' }, creeerZaak, 'StUF025', 'server', 'verwacht "Lk01"');
    fails({ ...di02, berichtcode: 'Di01' }, genereer, 'StUF025', 'server');
  });

  test('StUF028 / StUF031: entiteittype unknown in the sector model / not this message', () => {
    fails({ ...lk01, entiteittype: 'XYZ' }, creeerZaak, 'StUF028', 'client', 'XYZ');
    fails({ ...lk01, entiteittype: 'zak' }, creeerZaak, 'StUF028', 'client');
    fails({ ...lk01, entiteittype: 'EDC' }, creeerZaak, 'StUF031', 'server', 'verwacht "ZAK"');
    fails({ ...lk01, entiteittype: undefined }, creeerZaak, 'StUF055', 'client');
  });

  test('StUF034 / StUF037: functie; case variants are refused with the right spelling in details', () => {
    fails({ ...di02, functie: 'genereerZaakIdentificatie' }, genereer, 'StUF034', 'client', '"genereerZaakidentificatie"');
    fails({ ...di02, functie: 'voegbesluittoe' }, { ...genereer, functie: 'voegBesluitToe' }, 'StUF034', 'client', 'voegBesluitToe');
    fails({ ...di02, functie: 'bestaatNiet' }, genereer, 'StUF034', 'client');
    fails({ ...di02, functie: 'cancelCheckout' }, genereer, 'StUF037', 'server', 'cancelCheckout');
    fails({ ...di02, functie: undefined }, genereer, 'StUF055', 'client');
  });

  test('several accepted functie values (ontkoppelZaakdocument errata)', () => {
    const ontkoppel: StuurgegevensExpectation = {
      berichtcode: 'Di02',
      functie: ['ontkoppelZaakdocument', 'updateZaakdocument'],
      requireAddressing: false,
    };
    checkStuurgegevens({ berichtcode: 'Di02', functie: 'updateZaakdocument' }, ontkoppel);
    checkStuurgegevens({ berichtcode: 'Di02', functie: 'ontkoppelZaakdocument' }, ontkoppel);
    fails({ berichtcode: 'Di02', functie: 'cancelCheckout' }, ontkoppel, 'StUF037', 'server', '"ontkoppelZaakdocument" of "updateZaakdocument"');
  });

  test('StUF055: async message without zender, ontvanger, referentienummer or tijdstipBericht', () => {
    fails({ ...lk01, zender: undefined }, creeerZaak, 'StUF055', 'client', 'zender');
    fails({ ...lk01, ontvanger: undefined }, creeerZaak, 'StUF055', 'client', 'ontvanger');
    fails({ ...lk01, referentienummer: undefined }, creeerZaak, 'StUF055', 'client', 'referentienummer');
    fails({ ...lk01, tijdstipBericht: undefined }, creeerZaak, 'StUF055', 'client', 'tijdstipBericht');
    fails({ ...lk01, zender: { organisatie: 'KING' } }, creeerZaak, 'StUF055', 'client', 'applicatie');
  });

  test('StUF055: applicatie outside 3..50 characters; StUF058: an impossible (schema-valid) tijdstipBericht', () => {
    fails({ ...lk01, zender: { applicatie: 'AB' } }, creeerZaak, 'StUF055', 'client', '"AB"');
    fails({ ...lk01, ontvanger: { applicatie: 'x'.repeat(51) } }, creeerZaak, 'StUF055', 'client');
    fails({ ...lk01, tijdstipBericht: '20241301120000' }, creeerZaak, 'StUF058', 'server', '20241301120000');
  });

  test('StUF010: ontvanger not one of our addresses, only when ownAddresses is given', () => {
    const own = [{ organisatie: '1234', applicatie: 'TTA' }, { applicatie: 'Zaakpoort' }];
    checkStuurgegevens(lk01, { ...creeerZaak, ownAddresses: own });
    checkStuurgegevens({ ...lk01, ontvanger: { organisatie: '9999', applicatie: 'Zaakpoort', administratie: 'x' } }, { ...creeerZaak, ownAddresses: own });
    fails({ ...lk01, ontvanger: { organisatie: '9999', applicatie: 'TTA' } }, { ...creeerZaak, ownAddresses: own }, 'StUF010', 'client', '"9999"');
    fails({ ...lk01, ontvanger: { applicatie: 'TTA' } }, { ...creeerZaak, ownAddresses: own }, 'StUF010', 'client');
    fails({ ...lk01, ontvanger: { applicatie: 'Other' } }, { ...creeerZaak, ownAddresses: own }, 'StUF010', 'client');
    // Without configured addresses any ontvanger is fine; an absent one on a Di02 is never "unknown".
    checkStuurgegevens({ ...lk01, ontvanger: { applicatie: 'Other' } }, creeerZaak);
    checkStuurgegevens(di02, { ...genereer, ownAddresses: own });
  });

  test('the first failure in foutcode-table order wins', () => {
    const own = [{ applicatie: 'Zaakpoort' }];
    const bad: Stuurgegevens = { ...lk01, berichtcode: 'Xx01', entiteittype: 'XYZ', zender: undefined };
    fails(bad, { ...creeerZaak, ownAddresses: own }, 'StUF010', 'client');
    fails(bad, creeerZaak, 'StUF022', 'client');
    fails({ ...bad, berichtcode: 'Lk02' }, creeerZaak, 'StUF025', 'server');
    fails({ ...bad, berichtcode: 'Lk01' }, creeerZaak, 'StUF028', 'client');
    fails({ ...bad, berichtcode: 'Lk01', entiteittype: 'ZAK' }, creeerZaak, 'StUF055', 'client');
  });
});
