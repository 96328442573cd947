/**
 * Shared helpers of the migration end-to-end tests: a Zaakpoort in replicate mode in front of a legacy Zaakpoort,
 * both reached over HTTP. Every answer is validated against the official XSDs; the new side's answers (asked
 * through the migration's own new-side path) too.
 */
import assert from 'node:assert/strict';
import { compareAnswers } from '../../src/migration/compare.js';
import { parseBody } from '../../src/migration/new-side.js';
import * as m from './messages.js';
import { assertSoapResponseValid, extractSoapPayload } from './xsd.js';
import { type TestServer, envelope } from './zaakpoort.js';

/** The answer without what differs per message (stuurgegevens) or per envelope (the in-scope soap prefix). */
export const stripStuurgegevens = (xml: string) =>
  xml.replace(/<(\w+:)?stuurgegevens\b[\s\S]*?<\/\1?stuurgegevens>/, '').replace(/ xmlns:soap="[^"]*"/, '');

export interface MigrationSides {
  /** POST through the Zaakpoort under test; the answer must be schema-valid. */
  viaZaakpoort(body: string, soapAction?: string): Promise<{ status: number; contentType: string; text: string }>;
  /** POST to the legacy system itself (what the vakapplicatie did before the switch). */
  direct(body: string): Promise<{ status: number; contentType: string; text: string }>;
  /** The new side's answer to a vraag (schema-valid). */
  newSideAnswer(body: string): Promise<string>;
  /** geefZaakdetails (scope alles), the document and besluit lists, each document with its content, each besluit: equal on both sides. */
  assertSameOnBothSides(zaak: string, documenten: string[], besluiten?: string[]): Promise<void>;
  /**
   * The first-touch scenario's berichten through Zaakpoort, on zaak 1234SHV0001 made in legacy beforehand: its
   * omschrijving changed to "Herziene aanvraag", document 1234D-NIEUW1 added, status 2 "In behandeling". Each accepted.
   */
  sendFirstTouch(): Promise<void>;
  /**
   * The outage scenario's berichten (zaak 1234SHV0001 must exist on both sides with omschrijving "Herziene
   * aanvraag"): a new zaak with a document, an update of 1234SHV0001, and a status on a zaak made in legacy
   * meanwhile. Each is accepted (Bv03); the new side's work is queued as QUEUED_DURING_OUTAGE.
   */
  sendDuringOutage(): Promise<void>;
  /** Wait (at most 60 s) until the background worker has emptied the outbox. */
  outboxCaughtUp(): Promise<void>;
}

/** What sendDuringOutage leaves in the outbox, in order (1234SHV0001's copy too: the new side cannot say it has it). */
export const QUEUED_DURING_OUTAGE = [
  ['creeerZaak_ZakLk01', '1234SHV0002'],
  ['voegZaakdocumentToe_EdcLk01', '1234SHV0002'],
  ['kopie', '1234SHV0001'],
  ['updateZaak_ZakLk01', '1234SHV0001'],
  ['kopie', '1234SHV0003'],
  ['actualiseerZaakstatus_ZakLk01', '1234SHV0003'],
];

/**
 * `exactText`: the new side's answer must also be the legacy one character for character (Zaakpoort's own store
 * on both sides). On another backend (ZGW) equal means what the cut-over check means: compareAnswers finds nothing.
 */
/** The vakapplicatie's call was accepted: a Bv03. */
async function accepted(res: Promise<{ status: number; text: string }>): Promise<void> {
  const r = await res;
  assert.equal(r.status, 200, r.text);
  assert.match(r.text, /Bv03Bericht/);
}

