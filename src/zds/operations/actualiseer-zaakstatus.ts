/**
 * actualiseerZaakstatus_ZakLk01: a W kennisgeving whose new object adds a status (`heeft` with verwerkingssoort T).
 * Only the statuses change: other zaak elements the schema lets the objects carry (omschrijving, einddatum,
 * resultaat, ...) are not applied (SPEC 4.1.3: this service sets a status; updateZaak changes the zaak). The
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
      alleenStatus: true,
      extraCheck(u, nieuw) {
        if (nieuweStatusElementen(nieuw).length === 0 || u.nieuweStatussen.length === 0) {
          throw faults.processing('Geen nieuwe status', 'het nieuwe object moet een heeft (ZAKSTT) met StUF:verwerkingssoort="T" en een gerelateerde statustype bevatten');
        }
      },
    }),
};
