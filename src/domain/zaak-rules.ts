/** Rules about a zaak that every backend and operation shares. */
import type { Rol, Status, Zaak } from './model.js';

/** Statuses newest first, by datumStatusGezet (never by arrival order). */
export function statussenNieuwsteEerst(zaak: Zaak): Status[] {
  return [...zaak.statussen].sort((a, b) => (a.datumStatusGezet < b.datumStatusGezet ? 1 : a.datumStatusGezet > b.datumStatusGezet ? -1 : 0));
}

/** The current status: the one with the latest datumStatusGezet. */
export function huidigeStatus(zaak: Zaak): Status | undefined {
  return statussenNieuwsteEerst(zaak)[0];
}

/** Rollen that have not been ended. */
export function actieveRollen(zaak: Zaak): Rol[] {
  return zaak.rollen.filter((r) => !r.eindRelatie);
}

/**
 * RGBZ: a zaak has one initiator. ZDS 1.2 creeerZaak enforces it through the schema; ZDS 1.1 clients in the
 * field create zaken without one, so only a second active initiator is refused here. Given the zaak as it was
 * before a change (`voor`), a change that takes away the only initiator without a replacement is refused too.
 */
export function rolInvariantFout(zaak: Zaak, voor?: Zaak): string | undefined {
  const initiators = (z: Zaak) => actieveRollen(z).filter((r) => r.rolType === 'heeftAlsInitiator').length;
  const ini = initiators(zaak);
  if (ini > 1) return `een zaak heeft ten hoogste één actieve initiator; na verwerking zouden het er ${ini} zijn`;
  if (voor && ini === 0 && initiators(voor) > 0) {
    return 'de enige initiator van de zaak wordt verwijderd of beëindigd zonder vervanger; gebruik verwerkingssoort R om de initiator te vervangen';
  }
  return undefined;
}
