/**
 * `zaakpoort vrijgeven --document <identificatie>`: release the check-out of a document (geefZaakdocumentbewerken)
 * that its application will never check in or cancel, e.g. after a crash on the vakapplicatie's side. For the
 * functioneel beheerder; uses the same configuration and backend as `zaakpoort start` and may run next to it. The
 * document keeps its last checked-in version; whatever the application had changed in its copy is not taken over.
 */
import { openBackend } from '../compose.js';
import type { Config } from '../config.js';
import { systemClock } from '../stuf/dates.js';

export async function vrijgevenCommand(config: Config, id: string): Promise<void> {
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
