/**
 * updateZaak_ZakLk01 (ZDS 1.1: zakLk01 with mutatiesoort W): apply the old/new (was/wordt) objects to a stored
 * zaak in one transaction, answer Bv03. actualiseerZaakstatus shares the processing (verwerkWijziging).
 */
import type { Besluit, Zaak } from '../../domain/model.js';
import { rolInvariantFout } from '../../domain/zaak-rules.js';
import type { StoreWriter } from '../../ports/zaak-store.js';
import { formatDatum } from '../../stuf/dates.js';
import { MUTABLE_FIELDS, readBesluitAttributes } from '../kennisgeving/read-besluit.js';
import { faults } from '../../stuf/fault.js';
import { NS } from '../../stuf/namespaces.js';
import { type XmlElement, child, childrenNamed, path, text } from '../../xml/tree.js';
import { bv03 } from '../antwoord/frame.js';
import { verwerkingssoort } from '../kennisgeving/read-zaak.js';
import { type RelatiePaar, type WasWordtUitkomst, applyWasWordt } from '../kennisgeving/was-wordt.js';
import type { Operation, OperationContext, ResponsePiece } from '../operation.js';
import { duplicateFault, objects, requireValidIdentificatie } from './common.js';
import { checkStatustypen, closeWhenEindstatus } from './zaak-catalogue.js';

/**
 * Envelope rules of a W kennisgeving on a zaak: mutatiesoort W, two objects with verwerkingssoort W or I.
 * `enkelObject`: ZDS 1.1 clients in the field (a parkeer-vakapplicatie behind OpenZaakBrug) send
 * actualiseerZaakstatus as zakLk01 with mutatiesoort T and one object; the zaaksysteem is the registration, so
 * that object is taken as the new one, with an old object holding only the identificatie.
 */
function wijzigingObjecten(body: XmlElement, enkelObject: boolean): [XmlElement, XmlElement] {
  const mutatiesoort = text(child(child(body, NS.zkn, 'parameters'), NS.stuf, 'mutatiesoort'));
  const objs = childrenNamed(body, NS.zkn, 'object');
  if (enkelObject && objs.length === 1) return [alleenIdentificatie(objs[0]!), objs[0]!];
  if (mutatiesoort !== 'W') {
    throw faults.processing('Mutatiesoort moet W zijn', `parameters/mutatiesoort is "${mutatiesoort ?? ''}"; een wijziging van een zaak is een W-kennisgeving met een oud en een nieuw object`);
  }
  const [oud, nieuw] = objects(body, 2) as [XmlElement, XmlElement];
  for (const [i, obj] of [oud, nieuw].entries()) {
    const soort = verwerkingssoort(obj);
    if (soort !== 'W' && soort !== 'I') {
      throw faults.processing('Verwerkingssoort van het object moet W of I zijn', `object[${i + 1}] heeft StUF:verwerkingssoort="${soort ?? ''}"`);
    }
  }
  return [oud, nieuw];
}

/** A copy of an object with only its identificatie: the implicit old object of a single-object kennisgeving. */
function alleenIdentificatie(obj: XmlElement): XmlElement {
  return { ...obj, children: obj.children.filter((c): c is XmlElement => typeof c !== 'string' && c.ns === NS.zkn && c.local === 'identificatie') };
}

/**
 * leidtTot in creeerZaak or a W kennisgeving: link a besluit to the zaak, creating it when it is not yet known
 * (besluiten live in their own table). Everything the gerelateerde carries is kept (tijdvakGeldigheid,
 * extraElementen, the dates).
 */
