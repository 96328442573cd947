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
}

/**
 * `exactText`: the new side's answer must also be the legacy one character for character (Zaakpoort's own store
 * on both sides). On another backend (ZGW) equal means what the cut-over check means: compareAnswers finds nothing.
 */
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
  };
  return s;
}
