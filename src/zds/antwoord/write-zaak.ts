/** Writing a ZAK answer object (geefZaakdetails, zakLa01) in XSD element order, honouring the scope. */
import type { Betrokkene, Leaf, Rol, Status, Zaak, Zaakobject } from '../../domain/model.js';
import { NS } from '../../stuf/namespaces.js';
import { ROL_TYPES, ZAAK_RELATIE_SOORTEN } from '../../domain/model.js';
import { huidigeStatus, statussenNieuwsteEerst } from '../../domain/zaak-rules.js';
import { escapeText } from '../../xml/escape.js';
import { type Scope, explicitlyAsked, extraElementenFilter, parseScopeObject, relationScope, wants } from './scope.js';
import { writeExtraElementen, writeLeaves, writeTijdvak, writeTijdvakRelatie, zkn, zknDate, zknNil, zknNilGroup } from './xml.js';

const ROL_ENTITEITTYPE: Record<string, string> = {
  heeftAlsBelanghebbende: 'ZAKBTRBLH',
  heeftAlsGemachtigde: 'ZAKBTRGMC',
  heeftAlsInitiator: 'ZAKBTRINI',
  heeftAlsUitvoerende: 'ZAKBTRUTV',
  heeftAlsVerantwoordelijke: 'ZAKBTRVRA',
  heeftAlsOverigBetrokkene: 'ZAKBTROVR',
};

const SUBJECT_ENTITEITTYPE: Record<string, string> = {
  medewerker: 'MDW',
  organisatorischeEenheid: 'OEH',
  natuurlijkPersoon: 'NPS',
  nietNatuurlijkPersoon: 'NNP',
  vestiging: 'VES',
};

const RELATIE_ENTITEITTYPE: Record<string, string> = {
  heeftAlsDeelzaak: 'ZAKZAKDEL',
  heeftAlsHoofdzaak: 'ZAKZAKHFD',
  heeftBetrekkingOpAndere: 'ZAKZAKBTR',
};

/** Keys that the answer types follow by a mandatory BG:authentiek (was the value checked in the basisregistratie?). */
const AUTHENTIEK_AFTER = new Set(['inp.bsn', 'inn.nnpId']);

/**
 * A subject inside `gerelateerde`: kerngegevens only, or everything we were told. Zaakpoort does not consult
 * the BRP/NHR itself, so unless the sender said otherwise whether the key is authentic is unknown: nil with
 * waardeOnbekend (as the StUF-testplatform expects a nil authentiek).
 */
export function writeBetrokkene(b: Betrokkene, kernOnly: boolean): string {
  const et = SUBJECT_ENTITEITTYPE[b.kind];
  let leaves = kernOnly ? b.leaves.filter((l) => l.local === b.keyElement || l.local === 'authentiek') : b.leaves;
  if (AUTHENTIEK_AFTER.has(b.keyElement) && !leaves.some((l) => l.local === 'authentiek')) {
    const at = leaves.findIndex((l) => l.local === b.keyElement);
    const authentiek: Leaf = {
      ns: NS.bg, local: 'authentiek', value: '',
      attrs: [{ ns: NS.stuf, local: 'metagegeven', value: 'true' }, { ns: NS.xsi, local: 'nil', value: 'true' }, { ns: NS.stuf, local: 'noValue', value: 'waardeOnbekend' }],
    };
    leaves = [...leaves.slice(0, at + 1), authentiek, ...leaves.slice(at + 1)];
  }
  return `<ZKN:${b.kind} StUF:entiteittype="${et}">${writeLeaves(leaves)}</ZKN:${b.kind}>`;
}

function writeRol(rol: Rol, scope: Scope): string {
  const et = ROL_ENTITEITTYPE[rol.rolType];
  const sub = relationScope(scope, rol.rolType);
  let out = `<ZKN:${rol.rolType} StUF:entiteittype="${et}">`;
  out += `<ZKN:gerelateerde>${writeBetrokkene(rol.betrokkene, !sub.all)}</ZKN:gerelateerde>`;
  out += zkn('code', rol.code) + zkn('omschrijving', rol.omschrijving) + zkn('toelichting', rol.toelichting);
  // The afwijkend adres groups are the same type in kennisgeving and answer, so they are echoed as sent.
  if (rol.afwijkendCorrespondentieAdres) out += writeLeaves([rol.afwijkendCorrespondentieAdres]);
  if (scope.metagegevens && (rol.beginRelatie || rol.eindRelatie)) out += tijdvakRelatie(rol.beginRelatie, rol.eindRelatie);
  if (scope.metagegevens && rol.tijdvakGeldigheid) out += writeTijdvak(rol.tijdvakGeldigheid);
  if (scope.metagegevens) out += registratie(rol.tijdstipRegistratie);
  // An explicit scope asks for a rol's extraElementen inside the relation element itself.
  const relEl = scope.explicit?.get(rol.rolType);
  const asked = extraElementenFilter(relEl ? parseScopeObject(relEl) : scope);
  // Zaken stored before extraElementen were kept as a whole only know the e-mail address.
  const extra = rol.extraElementen ?? (rol.emailadres ? [{ naam: 'emailadres', waarde: rol.emailadres }] : undefined);
  out += writeExtraElementen(extra, asked);
  if (rol.aanspreekpunt) out += writeAanspreekpunt(rol.aanspreekpunt, `${et}CTP`);
  return out + `</ZKN:${rol.rolType}>`;
}

