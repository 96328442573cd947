/**
 * Offering a zaak to a zaakservice-consumer (ZDS 1.2 #22b): build an overdragenZaak_Di01, validate it against
 * the official schema, POST it (SOAP 1.1) to the ZSC, and store the Overdracht as 'verzonden' only once the
 * ZSC acknowledged it with a Bv03. The ZSC's decision arrives later as overdragenZaak_Du01
 * (operations/overdragen-zaak.ts), whose crossRefnummer is this Di01's referentienummer.
 */
import type { Config } from '../../config.js';
import type { Overdracht } from '../../domain/model.js';
import type { Backend, Catalogue } from '../../ports/index.js';
import type { SchemaRegistry } from '../../schema/index.js';
import { type Clock, formatTijdstip } from '../../stuf/dates.js';
import { MELDING_MAX } from '../../stuf/messages.js';
import { newReferentienummer, usableSysteem } from '../../stuf/reply.js';
import { DI01_SOAP_ACTION, writeOverdragenZaakDi01 } from './bericht.js';
import { MAX_ANSWER_BYTES, readZscAntwoord } from './antwoord.js';

export interface OverdrachtDeps {
  config: Pick<Config, 'self' | 'timeZone'>;
  backend: Pick<Backend, 'store' | 'content'>;
  catalogue: Catalogue;
  schemas: SchemaRegistry;
  clock: Clock;
  /** How long the ZSC may take to answer the Di01; default 30 s. */
  timeoutMs?: number;
}

export interface OverdrachtInput {
  zaakIdentificatie: string;
  /** The ZSC's OntvangAsynchroon endpoint (overdragen WSDL). */
  endpoint: string;
  ontvanger: Overdracht['ontvanger'];
  meldingen?: string[];
}

/** Why an overdracht was not sent or not acknowledged; the message is one line for a functioneel beheerder. */
export class OverdrachtError extends Error {
  override name = 'OverdrachtError';
}

const DEFAULT_TIMEOUT_MS = 30_000;

function checkEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new OverdrachtError(`Endpoint "${endpoint}" is geen geldige URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OverdrachtError(`Endpoint "${endpoint}" moet een http- of https-URL zijn`);
  return url;
}

function checkOntvanger(o: Overdracht['ontvanger']): Overdracht['ontvanger'] {
  const usable = usableSysteem(o);
  // usableSysteem drops over-long parts silently; for an address we send to, that would be a different address.
  const same = usable?.applicatie && (['organisatie', 'administratie'] as const).every((p) => usable[p] === (o[p] || undefined));
  if (!usable?.applicatie || !same) {
    throw new OverdrachtError('Ontvanger is ongeldig: applicatie moet 3 tot 50 tekens zijn, organisatie hoogstens 200, administratie hoogstens 50');
  }
  const out: Overdracht['ontvanger'] = { applicatie: usable.applicatie };
  if (usable.organisatie) out.organisatie = usable.organisatie;
  if (usable.administratie) out.administratie = usable.administratie;
  return out;
}

function checkMeldingen(meldingen: string[]): string[] {
  for (const m of meldingen) {
    if ([...m].length > MELDING_MAX) throw new OverdrachtError(`Melding is langer dan ${MELDING_MAX} tekens`);
    if (m.trim() === '') throw new OverdrachtError('Melding is leeg');
  }
  return meldingen;
}

async function readCapped(res: Response): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  if (!res.body) return Buffer.alloc(0);
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) throw new OverdrachtError(`Antwoord van de zaakservice-consumer is groter dan ${MAX_ANSWER_BYTES} bytes`);
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

async function post(endpoint: string, xml: string, timeoutMs: number): Promise<{ status: number; contentType: string; body: Buffer }> {
  const envelope = `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${xml}</soap:Body></soap:Envelope>`;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${DI01_SOAP_ACTION}"` },
      body: envelope,
      signal,
    });
    return { status: res.status, contentType: res.headers.get('content-type') ?? 'text/xml', body: await readCapped(res) };
  } catch (e) {
    if (e instanceof OverdrachtError) throw e;
    if (signal.aborted) throw new OverdrachtError(`Zaakservice-consumer ${endpoint} antwoordde niet binnen ${timeoutMs / 1000} s`);
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new OverdrachtError(`Zaakservice-consumer ${endpoint} is niet bereikbaar: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
}

/** Send the overdracht; resolves with the stored Overdracht (status 'verzonden'), or throws OverdrachtError. */
export async function overdragenZaak(deps: OverdrachtDeps, input: OverdrachtInput): Promise<Overdracht> {
  checkEndpoint(input.endpoint);
  const ontvanger = checkOntvanger(input.ontvanger);
  const meldingen = checkMeldingen(input.meldingen ?? []);
  const zender = usableSysteem(deps.config.self);
  if (!zender) throw new OverdrachtError('Eigen StUF-adres (self) is ongeldig: applicatie moet 3 tot 50 tekens zijn');

  const zaak = await deps.backend.store.getZaak(input.zaakIdentificatie);
  if (!zaak) throw new OverdrachtError(`Zaak ${input.zaakIdentificatie} bestaat niet`);
  const code = zaak.zaaktype.code;
  const omschrijving = zaak.zaaktype.omschrijving ?? deps.catalogue.getZaaktype(code)?.omschrijving;
  if (!omschrijving) {
    throw new OverdrachtError(`Zaaktype ${code} van zaak ${zaak.identificatie} heeft geen omschrijving (niet in de zaak, niet in de catalogus); overdragenZaak vereist code en omschrijving`);
  }

  const referentienummer = newReferentienummer(deps.clock);
  const xml = writeOverdragenZaakDi01({
    zender,
    ontvanger,
    referentienummer,
    tijdstipBericht: formatTijdstip(deps.clock.now(), deps.config.timeZone),
    meldingen,
    zaakIdentificatie: zaak.identificatie,
    zaaktype: { code, omschrijving },
  });
  const valid = deps.schemas.validate('zds-1.2', xml);
  if (!valid.valid) {
    throw new OverdrachtError(`overdragenZaak_Di01 is niet valide volgens het schema: ${valid.issues.slice(0, 3).map((i) => i.message.trim()).join(' | ')}`);
  }

  const res = await post(input.endpoint, xml, deps.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const antwoord = await readZscAntwoord(res.body, res.contentType, deps.backend.content);
  if (antwoord.kind === 'fout') {
    const wat = [antwoord.code, antwoord.omschrijving].filter(Boolean).join(' ') || 'zonder foutcode';
    throw new OverdrachtError(`Zaakservice-consumer weigerde de overdracht (${antwoord.berichtcode} ${wat}${antwoord.details ? `: ${antwoord.details}` : ''})`);
  }
  if (antwoord.kind === 'anders') throw new OverdrachtError(`Zaakservice-consumer gaf geen Bv03 (HTTP ${res.status}): ${antwoord.wat}`);
  if (res.status !== 200) throw new OverdrachtError(`Zaakservice-consumer gaf een Bv03 met HTTP-status ${res.status}`);
  if (antwoord.crossRefnummer !== referentienummer) {
    throw new OverdrachtError(`Bv03 van de zaakservice-consumer hoort niet bij dit bericht (crossRefnummer "${antwoord.crossRefnummer ?? ''}", verwacht ${referentienummer})`);
  }

  const overdracht: Overdracht = {
    referentienummer,
    zaakIdentificatie: zaak.identificatie,
    ontvanger,
    endpoint: input.endpoint,
    status: 'verzonden',
    verzondenOp: deps.clock.now().toISOString(),
  };
  await deps.backend.store.transaction((tx) => tx.insertOverdracht(overdracht));
  return overdracht;
}
