/**
 * overdragenZaak (SPEC #22b/c). Zaakpoort offers a zaak to a zaakservice-consumer with an overdragenZaak_Di01
 * (src/zds/overdracht/verstuur.ts, `npm run overdragen`); the ZSC later answers with an overdragenZaak_Du01 whose
 * crossRefnummer is that Di01's referentienummer. The answer is recorded on the Overdracht (geaccepteerd or
 * geweigerd, with the ZSC's meldingen) and acknowledged with Bv03.
 * An incoming overdragenZaak_Di01 is refused with StUF040: that operation is served by a zaakservice-consumer
 * (the ZSC overdragen WSDL), not by a zaaksysteem, and accepting it would suggest the zaak was taken over.
 */
import type { OverdrachtStatus } from '../../domain/model.js';
import { StufFault, faults } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { child, childrenNamed, text } from '../../xml/tree.js';
import { bv03 } from '../antwoord/frame.js';
import type { Operation } from '../operation.js';

/** The two values of ZKN:OverdragenZaak-antwoord. */
const STATUS_BY_ANTWOORD: Record<string, OverdrachtStatus> = {
  'Overdracht geaccepteerd': 'geaccepteerd',
  'Overdracht geweigerd': 'geweigerd',
};

export const overdragenZaakDu01: Operation = {
  name: 'overdragenZaak_Du01',
  port: 'OntvangAsynchroon',
  expect: { berichtcode: 'Du01', functie: ['overdragenZaak'] },
  async handle(ctx) {
    const ref = ctx.stuurgegevens.crossRefnummer ?? '';
    const body = ctx.request.body;
    const object = child(body, NS.zkn, 'object');
    const zaakId = text(child(object, NS.zkn, 'identificatie')) ?? '';
    const antwoord = text(child(object, NS.zkn, 'antwoord')) ?? '';
    // Checked here too: with validation off or warn the schema's enumeration has not been enforced.
    const status = STATUS_BY_ANTWOORD[antwoord];
    if (!status) throw faults.invalid('Onbekend antwoord op de overdracht', `object/antwoord "${antwoord}" moet "Overdracht geaccepteerd" of "Overdracht geweigerd" zijn`);
    const meldingen = childrenNamed(body, NS.zkn, 'melding').map((m) => text(m) ?? '').filter((m) => m !== '');

    await ctx.backend.store.transaction(async (tx) => {
      // Read inside the transaction (row-locked on PostgreSQL), so two answers to one overdracht take turns.
      const overdracht = await tx.getOverdracht(ref);
      if (!overdracht) {
        throw new StufFault('StUF043', 'client', 'crossRefnummer is onbekend',
          `Er is geen overdragenZaak_Di01 met referentienummer "${ref}" door dit zaaksysteem verstuurd`);
      }
      if (overdracht.zaakIdentificatie !== zaakId) {
        throw faults.processing('Zaak hoort niet bij deze overdracht',
          `crossRefnummer "${ref}" is de overdracht van zaak ${overdracht.zaakIdentificatie}; het bericht noemt zaak ${zaakId}`);
      }
      if (overdracht.status !== 'verzonden') {
        // An identical resend never gets here: the dispatcher answers it from the message log.
        throw faults.processing('Overdracht is al beantwoord',
          `overdracht "${ref}" van zaak ${zaakId} is al ${overdracht.status} op ${overdracht.beantwoordOp ?? 'onbekend tijdstip'}`);
      }
      await tx.updateOverdracht({
        ...overdracht,
        status,
        ...(meldingen.length > 0 ? { meldingen } : {}),
        beantwoordOp: ctx.clock.now().toISOString(),
      });
    });
    return bv03(ctx);
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
