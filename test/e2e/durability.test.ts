/**
 * Crash durability: clients stream genereerIdentificatie + creeerZaak + voegZaakdocumentToe at a server
 * process that is SIGKILLed at random moments (seeded, so a failure can be replayed with DURABILITY_SEED) and
 * restarted on the same data folder. Afterwards every acknowledged zaak and document is there with identical
 * bytes, nothing unacknowledged is visible half-written, and no Du02 identificatie was handed out twice.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ChildServer } from '../helpers/child-server.js';
import * as m from '../helpers/messages.js';
import * as sc from '../helpers/streaming-client.js';
import { assertSoapResponseValid } from '../helpers/xsd.js';
import { prng } from '../helpers/prng.js';

const SEED = Number(process.env.DURABILITY_SEED ?? 20261124);
const ROUNDS = 5;
const CLIENTS = 2;
const MAX_DOC = 3 * 1024 * 1024;


interface SentDocument {
  id: string;
  zaak: string;
  seed: number;
  size: number;
  acked: boolean;
}

interface Ledger {
  /** Every identificatie a Du02 handed out, in order, across all rounds. */
  issued: string[];
  zaken: Map<string, { acked: boolean }>;
  documents: Map<string, SentDocument>;
  connectionErrors: number;
}

async function post(srv: ChildServer, body: string): Promise<{ status: number; text: string }> {
  const res = await sc.postText(`${srv.url}/zds`, sc.soapEnvelope(body));
  await assertSoapResponseValid(res.text);
  return res;
}

async function genereer(srv: ChildServer, kind: 'Zaak' | 'Document', ledger: Ledger): Promise<string> {
  const res = await post(srv, m.genereerIdentificatie(kind, '1.2'));
  assert.equal(res.status, 200, res.text);
  const id = m.extract(res.text, 'identificatie');
  assert.ok(id, res.text);
  ledger.issued.push(id);
  return id;
}

/** One client: zaak after zaak, each with one or two documents, until the server dies under it. */
async function client(srv: ChildServer, ledger: Ledger, rnd: () => number, seedBase: number): Promise<void> {
  let n = 0;
  try {
    for (;;) {
      const zaak = await genereer(srv, 'Zaak', ledger);
      ledger.zaken.set(zaak, { acked: false });
      const z = await post(srv, m.creeerZaak({ identificatie: zaak }, '1.2'));
      assert.equal(z.status, 200, z.text);
      ledger.zaken.get(zaak)!.acked = true;
      for (let d = 1 + Math.floor(rnd() * 2); d > 0; d--) {
        const id = await genereer(srv, 'Document', ledger);
        const doc: SentDocument = { id, zaak, seed: seedBase + n++, size: Math.floor(rnd() * MAX_DOC), acked: false };
        ledger.documents.set(id, doc);
        const envelopeXml = sc.soapEnvelope(m.voegZaakdocumentToe(id, zaak, Buffer.alloc(0), '1.2'));
        const res = await sc.uploadInline(srv.url, { envelopeXml, seed: doc.seed, size: doc.size });
        await assertSoapResponseValid(res.text);
        assert.equal(res.status, 200, res.text);
        assert.match(res.text, /Bv03Bericht/);
        doc.acked = true;
      }
    }
  } catch (e) {
    // The kill cuts connections (reset, refused, truncated answers); anything else is a real failure.
    if (e instanceof assert.AssertionError) throw e;
    ledger.connectionErrors++;
  }
}

describe('durability under SIGKILL', () => {
  let dataDir: string;
  let srv: ChildServer;
  const ledger: Ledger = { issued: [], zaken: new Map(), documents: new Map(), connectionErrors: 0 };

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'zaakpoort-durability-'));
    srv = new ChildServer({ dataDir });
  });
  after(async () => {
    await srv.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged zaak and document across ${ROUNDS} kills (seed ${SEED})`, async () => {
    const rnd = prng(SEED);
    for (let round = 0; round < ROUNDS; round++) {
      await srv.start();
      const clients = Array.from({ length: CLIENTS }, (_, i) => client(srv, ledger, rnd, (round * CLIENTS + i) * 100_000));
      await new Promise((r) => setTimeout(r, 300 + Math.floor(rnd() * 2200)));
      await srv.kill('SIGKILL');
      await Promise.all(clients);
    }

    await srv.start();
    // No identificatie twice, across all restarts.
    const dupes = ledger.issued.filter((id, i) => ledger.issued.indexOf(id) !== i);
    assert.deepEqual(dupes, [], 'identificaties handed out more than once');

    for (const [id, z] of ledger.zaken) {
      const res = await post(srv, m.geefZaakdetails(id, '1.2'));
      if (z.acked) assert.equal(res.status, 200, `acknowledged zaak ${id} is missing: ${res.text}`);
    }
    let visibleUnacked = 0;
    for (const doc of ledger.documents.values()) {
      const res = await sc.downloadInline(srv.url, sc.soapEnvelope(m.geefZaakdocumentLezen(doc.id, '1.2')));
      await assertSoapResponseValid(res.xml);
      if (res.status !== 200) {
        assert.ok(!doc.acked, `acknowledged document ${doc.id} is missing: ${res.xml}`);
        assert.match(res.xml, /StUF064/);
        continue;
      }
      if (!doc.acked) visibleUnacked++;
      // Visible means complete: exactly the bytes that were sent (the kill may land after the commit, before the answer).
      const expected = await sc.sha256Of(sc.patternBytes(doc.seed, doc.size));
      const got = res.contents[0] ?? { size: 0, sha256: '' };
      if (doc.size === 0) assert.equal(got.size, 0, `document ${doc.id}`);
      else assert.deepEqual(got, expected, `document ${doc.id} (acked: ${doc.acked}) is not complete`);
    }
    // Every document a zaak lists is one we sent (a killed upload's temp file never becomes a document).
    for (const id of ledger.zaken.keys()) {
      const res = await post(srv, m.geefLijstZaakdocumenten(id, '1.2'));
      if (res.status !== 200) continue;
      for (const listed of m.extractAll(res.text, 'identificatie').filter((x) => x !== id)) {
        assert.equal(ledger.documents.get(listed)?.zaak, id, `zaak ${id} lists unknown document ${listed}`);
      }
    }

    const docs = [...ledger.documents.values()];
    const acked = docs.filter((d) => d.acked);
    console.log(
      `durability: ${ROUNDS} kills, ${ledger.issued.length} identificaties issued, ${ledger.zaken.size} zaken ` +
        `(${[...ledger.zaken.values()].filter((z) => z.acked).length} acked), ${docs.length} documents (${acked.length} acked, ` +
        `${(acked.reduce((s, d) => s + d.size, 0) / 1048576).toFixed(0)} MB), ${visibleUnacked} unacked but complete, ` +
        `${ledger.connectionErrors} client calls cut by the kill`,
    );
    assert.ok(acked.length >= ROUNDS, 'the clients got too little done to mean anything');
  });
});
