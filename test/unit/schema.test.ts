import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import {
  buildHubSet,
  SchemaLoadError,
  SchemaRegistry,
  schemaSetFor,
  type SchemaSetName,
} from '../../src/schema/index.js';
import { extractElement, extractSoapPayload, repoRoot, schemas, validateBody } from '../helpers/xsd.js';

const shared = path.resolve(repoRoot, '..', 'shared', 'zds');
const fixturesDir = path.join(shared, 'fixtures');
const schemaDir = process.env.ZAAKPOORT_SCHEMA_DIR || path.join(repoRoot, 'xsd');

interface FixtureRow {
  file: string;
  validates: 'yes' | 'no';
  firstError: string;
  sets: SchemaSetName[];
  envelope: string;
}

function readIndex(): FixtureRow[] {
  const [header, ...lines] = readFileSync(path.join(fixturesDir, 'INDEX.tsv'), 'utf8').split('\n').filter(Boolean);
  const cols = header!.split('\t');
  const col = (name: string) => cols.indexOf(name);
  return lines.map((line) => {
    const f = line.split('\t');
    const sets = (f[col('schema_set')] ?? '')
      .split('+')
      .map((s) => s.replace(/\s*only$/, '').trim())
      .filter((s): s is SchemaSetName => s === 'zds-1.2' || s === 'zds-1.1.02');
    return {
      file: f[col('file')]!,
      validates: f[col('validates_official_xsd')] as 'yes' | 'no',
      firstError: f[col('first_error')] ?? '',
      sets,
      envelope: f[col('envelope')] ?? '',
    };
  });
}

/** The XSD-described part of a fixture: the Body child / Fault detail Fo0x, or the bare body element. */
function payloadOf(row: FixtureRow): { uri: string; local: string; xml: string } {
  const text = readFileSync(path.join(fixturesDir, row.file), 'utf8');
  if (row.envelope === 'soap11' || row.envelope === 'soap12') return extractSoapPayload(text);
  const root = extractElement(text, () => true);
  assert.ok(root, `${row.file}: no root element`);
  return { uri: root.uri, local: root.local, xml: text.replace(/^\uFEFF/, '') };
}

const haveShared = existsSync(path.join(fixturesDir, 'INDEX.tsv'));

