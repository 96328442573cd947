/** Checking a zaak against the catalogue (zaaktype, statustypen) and deriving what the catalogue implies. */
import type { Zaak } from '../../domain/model.js';
import { huidigeStatus } from '../../domain/zaak-rules.js';
import { faults } from '../../stuf/fault.js';
import type { OperationContext } from '../operation.js';

/**
 * Strict catalogue: unknown zaaktypen and statustypen are refused. Permissive: accepted as sent. Either way,
 * what the catalogue knows (omschrijving, eindstatus) fills in what the message left out.
 */
export function applyCatalogue(ctx: OperationContext, zaak: Zaak): void {
  const zt = ctx.catalogue.getZaaktype(zaak.zaaktype.code);
  if (!zt && ctx.catalogue.mode === 'strict') {
    throw faults.processing('Zaaktype onbekend', `Zaaktype met code ${zaak.zaaktype.code} staat niet in de catalogus van dit zaaksysteem`);
  }
  if (zt) {
    zaak.zaaktype.omschrijving ??= zt.omschrijving;
    zaak.zaaktype.ingangsdatumObject ??= zt.ingangsdatumObject;
  }
  for (const st of zaak.statussen) {
    const t = ctx.catalogue.findStatustype(zaak.zaaktype.code, st.statustype.volgnummer || undefined, st.statustype.omschrijving);
    if (!t) {
      if (ctx.catalogue.mode === 'strict') {
        throw faults.processing('Statustype onbekend voor dit zaaktype',
          `Statustype volgnummer ${st.statustype.volgnummer || '-'} / "${st.statustype.omschrijving ?? ''}" bestaat niet bij zaaktype ${zaak.zaaktype.code}`);
      }
      continue;
    }
    st.statustype.omschrijving ??= t.omschrijving;
    st.statustype.code ??= t.code;
  }
  closeWhenEindstatus(ctx, zaak);
}

/**
 * When the current status (latest datumStatusGezet) is the zaaktype's eindstatus and no einddatum was given,
 * the zaak ends on the date that status was set.
 */
export function closeWhenEindstatus(ctx: OperationContext, zaak: Zaak): void {
  const current = huidigeStatus(zaak);
  if (!current || zaak.einddatum) return;
  const t = ctx.catalogue.findStatustype(zaak.zaaktype.code, current.statustype.volgnummer || undefined, current.statustype.omschrijving);
  if (t?.isEindstatus) zaak.einddatum = { value: current.datumStatusGezet.slice(0, 8) };
}
