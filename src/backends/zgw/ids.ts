/**
 * Identificaties on the ZGW backend: Zaakpoort's own counters and templates (in the local state store), but a
 * value that already exists in the ZGW system (made there by another application) is skipped, never issued.
 */
import type { IdKind } from '../../domain/model.js';
import type { IdGenerator } from '../../ports/id-generator.js';
import type { ZgwContext } from './context.js';
import { asFault } from './store.js';

/** After this many taken values in a row the template is clearly colliding with the ZGW system's numbering. */
const MAX_SKIPS = 100;

export class ZgwIdGenerator implements IdGenerator {
  constructor(private readonly ctx: ZgwContext) {}

  private async existsInZgw(kind: IdKind, value: string): Promise<boolean> {
    const h = this.ctx.http;
    const purpose = `bestaande ${kind}identificatie controleren`;
    const list =
      kind === 'zaak'
        ? await h.json<{ count: number }>({ api: 'zaken', method: 'GET', url: '/zaken', query: { identificatie: value, bronorganisatie: this.ctx.rsin }, purpose })
        : kind === 'document'
          ? await h.json<{ count: number }>({ api: 'documenten', method: 'GET', url: '/enkelvoudiginformatieobjecten', query: { identificatie: value, bronorganisatie: this.ctx.rsin }, purpose })
          : await h.json<{ count: number }>({ api: 'besluiten', method: 'GET', url: '/besluiten', query: { identificatie: value, verantwoordelijkeOrganisatie: this.ctx.rsin }, purpose });
    return list.body.count > 0;
  }

  async reserve(kind: IdKind, reservedBy: string | undefined): Promise<string> {
    for (let i = 0; i < MAX_SKIPS; i++) {
      const value = await this.ctx.local.ids.reserve(kind, reservedBy);
      let taken: boolean;
      try {
        taken = await this.existsInZgw(kind, value);
      } catch (e) {
        throw asFault(this.ctx, e);
      }
      if (!taken) return value;
      this.ctx.log('warn', 'ZGW: identificatie bestaat al in het zaaksysteem en wordt overgeslagen', { kind, value });
    }
    throw new Error(`Geen vrije ${kind}identificatie na ${MAX_SKIPS} pogingen: het sjabloon botst met de nummering in het zaaksysteem (ZGW)`);
  }

  /** The counters are Zaakpoort's own (local state), so the cut-over bump goes there. */
  ensureAbove(kind: IdKind, value: string): Promise<boolean> {
    return this.ctx.local.ids.ensureAbove(kind, value);
  }

  isReserved(kind: IdKind, value: string): Promise<boolean> {
    return this.ctx.local.ids.isReserved(kind, value);
  }
}
