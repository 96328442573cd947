/**
 * zakLv01 on a large ZGW zaaksysteem: 2 450 zaken in the ZGW TEST DOUBLE (not Open Zaak), made in shuffled order
 * so ZGW's default order (newest first) is not the answer's order. The selection reads only the search pages it
 * needs (counted in the double's request log), a selection that would need more than `searchMaxZaken` gets
 * StUF058 instead of a walk through every page, and an order from ZGW that is not code-point order is noticed
 * and made right.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { findZaken } from '../../src/backends/zgw/find-zaken.js';
import type { ZgwZaak } from '../../src/backends/zgw/map-zaak.js';
import { plainReader, type Reader } from '../../src/backends/zgw/read-zaak.js';
import type { ZaakQuery, ZaakQueryResult } from '../../src/ports/zaak-store.js';
import { StufFault } from '../../src/stuf/fault.js';
import { RSIN, type ZgwFixture, openZgwFixture } from './helpers.js';

const MANY = 2300;
const FEW = 150;
const id = (prefix: string, i: number) => `0363${prefix}${String(i).padStart(6, '0')}`;

describe('zgw backend: zakLv01 reads only the pages it needs', () => {
  let f: ZgwFixture;
  const ids = { B1026: [] as string[], B2000: [] as string[] };
  before(async () => {
    f = await openZgwFixture({ settings: { searchMaxZaken: 1000, timeoutMs: 15_000 } });
    const made: Array<[string, 'B1026' | 'B2000']> = [
      ...Array.from({ length: MANY }, (_, i) => [id('A', i), 'B1026'] as [string, 'B1026']),
      ...Array.from({ length: FEW }, (_, i) => [id('B', i), 'B2000'] as [string, 'B2000']),
    ];
    // Shuffled (a fixed permutation), so creation order is not identificatie order.
    for (let i = made.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [made[i], made[j]] = [made[j]!, made[i]!];
    }
    for (const [identificatie, code] of made) {
      const r = await f.double.call('POST', '/zaken/api/v1/zaken', {
        identificatie, bronorganisatie: RSIN, verantwoordelijkeOrganisatie: RSIN, zaaktype: f.seeded.zaaktypen[code]!.url,
        omschrijving: `Zaak ${identificatie}`, startdatum: '2024-03-15', registratiedatum: '2024-03-15',
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids[code].push(identificatie);
    }
    ids.B1026.sort();
    ids.B2000.sort();
  });
  after(async () => {
    await f?.close();
  });
  afterEach(() => {
    assert.deepEqual(f.double.violations, [], 'every request Zaakpoort sent is valid against the OAS');
  });

  /** Run a selection and count the search pages it read (the GET /zaken calls with ordering; reads of one zaak have none). */
  async function run(q: ZaakQuery, reader?: Reader) {
    const from = f.double.requests.length;
    const ctx = f.backend.zgw.context;
    const result: ZaakQueryResult | Error = await findZaken(ctx, reader ?? plainReader(ctx), q).catch((e: unknown) => e as Error);
    const searches = f.double.requests.slice(from).filter((r) => r.method === 'GET' && r.path.endsWith('/zaken/api/v1/zaken') && r.query.ordering !== undefined);
    // Distinct pages: a page retried after a timeout on a busy machine is still one page.
    return { result, pages: new Set(searches.map((r) => r.query.page ?? '1')).size, searches };
  }

  it('without a narrowing condition: the first 10 in identificatie order from one page of 100', async () => {
    const { result, pages, searches } = await run({ limit: 10 });
    assert.ok(!(result instanceof Error), String(result));
    assert.deepEqual(result.zaken.map((z) => z.identificatie), ids.B1026.slice(0, 10));
    assert.equal(result.more, true);
    assert.equal(pages, 1);
    assert.equal(searches[0]!.query.ordering, 'identificatie');
  });

  it('a vervolgvraag reads up to the page its start is on, and no further', async () => {
    const { result, pages } = await run({ limit: 10, after: ids.B1026[149]! });
    assert.ok(!(result instanceof Error), String(result));
    assert.deepEqual(result.zaken.map((z) => z.identificatie), ids.B1026.slice(150, 160));
    assert.equal(result.more, true);
    assert.equal(pages, 2);
  });

  it('the last page of a narrowed selection says there is no more', async () => {
    const { result, pages } = await run({ zaaktypeCode: { gelijk: 'B2000' }, limit: 100, after: ids.B2000[59]! });
    assert.ok(!(result instanceof Error), String(result));
    assert.deepEqual(result.zaken.map((z) => z.identificatie), ids.B2000.slice(60));
    assert.equal(result.more, false);
    assert.equal(pages, 2, 'all 150 of the zaaktype: two pages');
  });

  it('the total of a narrowed selection is exact (every page of it read)', async () => {
    const { result, pages } = await run({ zaaktypeCode: { gelijk: 'B2000' }, limit: 5, countTotal: true });
    assert.ok(!(result instanceof Error), String(result));
    assert.equal(result.total, FEW);
    assert.deepEqual(result.zaken.map((z) => z.identificatie), ids.B2000.slice(0, 5));
    assert.equal(pages, 2);
  });

  it('the total of every zaak (2 450 > searchMaxZaken): StUF058 after the first page, not a walk through 25 pages', async () => {
    const { result, pages } = await run({ limit: 10, countTotal: true });
    assert.ok(result instanceof StufFault, String(result));
    assert.equal(result.code, 'StUF058');
    assert.match(result.omschrijving, /Selectie te ruim/);
    assert.match(result.details ?? '', /2450 zaken.*hoogstens 1000.*Vernauw de selectie/);
    assert.equal(pages, 1);
  });

  it('a vervolgvraag deep in the selection jumps to its page (page=N probes): 8 search pages instead of 16', async () => {
    const { result, pages } = await run({ limit: 10, after: ids.B1026[1500]! });
    assert.ok(!(result instanceof Error), String(result));
    assert.deepEqual(result.zaken.map((z) => z.identificatie), ids.B1026.slice(1501, 1511));
    assert.equal(result.more, true);
    // page 1, probes 2, 4, 8, 16 (ends after the start), then 12, 14, 15 between: the start is on page 16.
    assert.equal(pages, 8);
  });

  it('a vervolgvraag after the last A-zaak goes on with the B-zaken (page 24 of 25), and past the very last finds nothing', async () => {
    const next = await run({ limit: 10, after: ids.B1026[MANY - 1]! });
    assert.ok(!(next.result instanceof Error), String(next.result));
    assert.deepEqual(next.result.zaken.map((z) => z.identificatie), ids.B2000.slice(0, 10));
    // page 1, probes 2, 4, 8, 16, 25, then 20, 22, 23, 24 between.
    assert.equal(next.pages, 10);
    const none = await run({ limit: 10, after: ids.B2000[FEW - 1]! });
    assert.ok(!(none.result instanceof Error), String(none.result));
    assert.deepEqual(none.result.zaken, []);
    assert.equal(none.result.more, false);
  });

  it('a condition only Zaakpoort can check (registratiedatum vanaf) that no zaak meets: StUF058 once 1000 zaken were read', async () => {
    const { result, pages } = await run({ registratiedatum: { vanaf: '20250101' }, limit: 10 });
    assert.ok(result instanceof StufFault, String(result));
    assert.equal(result.code, 'StUF058');
    assert.equal(pages, 10);
  });

  it('when ZGW orders two identificaties otherwise than code-point order, every page is read and the answer is still exact', async () => {
    const ctx = f.backend.zgw.context;
    const plain = plainReader(ctx);
    // A ZGW whose collation puts the first two results of the first page the other way round.
    const reader: Reader = {
      list: plain.list.bind(plain),
      async read<T>(call: Parameters<Reader['read']>[0], opts?: { allow404?: boolean }) {
        const page = await plain.read<T>(call, opts);
        const results = (page as { results?: ZgwZaak[] } | undefined)?.results;
        if (call.query?.ordering && results && results.length > 1) [results[0], results[1]] = [results[1]!, results[0]!];
        return page;
      },
    };
    const { result, pages } = await run({ zaaktypeCode: { gelijk: 'B2000' }, limit: 10 }, reader);
    assert.ok(!(result instanceof Error), String(result));
    assert.deepEqual(result.zaken.map((z) => z.identificatie), ids.B2000.slice(0, 10));
    assert.equal(result.more, true);
    assert.equal(pages, 2, 'the inversion was noticed: every page of the selection read');
  });
});
