/** Every operation Zaakpoort serves. Adding one: write its module and list it here. */
import type { Operation } from '../operation.js';
import { creeerZaak } from './creeer-zaak.js';
import { geefLijstZaakdocumenten } from './geef-lijst-zaakdocumenten.js';
import { geefZaakdetails } from './geef-zaakdetails.js';
import { geefZaakdocumentLezen } from './geef-zaakdocument-lezen.js';
import { genereerBesluitIdentificatie, genereerDocumentIdentificatie, genereerZaakIdentificatie } from './genereer-identificatie.js';
import { maakZaakdocument, voegZaakdocumentToe } from './voeg-zaakdocument-toe.js';

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
];
