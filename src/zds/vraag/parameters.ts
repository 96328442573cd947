/** The parameters of a synchronous vraag (StUF 03.01 §2.3): sortering, vervolgvraag, maximumAantal, aantal. */
import { FOUTCODE_OMSCHRIJVING, StufFault, faults } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { type XmlElement, child, path, text } from '../../xml/tree.js';

export interface VraagParameters {
  sortering: number;
  indicatorVervolgvraag: boolean;
  /** Schema default 15 (ZKN ParametersVraag). */
  maximumAantal: number;
  indicatorAantal: boolean;
}

/** ZKN default when maximumAantal is absent (the StUF text says 100; the schema default wins). */
export const DEFAULT_MAXIMUM_AANTAL = 15;

function bool(el: XmlElement | undefined, name: string): boolean {
  const v = text(el);
  if (v === undefined || v === '') return false;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw faults.invalid(`Ongeldige waarde voor ${name}`, `parameters/${name} "${v}" is geen boolean`);
}

function count(el: XmlElement | undefined, name: string, fallback: number): number {
  const v = text(el);
  if (v === undefined || v === '') return fallback;
  if (!/^[0-9]{1,8}$/.test(v)) throw faults.invalid(`Ongeldige waarde voor ${name}`, `parameters/${name} "${v}" is geen niet-negatief getal`);
  return Number(v);
}

export function parseVraagParameters(vraag: XmlElement): VraagParameters {
  const p = child(vraag, NS.zkn, 'parameters');
  const s = (name: string) => child(p, NS.stuf, name);
  return {
    sortering: count(s('sortering'), 'sortering', 0),
    indicatorVervolgvraag: bool(s('indicatorVervolgvraag'), 'indicatorVervolgvraag'),
    maximumAantal: count(s('maximumAantal'), 'maximumAantal', DEFAULT_MAXIMUM_AANTAL),
    indicatorAantal: bool(s('indicatorAantal'), 'indicatorAantal'),
  };
}

/** Refuse a sortering the operation does not implement (StUF133). */
export function requireSortering(p: VraagParameters, supported: readonly number[]): void {
  if (!supported.includes(p.sortering)) {
    throw new StufFault('StUF133', 'server', FOUTCODE_OMSCHRIJVING.StUF133!,
      `sortering ${p.sortering}; ondersteund: ${supported.join(', ')}`);
  }
}

/**
 * The identificatie in start/object of a vervolgvraag: the last object of the previous answer, after which this
 * answer continues. StUF103 when a vervolgvraag has no start; StUF106 when start lacks the sort key.
 */
export function vervolgStart(vraag: XmlElement, p: VraagParameters): string | undefined {
  if (!p.indicatorVervolgvraag) return undefined;
  const start = child(vraag, NS.zkn, 'start');
  if (!start) throw new StufFault('StUF103', 'client', 'Vervolgvraag zonder start', 'indicatorVervolgvraag is true maar het element start ontbreekt');
  const id = text(path(start, NS.zkn, 'object', 'identificatie'));
  if (!id) {
    throw new StufFault('StUF106', 'client', 'Start bevat niet het sorteergegeven',
      'start/object/identificatie ontbreekt; het antwoord is gesorteerd op identificatie');
  }
  return id;
}
