/**
 * Which operation handles a request: by the Body's root element (namespace URI + local name). ZDS 1.1 sends
 * generic StUF-ZKN roots (zakLk01, edcLk01, zakLv01, edcLv01) for several operations; there the SOAPAction
 * decides, and when it is absent or unknown, the content does.
 */
import { NS } from '../stuf/namespaces.js';
import { type XmlElement, attr, child, childrenNamed, elements, path } from '../xml/tree.js';
import type { Dialect, Operation } from './operation.js';

export interface Resolved {
  op: Operation;
  dialect: Dialect;
}

export class OperationRegistry {
  private readonly byName = new Map<string, Operation>();

  constructor(ops: Operation[]) {
    for (const op of ops) this.byName.set(op.name, op);
  }

  get(name: string): Operation | undefined {
    return this.byName.get(name);
  }

  /** The operation for a Body root, or undefined when nobody handles it. */
  resolve(body: XmlElement, soapAction: string): Resolved | undefined {
    if (body.ns === NS.zds) {
      // geefZaakdocumentBewerken_Di02 is the element, geefZaakdocumentbewerken the operation: accept both.
      const name = ZDS_ALIASES[body.local] ?? body.local;
      const op = this.byName.get(name);
      return op ? { op, dialect: '1.2' } : undefined;
    }
    if (body.ns !== NS.zkn) return undefined;
    const fromAction = this.byAction(soapAction, body.local);
    if (fromAction) return { op: fromAction, dialect: '1.1' };
    const name = zds11ByContent(body);
    const op = name ? this.byName.get(name) : undefined;
    return op ? { op, dialect: '1.1' } : undefined;
  }

  /** SOAPAction such as http://www.egem.nl/StUF/sector/zkn/0310/creeerZaak_Lk01 → creeerZaak_ZakLk01. */
  private byAction(soapAction: string, root: string): Operation | undefined {
    const segment = soapAction.split('/').pop() ?? '';
    const base = segment.split('_')[0]?.toLowerCase();
    if (!base) return undefined;
    const allowed = ROOTS_11[root];
    if (!allowed) return undefined;
    const name = allowed.find((n) => n.split('_')[0]!.toLowerCase() === base);
    return name ? this.byName.get(name) : undefined;
  }
}

const ZDS_ALIASES: Record<string, string> = {
  geefZaakdocumentBewerken_Di02: 'geefZaakdocumentbewerken_Di02',
  geefBesluitDetails_BslLv01: 'geefBesluitdetails_BslLv01',
};

/** For each ZDS 1.1 root element: the operations it can carry. */
const ROOTS_11: Record<string, string[]> = {
  zakLk01: ['creeerZaak_ZakLk01', 'updateZaak_ZakLk01', 'actualiseerZaakstatus_ZakLk01'],
  edcLk01: ['voegZaakdocumentToe_EdcLk01', 'maakZaakdocument_EdcLk01'],
  zakLv01: ['geefZaakdetails_ZakLv01', 'geefLijstZaakdocumenten_ZakLv01', 'geefZaakstatus_ZakLv01', 'geefLijstBesluiten_ZakLv01', 'zakLv01'],
  edcLv01: ['geefZaakdocumentLezen_EdcLv01'],
  genereerZaakIdentificatie_Di02: ['genereerZaakIdentificatie_Di02'],
  genereerDocumentIdentificatie_Di02: ['genereerDocumentIdentificatie_Di02'],
  genereerBesluitIdentificatie_Di02: ['genereerBesluitIdentificatie_Di02'],
  geefZaakdocumentbewerken_Di02: ['geefZaakdocumentbewerken_Di02'],
  geefZaakdocumentBewerken_Di02: ['geefZaakdocumentbewerken_Di02'],
  updateZaakdocument_Di02: ['updateZaakdocument_Di02'],
  cancelCheckout_Di02: ['cancelCheckout_Di02'],
  ontkoppelZaakdocument_Di02: ['ontkoppelZaakdocument_Di02'],
};

/** Pick the operation of a ZDS 1.1 message without a usable SOAPAction, from what it contains. */
function zds11ByContent(body: XmlElement): string | undefined {
  const candidates = ROOTS_11[body.local];
  if (!candidates) return undefined;
  if (candidates.length === 1) return candidates[0];
  switch (body.local) {
    case 'zakLk01': {
      const mutatie = elements(child(body, NS.zkn, 'parameters') ?? body).find((e) => e.local === 'mutatiesoort');
      const soort = mutatie ? mutatie.children.join('').trim() : '';
      if (soort === 'T') return 'creeerZaak_ZakLk01';
      // A W kennisgeving that only adds a status (heeft with verwerkingssoort T) is actualiseerZaakstatus.
      const objects = childrenNamed(body, NS.zkn, 'object');
      const nieuw = objects[1];
      const onlyStatus = nieuw !== undefined && elements(nieuw).every((e) => ['identificatie', 'heeft', 'isVan'].includes(e.local))
        && childrenNamed(nieuw, NS.zkn, 'heeft').some((h) => attr(h, NS.stuf, 'verwerkingssoort') === 'T');
      return onlyStatus ? 'actualiseerZaakstatus_ZakLk01' : 'updateZaak_ZakLk01';
    }
    case 'edcLk01': {
      const inhoud = path(body, NS.zkn, 'object', 'inhoud');
      return inhoud ? 'voegZaakdocumentToe_EdcLk01' : 'maakZaakdocument_EdcLk01';
    }
    case 'zakLv01': {
      const scope = path(body, NS.zkn, 'scope', 'object');
      const asked = new Set(elements(scope ?? body).map((e) => e.local));
      const gelijk = child(body, NS.zkn, 'gelijk');
      const byIdOnly = gelijk !== undefined && elements(gelijk).every((e) => e.local === 'identificatie' || e.local === 'heeft');
      if (!byIdOnly) return 'zakLv01';
      if (asked.has('heeftRelevant') && [...asked].every((n) => n === 'identificatie' || n === 'heeftRelevant')) return 'geefLijstZaakdocumenten_ZakLv01';
      if (asked.has('leidtTot') && [...asked].every((n) => n === 'identificatie' || n === 'leidtTot')) return 'geefLijstBesluiten_ZakLv01';
      if (asked.has('heeft') && [...asked].every((n) => n === 'identificatie' || n === 'heeft')) return 'geefZaakstatus_ZakLv01';
      return 'geefZaakdetails_ZakLv01';
    }
    default:
      return candidates[0];
  }
}
