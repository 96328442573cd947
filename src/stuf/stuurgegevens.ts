/** StUF stuurgegevens: reading them from a request and writing them into answers. */
import { escapeText } from '../xml/escape.js';
import { child, isNil, text, type XmlElement } from '../xml/tree.js';
import { NS } from './namespaces.js';

/** A StUF:Systeem (zender or ontvanger). */
export interface Systeem {
  organisatie?: string;
  applicatie?: string;
  administratie?: string;
  gebruiker?: string;
}

export interface Stuurgegevens {
  berichtcode: string;
  zender?: Systeem;
  ontvanger?: Systeem;
  referentienummer?: string;
  tijdstipBericht?: string;
  crossRefnummer?: string;
  entiteittype?: string;
  functie?: string;
}

/** Trimmed text of a StUF child; empty or nil elements (`<StUF:gebruiker/>`) count as absent. */
function leaf(parent: XmlElement | undefined, local: string): string | undefined {
  const el = child(parent, NS.stuf, local);
  if (!el || isNil(el)) return undefined;
  const t = text(el);
  return t === undefined || t === '' ? undefined : t;
}

const SYSTEEM_PARTS = ['organisatie', 'applicatie', 'administratie', 'gebruiker'] as const;

function parseSysteem(el: XmlElement | undefined): Systeem | undefined {
  if (!el) return undefined;
  const s: Systeem = {};
  for (const part of SYSTEEM_PARTS) {
    const v = leaf(el, part);
    if (v !== undefined) s[part] = v;
  }
  return Object.keys(s).length > 0 ? s : undefined;
}

/**
 * Read the stuurgegevens element (any namespace: ZKN or ZDS); children are in the StUF namespace.
 * Never throws: a missing element or berichtcode gives berichtcode '' and checkStuurgegevens (checks.ts) judges.
 * That way a Fo03 can still be addressed from whatever the request did carry.
 */
export function parseStuurgegevens(el: XmlElement | undefined): Stuurgegevens {
  const sg: Stuurgegevens = { berichtcode: leaf(el, 'berichtcode') ?? '' };
  const zender = parseSysteem(child(el, NS.stuf, 'zender'));
  const ontvanger = parseSysteem(child(el, NS.stuf, 'ontvanger'));
  if (zender) sg.zender = zender;
  if (ontvanger) sg.ontvanger = ontvanger;
  for (const key of ['referentienummer', 'tijdstipBericht', 'crossRefnummer', 'entiteittype', 'functie'] as const) {
    const v = leaf(el, key);
    if (v !== undefined) sg[key] = v;
  }
  return sg;
}

/** One string identifying a sender: organisatie|applicatie|administratie|gebruiker ('' for absent parts). */
export function systeemKey(s: Systeem | undefined): string {
  // Escape the separator so ('a|b', 'c') and ('a', 'b|c') stay different keys.
  const part = (v: string | undefined): string => (v ?? '').replace(/[\\|]/g, (c) => `\\${c}`);
  return SYSTEEM_PARTS.map((p) => part(s?.[p])).join('|');
}

/** Addressing of an answer: zender/ontvanger swapped, a fresh referentienummer, crossRefnummer = request's. */
export interface ReplyAddressing {
  zender?: Systeem;
  ontvanger?: Systeem;
  referentienummer: string;
  tijdstipBericht: string;
  crossRefnummer?: string;
}

/**
 * Options for writing a stuurgegevens element. `qname` is the element's qualified name with a prefix the
 * caller has declared (ZKN:stuurgegevens, ZDS:stuurgegevens, StUF:stuurgegevens).
 */
export interface WriteStuurgegevensOptions {
  qname: string;
  berichtcode: string;
  reply?: ReplyAddressing;
  entiteittype?: string;
  functie?: string;
}

const leafXml = (local: string, value: string): string =>
  value === '' ? `<StUF:${local}/>` : `<StUF:${local}>${escapeText(value)}</StUF:${local}>`;

function writeSysteem(local: 'zender' | 'ontvanger', s: Systeem | undefined): string {
  // StUF:Systeem requires applicatie; a systeem without one cannot be written validly at all.
  if (!s?.applicatie) return '';
  let xml = `<StUF:${local}>`;
  for (const part of SYSTEEM_PARTS) {
    const v = s[part];
    if (v) xml += leafXml(part, v);
  }
  return `${xml}</StUF:${local}>`;
}

/**
 * Write <qname> with StUF: children in XSD order. Empty systeem parts are left out; other fields are written
 * whenever they are defined (an empty string gives an empty element). Values are never shortened here: the
 * caller guarantees the schema lengths.
 */
export function writeStuurgegevens(opts: WriteStuurgegevensOptions): string {
  const r = opts.reply;
  let xml = `<${opts.qname}>${leafXml('berichtcode', opts.berichtcode)}`;
  if (r) {
    xml += writeSysteem('zender', r.zender) + writeSysteem('ontvanger', r.ontvanger);
    xml += leafXml('referentienummer', r.referentienummer) + leafXml('tijdstipBericht', r.tijdstipBericht);
    if (r.crossRefnummer !== undefined) xml += leafXml('crossRefnummer', r.crossRefnummer);
  }
  if (opts.entiteittype !== undefined) xml += leafXml('entiteittype', opts.entiteittype);
  if (opts.functie !== undefined) xml += leafXml('functie', opts.functie);
  return `${xml}</${opts.qname}>`;
}
