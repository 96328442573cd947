/**
 * `npm run migration -- <command>`: the beheerder's view on a migration from a legacy zaaksysteem. Uses the same
 * configuration and backend as `npm start` and may run next to it.
 *   status                          modes, outbox (pending, the entry that fails and why), cut-over overrides
 *   outbox [--limit N]              the queued entries, oldest first
 *   retry                           carry out the queue now (due or not)
 *   discard --id N                  drop one queued entry (after deciding it must not be carried out)
 *   shadow-report [--since ISO] [--zaaktype C] [--limit N] [--json]
 *                                   differences the shadow comparison recorded (also `npm run shadow-report`)
 *   cutover --zaaktype C [--dry-run]
 *                                   move a zaaktype from replicate to translate (also `npm run cutover`)
 * Exit code 0 when done, 1 on an error, 2 when a cut-over was refused.
 */
import { parseArgs } from 'node:util';
import { openBackend, openMigration } from '../src/compose.js';
import { createCatalogue } from '../src/catalogue/index.js';
import { loadConfig } from '../src/config.js';
import type { CutoverResult, Migration, ShadowRecord } from '../src/migration/index.js';
import { SchemaRegistry } from '../src/schema/index.js';
import { systemClock } from '../src/stuf/dates.js';

const USAGE = 'gebruik: npm run migration -- status | outbox [--limit N] | retry | discard --id N | shadow-report [--since ISO] [--zaaktype C] [--limit N] [--json] | cutover --zaaktype C [--dry-run]';

const out = (s: string) => process.stdout.write(`${s}\n`);

function printShadow(records: ShadowRecord[]): void {
  if (records.length === 0) {
    out('geen verschillen vastgelegd');
    return;
  }
  for (const r of records) {
    out(`${r.at}  ${r.operation}  zaak ${r.zaakIdentificatie ?? '-'}  zaaktype ${r.zaaktype ?? '-'}  (${r.differences.length} verschil${r.differences.length === 1 ? '' : 'len'})`);
    for (const d of r.differences) out(`    ${d.path}\n        legacy: ${d.legacy ?? '(ontbreekt)'}\n        nieuw:  ${d.nieuw ?? '(ontbreekt)'}`);
  }
}

function printCutover(r: CutoverResult): void {
  out(`zaaktype ${r.zaaktype}: ${r.checked} zaken in het legacy zaaksysteem`);
  if (r.outboxPending > 0) out(`  outbox bevat nog ${r.outboxPending} item(s): eerst verwerken (npm run migration -- status)`);
  for (const m of r.missing) out(`  ontbreekt aan de nieuwe kant: ${m}`);
  for (const d of r.different) {
    out(`  verschilt: zaak ${d.zaak}${d.document ? ` document ${d.document}` : ''}`);
    for (const x of d.differences.slice(0, 5)) out(`      ${x.path}: legacy ${x.legacy ?? '(ontbreekt)'} / nieuw ${x.nieuw ?? '(ontbreekt)'}`);
  }
  for (const w of r.warnings) out(`  let op: ${w}`);
  if (r.done) {
    out(`  omgezet naar translate; identificaties verder na ${Object.entries(r.raisedPast).map(([k, v]) => `${k} ${v}`).join(', ') || '(geen legacy-waarden in het sjabloon)'}`);
  } else out('  niet omgezet');
}

async function run(migration: Migration, command: string, values: Record<string, string | boolean | undefined>): Promise<number> {
  const limit = values.limit !== undefined ? Number(values.limit) : undefined;
  switch (command) {
    case 'status':
      out(JSON.stringify(await migration.status(), null, 2));
      return 0;
    case 'outbox': {
      const entries = await migration.store.list(limit ?? 100);
      if (entries.length === 0) out('outbox is leeg');
      for (const e of entries) {
        out(`#${e.id}  ${e.createdAt}  ${e.kind} ${e.operation}  zaak ${e.zaakIdentificatie ?? '-'}  pogingen ${e.attempts}${e.lastError ? `  laatste fout: ${e.lastError}` : ''}`);
      }
      return 0;
    }
    case 'retry': {
      await migration.store.retryNow(new Date());
      const outcome = await migration.outbox.runOnce();
      const status = await migration.store.status();
      out(`outbox: ${outcome === 'empty' ? 'alles verwerkt' : outcome === 'busy' ? 'een andere instantie verwerkt de outbox' : `nog ${status.pending} item(s)`}${status.failing ? `; #${status.failing.id} faalt: ${status.failing.lastError ?? ''}` : ''}`);
      return outcome === 'empty' ? 0 : 1;
    }
    case 'discard': {
      const id = Number(values.id);
      if (!Number.isSafeInteger(id)) throw new Error(`--id ontbreekt; ${USAGE}`);
      out((await migration.store.discard(id)) ? `#${id} verwijderd` : `#${id} bestaat niet`);
      return 0;
    }
    case 'shadow-report': {
      const records = await migration.shadowReport({
        ...(typeof values.since === 'string' ? { since: values.since } : {}),
        ...(typeof values.zaaktype === 'string' ? { zaaktype: values.zaaktype } : {}),
        ...(limit !== undefined ? { limit } : {}),
      });
      if (values.json) out(JSON.stringify(records, null, 2));
      else printShadow(records);
      return 0;
    }
    case 'cutover': {
      if (typeof values.zaaktype !== 'string' || !values.zaaktype) throw new Error(`--zaaktype ontbreekt; ${USAGE}`);
      const result = await migration.cutOver(values.zaaktype, { dryRun: values['dry-run'] === true });
      printCutover(result);
      return result.done || values['dry-run'] ? 0 : 2;
    }
    default:
      throw new Error(USAGE);
  }
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      strict: true,
      options: {
        limit: { type: 'string' },
        id: { type: 'string' },
        since: { type: 'string' },
        zaaktype: { type: 'string' },
        json: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new Error(`${(e as Error).message}; ${USAGE}`);
  }
  const command = parsed.positionals[0] ?? '';
  const config = loadConfig();
  if (!config.migration) throw new Error('de configuratie heeft geen migration-sectie (of ZAAKPOORT_LEGACY_URL)');
  // Only a cut-over asks the new side vragen; the other commands need no schemas.
  const schemas = command === 'cutover' || command === 'retry' ? await SchemaRegistry.load(config.schemaDir) : undefined;
  const backend = await openBackend(config, systemClock);
  try {
    const migration = await openMigration(config, {
      config,
      backend,
      catalogue: createCatalogue(config),
      schemas: schemas ?? (undefined as unknown as SchemaRegistry),
      clock: systemClock,
    });
    try {
      return await run(migration!, command, parsed.values);
    } finally {
      await migration!.close();
    }
  } finally {
    await backend.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    console.error(`migration: ${message.split('\n')[0]}`);
    process.exit(1);
  },
);
