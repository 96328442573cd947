/** Reading the subject of a rol or a status (medewerker, persoon, organisatie, vestiging). */
import type { Betrokkene, BetrokkeneKind } from '../../domain/model.js';
import { faults } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { type XmlElement, child, elements, text } from '../../xml/tree.js';
import { toLeaves } from './leaves.js';

/** For each kind: the namespace of its children and the elements that can identify it, in order of preference. */
const KEYS: Record<BetrokkeneKind, { ns: string; keys: string[] }> = {
  medewerker: { ns: NS.zkn, keys: ['identificatie'] },
  organisatorischeEenheid: { ns: NS.zkn, keys: ['identificatie'] },
  natuurlijkPersoon: { ns: NS.bg, keys: ['inp.bsn', 'anp.identificatie', 'inp.a-nummer'] },
  nietNatuurlijkPersoon: { ns: NS.bg, keys: ['inn.nnpId', 'ann.identificatie'] },
  vestiging: { ns: NS.bg, keys: ['vestigingsNummer'] },
};

export function isBetrokkeneKind(local: string): local is BetrokkeneKind {
  return local in KEYS;
}

/**
 * Read the subject inside a `gerelateerde` wrapper. `where` names the relation for the fault text, so a
 * functioneel beheerder sees which rol lacked an identifying key.
 */
export function readBetrokkene(gerelateerde: XmlElement | undefined, where: string): Betrokkene {
  const subject = gerelateerde ? elements(gerelateerde).find((e) => e.ns === NS.zkn && isBetrokkeneKind(e.local)) : undefined;
  if (!subject || !isBetrokkeneKind(subject.local)) {
    throw faults.invalid('Betrokkene ontbreekt', `${where}: gerelateerde bevat geen medewerker, organisatorischeEenheid, natuurlijkPersoon, nietNatuurlijkPersoon of vestiging`);
  }
  const kind = subject.local;
  const spec = KEYS[kind];
  for (const keyElement of spec.keys) {
    const value = text(child(subject, spec.ns, keyElement));
    if (value) return { kind, key: value, keyElement, leaves: toLeaves(subject) };
  }
  throw faults.processing(
    'Betrokkene heeft geen identificerend gegeven',
    `${where}: ${kind} zonder ${spec.keys.join(' of ')}`,
  );
}
