/** Checking a zaak against the catalogue (zaaktype, statustypen) and deriving what the catalogue implies. */
import type { Status, Zaak } from '../../domain/model.js';
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
  checkStatustypen(ctx, zaak, zaak.statussen);
  // creeerZaak: an einddatum in the message is the sender's own.
  closeWhenEindstatus(ctx, zaak, { einddatumExpliciet: zaak.einddatum !== undefined });
}

/**
 * The statustype of each status must exist for the zaak's zaaktype (strict catalogue); the catalogue's
 * omschrijving/code fill in what the message left out. The zaaktype is part of the key: the same omschrijving
 * under another zaaktype is a different statustype.
 */
export function checkStatustypen(ctx: OperationContext, zaak: Zaak, statussen: Status[]): void {
  for (const st of statussen) {
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
}

function isEindstatus(ctx: OperationContext, zaak: Zaak, st: Status): boolean {
  return ctx.catalogue.findStatustype(zaak.zaaktype.code, st.statustype.volgnummer || undefined, st.statustype.omschrijving)?.isEindstatus === true;
}

/**
 * Closing rules, so that einddatum, eindstatus and resultaat may arrive in any order and in any message
 * (creeerZaak, updateZaak, actualiseerZaakstatus) with the same outcome. They depend only on the zaak as it is
 * after the message, plus whether this message itself set einddatum:
 * 1. current status (latest datumStatusGezet, never arrival order) is the eindstatus and no einddatum:
 *    einddatum = the date that status was set. Also after an explicit clear: the catalogue says it is closed.
 * 2. an explicit einddatum always wins over the derived one (rule 1 only fills an empty einddatum).
 * 3. a status earlier than the eindstatus changes nothing: the eindstatus stays current.
 * 4. a status later than the eindstatus that is not itself an eindstatus reopens the zaak: a derived einddatum
 *    (one equal to the date of an eindstatus of this zaak) is cleared; any other einddatum was given by a
 *    sender and is kept. Zaakpoort stores no provenance, so an explicit einddatum on exactly the eindstatus
 *    date counts as derived unless it arrives in the same message as the reopening status.
 */
export function closeWhenEindstatus(ctx: OperationContext, zaak: Zaak, opts: { einddatumExpliciet?: boolean } = {}): void {
  const current = huidigeStatus(zaak);
  if (!current) return;
  if (isEindstatus(ctx, zaak, current)) {
    if (!zaak.einddatum) zaak.einddatum = { value: current.datumStatusGezet.slice(0, 8) };
    return;
  }
  if (!zaak.einddatum || opts.einddatumExpliciet || zaak.einddatum.onvolledig) return;
  const eind = zaak.einddatum.value;
  const derived = zaak.statussen.some((s) => s.datumStatusGezet.slice(0, 8) === eind && isEindstatus(ctx, zaak, s));
  if (derived) delete zaak.einddatum;
}
