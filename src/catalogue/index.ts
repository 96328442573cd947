/** The zaaktype catalogue (ZTC) from the configuration file. */
import type { Config, ZaaktypeConfig } from '../config.js';
import type { Catalogue, CatalogueStatustype, CatalogueZaaktype } from '../ports/catalogue.js';

function toZaaktype(z: ZaaktypeConfig): CatalogueZaaktype {
  const statussen = z.statustypen ?? [];
  const highest = statussen.reduce((max, s) => Math.max(max, Number(s.volgnummer)), 0);
  const explicitEnd = statussen.some((s) => s.isEindstatus !== undefined);
  const statustypen: CatalogueStatustype[] = statussen.map((s) => ({
    volgnummer: String(Number(s.volgnummer)),
    omschrijving: s.omschrijving,
    code: s.code,
    zktCode: z.code,
    zktOmschrijving: z.omschrijving,
    // Without an explicit end status the highest volgnummer closes the zaak (RGBZ convention).
    isEindstatus: explicitEnd ? s.isEindstatus === true : Number(s.volgnummer) === highest,
  }));
  return {
    code: z.code,
    omschrijving: z.omschrijving,
    ingangsdatumObject: z.ingangsdatumObject,
    statustypen,
    roltypen: z.roltypen ?? [],
    documenttypen: z.documenttypen ?? [],
  };
}

export function createCatalogue(config: Pick<Config, 'catalogue'>): Catalogue {
  const byCode = new Map<string, CatalogueZaaktype>();
  for (const z of config.catalogue.zaaktypen) byCode.set(z.code, toZaaktype(z));
  return {
    mode: config.catalogue.mode,
    getZaaktype: (code) => byCode.get(code),
    // The volgnummer identifies a statustype within its zaaktype; the omschrijving is used only without one.
    findStatustype(zaaktypeCode, volgnummer, omschrijving) {
      const zt = byCode.get(zaaktypeCode);
      if (!zt) return undefined;
      if (volgnummer !== undefined) return zt.statustypen.find((s) => s.volgnummer === String(Number(volgnummer)));
      if (omschrijving !== undefined) return zt.statustypen.find((s) => s.omschrijving === omschrijving);
      return undefined;
    },
  };
}

/** XML 1.0 characters only (escaping cannot make the others valid). */
const XML_CHARS = /^[\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;
const fits = (value: string | undefined, maxLength: number): boolean =>
  value === undefined || ([...value].length <= maxLength && XML_CHARS.test(value));

/**
 * Whether every value the catalogue can write into a zaak (omschrijvingen, codes, ingangsdatumObject, filled in
 * where a bericht left them out) is one the ZKN schema accepts: Omschrijving maxLength 80 and Code maxLength 10
 * (zkn0310_simpleTypes.xsd), a datum as 8 digits. When not, what the catalogue fills in is unvalidated data
 * (see StoredDataRecord) and answers are checked.
 */
export function catalogueFitsSchema(catalogue: Config['catalogue']): boolean {
  return catalogue.zaaktypen.every(
    (z) =>
      fits(z.omschrijving, 80) &&
      (z.ingangsdatumObject === undefined || /^\d{8}$/.test(z.ingangsdatumObject)) &&
      (z.statustypen ?? []).every((s) => fits(s.omschrijving, 80) && fits(s.code, 10)),
  );
}
