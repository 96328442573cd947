/**
 * The zaak's initiator key as the SQLite backend stores it in zaak.initiator_key (zakLv01 selects on it):
 * kind|keyElement|key of the first heeftAlsInitiator rol without eindRelatie, or null.
 *
 * Written by the writer with every insert and update of a zaak. Until schema version 9 triggers derived it from
 * the JSON after each write (`initiatorKeySql` in schema.ts), which cost a second write of the row and three JSON
 * parses per zaak; the test pins this function to that expression.
 */
import type { Zaak } from '../../domain/model.js';

export function initiatorKey(zaak: Zaak): string | null {
  for (const rol of zaak.rollen) {
    // The SQL asked `eindRelatie IS NULL`: absent or null, not an empty string.
    if (rol.rolType !== 'heeftAlsInitiator' || (rol.eindRelatie !== undefined && rol.eindRelatie !== null)) continue;
    const { kind, keyElement, key } = rol.betrokkene;
    if (kind == null || keyElement == null || key == null) return null;
    return `${kind}|${keyElement}|${key}`;
  }
  return null;
}
