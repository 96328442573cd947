/**
 * The `versie` label of a document after a check-in with new content. The caller's label always wins; without
 * one we derive it CMIS-style: a major version counts 1, 2, 3 …, a minor one 1.1, 1.2 … on top of the major.
 */

export type VersioningState = 'major' | 'minor';

/** versie is at most 5 characters in the schema (DocumentVersie). */
export const VERSIE_MAX = 5;

/**
 * The label for the next version. `current` is the label the document has now (undefined when none);
 * `hadContent` says whether the current version holds content: a placeholder made by maakZaakdocument has
 * no real version yet, so its first content is version 1 (or 0.1 when minor).
 */
export function nextVersie(current: string | undefined, state: VersioningState, hadContent: boolean): string {
  const parsed = current === undefined ? undefined : /^(\d+)(?:\.(\d+))?$/.exec(current.trim());
  let major: number;
  let minor: number;
  if (parsed) {
    major = Number(parsed[1]);
    minor = parsed[2] === undefined ? 0 : Number(parsed[2]);
  } else {
    // No label, or one we cannot count on (e.g. "vers1"): start from what the content history implies.
    major = hadContent ? 1 : 0;
    minor = 0;
  }
  const label = state === 'major' ? String(major + 1) : `${major}.${minor + 1}`;
  if (label.length <= VERSIE_MAX) return label;
  // A label that would not fit the schema: go to the next major, or, past 99999, keep the label we have.
  const nextMajor = String(major + 1);
  return nextMajor.length <= VERSIE_MAX ? nextMajor : (current ?? '').trim().slice(0, VERSIE_MAX) || '1';
}
