/** Reading ../shared/zds/fixtures/INDEX.tsv and preparing a fixture as an HTTP request. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES_DIR, envelope } from '../helpers/zaakpoort.js';

export interface FixtureRow {
  file: string;
  operation: string;
  direction: 'request' | 'response';
  validatesOfficialXsd: boolean;
  firstError: string;
  rootElement: string;
  envelope: 'soap11' | 'soap12' | 'none' | string;
  soapAction: string;
  notes: string;
}

export function readIndex(): FixtureRow[] {
  const lines = readFileSync(path.join(FIXTURES_DIR, 'INDEX.tsv'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]!.split('\t');
  const col = (name: string) => header.indexOf(name);
  return lines.slice(1).map((line) => {
    const f = line.split('\t');
    return {
      file: f[col('file')]!,
      operation: f[col('operation')]!,
      direction: f[col('direction')] as FixtureRow['direction'],
      validatesOfficialXsd: f[col('validates_official_xsd')] === 'yes',
      firstError: f[col('first_error')] ?? '',
      rootElement: f[col('root_element')] ?? '',
      envelope: f[col('envelope')] ?? '',
      soapAction: f[col('soapaction_observed')] ?? '',
      notes: f[col('notes')] ?? '',
    };
  });
}

export function readFixture(row: FixtureRow): string {
  return readFileSync(path.join(FIXTURES_DIR, row.file), 'utf8');
}

/** The fixture as it goes over the wire: bare bodies get a SOAP 1.1 envelope; recorded envelopes are sent as they are. */
export function asRequest(row: FixtureRow): { body: string; soapVersion: '1.1' | '1.2'; soapAction?: string } {
  const raw = readFixture(row);
  const soapVersion = row.envelope === 'soap12' ? '1.2' : '1.1';
  const body = row.envelope === 'soap11' || row.envelope === 'soap12' ? raw : envelope(raw.replace(/^\s*<\?xml[^>]*\?>/, ''), '1.1');
  return { body, soapVersion, soapAction: row.soapAction || undefined };
}