export async function verwerkBesluit(ctx: OperationContext, tx: StoreWriter, zaak: Zaak, p: Pick<RelatiePaar, 'naam' | 'positie' | 'soort' | 'nieuw'>): Promise<void> {
  const plek = `${p.naam}[${p.positie}]`;
  if (p.soort === 'I') return;
  if (p.soort !== 'T') {
    throw faults.processing('Een besluit kan via een zaakwijziging alleen worden toegevoegd',
      `${plek}: verwerkingssoort ${p.soort}; een besluit hoort bij precies één zaak en kan niet worden losgekoppeld of vervangen`);
  }
  const bsl = path(p.nieuw, NS.zkn, 'gerelateerde');
  const id = text(child(bsl, NS.zkn, 'identificatie'));
  if (!bsl || !id) throw faults.processing('Besluit zonder identificatie', `${plek}: gerelateerde/identificatie ontbreekt`);
  const bestaand = await tx.getBesluit(id);
  if (bestaand) {
    if (bestaand.zaakIdentificatie !== zaak.identificatie) {
      throw faults.processing('Besluit hoort bij een andere zaak', `${plek}: besluit ${id} hoort bij zaak ${bestaand.zaakIdentificatie}`);
    }
    return;
  }
  requireValidIdentificatie(ctx, 'besluit', id);
  const a = readBesluitAttributes(bsl);
  if (!a.datumBeslissing) throw faults.processing('Nieuw besluit zonder datumBeslissing', `${plek}: gerelateerde/datumBeslissing is verplicht voor een nieuw besluit`);
  // RGBZ: a besluit works from the day it is taken unless the message says otherwise.
  const besluit: Besluit = { identificatie: id, zaakIdentificatie: zaak.identificatie, datumBeslissing: a.datumBeslissing,
    ingangsdatumWerking: a.ingangsdatumWerking ?? a.datumBeslissing, documenten: [] };
  for (const k of MUTABLE_FIELDS) {
    const v = a[k];
    if (v !== undefined && v !== null && !(k in besluit)) (besluit as unknown as Record<string, unknown>)[k] = v;
  }
  await tx.insertBesluit(besluit).catch(duplicateFault);
  await tx.markIdentificatieUsed('besluit', id);
}

/**
 * Process a W kennisgeving on a zaak: read the stored zaak, apply old/new, check the catalogue and the rol
 * rules, and store it, all in one transaction (nothing is written when anything fails).
 */
export async function verwerkWijziging(
  ctx: OperationContext,
  opts: {
    enkelObject?: boolean;
    /** actualiseerZaakstatus: only the statuses change (and what follows from them, such as closing the zaak). */
    alleenStatus?: boolean;
    extraCheck?: (u: WasWordtUitkomst, nieuw: XmlElement) => void;
  } = {},
): Promise<ResponsePiece[]> {
  const [oud, nieuw] = wijzigingObjecten(ctx.request.body, opts.enkelObject === true);
  const id = text(child(oud, NS.zkn, 'identificatie'));
  if (!id) throw faults.invalid('Zaakidentificatie ontbreekt', 'object[1]/identificatie moet de zaak noemen die gewijzigd wordt');
  const vandaag = formatDatum(ctx.clock.now(), ctx.config.timeZone);
  await ctx.backend.store.transaction(async (tx) => {
    const stored = await tx.getZaak(id);
    if (!stored) throw faults.notFound('Zaak niet gevonden', `Er is geen zaak met identificatie ${id}`);
    const u = applyWasWordt(stored, oud, nieuw, vandaag, { wijzigingZonderOudeRelatie: ctx.deviations?.wijzigingZonderOudeRelatie === true });
    if (opts.alleenStatus) {
      u.zaak = { ...structuredClone(stored), statussen: u.zaak.statussen };
      u.einddatumExpliciet = false;
      u.besluiten = [];
    }
    opts.extraCheck?.(u, nieuw);
    checkStatustypen(ctx, u.zaak, u.nieuweStatussen);
    closeWhenEindstatus(ctx, u.zaak, { einddatumExpliciet: u.einddatumExpliciet });
    const rolFout = rolInvariantFout(u.zaak, stored);
    if (rolFout) throw faults.processing('Ongeldige initiator na wijziging', rolFout);
    // A relation to a zaak that is not (yet) in this store is kept as a reference, as creeerZaak does: the
    // StUF-testplatform relates zaken of other systems and expects Bv03, not StUF064.
    for (const p of u.besluiten) await verwerkBesluit(ctx, tx, u.zaak, p);
    await tx.updateZaak(u.zaak);
  });
  return bv03(ctx);
}

export const updateZaak: Operation = {
  name: 'updateZaak_ZakLk01',
  port: 'OntvangAsynchroon',
  expect: { berichtcode: 'Lk01', entiteittype: 'ZAK' },
  // Open Forms' single-object W (its payment status) only when that sender is configured for it.
  handle: (ctx) => verwerkWijziging(ctx, { enkelObject: ctx.deviations?.updateZaakEnkelObject === true }),
};
