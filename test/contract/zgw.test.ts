/**
 * The backend contract suite on the ZGW backend, against the ZGW TEST DOUBLE (an OAS-validating stand-in for
 * Open Zaak, not Open Zaak), one double per test group. Every request the backend sent must be OAS-valid.
 *
 * The capabilities say honestly where ZGW differs: no transactions (writes are visible at once, undone on
 * failure: that one case is reported as skipped); the fixture zaak reduced to what the ZGW APIs can hold (see
 * zgwZaak); documents made in a zaak, with real uploaded content and the metadata the Documenten API requires
 * (documentForm, zgwDocumentMeta).
 */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { openSqliteBackend } from '../../src/backends/sqlite/index.js';
import { openZgwBackend } from '../../src/backends/zgw/index.js';
import type { Besluit, DocumentMeta, Status, StufDate, Zaak } from '../../src/domain/model.js';
import { type ZgwDouble, startZgwDouble } from '../zgw-double/index.js';
import { CATALOGUE, settingsFor } from '../zgw/helpers.js';
import { runBackendContract } from './backend-contract.js';

const doubles = new Map<string, ZgwDouble>();

after(async () => {
  for (const d of doubles.values()) {
    assert.deepEqual(d.violations, [], 'every request Zaakpoort sent is valid against the OAS');
    await d.close();
  }
});

const ZAAKTYPEN: Record<string, { omschrijving: string; statustypen: string[] }> = {
  B1026: { omschrijving: 'Aanvraag schuldhulp', statustypen: ['Ontvangen', 'In behandeling', 'Afgehandeld'] },
  B2000: { omschrijving: 'Melding', statustypen: ['Ontvangen', 'Afgehandeld'] },
};

const complete = (d: StufDate | undefined): StufDate | undefined =>
  d && d.onvolledig ? (d.onvolledig === 'J' ? undefined : { value: d.value.slice(0, 6).padEnd(6, '0').replace(/00$/, '01') + (d.value.slice(6) === '00' ? '01' : d.value.slice(6)) }) : d;

/**
 * What the ZGW backend can hold of a ZDS zaak: complete dates, the zaaktype and statustypen as the catalogue
 * describes them, an einddatum only through the eindstatus, archiving as the resultaattype says, relations only to
 * zaken that exist. What ZGW has no field for (rol code/omschrijving/contact data, ended rollen, gezetDoor,
 * tijdstipRegistratie) is kept by Zaakpoort beside ZGW and must come back unchanged.
 */
function zgwZaak(input: Zaak): Zaak {
  const z = structuredClone(input);
  const zt = ZAAKTYPEN[z.zaaktype.code]!;
  z.zaaktype = { code: z.zaaktype.code, omschrijving: zt.omschrijving, ingangsdatumObject: '20200101' };
  for (const k of ['startdatum', 'registratiedatum', 'publicatiedatum', 'einddatumGepland', 'uiterlijkeEinddatum', 'datumVernietigingDossier'] as const) {
    const v = complete(z[k]);
    if (v) z[k] = v;
    else delete z[k];
  }
  if (z.opschorting && z.opschorting.indicatie !== 'J' && !z.opschorting.reden) delete z.opschorting;
  // Relations need zaken that exist in ZGW; the fixture names imaginary ones.
  z.relaties = [];
  // Active rollen first, then the ended ones (ZGW holds only the active ones; Zaakpoort keeps the history).
  z.rollen = [...z.rollen.filter((r) => !r.eindRelatie), ...z.rollen.filter((r) => r.eindRelatie)];
  const statustype = (volgnummer: string) => ({ volgnummer, omschrijving: zt.statustypen[Number(volgnummer) - 1]!, zktCode: z.zaaktype.code, zktOmschrijving: zt.omschrijving });
  // The statustype as the catalogue describes it; the rest of the status as sent.
  z.statussen = z.statussen.map((s): Status => ({ ...s, statustype: statustype(s.statustype.volgnummer) }));
  // An einddatum exists in ZGW only through the eindstatus (with a resultaat): the fixture's einddatum becomes that.
  if (z.einddatum && !z.statussen.some((s) => s.statustype.volgnummer === String(zt.statustypen.length))) {
    z.statussen.push({ statustype: statustype(String(zt.statustypen.length)), datumStatusGezet: `${z.einddatum.value}120000000` });
    z.resultaat ??= { omschrijving: 'Toegekend' };
  }
  // On closing Open Zaak takes archiving from the resultaattype (seeded: vernietigen after 10 years).
  if (z.einddatum) {
    z.archiefnominatie = 'N';
    z.datumVernietigingDossier = { value: `${Number(z.einddatum.value.slice(0, 4)) + 10}${z.einddatum.value.slice(4)}` };
  }
  return z;
}

function zgwBesluit(b: Besluit): Besluit {
  const out = structuredClone(b);
  out.ingangsdatumWerking = complete(out.ingangsdatumWerking)!;
  delete out.tijdstipRegistratie;
  if (out.vervalreden === 'tijdelijk') out.vervalreden = 'Besluit met tijdelijke werking';
  return out;
}

/**
 * A document as the Documenten API holds it: the fields it requires given (titel, auteur, taal, creatiedatum,
 * vertrouwelijkheidaanduiding; versie is its own counter), complete dates, and a dct.omschrijving that is an
 * informatieobjecttype of the zaaktype (B1026: "Aanvraag").
 */
function zgwDocumentMeta(m: DocumentMeta): DocumentMeta {
  const out: DocumentMeta = { titel: m.identificatie, auteur: 'Contract', taal: 'dut', creatiedatum: { value: '20240615' }, vertrouwelijkAanduiding: 'OPENBAAR', versie: '1', ...structuredClone(m), dctOmschrijving: 'Aanvraag' };
  const ontvangst = complete(out.ontvangstdatum);
  if (ontvangst) out.ontvangstdatum = ontvangst;
  else delete out.ontvangstdatum;
  return out;
}

runBackendContract('zgw', async (dataDir, opts) => {
  let d = doubles.get(dataDir);
  if (!d) {
    d = await startZgwDouble();
    await d.seed(CATALOGUE);
    doubles.set(dataDir, d);
  }
  return openZgwBackend({
    settings: settingsFor(d),
    local: await openSqliteBackend({ dataDir, ...opts }),
    dataDir,
    gemeentecode: opts.gemeentecode,
    timeZone: opts.timeZone,
    now: opts.now,
    backoffMs: 5,
  });
}, {
  zaak: zgwZaak,
  besluit: zgwBesluit,
  isolation: false,
  isolationSkip: 'the ZGW APIs have no transactions: each write is a call to the API at once (the zaak is POSTed when insertZaak runs), so a plain read sees it before the transaction ends; a failing transaction undoes it with DELETEs',
  documentForm: { inZaak: true, ownVersions: true, formaatPerVersion: true, meta: zgwDocumentMeta },
});