describe('schema layer', () => {
  let registry: SchemaRegistry;

  before(async () => {
    if (!existsSync(path.join(schemaDir, 'zds0120', 'zds0120_msg_totaal.xsd'))) {
      // Normally done by npm postinstall; do it here so a fresh checkout can run this file on its own.
      spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'provision-xsd.mjs')], { stdio: 'inherit' });
    }
    registry = await schemas();
  });

  // How fast the sets compile is measured by the cold-start bench (npm run bench), not asserted here.
  it('compiles both sets from every official file', () => {
    assert.equal(registry.hubSet('zds-1.2').fileCount, 57);
    assert.equal(registry.hubSet('zds-1.1.02').fileCount, 54);
    console.log(`# schema load (hubs + compile of both sets): ${registry.loadMillis.toFixed(0)} ms`);
  });

  it('every hub imports every other hub and nothing is missing', () => {
    for (const set of ['zds-1.2', 'zds-1.1.02'] as const) {
      const hs = registry.hubSet(set);
      assert.deepEqual(hs.missing, []);
      for (const hub of hs.hubs) {
        const text = hs.documents.get(path.join(hs.hubDir, hub.fileName))!;
        assert.equal((text.match(/<xs:import /g) ?? []).length, hs.hubs.length - 1, hub.fileName);
        assert.equal((text.match(/<xs:include /g) ?? []).length, hub.includes.length, hub.fileName);
      }
    }
  });

  it('generated hubs cover the same files as the shared wrappers', { skip: !haveShared }, () => {
    const schemasDir = path.join(shared, 'schemas');
    for (const set of ['zds-1.2', 'zds-1.1.02'] as const) {
      const wrapperDir = path.join(shared, 'xsd-wrappers', set);
      const expected = new Map<string, string[]>();
      for (const name of readdirSync(wrapperDir).filter((n) => n.startsWith('hub-'))) {
        const text = readFileSync(path.join(wrapperDir, name), 'utf8');
        const ns = /targetNamespace="([^"]*)"/.exec(text)?.[1] ?? '';
        const includes = [...text.matchAll(/<xs:include schemaLocation="([^"]+)"/g)].map((m) =>
          path.relative(schemasDir, path.resolve(wrapperDir, m[1]!)).split(path.sep).join('/'),
        );
        expected.set(ns, includes.sort());
      }
      const actual = new Map(buildHubSet(schemaDir, set).hubs.map((h) => [h.namespace, h.includes]));
      assert.deepEqual(actual, expected, set);
    }
  });

  it('routes root elements to a set', () => {
    const ZDS = 'http://www.stufstandaarden.nl/koppelvlak/zds0120';
    const ZKN = 'http://www.egem.nl/StUF/sector/zkn/0310';
    const STUF = 'http://www.egem.nl/StUF/StUF0301';
    assert.equal(schemaSetFor(ZDS, 'creeerZaak_ZakLk01'), 'zds-1.2');
    assert.equal(schemaSetFor(ZDS, 'genereerZaakIdentificatie_Di02'), 'zds-1.2');
    assert.equal(schemaSetFor(ZKN, 'genereerZaakIdentificatie_Di02'), 'zds-1.1.02');
    assert.equal(schemaSetFor(ZKN, 'geefZaakdocumentbewerken_Du02'), 'zds-1.1.02');
    assert.equal(schemaSetFor(ZKN, 'updateZaakdocument_Di01'), 'zds-1.1.02');
    assert.equal(schemaSetFor(ZKN, 'zakLk01'), 'zds-1.2');
    assert.equal(schemaSetFor(ZKN, 'edcLa01'), 'zds-1.2');
    assert.equal(schemaSetFor(STUF, 'Fo03Bericht'), 'zds-1.2');
  });

  describe('shared fixtures', { skip: !haveShared }, () => {
    const rows = haveShared ? readIndex() : [];

    for (const row of rows.filter((r) => r.validates === 'yes')) {
      it(`accepts ${row.file} in ${row.sets.join(' and ')}`, () => {
        const body = payloadOf(row);
        assert.ok(row.sets.length > 0, 'INDEX names no set');
        for (const set of row.sets) {
          const r = registry.validate(set, body.xml);
          assert.deepEqual(r, { valid: true }, `${set}: ${JSON.stringify(r)}`);
        }
        assert.ok(row.sets.includes(schemaSetFor(body.uri, body.local)), 'router picks a set that accepts it');
      });
    }

    for (const row of rows.filter((r) => r.validates === 'no')) {
      it(`rejects ${row.file}`, () => {
        if (row.sets.length === 0) {
          // Not well-formed: extraction (or the parser) must refuse it. A fixture that cannot be read, or a
          // fixture without root element (an assertion in payloadOf), is a failure, not a refusal.
          readFileSync(path.join(fixturesDir, row.file));
          let issues: string[] | null = null;
          try {
            const body = payloadOf(row);
            const r = registry.validate(schemaSetFor(body.uri, body.local), body.xml);
            issues = r.valid ? [] : r.issues.map((i) => i.message);
          } catch (e) {
            if (e instanceof assert.AssertionError) throw e;
            return;
          }
          assert.ok(issues.length > 0, 'malformed fixture was accepted');
          return;
        }
        const element = /^element ([^:\s]+):/.exec(row.firstError)?.[1];
        assert.ok(element, `unexpected first_error format: ${row.firstError}`);
        const body = payloadOf(row);
        for (const set of row.sets) {
          const r = registry.validate(set, body.xml);
          assert.equal(r.valid, false, `${set} accepted it`);
          if (r.valid) continue;
          assert.ok(
            r.issues.some((i) => i.message.includes(`${element}'`) && (i.line ?? 0) > 0),
            `no issue with a line number mentions ${element}: ${JSON.stringify(r.issues)}`,
          );
        }
      });
    }

    it('validates a typical message fast', () => {
      const row = rows.find((r) => r.file.startsWith('creeerZaak_ZakLk01__') && r.validates === 'yes')!;
      const body = payloadOf(row).xml;
      for (let i = 0; i < 50; i++) registry.validate('zds-1.2', body);
      const n = 500;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) registry.validate('zds-1.2', body);
      const per = (performance.now() - t0) / n;
      console.log(`# validate ${row.file} (${body.length} chars): ${per.toFixed(3)} ms per message`);
      assert.ok(per < 20);
    });
  });

  it('validateBody reports libxml2 messages with line numbers', async () => {
    const bad =
      '<StUF:Fo03Bericht xmlns:StUF="http://www.egem.nl/StUF/StUF0301">\n  <StUF:body/>\n</StUF:Fo03Bericht>';
    const issues = await validateBody(bad);
    assert.equal(issues.length, 1);
    assert.match(issues[0]!, /^line 2(:\d+)?: Element '\{http:\/\/www\.egem\.nl\/StUF\/StUF0301\}body': This element is not expected\. Expected is/);
    assert.match((await validateBody('<a>'))[0]!, /^Not well-formed/);
  });

  it('extracts a SOAP Fault detail with the namespaces of its ancestors', () => {
    const env =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:StUF="http://www.egem.nl/StUF/StUF0301">' +
      '<s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>x</faultstring>' +
      '<detail><StUF:Fo02Bericht><StUF:stuurgegevens/></StUF:Fo02Bericht></detail></s:Fault></s:Body></s:Envelope>';
    const p = extractSoapPayload(env);
    assert.equal(p.fault, true);
    assert.equal(p.local, 'Fo02Bericht');
    assert.ok(p.xml.startsWith('<StUF:Fo02Bericht xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:StUF="'));
    assert.throws(() => extractSoapPayload('<s:Envelope xmlns:s="urn:x"><s:Body/></s:Envelope>'), /not a SOAP/);
  });

  it('never expands entities or loads a DTD', async () => {
    const xxe =
      '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' +
      '<StUF:Fo03Bericht xmlns:StUF="http://www.egem.nl/StUF/StUF0301"><StUF:stuurgegevens>&x;</StUF:stuurgegevens></StUF:Fo03Bericht>';
    const r = registry.validate('zds-1.2', xxe);
    assert.equal(r.valid, false);
    assert.ok(!r.valid && /DOCTYPE/.test(r.issues[0]!.message));
    assert.ok(!JSON.stringify(r).includes('root:'));
    // Without a DOCTYPE an entity reference is simply undefined, never resolved.
    const bare = registry.validate(
      'zds-1.2',
      '<StUF:Fo03Bericht xmlns:StUF="http://www.egem.nl/StUF/StUF0301">&x;</StUF:Fo03Bericht>',
    );
    assert.equal(bare.valid, false);
    assert.ok(!JSON.stringify(bare).includes('root:'));
  });

  describe('loading', () => {
    it('a missing schema dir gives an actionable SchemaLoadError', async () => {
      const dir = path.join(tmpdir(), `zaakpoort-no-such-dir-${process.pid}`);
      await assert.rejects(SchemaRegistry.load(dir), (e: unknown) => {
        assert.ok(e instanceof SchemaLoadError);
        assert.match(e.message, /does not exist/);
        assert.match(e.message, /zaakpoort provision-xsd/);
        assert.match(e.message, /https:\/\/github\.com\/VNG-Realisatie\/Zaak-en-Documentservices\/raw\/[0-9a-f]{40}\/docs\/documenten\/Zaak-_Documentservices_1_2\.zip/);
        assert.match(e.message, /ZAAKPOORT_SCHEMA_DIR/);
        return true;
      });
    });

    it('an incomplete package names the missing file; a path with spaces compiles', async () => {
      const tmp = mkdtempSync(path.join(tmpdir(), 'zaakpoort schema '));
      try {
        cpSync(schemaDir, tmp, { recursive: true });
        const copy = await SchemaRegistry.load(tmp);
        assert.deepEqual(copy.validate('zds-1.2', '<x/>').valid, false);
        copy.dispose();
        rmSync(path.join(tmp, 'zds-1.1.02', 'zkn0310', 'zs-dms', 'zkn0310_ent_zs-dms.xsd'));
        await assert.rejects(SchemaRegistry.load(tmp), (e: unknown) => {
          assert.ok(e instanceof SchemaLoadError);
          assert.match(e.message, /zds-1\.1\.02\/zkn0310\/zs-dms\/zkn0310_ent_zs-dms\.xsd/);
          assert.match(e.message, /provision-xsd/);
          return true;
        });
        rmSync(path.join(tmp, 'zds0120'), { recursive: true });
        await assert.rejects(SchemaRegistry.load(tmp), /does not contain the official ZDS schemas/);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  });
});
