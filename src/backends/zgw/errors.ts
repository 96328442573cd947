/**
 * ZGW answers as StUF faults a functioneel beheerder can act on. The sender learns which API refused what and
 * why, in ZDS terms; it never sees hosts, paths or errno text (those go to the log).
 */
import { StufFault, faults } from '../../stuf/fault.js';
import { API_LABEL, ZgwHttpError, ZgwUnreachableError } from './http.js';

/** ZGW field names (invalidParams.name, dotted) → the ZDS element a vakapplicatie knows. */
const ZDS_ELEMENT: Record<string, string> = {
  identificatie: 'identificatie',
  bronorganisatie: 'identificatie (bronorganisatie, RSIN uit de configuratie)',
  omschrijving: 'omschrijving',
  toelichting: 'toelichting',
  startdatum: 'startdatum',
  einddatumGepland: 'einddatumGepland',
  uiterlijkeEinddatumAfdoening: 'uiterlijkeEinddatum',
  publicatiedatum: 'publicatiedatum',
  registratiedatum: 'registratiedatum',
  laatsteBetaaldatum: 'laatsteBetaaldatum',
  betalingsindicatie: 'betalingsIndicatie',
  archiefactiedatum: 'datumVernietigingDossier',
  archiefnominatie: 'archiefnominatie',
  zaaktype: 'isVan (zaaktype)',
  kenmerken: 'kenmerk',
  opschorting: 'opschorting',
  verlenging: 'verlenging',
  hoofdzaak: 'heeftAlsHoofdzaak',
  relevanteAndereZaken: 'heeftBetrekkingOpAndere',
  statustype: 'heeft/gerelateerde (statustype)',
  datumStatusGezet: 'heeft/datumStatusGezet',
  statustoelichting: 'heeft/toelichting',
  resultaattype: 'resultaat/omschrijving (resultaattype)',
  roltype: 'rol (roltype)',
  roltoelichting: 'rol/toelichting',
  betrokkeneType: 'rol/gerelateerde (soort betrokkene)',
  'betrokkeneIdentificatie.inpBsn': 'rol/gerelateerde/natuurlijkPersoon/inp.bsn',
  'betrokkeneIdentificatie.innNnpId': 'rol/gerelateerde/nietNatuurlijkPersoon/inn.nnpId',
  'betrokkeneIdentificatie.vestigingsNummer': 'rol/gerelateerde/vestiging/vestigingsNummer',
  'betrokkeneIdentificatie.identificatie': 'rol/gerelateerde/identificatie',
  'betrokkeneIdentificatie.geboortedatum': 'rol/gerelateerde/natuurlijkPersoon/geboortedatum',
  objectType: 'heeftBetrekkingOp (soort object)',
  objectIdentificatie: 'heeftBetrekkingOp/gerelateerde',
  datum: 'besluit/datumBeslissing',
  ingangsdatum: 'besluit/ingangsdatumWerking',
  vervaldatum: 'besluit/einddatumWerking',
  besluittype: 'besluit/bst.omschrijving (besluittype)',
};

function zdsElement(name: string): string {
  if (ZDS_ELEMENT[name]) return ZDS_ELEMENT[name];
  const withoutIndex = name.replace(/\.\d+(\.|$)/g, '$1');
  return ZDS_ELEMENT[withoutIndex] ?? ZDS_ELEMENT[name.split('.')[0]!] ?? name;
}

/** Object-level reasons that deserve a Dutch explanation of what to do. */
const NON_FIELD: Record<string, string> = {
  'resultaat-does-not-exist': 'de eindstatus vraagt eerst een resultaat: stuur het resultaat mee of eerder',
  'indicatiegebruiksrecht-unset': 'een gekoppeld document heeft geen indicatieGebruiksrecht; de zaak kan nog niet worden afgesloten',
  'informatieobject-locked': 'een gekoppeld document is uitgecheckt; de zaak kan nog niet worden afgesloten',
  'invalid-deelzaaktype': 'het zaaktype van de deelzaak staat niet bij de deelzaaktypen van de hoofdzaak',
  'deelzaak-als-hoofdzaak': 'een deelzaak kan zelf geen deelzaken hebben',
  'identificatie-niet-uniek': 'deze identificatie bestaat al in het zaaksysteem',
  'future_not_allowed': 'deze datum mag niet in de toekomst liggen',
  'zaaktype-mismatch': 'dit besluittype hoort niet bij het zaaktype van de zaak',
  'related-besluiten': 'de zaak heeft nog besluiten',
  'pending-relations': 'het document is nog aan een zaak of besluit gekoppeld',
};

const cap = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Remove anything URL-like from a ZGW reason before it reaches the sender. */
function withoutUrls(s: string): string {
  return s.replace(/https?:\/\/[^\s"']+/g, '<url>');
}

/** The StUF fault for an error of a ZGW call; anything else is returned as it is. */
export function toStufFault(e: unknown, clientId: string): unknown {
  if (e instanceof StufFault) return e;
  if (e instanceof ZgwUnreachableError) {
    return faults.processing('Zaaksysteem (ZGW) niet bereikbaar',
      `${API_LABEL[e.call.api]} gaf geen bruikbaar antwoord bij "${e.call.purpose}"; probeer het later opnieuw. De oorzaak is gelogd.`);
  }
  if (!(e instanceof ZgwHttpError)) return e;
  const api = API_LABEL[e.call.api];
  const p = e.problem;
  if (e.status === 401 || e.status === 403) {
    return faults.processing(`${api} weigert de client van Zaakpoort`,
      cap(`client_id "${clientId}" mag "${e.call.purpose}" niet (${p.code ?? e.status}${p.detail ? `: ${withoutUrls(p.detail)}` : ''}); pas de autorisaties van deze applicatie in de ZGW-omgeving aan`, 1000));
  }
  if (e.status === 404) {
    return faults.notFound(`Niet gevonden in het zaaksysteem (ZGW)`, `${api} kent het object niet bij "${e.call.purpose}"`);
  }
  if (e.status === 400 && p.invalidParams?.length) {
    const parts = p.invalidParams.map((ip) => {
      const what = ip.name === 'nonFieldErrors' ? NON_FIELD[ip.code] ?? withoutUrls(ip.reason) : `${zdsElement(ip.name)}: ${withoutUrls(ip.reason)}`;
      return `${what} (${ip.code})`;
    });
    return faults.processing(cap(`${api} weigert "${e.call.purpose}"`, 200), cap(parts.join('; '), 1000));
  }
  return faults.processing(cap(`${api} weigert "${e.call.purpose}"`, 200), cap(`HTTP ${e.status} ${p.code ?? ''} ${withoutUrls(p.title ?? p.detail ?? '')}`.trim(), 1000));
}

/** Whether a ZGW error says a unique identificatie already exists. */
export function isNotUnique(e: unknown): boolean {
  return e instanceof ZgwHttpError && e.status === 400 && (e.problem.invalidParams ?? []).some((ip) => ip.code === 'identificatie-niet-uniek' || (ip.name === 'identificatie' && ip.code === 'unique'));
}
