/**
 * The fixed-attribute rules are cached as JSON in the schema directory, keyed by the bytes of the schema files
 * (src/schema/fixed-attributes.ts). The cache must give the same rules as deriving, be used when present, and
 * never be used for other schema contents: a changed schema gets its rules derived afresh.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { FixedAttributeRules } from '../../src/schema/fixed-attributes.js';
import { buildHubSet } from '../../src/schema/hubs.js';
import { readEnvelope } from '../../src/soap/envelope-reader.js';
import type { DocumentContentStore } from '../../src/ports/document-content-store.js';
import type { XmlElement } from '../../src/xml/tree.js';
import * as m from '../helpers/messages.js';
import { repoRoot } from '../helpers/xsd.js';
import { envelope } from '../helpers/zaakpoort.js';

const schemaDir = process.env.ZAAKPOORT_SCHEMA_DIR || path.join(repoRoot, 'xsd');
const SET = 'zds-1.2';

async function body(xml: string): Promise<XmlElement> {
  const read = await readEnvelope(Readable.from([Buffer.from(envelope(xml))]), { contentType: 'text/xml', maxBytes: 1 << 20, maxDepth: 100, content: {} as DocumentContentStore });
  return read.body;
}

/** A creeerZaak whose object has entiteittype EDC and verwerkingssoort W: two violations. */
const wrong = () =>
  m.creeerZaak({ identificatie: '12340000000001' }, '1.2').replace('<ZKN:object StUF:entiteittype="ZAK" StUF:verwerkingssoort="T">', '<ZKN:object StUF:entiteittype="EDC" StUF:verwerkingssoort="W">');

function cacheFiles(dir: string): string[] {
  try {
    return readdirSync(path.join(dir, '.derived')).filter((f) => f.startsWith(`fixed-attributes-${SET}-`) && f.endsWith('.json'));
  } catch {
    return [];
  }
}

describe('fixed-attribute rules cache', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'zaakpoort-fixed-cache-'));
    cpSync(schemaDir, dir, { recursive: true, filter: (src) => path.basename(src) !== '.derived' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('derives and writes the cache on first use, then reads the same rules from it', async () => {
    const hubs = buildHubSet(dir, SET);
    assert.deepEqual(cacheFiles(dir), []);
    const derived = FixedAttributeRules.fromHubSet(dir, hubs);
    const files = cacheFiles(dir);
    assert.equal(files.length, 1, 'one cache file written');
    const cached = FixedAttributeRules.fromHubSet(dir, hubs);
    const el = await body(wrong());
    const found = derived.check(el);
    assert.deepEqual(found.map((v) => [v.attribute, v.actual, v.expected]).sort(), [
      ['StUF:entiteittype', 'EDC', 'ZAK'],
      ['StUF:verwerkingssoort', 'W', 'T'],
    ]);
    assert.deepEqual(cached.check(el), found);
    assert.deepEqual(cached.check(await body(m.creeerZaak({ identificatie: '12340000000001' }, '1.2'))), []);
  });

  it('uses the cache file when it is there (a value changed in it shows up)', async () => {
    const file = path.join(dir, '.derived', cacheFiles(dir)[0]!);
    const original = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, original.replaceAll('"ZAK"', '"ZAY"'));
      const rules = FixedAttributeRules.fromHubSet(dir, buildHubSet(dir, SET));
      assert.ok(rules.check(await body(wrong())).some((v) => v.expected === 'ZAY'));
    } finally {
      writeFileSync(file, original);
    }
  });

  it('an unreadable cache file is derived again', async () => {
    const file = path.join(dir, '.derived', cacheFiles(dir)[0]!);
    const original = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, original.slice(0, 1000));
      const rules = FixedAttributeRules.fromHubSet(dir, buildHubSet(dir, SET));
      assert.equal(rules.check(await body(wrong())).length, 2);
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), JSON.parse(original), 'rewritten whole');
    } finally {
      writeFileSync(file, original);
    }
  });

  it('a changed schema is not served from the old cache: its rules follow the new files', async () => {
    const before = cacheFiles(dir);
    for (const rel of buildHubSet(dir, SET).hubs.flatMap((h) => h.includes)) {
      const f = path.join(dir, rel);
      const text = readFileSync(f, 'utf8');
      if (text.includes('fixed="ZAK"')) writeFileSync(f, text.replaceAll('fixed="ZAK"', 'fixed="ZAQ"'));
    }
    const rules = FixedAttributeRules.fromHubSet(dir, buildHubSet(dir, SET));
    const found = rules.check(await body(m.creeerZaak({ identificatie: '12340000000001' }, '1.2')));
    assert.ok(found.some((v) => v.attribute === 'StUF:entiteittype' && v.actual === 'ZAK' && v.expected === 'ZAQ'), JSON.stringify(found));
    assert.equal(cacheFiles(dir).length, before.length + 1, 'a second cache file, under the new key');
  });

  it('a schema directory where the cache cannot be written still gives the rules', async () => {
    const ro = mkdtempSync(path.join(tmpdir(), 'zaakpoort-fixed-ro-'));
    try {
      cpSync(schemaDir, ro, { recursive: true, filter: (src) => path.basename(src) !== '.derived' });
      writeFileSync(path.join(ro, '.derived'), 'a file where the cache folder would be');
      const rules = FixedAttributeRules.fromHubSet(ro, buildHubSet(ro, SET));
      assert.equal(rules.check(await body(wrong())).length, 2);
    } finally {
      rmSync(ro, { recursive: true, force: true });
    }
  });
});
