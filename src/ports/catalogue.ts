import type { Statustype, Zaaktype } from '../domain/model.js';

export interface CatalogueStatustype extends Statustype {
  /** The status that closes the zaak (default: the highest volgnummer). */
  isEindstatus: boolean;
}

export interface CatalogueZaaktype extends Zaaktype {
  statustypen: CatalogueStatustype[];
  roltypen: Array<{ rolType: string; omschrijving?: string }>;
  documenttypen: Array<{ omschrijving: string }>;
}

/** Zaaktypen with their statustypen, roltypen and documenttypen (the ZTC). */
export interface Catalogue {
  /** permissive: unknown zaaktypen/statustypen are accepted; strict: they are refused. */
  readonly mode: 'permissive' | 'strict';
  getZaaktype(code: string): CatalogueZaaktype | undefined;
  /** Match on volgnummer, and on omschrijving when both are given. */
  findStatustype(zaaktypeCode: string, volgnummer: string | undefined, omschrijving: string | undefined): CatalogueStatustype | undefined;
}
