/**
 * The sender registry: which applications may call Zaakpoort, and what they may do. An empty registry means
 * open (the quick start); a filled one refuses unknown zenders (StUF013) and operations an application was
 * not given (StUF052).
 */
import type { SenderConfig } from '../config.js';
import { faults } from '../stuf/fault.js';
import type { Systeem } from '../stuf/stuurgegevens.js';

/** A registered application matches when applicatie is equal and organisatie/administratie, if configured, too. */
export function findSender(senders: SenderConfig[], zender: Systeem | undefined): SenderConfig | undefined {
  if (!zender?.applicatie) return undefined;
  return senders.find(
    (s) =>
      s.applicatie === zender.applicatie &&
      (s.organisatie === undefined || s.organisatie === zender.organisatie) &&
      (s.administratie === undefined || s.administratie === zender.administratie),
  );
}

export function authoriseSender(senders: SenderConfig[], zender: Systeem | undefined, operation: string): SenderConfig | undefined {
  if (senders.length === 0) return undefined;
  const sender = findSender(senders, zender);
  if (!sender) {
    const wie = zender?.applicatie
      ? `organisatie "${zender.organisatie ?? ''}", applicatie "${zender.applicatie}"${zender.administratie ? `, administratie "${zender.administratie}"` : ''}`
      : 'het bericht noemt geen zender';
    throw faults.unknownSender(`${wie} staat niet in het afzenderregister van dit zaaksysteem`);
  }
  if (sender.operations && !sender.operations.includes(operation)) {
    throw faults.notAuthorised('Zender is niet geautoriseerd voor dit bericht', `applicatie "${sender.applicatie}" mag ${operation} niet gebruiken`);
  }
  return sender;
}