/**
 * heeftAlsAanspreekpunt as sent (CTP-kennisgeving and CTP-antwoord have the same content), with the relation's
 * entiteittype set to the one fixed for this rol (ZAKBTRINICTP, ...).
 */
function writeAanspreekpunt(leaf: Leaf, et: string): string {
  const attrs = (leaf.attrs ?? []).filter((a) => !(a.ns === NS.stuf && a.local === 'entiteittype'));
  return writeLeaves([{ ...leaf, attrs: [{ ns: NS.stuf, local: 'entiteittype', value: et }, ...attrs] }]);
}

/** StUF:tijdstipRegistratie when known ('' otherwise). */
const registratie = (t: string | undefined): string => (t ? `<StUF:tijdstipRegistratie>${escapeText(t)}</StUF:tijdstipRegistratie>` : '');

/** heeftBetrekkingOp (ZAKOBJ): the object under gerelateerde is echoed as sent (kennisgeving ⊂ answer type). */
function writeZaakobject(o: Zaakobject, metagegevens: boolean): string {
  const meta = metagegevens ? (o.tijdvakRelatie ? writeTijdvakRelatie(o.tijdvakRelatie) : '') + registratie(o.tijdstipRegistratie) : '';
  return `<ZKN:heeftBetrekkingOp StUF:entiteittype="ZAKOBJ"><ZKN:gerelateerde>${writeLeaves([o.object])}</ZKN:gerelateerde>` +
    `${zkn('omschrijving', o.omschrijving)}${meta}</ZKN:heeftBetrekkingOp>`;
}

function tijdvakRelatie(begin: string | undefined, eind: string | undefined): string {
  const b = begin ? `<StUF:beginRelatie>${begin}</StUF:beginRelatie>` : '<StUF:beginRelatie xsi:nil="true" StUF:noValue="waardeOnbekend"/>';
  const e = eind ? `<StUF:eindRelatie>${eind}</StUF:eindRelatie>` : '<StUF:eindRelatie xsi:nil="true" StUF:noValue="geenWaarde"/>';
  return `<StUF:tijdvakRelatie>${b}${e}</StUF:tijdvakRelatie>`;
}

/** One `heeft` (ZAKSTT) relation; `laatste` is the derived indicatieLaatsteStatus. */
export function writeStatus(st: Status, laatste: boolean, zaak: Zaak, kernOnly = true): string {
  const t = st.statustype;
  let out = '<ZKN:heeft StUF:entiteittype="ZAKSTT"><ZKN:gerelateerde StUF:entiteittype="STT">';
  out += zkn('zkt.code', t.zktCode ?? zaak.zaaktype.code) + zkn('zkt.omschrijving', t.zktOmschrijving ?? zaak.zaaktype.omschrijving);
  out += zkn('volgnummer', t.volgnummer) + zkn('code', t.code) + zkn('omschrijving', t.omschrijving);
  out += '</ZKN:gerelateerde>';
  out += zkn('toelichting', st.toelichting) + zkn('datumStatusGezet', st.datumStatusGezet);
  out += zkn('indicatieLaatsteStatus', laatste ? 'J' : 'N');
  if (st.gezetDoor) {
    const rol = kernOnly ? '' : zkn('rolOmschrijving', st.gezetDoorRol?.rolOmschrijving) + zkn('rolomschrijvingGeneriek', st.gezetDoorRol?.rolomschrijvingGeneriek);
    out += `<ZKN:isGezetDoor StUF:entiteittype="ZAKSTTBTR"><ZKN:gerelateerde>${writeBetrokkene(st.gezetDoor, kernOnly)}</ZKN:gerelateerde>${rol}</ZKN:isGezetDoor>`;
  }
  return out + '</ZKN:heeft>';
}

/** Extra relation content the caller supplies (documents, besluiten) because the zaak aggregate does not hold it. */
export interface ZaakAnswerExtras {
  heeftRelevant?: string[];
  leidtTot?: string[];
  /** The stored zaken that relaties (deelzaak, hoofdzaak, betrekkingOpAndere) refer to, for their details. */
  gerelateerdeZaken?: ReadonlyMap<string, Zaak>;
}

