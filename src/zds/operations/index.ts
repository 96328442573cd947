/** Every operation Zaakpoort serves. Adding one: write its module and list it here. */
import type { Operation } from '../operation.js';
import { actualiseerZaakstatus } from './actualiseer-zaakstatus.js';
import { creeerZaak } from './creeer-zaak.js';
import { geefZaakstatus } from './geef-zaakstatus.js';
import { updateZaak } from './update-zaak.js';
import { geefLijstZaakdocumenten } from './geef-lijst-zaakdocumenten.js';
import { geefZaakdetails } from './geef-zaakdetails.js';
import { geefZaakdocumentLezen } from './geef-zaakdocument-lezen.js';
import { genereerBesluitIdentificatie, genereerDocumentIdentificatie, genereerZaakIdentificatie } from './genereer-identificatie.js';
import { maakZaakdocument, voegZaakdocumentToe } from './voeg-zaakdocument-toe.js';
import { voegBesluitToe } from './voeg-besluit-toe.js';
import { updateBesluit } from './update-besluit.js';
import { geefBesluitdetails } from './geef-besluitdetails.js';
import { geefLijstBesluiten } from './geef-lijst-besluiten.js';
import { overdragenZaakDi01, overdragenZaakDu01 } from './overdragen-zaak.js';
import { zakLv01 } from './zak-lv01.js';
import { geefZaakdocumentBewerken } from './geef-zaakdocument-bewerken.js';
import { updateZaakdocument } from './update-zaakdocument.js';
import { cancelCheckout } from './cancel-checkout.js';
import { ontkoppelZaakdocument } from './ontkoppel-zaakdocument.js';

export const OPERATIONS: Operation[] = [
  genereerZaakIdentificatie,
  genereerDocumentIdentificatie,
  genereerBesluitIdentificatie,
  creeerZaak,
  voegZaakdocumentToe,
  maakZaakdocument,
  geefZaakdetails,
  geefLijstZaakdocumenten,
  geefZaakdocumentLezen,
  geefZaakdocumentBewerken,
  updateZaakdocument,
  cancelCheckout,
  ontkoppelZaakdocument,
  updateZaak,
  actualiseerZaakstatus,
  geefZaakstatus,
  voegBesluitToe,
  updateBesluit,
  geefBesluitdetails,
  geefLijstBesluiten,
  overdragenZaakDu01,
  overdragenZaakDi01,
  zakLv01,
];
