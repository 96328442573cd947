/** Chooses the schema set for a body by its root element (namespace URI + local name, never the prefix). */
import type { SchemaSetName } from './types.js';

const ZDS_NS = 'http://www.stufstandaarden.nl/koppelvlak/zds0120';
const ZKN_NS = 'http://www.egem.nl/StUF/sector/zkn/0310';

/**
 * ZDS 1.1 vrije berichten live in the ZKN namespace and end in _Di0x/_Du0x; only the 1.1.02 set defines them.
 * Everything else (ZDS 1.2 messages, generic ZKN zakLk01/edcLv01/..., StUF Bv0x/Fo0x) is in the 1.2 set, which
 * carries the newer ZKN patch level.
 */
export function schemaSetFor(ns: string, local: string): SchemaSetName {
  if (ns === ZDS_NS) return 'zds-1.2';
  if (ns === ZKN_NS && /_D[iu]0[12]$/.test(local)) return 'zds-1.1.02';
  return 'zds-1.2';
}
