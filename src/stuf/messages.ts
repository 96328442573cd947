/**
 * Writers for the plain StUF answers: Bv02, Bv03, Fo02, Fo03. Each returns one standalone element carrying its
 * own xmlns:StUF, ready to go into a SOAP Body (Bv) or a Fault's detail (Fo). Element order is stuf0301.xsd's.
 */
import { defaultConfig } from '../config.js';
import { escapeText } from '../xml/escape.js';
import { systemClock } from './dates.js';
import { type StufFault, foutTekst } from './fault.js';
import { NS } from './namespaces.js';
import { replyAddressing } from './reply.js';
import { writeStuurgegevens, type ReplyAddressing, type Systeem } from './stuurgegevens.js';

export type FoKind = 'Fo02' | 'Fo03';
export type Port = 'BeantwoordVraag' | 'OntvangAsynchroon' | 'VerwerkSynchroonVrijBericht';

/** Schema limits (stuf0301.xsd: Foutomschrijving, Foutdetails, Melding). */
export const OMSCHRIJVING_MAX = 200;
export const DETAILS_MAX = 1000;
export const MELDING_MAX = 250;

/**
 * Stands in for the request's zender when it named none we can write back (missing or invalid applicatie).
 * Bv03/Fo03 require an ontvanger; 'onbekend' is a valid applicatie that plainly says we could not tell.
 */
export const UNKNOWN_ONTVANGER: Systeem = { applicatie: 'onbekend' };

/** Characters XML 1.0 cannot carry at all; a fault echoing binary junk must still be well-formed. */
const NON_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Make free text fit a schema maxLength (counted in characters): cut and end with an ellipsis. */
export function fitText(s: string, max: number): string {
  const clean = s.replace(NON_XML, '\uFFFD');
  const cps = [...clean];
  return cps.length <= max ? clean : `${cps.slice(0, max - 1).join('')}…`;
}

/** Bv03 and Fo03 require zender, ontvanger and crossRefnummer: fill what the request could not give us. */
function complete(reply: ReplyAddressing): ReplyAddressing {
  return {
    ...reply,
    zender: reply.zender ?? UNKNOWN_ONTVANGER,
    ontvanger: reply.ontvanger ?? UNKNOWN_ONTVANGER,
    // Refnummer has no minimum length: an empty crossRefnummer honestly says "your message had none".
    crossRefnummer: reply.crossRefnummer ?? '',
  };
}

const open = (local: string): string => `<StUF:${local} xmlns:StUF="${NS.stuf}">`;

/** StUF:Bv03Bericht: the technical acknowledgement of an async message, full swapped stuurgegevens. */
export function writeBv03(reply: ReplyAddressing): string {
  const sg = writeStuurgegevens({ qname: 'StUF:stuurgegevens', berichtcode: 'Bv03', reply: complete(reply) });
  return `${open('Bv03Bericht')}${sg}</StUF:Bv03Bericht>`;
}

/** StUF:Bv02Bericht: synchronous acknowledgement; stuurgegevens hold only the berichtcode. */
export function writeBv02(meldingen: string[] = []): string {
  let xml = `${open('Bv02Bericht')}${writeStuurgegevens({ qname: 'StUF:stuurgegevens', berichtcode: 'Bv02' })}`;
  for (const m of meldingen) xml += `<StUF:melding>${escapeText(fitText(m, MELDING_MAX))}</StUF:melding>`;
  return `${xml}</StUF:Bv02Bericht>`;
}

function writeFoutBody(fault: StufFault): string {
  const t = foutTekst(fault);
  let xml =
    `<StUF:body><StUF:code>${escapeText(fault.code)}</StUF:code><StUF:plek>${fault.plek}</StUF:plek>` +
    `<StUF:omschrijving>${escapeText(fitText(t.omschrijving, OMSCHRIJVING_MAX))}</StUF:omschrijving>`;
  if (t.details !== undefined && t.details !== '') {
    xml += `<StUF:details>${escapeText(fitText(t.details, DETAILS_MAX))}</StUF:details>`;
  }
  return `${xml}</StUF:body>`;
}

/**
 * StUF:Fo02Bericht (stuurgegevens = berichtcode only; `reply` is ignored) or StUF:Fo03Bericht (full swapped
 * stuurgegevens). Pass replyAddressing(request stuurgegevens or undefined, config.self, clock, timeZone) for a
 * Fo03: with no usable request stuurgegevens that gives zender = self, ontvanger = UNKNOWN_ONTVANGER and an
 * empty crossRefnummer. Never throws: without any reply the defaults of config.ts are used as a last resort.
 */
export function writeFo(kind: FoKind, fault: StufFault, reply?: ReplyAddressing): string {
  let sg: string;
  if (kind === 'Fo02') {
    sg = writeStuurgegevens({ qname: 'StUF:stuurgegevens', berichtcode: 'Fo02' });
  } else {
    const cfg = defaultConfig();
    const r = reply ?? replyAddressing(undefined, cfg.self, systemClock, cfg.timeZone);
    sg = writeStuurgegevens({ qname: 'StUF:stuurgegevens', berichtcode: 'Fo03', reply: complete(r) });
  }
  return `${open(`${kind}Bericht`)}${sg}${writeFoutBody(fault)}</StUF:${kind}Bericht>`;
}

/** The fault message each port answers with (SPEC-DIGEST §2.10, §6). */
export function faultForPort(port: Port): FoKind {
  return port === 'OntvangAsynchroon' ? 'Fo03' : 'Fo02';
}