/**
 * The gerelateerde of a zaak relation: identificatie, and when the zaak is in the store its omschrijving and
 * zaaktype (ZAK-gerelateerdeAntwoord). A relation to a zaak that is not here stays a reference.
 */
export function writeGerelateerdeZaak(id: string, zaak: Zaak | undefined, sub: Scope): string {
  let out = zkn('identificatie', id);
  if (zaak && wants(sub, 'omschrijving')) out += zkn('omschrijving', zaak.omschrijving);
  if (zaak && wants(sub, 'isVan')) {
    const zt = zaak.zaaktype;
    out += `<ZKN:isVan StUF:entiteittype="ZAKZKT"><ZKN:gerelateerde StUF:entiteittype="ZKT">${zkn('omschrijving', zt.omschrijving)}${zkn('code', zt.code)}${zkn('ingangsdatumObject', zt.ingangsdatumObject)}</ZKN:gerelateerde></ZKN:isVan>`;
  }
  return `<ZKN:gerelateerde StUF:entiteittype="ZAK">${out}</ZKN:gerelateerde>`;
}

/** The children of antwoord/object for a zaak. */
export function writeZaakObject(zaak: Zaak, scope: Scope, extras: ZaakAnswerExtras = {}): string {
  let out = zkn('identificatie', zaak.identificatie);
  const field = (name: string, value: string | undefined) => {
    if (!wants(scope, name)) return;
    if (value) out += zkn(name, value);
    else if (explicitlyAsked(scope, name)) out += zknNil(name);
  };
  const date = (name: string, value: Zaak['startdatum'] | undefined) => {
    if (!wants(scope, name)) return;
    if (value) out += zknDate(name, value);
    else if (explicitlyAsked(scope, name)) out += zknNil(name);
  };
  field('omschrijving', zaak.omschrijving);
  field('toelichting', zaak.toelichting);
  if (wants(scope, 'kenmerk')) {
    for (const k of zaak.kenmerken) out += `<ZKN:kenmerk>${zkn('kenmerk', k.kenmerk)}${zkn('bron', k.bron)}</ZKN:kenmerk>`;
  }
  if (wants(scope, 'anderZaakObject')) {
    for (const o of zaak.anderZaakObjecten) {
      // All four children are required in the answer group; absent ones are nil.
      const part = (n: 'omschrijving' | 'aanduiding' | 'registratie') => (o[n] ? zkn(n, o[n]) : zknNil(n));
      const lokatie = o.lokatie ? `<ZKN:lokatie>${writeLeaves([o.lokatie])}</ZKN:lokatie>` : zknNil('lokatie');
      out += `<ZKN:anderZaakObject>${part('omschrijving')}${part('aanduiding')}${lokatie}${part('registratie')}</ZKN:anderZaakObject>`;
    }
  }
  if (wants(scope, 'resultaat')) {
    if (zaak.resultaat && (zaak.resultaat.omschrijving || zaak.resultaat.toelichting)) {
      out += `<ZKN:resultaat>${zaak.resultaat.omschrijving ? zkn('omschrijving', zaak.resultaat.omschrijving) : zknNil('omschrijving')}${zkn('toelichting', zaak.resultaat.toelichting)}</ZKN:resultaat>`;
    } else if (explicitlyAsked(scope, 'resultaat')) out += zknNilGroup('resultaat');
  }
  date('startdatum', zaak.startdatum);
  date('registratiedatum', zaak.registratiedatum);
  date('publicatiedatum', zaak.publicatiedatum);
  date('einddatumGepland', zaak.einddatumGepland);
  date('uiterlijkeEinddatum', zaak.uiterlijkeEinddatum);
  date('einddatum', zaak.einddatum);
  if (wants(scope, 'opschorting')) {
    if (zaak.opschorting) out += `<ZKN:opschorting>${zkn('indicatie', zaak.opschorting.indicatie)}${zkn('reden', zaak.opschorting.reden)}</ZKN:opschorting>`;
    else if (explicitlyAsked(scope, 'opschorting')) out += zknNilGroup('opschorting');
  }
  if (wants(scope, 'verlenging')) {
    if (zaak.verlenging) out += `<ZKN:verlenging>${zkn('duur', zaak.verlenging.duur)}${zkn('reden', zaak.verlenging.reden)}</ZKN:verlenging>`;
    else if (explicitlyAsked(scope, 'verlenging')) out += zknNilGroup('verlenging');
  }
  field('betalingsIndicatie', zaak.betalingsIndicatie);
  field('laatsteBetaaldatum', zaak.laatsteBetaaldatum);
  field('archiefnominatie', zaak.archiefnominatie);
  date('datumVernietigingDossier', zaak.datumVernietigingDossier);
  field('zaakniveau', zaak.zaakniveau);
  field('deelzakenIndicatie', zaak.deelzakenIndicatie);
  if (scope.metagegevens && (scope.all || wants(scope, 'tijdvakGeldigheid')) && zaak.tijdvakGeldigheid) {
    out += writeTijdvak(zaak.tijdvakGeldigheid);
  }
  if (scope.metagegevens && (scope.all || wants(scope, 'tijdstipRegistratie')) && zaak.tijdstipRegistratie) {
    out += `<StUF:tijdstipRegistratie>${zaak.tijdstipRegistratie}</StUF:tijdstipRegistratie>`;
  }
  out += writeExtraElementen(zaak.extraElementen, extraElementenFilter(scope));
  if (wants(scope, 'isVan')) {
    const zt = zaak.zaaktype;
    const sub = relationScope(scope, 'isVan');
    const oms = sub.all || sub.explicit?.has('omschrijving') ? zkn('omschrijving', zt.omschrijving) : '';
    const ingang = sub.all || sub.explicit?.has('ingangsdatumObject') ? zkn('ingangsdatumObject', zt.ingangsdatumObject) : '';
    out += `<ZKN:isVan StUF:entiteittype="ZAKZKT"><ZKN:gerelateerde StUF:entiteittype="ZKT">${oms}${zkn('code', zt.code)}${ingang}</ZKN:gerelateerde></ZKN:isVan>`;
  }
  if (wants(scope, 'heeftBetrekkingOp')) {
    const objecten = zaak.zaakobjecten ?? [];
    if (objecten.length === 0 && explicitlyAsked(scope, 'heeftBetrekkingOp')) out += zknNil('heeftBetrekkingOp', 'geenWaarde', ' StUF:entiteittype="ZAKOBJ"');
    for (const o of objecten) out += writeZaakobject(o, scope.metagegevens);
  }
  for (const rolType of ROL_TYPES) {
    if (!wants(scope, rolType)) continue;
    const rollen = zaak.rollen.filter((r) => r.rolType === rolType && !r.eindRelatie);
    if (rollen.length === 0 && explicitlyAsked(scope, rolType)) {
      out += zknNil(rolType, 'geenWaarde', ` StUF:entiteittype="${ROL_ENTITEITTYPE[rolType]}"`);
    }
    for (const rol of rollen) out += writeRol(rol, scope);
  }
  // In the schema's order of the relation elements.
  for (const soort of ZAAK_RELATIE_SOORTEN) {
    if (!wants(scope, soort)) continue;
    const rel = zaak.relaties.filter((r) => r.soort === soort);
    const et = RELATIE_ENTITEITTYPE[soort];
    if (rel.length === 0 && explicitlyAsked(scope, soort)) out += zknNil(soort, 'geenWaarde', ` StUF:entiteittype="${et}"`);
    const sub = relationScope(scope, soort);
    for (const r of rel) {
      const tv = scope.metagegevens ? (r.tijdvakRelatie ? writeTijdvakRelatie(r.tijdvakRelatie) : '') + registratie(r.tijdstipRegistratie) : '';
      out += `<ZKN:${soort} StUF:entiteittype="${et}">${writeGerelateerdeZaak(r.identificatie, extras.gerelateerdeZaken?.get(r.identificatie), sub)}${tv}</ZKN:${soort}>`;
    }
  }
  if (wants(scope, 'heeft')) {
    const current = huidigeStatus(zaak);
    const statussen = statussenNieuwsteEerst(zaak);
    if (statussen.length === 0 && explicitlyAsked(scope, 'heeft')) out += zknNil('heeft', 'geenWaarde', ' StUF:entiteittype="ZAKSTT"');
    const sub = relationScope(scope, 'heeft');
    for (const st of statussen) out += writeStatus(st, st === current, zaak, !sub.all);
  }
  if (wants(scope, 'heeftRelevant')) {
    const docs = extras.heeftRelevant ?? [];
    if (docs.length === 0 && explicitlyAsked(scope, 'heeftRelevant')) out += zknNil('heeftRelevant', 'geenWaarde', ' StUF:entiteittype="ZAKEDC"');
    out += docs.join('');
  }
  if (wants(scope, 'leidtTot')) {
    const besluiten = extras.leidtTot ?? [];
    if (besluiten.length === 0 && explicitlyAsked(scope, 'leidtTot')) out += zknNil('leidtTot', 'geenWaarde', ' StUF:entiteittype="ZAKBSL"');
    out += besluiten.join('');
  }
  return out;
}
