/**
 * Cut-over of one zaaktype from replicate to translate. Refuses (and says exactly why) while the outbox holds
 * work, or when any zaak of the zaaktype in the legacy system is missing on the new side or answers differently
 * there (geefZaakdetails scope alles, geefLijstZaakdocumenten, and every document with its content through
 * geefZaakdocumentLezen, compared element by element as the shadow report does). When everything matches it
 * raises Zaakpoort's identificatie counters past every legacy identificatie (the zaken and documenten seen, and
 * a fresh value the legacy system issues for the purpose, which is above all it issued before) and records the
 * mode override the router reads.
 */
import type { IdKind } from '../domain/model.js';
import { NS } from '../stuf/namespaces.js';
import { type XmlElement, child, childrenNamed, path, text } from '../xml/tree.js';
import { compareAnswers } from './compare.js';
import { routingKey } from './modes.js';
import { askLegacy } from './copy-zaak.js';
import type { LegacyClient } from './legacy-client.js';
import {
  type LegacyVraag,
  type VraagContext,
  genereerIdentificatie,
  geefLijstZaakdocumenten,
  geefZaakdetailsAlles,
  geefZaakdocumentLezen,
  zakenVanZaaktype,
} from './legacy-vragen.js';
import { type NewSide, askNewSide, parseBody } from './new-side.js';
import type { MigrationStore, ShadowDifference } from './store.js';

export interface CutoverDeps {
  legacy: LegacyClient;
  vraag: VraagContext;
  side: NewSide;
  store: MigrationStore;
  now: () => Date;
}

export interface CutoverResult {
  zaaktype: string;
  done: boolean;
  /** Zaken of the zaaktype the legacy system has. */
  checked: number;
  /** Zaken (or documents, as "zaak/document") absent on the new side. */
  missing: string[];
  /** Zaken that answer differently, with the first differences. */
  different: Array<{ zaak: string; document?: string; differences: ShadowDifference[] }>;
  /** Outbox entries still waiting (cut-over waits until the new side has everything). */
  outboxPending: number;
  /** The values each identificatie counter was raised past. */
  raisedPast: Partial<Record<IdKind, string>>;
  /** What the beheerder should check by hand (the legacy system would not issue a fresh identificatie). */
  warnings: string[];
}

const PAGE = 100;

/** Every zaak identificatie of the zaaktype in the legacy system (zakLv01 in pages). */
export async function legacyZaken(d: Pick<CutoverDeps, 'legacy' | 'vraag'>, zaaktype: string): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  for (;;) {
    const answer = await askLegacy(d.legacy, zakenVanZaaktype(d.vraag, zaaktype, after, PAGE));
    if (!answer) return out;
    await d.legacy.release(answer);
    const ids = childrenNamed(child(answer.body, NS.zkn, 'antwoord'), NS.zkn, 'object')
      .map((o) => text(child(o, NS.zkn, 'identificatie')))
      .filter((id): id is string => !!id);
    out.push(...ids);
    const more = text(path(answer.body, NS.zkn, 'parameters', 'indicatorVervolgvraag')) === 'true';
    if (!more || ids.length === 0) return out;
    after = ids[ids.length - 1];
  }
}

/** equal carries the legacy answer's tree (its document content already released; the tree is plain data). */
type Comparison = { kind: 'missing' } | { kind: 'different'; differences: ShadowDifference[] } | { kind: 'equal'; legacy?: XmlElement };

/** Ask both sides the same vraag and compare. */
async function compareVraag(d: CutoverDeps, vraag: LegacyVraag): Promise<Comparison> {
  const legacy = await askLegacy(d.legacy, vraag);
  if (!legacy) return { kind: 'equal' };
  try {
    const nieuw = await askNewSide(d.side, vraag.xml, vraag.soapAction);
    if (nieuw.result.kind !== 'ok') return { kind: 'missing' };
    const parsed = await parseBody(d.side, nieuw.xml);
    try {
      const differences = compareAnswers(legacy.body, parsed.body);
      return differences.length ? { kind: 'different', differences: differences.slice(0, 20) } : { kind: 'equal', legacy: legacy.body };
    } finally {
      await parsed.release();
    }
  } finally {
    await d.legacy.release(legacy);
  }
}

/** The documents a geefLijstZaakdocumenten answer lists. */
function documentIds(lijst: XmlElement | undefined): string[] {
  const obj = path(lijst, NS.zkn, 'antwoord', 'object');
  return childrenNamed(obj, NS.zkn, 'heeftRelevant')
    .map((rel) => text(path(rel, NS.zkn, 'gerelateerde', 'identificatie')))
    .filter((id): id is string => id !== undefined);
}

export async function cutOver(d: CutoverDeps, zaaktype: string, opts: { dryRun?: boolean } = {}): Promise<CutoverResult> {
  const result: CutoverResult = { zaaktype, done: false, checked: 0, missing: [], different: [], outboxPending: 0, raisedPast: {}, warnings: [] };
  result.outboxPending = (await d.store.status()).pending;
  const zaken = await legacyZaken(d, zaaktype);
  result.checked = zaken.length;
  const documenten: string[] = [];
  for (const zaak of zaken) {
    const details = await compareVraag(d, geefZaakdetailsAlles(d.vraag, zaak));
    if (details.kind === 'missing') {
      result.missing.push(zaak);
      continue;
    }
    if (details.kind === 'different') {
      result.different.push({ zaak, differences: details.differences });
      continue;
    }
    const lijst = await compareVraag(d, geefLijstZaakdocumenten(d.vraag, zaak));
    if (lijst.kind !== 'equal') {
      result.different.push({ zaak, differences: lijst.kind === 'different' ? lijst.differences : [{ path: 'geefLijstZaakdocumenten', legacy: 'antwoord', nieuw: 'fout' }] });
      continue;
    }
    for (const doc of documentIds(lijst.legacy)) {
      documenten.push(doc);
      const lezen = await compareVraag(d, geefZaakdocumentLezen(d.vraag, doc));
      if (lezen.kind === 'missing') result.missing.push(`${zaak}/${doc}`);
      else if (lezen.kind === 'different') result.different.push({ zaak, document: doc, differences: lezen.differences });
    }
  }
  if (opts.dryRun || result.outboxPending > 0 || result.missing.length > 0 || result.different.length > 0) return result;

  const ids = d.side.backend.ids;
  for (const [kind, values, noun] of [['zaak', zaken, 'Zaak'], ['document', documenten, 'Document']] as const) {
    const vraag = genereerIdentificatie(d.vraag, noun);
    const answer = await d.legacy.call('VerwerkSynchroonVrijBericht', vraag.operation, [vraag.xml], vraag.soapAction);
    await d.legacy.release(answer);
    const fresh = answer.kind === 'ok' ? routingKey(answer.body)[kind] : undefined;
    if (!fresh) {
      result.warnings.push(`legacy zaaksysteem gaf geen nieuwe ${kind}identificatie (${answer.kind === 'fault' ? answer.faultstring : 'geen identificatie in het antwoord'}): ` +
        `de teller staat alleen voorbij de ${kind}identificaties die de cut-over zag; controleer de hoogste legacy-waarde`);
    }
    let highest: string | undefined;
    for (const v of fresh ? [...values, fresh] : values) {
      if (await ids.ensureAbove(kind, v)) highest = highest === undefined || v > highest ? v : highest;
    }
    if (highest) result.raisedPast[kind] = highest;
  }
  await d.store.setOverride({ zaaktype, mode: 'translate', at: d.now().toISOString(), reason: `cut-over: ${zaken.length} zaken gecontroleerd` });
  result.done = true;
  return result;
}
