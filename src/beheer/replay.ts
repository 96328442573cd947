/**
 * Replay: a stored request sent again, as a new bericht with a fresh referentienummer, to this Zaakpoort
 * (in-process, through the same observed dispatch as the SOAP route, so it is recorded and traced) or to one of
 * the configured replay targets over HTTP. Only complete requests can be replayed: a request cut by the size cap,
 * or one whose document content was not kept, would be a different bericht.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Config } from '../config.js';
import type { DocumentContentStore } from '../ports/index.js';
import type { ObservedDispatch } from '../server/observed-dispatch.js';
import { readEnvelope } from '../soap/envelope-reader.js';
import { SoapReadError } from '../soap/read-error.js';
import type { DispatchResult } from '../zds/dispatch-result.js';
import { answerText } from './answer-text.js';
import type { Bericht, BerichtStore } from './store.js';

export interface ReplayAnswer {
  status: number;
  xml: string;
  /** The new bericht in this Zaakpoort's browser (local replays). */
  newId?: number;
}

/** Sends a request envelope to this Zaakpoort, as a replay of bericht `replayOf`. */
export type LocalReplay = (envelope: string, soapVersion: '1.1' | '1.2', soapAction: string, replayOf: number) => Promise<ReplayAnswer>;

/** Why this bericht cannot be replayed, or undefined when it can. */
export function replayRefusal(b: Bericht): string | undefined {
  const d = b.detail;
  if (d.request === undefined) return 'Opnieuw versturen kan niet: het verzoek is niet bewaard.';
  if (d.truncated.request) return 'Opnieuw versturen kan niet: het verzoek is ingekort bewaard.';
  if (d.documents.some((x) => x.direction === 'in')) return 'Opnieuw versturen kan niet: de documentinhoud van het verzoek is niet bewaard.';
  return undefined;
}

/** A referentienummer no sender uses: ZPR + time + random, within StUF's 40 characters. */
export function freshReferentienummer(): string {
  return `ZPR${Date.now().toString(36).toUpperCase()}${randomBytes(5).toString('hex').toUpperCase()}`;
}

/** The stored request with the stuurgegevens' referentienummer (the first one in the body) replaced. */
export function withReferentienummer(envelope: string, referentienummer: string): string {
  return envelope.replace(/(<([\w.-]+:)?referentienummer>)[^<]*(<\/\2referentienummer>)/, `$1${referentienummer}$3`);
}

export async function replayRemote(target: string, envelope: string, soapVersion: '1.1' | '1.2', soapAction: string): Promise<ReplayAnswer> {
  const headers: Record<string, string> =
    soapVersion === '1.2'
      ? { 'content-type': `application/soap+xml; charset=utf-8${soapAction ? `; action="${soapAction}"` : ''}` }
      : { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${soapAction}"` };
  try {
    const res = await fetch(target, { method: 'POST', headers, body: envelope, signal: AbortSignal.timeout(60_000), redirect: 'manual' });
    return { status: res.status, xml: (await res.text()).slice(0, 1024 * 1024) };
  } catch (e) {
    return { status: 0, xml: `Niet verstuurd: ${(e as Error).name === 'TimeoutError' ? 'geen antwoord binnen 60 s' : 'verbinding mislukt'}` };
  }
}

/** Replay into this Zaakpoort: read the envelope as the SOAP route would, dispatch it observed, note the new id. */
export function localReplayer(deps: {
  config: Config;
  content: DocumentContentStore;
  dispatch: ObservedDispatch;
  store: BerichtStore;
  /** Writes what the recorder has (so the new bericht has an id to link to). */
  flush: () => Promise<void>;
}): LocalReplay {
  return async (envelope, soapVersion, soapAction, replayOf) => {
    let result: DispatchResult;
    try {
      const parsed = await readEnvelope(Readable.from([Buffer.from(envelope, 'utf8')]), {
        contentType: soapVersion === '1.2' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8',
        soapAction,
        maxBytes: deps.config.maxMessageBytes,
        maxDepth: deps.config.maxDepth,
        content: deps.content,
      });
      result = await deps.dispatch(parsed, { path: 'replay', headers: {}, replayOf });
    } catch (e) {
      return { status: 0, xml: `Niet verwerkt: ${e instanceof SoapReadError ? e.fault.omschrijving : 'het bewaarde verzoek is niet te lezen'}` };
    }
    await deps.flush();
    const newId = await deps.store.latestReplayOf(replayOf);
    return { status: result.kind === 'ok' ? 200 : result.httpStatus, xml: answerText(result).xml, ...(newId !== undefined ? { newId } : {}) };
  };
}
