/**
 * The zaaktypecatalogus the conformance runs seed into the ZGW TEST DOUBLE: the zaaktypen, statustypen,
 * roltypen, resultaattypen, informatieobjecttypen and besluittypen the fixtures in ../shared/zds/fixtures name
 * (plus SHV01, the zaaktype of the zaken test/helpers/messages.ts seeds). On ZGW a zaak needs a zaaktype from the
 * catalogue, and the zaaktype decides which statussen, rollen, resultaten and documenttypen it can have; a
 * municipality configures its catalogue for the vakapplicaties it connects, as this one is for the fixtures.
 *
 * A ZDS statustype finds its ZGW statustype by volgnummer (the default profile); its ZDS code is the ZGW
 * omschrijvingGeneriek. Where fixtures of one zaaktype give a volgnummer different names, the first is kept.
 * beginGeldigheid is the zaaktype ingangsdatumObject the fixtures send.
 */
import type { ZgwZaaktypeProfile } from '../../src/backends/zgw/config.js';
import type { SeedSpec, SeedZaaktype } from '../zgw-double/index.js';
import type { SeedStatustype } from '../zgw-double/seed.js';
import { RSIN } from '../zgw/helpers.js';

/** Every generic roltype: the fixtures use every ZDS relation, and each maps onto one of these. */
const ROLTYPEN: NonNullable<SeedZaaktype['roltypen']> = ['initiator', 'belanghebbende', 'behandelaar', 'zaakcoordinator', 'adviseur', 'beslisser', 'klantcontacter', 'mede_initiator'];

/** The dct.omschrijving values of the document fixtures (and of the documents the tests seed). */
const DOCUMENTTYPEN = [
  'Aanvraagformulier', 'Besluitbrief', 'omschrijving', 'omschrijving1', 'Aanvraag burgerservicenummer behandelen', 'test', 'DEMO_DOCUMENT', 'foo', 'Brief',
  'Bijlage bij melding', 'gewijzigde omschrijving', 'dct.omschrijving5',
];

/** The bst.omschrijving values of the besluit fixtures (and of the besluiten the tests seed, the STP data set's among them). */
const BESLUITTYPEN = ['Toekenning', 'omschrijving', 'bst.omschrijving', 'bst.omschrijving3', 'omschrijving5', 'Aanvraag ingetrokken door aanvrager(s)'];

/**
 * The testplatform's voegBesluitToe names no besluittype, and its updateBesluit then gives it "bst.omschrijving";
 * the besluiten the tests seed are "Toekenning" (test/helpers/messages.ts).
 */
export const FIXTURE_PROFILES: Record<string, ZgwZaaktypeProfile> = {
  '12345678': { besluittype: 'bst.omschrijving' },
  SHV01: { besluittype: 'Toekenning' },
};

const RESULTAATTYPEN = ['Toegekend', 'Afgewezen', 'omschrijving', 'Afgehandeld', 'Vergunningvrij', 'Buiten behandeling gesteld'];

const st = (volgnummer: number, omschrijving: string, code?: string): SeedStatustype => ({ volgnummer, omschrijving, ...(code ? { omschrijvingGeneriek: code } : {}) });

function zaaktype(identificatie: string, omschrijving: string, statustypen: SeedStatustype[], beginGeldigheid = '2017-01-01'): SeedZaaktype {
  return {
    identificatie,
    omschrijving,
    beginGeldigheid,
    statustypen,
    roltypen: ROLTYPEN,
    resultaattypen: RESULTAATTYPEN,
    informatieobjecttypen: DOCUMENTTYPEN,
    besluittypen: BESLUITTYPEN,
  };
}

export const FIXTURE_CATALOGUE: SeedSpec = {
  catalogus: { domein: 'ZAAK', rsin: RSIN },
  zaaktypen: [
    // test/helpers/messages.ts creeerZaak: status 1 "Intake"; the changes the fixtures make to seeded zaken go up to 10.
    zaaktype('SHV01', 'Schuldhulpverlening', [st(1, 'Intake'), st(2, 'In behandeling'), st(3, 'Status 2'), st(10, 'Afgehandeld', 'Afgehandeld')]),
    // StUF-testplatform (haarlem-stp): statussen 1 "Status 1" (code 1) and 7 "Status 4" (code 4).
    zaaktype('12345678', 'Aanvraag burgerservicenummer behandelen', [st(1, 'Status 1', '1'), st(7, 'Status 4', '4'), st(8, 'Afgehandeld')]),
    // ZaakBrug / OpenZaakBrug traffic (zaakbrug-soapui, ozb-*).
    zaaktype('B1026', 'Aanvraag minima', [st(1, 'Ontvangen', 'ontv'), st(2, 'In behandeling', 'Inbeh'), st(3, 'Afgehandeld', 'Afgeh'), st(7, 'Besluitvorming afgerond', '0007'), st(9, 'einde', 'einde')]),
    zaaktype('B1210', 'Aanvraag omgevingsvergunning', [st(1, 'Ontvangen', '160'), st(2, 'Afgehandeld')]),
    zaaktype('B1293', 'Omgevingsvergunning vooroverleg', [st(1, 'Ontvangen'), st(2, 'Afgehandeld')]),
    // Maykin (haarlem-maykin) and Open Formulieren (openforms-vcr) test messages.
    zaaktype('1', 'MOR', [st(1, 'Ontvangen'), st(2, 'Afgehandeld')], '2017-09-01'),
    zaaktype('foo', 'foo', [st(1, 'Ontvangen'), st(2, 'Afgehandeld')], '2026-04-30'),
  ],
};
