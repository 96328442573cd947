/**
 * The sender registry: which applications may call Zaakpoort, and what they may do. An empty registry means
 * open (the quick start); a filled one refuses unknown zenders (StUF013), operations an application was
 * not given (StUF052), and a zender that is not the application the transport authenticated (client
 * certificate or basic-auth user; StUF052, or StUF013 when that identity belongs to no application).
 */
import type { SenderConfig } from '../config.js';
import type { TransportIdentity } from '../soap/parsed-request.js';
import { FOUTCODE_OMSCHRIJVING, faults } from '../stuf/fault.js';
import type { Systeem } from '../stuf/stuurgegevens.js';

/** A registered application matches when applicatie is equal and organisatie/administratie, if configured, too. */
function matches(s: SenderConfig, zender: Systeem): boolean {
  return (
    s.applicatie === zender.applicatie &&
    (s.organisatie === undefined || s.organisatie === zender.organisatie) &&
    (s.administratie === undefined || s.administratie === zender.administratie)
  );
}

export function findSender(senders: SenderConfig[], zender: Systeem | undefined): SenderConfig | undefined {
  if (!zender?.applicatie) return undefined;
  return senders.find((s) => matches(s, zender));
}

function describeZender(zender: Systeem | undefined): string {
  return zender?.applicatie
    ? `organisatie "${zender.organisatie ?? ''}", applicatie "${zender.applicatie}"${zender.administratie ? `, administratie "${zender.administratie}"` : ''}`
    : 'het bericht noemt geen zender';
}

const CALLER_KIND = { certificate: 'het clientcertificaat', basic: 'de gebruikersnaam' } as const;

export function authoriseSender(
  senders: SenderConfig[],
  zender: Systeem | undefined,
  operation: string,
  callers: readonly TransportIdentity[] = [],
): SenderConfig | undefined {
  if (senders.length === 0) return undefined;
  const candidates = zender?.applicatie ? senders.filter((s) => matches(s, zender)) : [];
  if (candidates.length === 0) {
    throw faults.unknownSender(`${describeZender(zender)} staat niet in het afzenderregister van dit zaaksysteem`);
  }
  for (const caller of callers) {
    if (caller.senders.length === 0) {
      throw faults.unknownSender(`${CALLER_KIND[caller.method]} ${caller.name} hoort bij geen geregistreerde applicatie`);
    }
  }
  // One application may be registered several times (per administratie): any entry all callers own will do.
  const sender = candidates.find((s) => callers.every((c) => c.senders.includes(s)));
  if (!sender) {
    const caller = callers.find((c) => !candidates.some((s) => c.senders.includes(s))) ?? callers[0]!;
    throw faults.notAuthorised(
      'Zender komt niet overeen met de geauthenticeerde aanroeper',
      `${CALLER_KIND[caller.method]} ${caller.name} hoort bij applicatie "${caller.senders[0]!.applicatie}", ` +
        `niet bij de zender van dit bericht (${describeZender(zender)})`,
    );
  }
  if (sender.operations && !sender.operations.includes(operation)) {
    throw faults.notAuthorised(FOUTCODE_OMSCHRIJVING.StUF052!, `applicatie "${sender.applicatie}" mag ${operation} niet gebruiken`);
  }
  return sender;
}
