/**
 * genereerZaakIdentificatie_Di02, genereerDocumentIdentificatie_Di02, genereerBesluitIdentificatie_Di02:
 * reserve a fresh identificatie (persisted before it is returned, never issued again) and answer Du02.
 */
import type { IdKind } from '../../domain/model.js';
import { escapeText } from '../../xml/escape.js';
import { du02 } from '../antwoord/frame.js';
import type { Operation } from '../operation.js';

const KINDS: Record<IdKind, { noun: string; element: string; entiteittype: string; functie: string }> = {
  zaak: { noun: 'Zaak', element: 'zaak', entiteittype: 'ZAK', functie: 'genereerZaakidentificatie' },
  document: { noun: 'Document', element: 'document', entiteittype: 'EDC', functie: 'genereerDocumentidentificatie' },
  besluit: { noun: 'Besluit', element: 'besluit', entiteittype: 'BSL', functie: 'genereerBesluitidentificatie' },
};

function genereer(kind: IdKind): Operation {
  const k = KINDS[kind];
  return {
    name: `genereer${k.noun}Identificatie_Di02`,
    port: 'VerwerkSynchroonVrijBericht',
    expect: { berichtcode: 'Di02', functie: [k.functie] },
    // Stuurgegevens from the request and an identificatie the generator checked (formatGeneratedIdentificatie).
    answerFromRequestOnly: true,
    async handle(ctx) {
      const reservedBy = ctx.zenderKey || undefined;
      const id = await ctx.backend.ids.reserve(kind, reservedBy);
      const content =
        `<{P}:${k.element} StUF:entiteittype="${k.entiteittype}" StUF:functie="entiteit">` +
        `<ZKN:identificatie>${escapeText(id)}</ZKN:identificatie></{P}:${k.element}>`;
      return du02(ctx, `genereer${k.noun}Identificatie_Du02`, k.functie, content);
    },
  };
}

export const genereerZaakIdentificatie = genereer('zaak');
export const genereerDocumentIdentificatie = genereer('document');
export const genereerBesluitIdentificatie = genereer('besluit');
