/**
 * A Zaakpoort process for test/zgw/journal-crash.test.ts, which kills it with SIGKILL while a ZGW call is in
 * flight: it opens the ZGW backend on a directory (local state + journal) and runs one unit of work against the
 * ZGW TEST DOUBLE of the parent test. It never finishes on its own (the double holds the answer).
 * Argument: JSON { dir, env (the ZAAKPOORT_ZGW_* of the double), scenario: 'zaak' | 'document', zaak, document? }.
 */
import { zgwSettingsFromEnv } from '../../src/backends/zgw/config.js';
import { openZgwBackendAt, zaakVoorZgw } from './helpers.js';

interface Args {
  dir: string;
  env: Record<string, string>;
  scenario: 'zaak' | 'document';
  zaak: string;
  document?: string;
}

const args = JSON.parse(process.argv[2]!) as Args;
const backend = await openZgwBackendAt({ ...zgwSettingsFromEnv(args.env, undefined), retries: 2 }, args.dir);
const intent = { operation: args.scenario, messageKey: { zenderKey: 'ZPT|SHV||', referentienummer: `crash-${args.scenario}` } };
process.stdout.write('ready\n');
if (args.scenario === 'zaak') {
  await backend.store.transaction((tx) => tx.insertZaak(zaakVoorZgw(args.zaak)), intent);
} else {
  const w = await backend.content.createTemp();
  w.stream.end(Buffer.from('%PDF-1.4 crash\n'));
  const { size, sha256 } = await w.finish();
  const version = { versionNo: 1, blobRef: await backend.content.persist(w.tempId), size, sha256, bestandsnaam: 'crash.pdf', contentType: 'application/pdf', createdAt: new Date().toISOString() };
  await backend.store.transaction(async (tx) => {
    await tx.insertDocument({ identificatie: args.document!, dctOmschrijving: 'Aanvraag', titel: 'Crash.pdf', auteur: 'J. de Vries', creatiedatum: { value: '20240315' } }, version);
    await tx.linkDocument({ zaakIdentificatie: args.zaak, documentIdentificatie: args.document!, registratiedatum: '20240315' });
  }, intent);
}
process.stdout.write('done\n');
