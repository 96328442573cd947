/**
 * StUF:extraElementen of a zaak ↔ ZGW zaakeigenschappen. An extraElement whose naam is an eigenschap of the
 * zaaktype (directly, or through the profile's `eigenschappen` translation) becomes a zaakeigenschap; the whole
 * list as sent (order, nil values, names without an eigenschap) is kept in the sidecar, so nothing is dropped.
 * Reading back, ZGW's current waarde wins for what it holds. Pure functions.
 */
import type { ExtraElement } from '../../domain/model.js';
import type { ZaaktypeEntry, ZgwEigenschap } from './catalogue.js';
import type { ZgwZaaktypeProfile } from './config.js';

export interface ZgwZaakeigenschap {
  url: string;
  eigenschap: string;
  naam: string;
  waarde: string;
}

/** The eigenschap a StUF extraElement naam stands for in this zaaktype, if any. */
export function eigenschapFor(naam: string, entry: Pick<ZaaktypeEntry, 'eigenschappen'>, profile: ZgwZaaktypeProfile | undefined): ZgwEigenschap | undefined {
  const want = profile?.eigenschappen?.[naam] ?? naam;
  return entry.eigenschappen.find((e) => e.naam === want);
}

/** The StUF naam of an eigenschap (the profile read backwards, else its own naam): for zaakeigenschappen made elsewhere. */
function stufNaam(eigenschapNaam: string, profile: ZgwZaaktypeProfile | undefined): string {
  return Object.entries(profile?.eigenschappen ?? {}).find(([, zgw]) => zgw === eigenschapNaam)?.[0] ?? eigenschapNaam;
}

/** The zaakeigenschappen a zaak's extraElementen ask for, in message order (nil extraElementen have no ZGW form). */
export function wantedEigenschappen(extra: ExtraElement[] | undefined, entry: Pick<ZaaktypeEntry, 'eigenschappen'>, profile: ZgwZaaktypeProfile | undefined): Array<{ eigenschap: string; waarde: string }> {
  const out: Array<{ eigenschap: string; waarde: string }> = [];
  for (const x of extra ?? []) {
    if (x.waarde === undefined) continue;
    const e = eigenschapFor(x.naam, entry, profile);
    if (e) out.push({ eigenschap: e.url, waarde: x.waarde });
  }
  return out;
}

/**
 * The extraElementen to answer: the kept list, with each mapped value replaced by what ZGW holds now (the n-th
 * extraElement of an eigenschap ↔ the n-th zaakeigenschap of it; one ZGW no longer has is left out), then the
 * zaakeigenschappen the list does not account for (made by another application).
 */
export function extraElementenFromZgw(
  kept: ExtraElement[] | undefined,
  zaakeigenschappen: ZgwZaakeigenschap[],
  entry: Pick<ZaaktypeEntry, 'eigenschappen'>,
  profile: ZgwZaaktypeProfile | undefined,
): ExtraElement[] {
  const pool = new Map<string, ZgwZaakeigenschap[]>();
  for (const z of zaakeigenschappen) pool.set(z.eigenschap, [...(pool.get(z.eigenschap) ?? []), z]);
  const out: ExtraElement[] = [];
  for (const x of kept ?? []) {
    const e = x.waarde === undefined ? undefined : eigenschapFor(x.naam, entry, profile);
    if (!e) {
      out.push(x);
      continue;
    }
    const z = pool.get(e.url)?.shift();
    if (z) out.push({ ...x, waarde: z.waarde });
  }
  for (const rest of pool.values()) for (const z of rest) out.push({ naam: stufNaam(z.naam, profile), waarde: z.waarde });
  return out;
}

/** Pair what ZGW holds with what is wanted, per eigenschap in order: unchanged, PATCH (new waarde), DELETE, POST. */
export function eigenschapChanges(existing: ZgwZaakeigenschap[], wanted: Array<{ eigenschap: string; waarde: string }>): {
  patch: Array<{ z: ZgwZaakeigenschap; waarde: string }>;
  remove: ZgwZaakeigenschap[];
  add: Array<{ eigenschap: string; waarde: string }>;
} {
  const pool = new Map<string, ZgwZaakeigenschap[]>();
  for (const z of existing) pool.set(z.eigenschap, [...(pool.get(z.eigenschap) ?? []), z]);
  const patch: Array<{ z: ZgwZaakeigenschap; waarde: string }> = [];
  const add: Array<{ eigenschap: string; waarde: string }> = [];
  for (const w of wanted) {
    const z = pool.get(w.eigenschap)?.shift();
    if (!z) add.push(w);
    else if (z.waarde !== w.waarde) patch.push({ z, waarde: w.waarde });
  }
  return { patch, remove: [...pool.values()].flat(), add };
}
