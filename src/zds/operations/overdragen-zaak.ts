/**
 * overdragenZaak (SPEC #22b/c). Zaakpoort never sends an overdragenZaak_Di01 (it has no outbound messaging), so
 * no overdracht is ever pending: an overdragenZaak_Du01 always refers to an unknown crossRefnummer (Fo03 StUF043).
 * An incoming overdragenZaak_Di01 is refused with StUF040: that operation is served by a zaakservice-consumer
 * (the ZSC overdragen WSDL), not by a zaaksysteem, and accepting it would suggest the zaak was taken over.
 */
import { StufFault } from '../../stuf/fault.js';
import type { Operation } from '../operation.js';

export const overdragenZaakDu01: Operation = {
  name: 'overdragenZaak_Du01',
  port: 'OntvangAsynchroon',
  expect: { berichtcode: 'Du01', functie: ['overdragenZaak'] },
  async handle(ctx) {
    const ref = ctx.stuurgegevens.crossRefnummer ?? '';
    throw new StufFault('StUF043', 'client', 'crossRefnummer is onbekend',
      `Er is geen overdragenZaak_Di01 met referentienummer "${ref}" door dit zaaksysteem verstuurd`);
  },
};

export const overdragenZaakDi01: Operation = {
  name: 'overdragenZaak_Di01',
  port: 'OntvangAsynchroon',
  expect: { berichtcode: 'Di01', functie: ['overdragenZaak'] },
  async handle() {
    throw new StufFault('StUF040', 'server', 'overdragenZaak_Di01 wordt door een zaaksysteem niet ontvangen',
      'Dit bericht wordt bediend door een zaakservice-consumer (ZDS 1.2 overdragen-WSDL); Zaakpoort is een zaaksysteem');
  },
};