export function migrationSides(sides: () => { zp: TestServer; legacy: TestServer }, opts: { exactText: boolean }): MigrationSides {
  const s: MigrationSides = {
    async viaZaakpoort(body, soapAction) {
      const res = await sides().zp.post(envelope(body), soapAction ? { soapAction } : {});
      await assertSoapResponseValid(res.text);
      return res;
    },
    async direct(body) {
      const res = await sides().legacy.post(envelope(body));
      await assertSoapResponseValid(res.text);
      return res;
    },
    async newSideAnswer(body) {
      const a = await sides().zp.zp.migration!.answerFromNewSide(body);
      assert.ok(a.ok, a.xml);
      await assertSoapResponseValid(envelope(a.xml));
      return a.xml;
    },
    async assertSameOnBothSides(zaak, documenten, besluiten = []) {
      const vragen = [
        m.geefZaakdetails(zaak, '1.2'), m.geefLijstZaakdocumenten(zaak, '1.2'), m.geefLijstBesluiten(zaak, '1.2'),
        ...documenten.map((d) => m.geefZaakdocumentLezen(d, '1.2')),
        ...besluiten.map((b) => m.geefBesluitdetails(b)),
      ];
      for (const vraag of vragen) {
        const fromLegacy = extractSoapPayload((await s.direct(vraag)).text).xml;
        const fromNew = await s.newSideAnswer(vraag);
        const side = { backend: sides().zp.zp.backend, maxDepth: 256, maxMessageBytes: 1 << 30, dispatcher: undefined as never };
        const [a, b] = [await parseBody(side, fromLegacy), await parseBody(side, fromNew)];
        try {
          assert.deepEqual(compareAnswers(a.body, b.body), [], `verschil voor ${vraag.slice(0, 60)}`);
        } finally {
          await a.release();
          await b.release();
        }
        if (opts.exactText) assert.equal(stripStuurgegevens(fromNew), stripStuurgegevens(fromLegacy), `verschil voor ${vraag.slice(0, 60)}`);
      }
    },
    async sendFirstTouch() {
      await accepted(s.viaZaakpoort(m.updateZaak('1234SHV0001', '<ZKN:omschrijving>Aanvraag schuldhulpverlening</ZKN:omschrijving>', '<ZKN:omschrijving>Herziene aanvraag</ZKN:omschrijving>')));
      await accepted(s.viaZaakpoort(m.voegZaakdocumentToe('1234D-NIEUW1', '1234SHV0001', Buffer.from('nieuw document via Zaakpoort'), '1.2')));
      await accepted(s.viaZaakpoort(m.actualiseerZaakstatus('1234SHV0001', { volgnummer: '2', omschrijving: 'In behandeling', datum: '20261125090000000' }, '1.2')));
    },
    async sendDuringOutage() {
      await accepted(s.viaZaakpoort(m.creeerZaak({ identificatie: '1234SHV0002', zaaktype: 'SHV01', omschrijving: 'Tijdens storing' }, '1.2')));
      await accepted(s.viaZaakpoort(m.voegZaakdocumentToe('1234D-STORING', '1234SHV0002', Buffer.from('tijdens de storing'), '1.2')));
      await accepted(s.viaZaakpoort(m.updateZaak('1234SHV0001', '<ZKN:omschrijving>Herziene aanvraag</ZKN:omschrijving>', '<ZKN:omschrijving>Na de storing</ZKN:omschrijving>')));
      // A zaak made in legacy that the new side never saw, touched during the outage: its copy is queued too.
      await accepted(s.direct(m.creeerZaak({ identificatie: '1234SHV0003', zaaktype: 'SHV01' }, '1.2')));
      await accepted(s.viaZaakpoort(m.actualiseerZaakstatus('1234SHV0003', { volgnummer: '2', omschrijving: 'In behandeling', datum: '20261126090000000' }, '1.2')));
    },
    async outboxCaughtUp() {
      // The background worker retries with backoff (the tests configure 20-50 ms) and catches up by itself.
      const migration = sides().zp.zp.migration!;
      const deadline = Date.now() + 60_000;
      while ((await migration.status()).outbox.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal((await migration.status()).outbox.pending, 0, JSON.stringify(await migration.store.list()));
    },
  };
  return s;
}
