/**
 * `npm run vrijgeven -- --document <identificatie>`: release the check-out of a document (geefZaakdocumentbewerken)
 * that its application will never check in or cancel, e.g. after a crash on the vakapplicatie's side. For the
 * functioneel beheerder; uses the same configuration and backend as `npm start` and may run next to it. The
 * document keeps its last checked-in version; whatever the application had changed in its copy is not taken over.
 */
import { parseArgs } from 'node:util';
import { openBackend } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { systemClock } from '../src/stuf/dates.js';

const USAGE = 'gebruik: npm run vrijgeven -- --document <identificatie>';

async function main(): Promise<void> {
  let document: string | undefined;
  try {
    ({ values: { document } } = parseArgs({ options: { document: { type: 'string' } }, strict: true }));
  } catch (e) {
    throw new Error(`${(e as Error).message}; ${USAGE}`);
  }
  if (!document) throw new Error(`--document ontbreekt; ${USAGE}`);
  const id = document;
  const config = loadConfig();
  const backend = await openBackend(config, systemClock);
  try {
    const lock = await backend.store.transaction(async (tx) => {
      const doc = await tx.getDocument(id);
      if (!doc) throw new Error(`er is geen document met identificatie ${id}`);
      if (doc.lock) await tx.setDocumentLock(id, undefined);
      return doc.lock;
    });
    if (!lock) {
      process.stdout.write(`document ${id} was niet uitgecheckt\n`);
      return;
    }
    const [organisatie, applicatie] = lock.owner.split('|');
    const wie = [lock.checkedOutBy, applicatie && `applicatie ${applicatie}`, organisatie && `organisatie ${organisatie}`].filter(Boolean).join(', ');
    process.stdout.write(`document ${id} vrijgegeven (was uitgecheckt door ${wie || 'onbekend'} sinds ${lock.at})\n`);
  } finally {
    await backend.close();
  }
}

main().catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  console.error(`vrijgeven: ${message.split('\n')[0]}`);
  process.exit(1);
});
