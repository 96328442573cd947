/**
 * Besluiten on the Besluiten API: voegBesluitToe, updateBesluit, geefBesluitdetails, geefLijstBesluiten, and a
 * besluit made through leidtTot in a zaak update. A ZDS besluit ↔ a ZGW besluit of the zaak (besluittype by
 * bst.omschrijving in the zaaktype's besluittypen), its documents through the documents module (BIOs).
 */
import type { Besluit } from '../../domain/model.js';
import type { ZgwContext } from './context.js';
import { NotImplementedOnZgw, type ZgwDocuments } from './documents/index.js';
import type { Reader } from './read-zaak.js';
import type { UnitOfWork } from './unit-of-work.js';

export class ZgwBesluiten {
  constructor(
    private readonly ctx: ZgwContext,
    private readonly documents: ZgwDocuments,
  ) {}

  async getBesluit(r: Reader, identificatie: string): Promise<Besluit | undefined> {
    void r; void identificatie; void this.ctx; void this.documents;
    throw new NotImplementedOnZgw('Besluiten lezen (geefBesluitdetails)');
  }

  async listBesluiten(r: Reader, zaakIdentificatie: string): Promise<Besluit[]> {
    void r; void zaakIdentificatie;
    throw new NotImplementedOnZgw('Besluiten van een zaak (geefLijstBesluiten)');
  }

  async insertBesluit(unit: UnitOfWork, besluit: Besluit): Promise<void> {
    void unit; void besluit;
    throw new NotImplementedOnZgw('Besluit toevoegen (voegBesluitToe)');
  }

  async updateBesluit(unit: UnitOfWork, besluit: Besluit): Promise<void> {
    void unit; void besluit;
    throw new NotImplementedOnZgw('Besluit wijzigen (updateBesluit)');
  }
}
