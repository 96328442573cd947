/**
 * The StUF-testplatform's own data set, recreated from what the testplatform's expected answers show.
 *
 * Some objects the haarlem-stp steps read are made by no step of the preserved testset: the testplatform
 * expects them to exist already (a zaak 123400002 with omschrijving "omschrijving", document 1234D00005
 * "titel1", besluiten 1234B00003 and 1234B00007, ...). Their only description is the expected answer that
 * reads them, so each is seeded from that answer: its La01 object turned into the kennisgeving a
 * vakapplicatie would have sent to create it (creeerZaak, voegZaakdocumentToe, voegBesluitToe). Reading it
 * back then has to give the testplatform's answer element by element, which is what the scenario checks.
 */
import type { FixtureRow } from './fixture-index.js';

export type DatasetKind = 'zaak' | 'document' | 'besluit';

/** Fixture constant → the expected answer that describes the object as the testplatform holds it. */
export const DATASET: Record<string, { kind: DatasetKind; describedBy: string }> = {
  '123400002': { kind: 'zaak', describedBy: 'geefZaakdetails_ZakLa01__haarlem-stp__1.xml' },
  '1234D00005': { kind: 'document', describedBy: 'geefZaakdocumentLezen_EdcLa01__haarlem-stp__7.xml' },
  '1234B00003': { kind: 'besluit', describedBy: 'geefBesluitdetails_BslLa01__haarlem-stp__6.xml' },
  '1234B00007': { kind: 'besluit', describedBy: 'geefBesluitdetails_BslLa01__haarlem-stp__4.xml' },
};

/** Entity types that a kennisgeving refers to (verwerkingssoort I) rather than creates with the relation. */
const REFERENCED = new Set(['ZKT', 'STT', 'ZAK', 'EDC', 'BSL']);

/** The one antwoord object of an La01 (the text between <ZKN:object …> and its end tag). */
function answerObject(la01: string, file: string): { open: string; inner: string } {
  const m = /<ZKN:antwoord>\s*<ZKN:object([^>]*)>([\s\S]*)<\/ZKN:object>\s*<\/ZKN:antwoord>/.exec(la01);
  if (!m) throw new Error(`data set: ${file} has no antwoord object`);
  return { open: m[1]!, inner: m[2]! };
}

/**
 * An answer's object content as kennisgeving content: every relation (an element with a StUF:entiteittype)
 * gets verwerkingssoort T, the objects it relates to I when they are referred to and T when they are
 * created with it (betrokkenen).
 */
function asKennisgeving(inner: string): string {
  return inner.replace(/<(\w+:\w+)((?:\s+[\w:]+="[^"]*")*?)\s+StUF:entiteittype="([^"]+)"/g, (all, tag: string, before: string, type: string) => {
    if (/StUF:verwerkingssoort=/.test(all)) return all;
    const soort = REFERENCED.has(type) ? 'I' : 'T';
    return `<${tag}${before} StUF:entiteittype="${type}" StUF:verwerkingssoort="${soort}"`;
  });
}

/** A request of the preserved testset to borrow the stuurgegevens from (with its own referentienummer). */
function template(steps: FixtureRow[], texts: Map<string, string>, operation: string, reference: string): string {
  const row = steps.find((r) => r.operation === operation);
  if (!row) throw new Error(`data set: no ${operation} step to borrow the stuurgegevens from`);
  return texts.get(row.file)!.replace(/(<StUF:referentienummer>)[^<]*(<\/StUF:referentienummer>)/, `$1${reference}$2`);
}

/**
 * The kennisgeving that creates `token` as the testplatform's data set holds it. `la01` is the describing
 * answer with the chain's identificaties already put in; `zaak` is the zaak a document or besluit belongs to.
 */
export function datasetKennisgeving(token: string, la01: string, zaak: string, steps: FixtureRow[], texts: Map<string, string>): string {
  const entry = DATASET[token]!;
  const { open, inner } = answerObject(la01, entry.describedBy);
  const reference = `STP-DATASET-${token}`;
  if (entry.kind === 'zaak') {
    const body = template(steps, texts, 'creeerZaak_ZakLk01', reference);
    return body.replace(/<ZKN:object[\s\S]*<\/ZKN:object>/, `<ZKN:object${open} StUF:verwerkingssoort="T">${asKennisgeving(inner)}</ZKN:object>`);
  }
  if (entry.kind === 'document') {
    const body = template(steps, texts, 'voegZaakdocumentToe_EdcLk01', reference);
    return body.replace(/<ZKN:object[\s\S]*<\/ZKN:object>/, `<ZKN:object${open} StUF:verwerkingssoort="T">${asKennisgeving(inner)}</ZKN:object>`);
  }
  // voegBesluitToe_Di01 carries the besluit and its zaak side by side instead of the isUitkomstVan relation.
  const besluit = inner.replace(/<ZKN:isUitkomstVan[\s\S]*?<\/ZKN:isUitkomstVan>/, '');
  const body = template(steps, texts, 'voegBesluitToe_Di01', reference);
  return body.replace(
    /<ZKN:object>[\s\S]*<\/ZKN:object>/,
    `<ZKN:object><ZKN:besluit StUF:verwerkingssoort="T" StUF:entiteittype="BSL">${asKennisgeving(besluit)}</ZKN:besluit>` +
      `<ZKN:zaak StUF:verwerkingssoort="T" StUF:entiteittype="ZAK"><ZKN:identificatie>${zaak}</ZKN:identificatie></ZKN:zaak></ZKN:object>`,
  );
}

/** The zaak an expected answer relates a document or besluit to (isRelevantVoor, isUitkomstVan). */
export function datasetZaak(la01: string): string | undefined {
  return /<ZKN:(?:isRelevantVoor|isUitkomstVan)\b[\s\S]*?<ZKN:gerelateerde[^>]*>\s*<ZKN:identificatie>([^<]+)</.exec(la01)?.[1];
}

/**
 * The answers print related identificaties without the gemeentecode prefix (SPEC-DIGEST §1.5: 00009 for
 * zaak 123400009, 00007 for document 1234D00007). A kennisgeving must name the real object, so they are
 * expanded to the fixture constants before the chain's identificaties are put in.
 */
export function expandShortIds(la01: string): string {
  return la01.replace(/(<ZKN:gerelateerde StUF:entiteittype="(ZAK|EDC)">\s*<ZKN:identificatie>)(\d{5})(<)/g, (_all, open: string, type: string, digits: string, close: string) =>
    `${open}1234${type === 'EDC' ? 'D' : ''}${digits}${close}`);
}
