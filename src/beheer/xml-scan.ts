/**
 * What the message browser indexes of a bericht, read from its XML (request body or answer): the zender and
 * gebruiker from the stuurgegevens, the zaak/document/besluit identificaties (an <identificatie> whose parent
 * names entiteittype ZAK, EDC or BSL: objects, gelijk/scope selections and relations alike) and the BSNs.
 * Text that is not well-formed (a body cut by the size cap) yields what was read up to the error.
 */
import { SaxesParser } from 'saxes';

const STUF_NS = 'http://www.egem.nl/StUF/StUF0301';
const KIND_OF_ENTITEIT: Record<string, ObjectKind> = { ZAK: 'zaak', EDC: 'document', BSL: 'besluit' };
/** Element names that carry a BSN (StUF-BG inp.bsn; a bare bsn in some dialects). */
export const BSN_ELEMENTS = new Set(['inp.bsn', 'bsn']);

export type ObjectKind = 'zaak' | 'document' | 'besluit';

export interface ScannedBericht {
  zender?: string;
  gebruiker?: string;
  referentienummer?: string;
  identificaties: Record<ObjectKind, string[]>;
  bsns: string[];
}

interface Frame {
  local: string;
  uri: string;
  entiteittype?: string;
  text: string;
}

export function scanBericht(xml: string): ScannedBericht {
  const out: ScannedBericht = { identificaties: { zaak: [], document: [], besluit: [] }, bsns: [] };
  const zender: Record<string, string> = {};
  const stack: Frame[] = [];
  const parser = new SaxesParser({ xmlns: true });
  parser.on('opentag', (tag) => {
    const et = Object.values(tag.attributes).find((a) => typeof a === 'object' && a.local === 'entiteittype' && a.uri === STUF_NS);
    stack.push({ local: tag.local ?? tag.name, uri: tag.uri ?? '', ...(et && typeof et === 'object' ? { entiteittype: et.value } : {}), text: '' });
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    const el = stack.pop();
    if (!el) return;
    const value = el.text.trim();
    const parent = stack[stack.length - 1];
    if (!value || !parent) return;
    if (el.local === 'identificatie' && parent.entiteittype) {
      const kind = KIND_OF_ENTITEIT[parent.entiteittype];
      if (kind && !out.identificaties[kind].includes(value)) out.identificaties[kind].push(value);
    } else if (BSN_ELEMENTS.has(el.local) && /^\d{1,9}$/.test(value)) {
      if (!out.bsns.includes(value)) out.bsns.push(value);
    } else if (el.uri === STUF_NS && parent.local === 'zender' && stack[stack.length - 2]?.local === 'stuurgegevens') {
      zender[el.local] = value;
    } else if (el.uri === STUF_NS && el.local === 'referentienummer' && parent.local === 'stuurgegevens' && out.referentienummer === undefined) {
      out.referentienummer = value;
    }
  });
  try {
    parser.write(xml).close();
  } catch {
    // Cut or broken XML: keep what was found so far.
  }
  const name = [zender.organisatie, zender.applicatie, zender.administratie].filter(Boolean).join('/');
  if (name) out.zender = name;
  if (zender.gebruiker) out.gebruiker = zender.gebruiker;
  return out;
}
