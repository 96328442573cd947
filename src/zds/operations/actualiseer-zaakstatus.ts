/**
 * actualiseerZaakstatus_ZakLk01: a W kennisgeving whose new object adds a status (`heeft` with verwerkingssoort T).
 * Processed like updateZaak, so einddatum/resultaat/omschrijving in the same message are applied too; the
 * current status and the closing of the zaak follow from datumStatusGezet, never from arrival order.
 */
import { faults } from '../../stuf/fault.js';
import { nieuweStatusElementen } from '../kennisgeving/was-wordt.js';
import type { Operation } from '../operation.js';
import { verwerkWijziging } from './update-zaak.js';

export const actualiseerZaakstatus: Operation = {
  name: 'actualiseerZaakstatus_ZakLk01',
  port: 'OntvangAsynchroon',
  expect: { berichtcode: 'Lk01', entiteittype: 'ZAK' },
  handle: (ctx) =>
    verwerkWijziging(ctx, {
      // Only the generic ZDS 1.1 zakLk01 can carry a single object; the ZDS 1.2 schema fixes two.
      enkelObject: ctx.dialect === '1.1',
      extraCheck(u, nieuw) {
        if (nieuweStatusElementen(nieuw).length === 0 || u.nieuweStatussen.length === 0) {
          throw faults.invalid('Geen nieuwe status', 'het nieuwe object moet een heeft (ZAKSTT) met StUF:verwerkingssoort="T" en een gerelateerde statustype bevatten');
        }
      },
    }),
};
