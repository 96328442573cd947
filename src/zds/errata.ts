/**
 * Spellings the standard itself allows but the official XSDs refuse (SPEC-DIGEST §7): the SPEC's element
 * casings and the functie value release note #488778 gives ontkoppelZaakdocument. Such a body is validated as
 * if it used the schema's spelling, so the rest of it is still checked in full.
 */
import { NS } from '../stuf/namespaces.js';
import type { XmlElement } from '../xml/tree.js';

/** Root elements written as the SPEC or the operation name spells them → the element the XSD declares. */
const ROOT_SPELLINGS: Record<string, string> = {
  geefBesluitDetails_BslLv01: 'geefBesluitdetails_BslLv01',
  geefZaakdocumentbewerken_Di02: 'geefZaakdocumentBewerken_Di02',
};

/** functie values per operation that errata allow besides the schema's fixed value. */
const FUNCTIE_SPELLINGS: Record<string, { from: string; to: string }> = {
  ontkoppelZaakdocument_Di02: { from: 'updateZaakdocument', to: 'ontkoppelZaakdocument' },
};

/** True when schemaSpelling() changes this body: it is then validated from its text. */
export function hasSchemaSpelling(body: XmlElement, operation: string): boolean {
  return (body.ns === NS.zds && ROOT_SPELLINGS[body.local] !== undefined) || FUNCTIE_SPELLINGS[operation] !== undefined;
}

export function schemaSpelling(body: XmlElement, bodyXml: string, operation: string): string {
  let xml = bodyXml;
  const root = body.ns === NS.zds ? ROOT_SPELLINGS[body.local] : undefined;
  if (root) {
    const prefix = body.qname.includes(':') ? `${body.qname.split(':')[0]}:` : '';
    const open = new RegExp(`^(\\s*(?:<\\?[^>]*\\?>\\s*)?<)${escapeRe(body.qname)}(?=[\\s>/])`);
    const close = new RegExp(`</${escapeRe(body.qname)}>\\s*$`);
    xml = xml.replace(open, `$1${prefix}${root}`).replace(close, `</${prefix}${root}>`);
  }
  const functie = FUNCTIE_SPELLINGS[operation];
  if (functie) {
    xml = xml.replace(new RegExp(`(<(?:[\\w.-]+:)?functie>)${functie.from}(</)`), `$1${functie.to}$2`);
  }
  return xml;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
