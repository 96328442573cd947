/**
 * `zaakpoort migration <command>`: the beheerder's view on a migration from a legacy zaaksysteem (README "Migrating
 * without a big bang"). Uses the same configuration and backend as `zaakpoort start` and may run next to it.
 *   status                 modes, outbox (pending, the entry that fails and why), cut-over overrides (JSON)
 *   outbox [--limit N]     the queued entries, oldest first
 *   retry                  carry out the queue now (due or not)
 *   discard --id N         drop one queued entry (after deciding it must not be carried out)
 *   shadow-report [--since ISO] [--zaaktype C] [--limit N] [--json]
 *   copy --zaak Z | --zaaktype C       copy zaken from the legacy system ahead of their first touch
 *   cutover --zaaktype C [--dry-run]   move a zaaktype from replicate to translate; a refusal exits 1
 */
import { createCatalogue } from '../catalogue/index.js';
import { openBackend, openMigration } from '../compose.js';
import type { Config } from '../config.js';
import type { CutoverResult, Migration, ShadowRecord } from '../migration/index.js';
import { SchemaRegistry } from '../schema/index.js';
import { systemClock } from '../stuf/dates.js';
import { UsageError } from './errors.js';

export type MigrationCommand = 'status' | 'outbox' | 'retry' | 'discard' | 'shadow-report' | 'copy' | 'cutover';

export interface MigrationOptions {
  zaak?: string;
  limit?: string;
  id?: string;
  since?: string;
  zaaktype?: string;
  json?: boolean;
  dryRun?: boolean;
}

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
  if (r.outboxPending > 0) out(`  outbox bevat nog ${r.outboxPending} item(s): eerst verwerken (zaakpoort migration status)`);
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

async function run(migration: Migration, command: MigrationCommand, values: MigrationOptions): Promise<void> {
  const limit = values.limit !== undefined ? Number(values.limit) : undefined;
  switch (command) {
    case 'status':
      out(JSON.stringify(await migration.status(), null, 2));
      return;
    case 'outbox': {
      const entries = await migration.store.list(limit ?? 100);
      if (entries.length === 0) out('outbox is leeg');
      for (const e of entries) {
        out(`#${e.id}  ${e.createdAt}  ${e.kind} ${e.operation}  zaak ${e.zaakIdentificatie ?? '-'}  pogingen ${e.attempts}${e.lastError ? `  laatste fout: ${e.lastError}` : ''}`);
      }
      return;
    }
    case 'retry': {
      await migration.store.retryNow(new Date());
      const outcome = await migration.outbox.runOnce();
      const status = await migration.store.status();
      out(`outbox: ${outcome === 'empty' ? 'alles verwerkt' : outcome === 'busy' ? 'een andere instantie verwerkt de outbox' : `nog ${status.pending} item(s)`}${status.failing ? `; #${status.failing.id} faalt: ${status.failing.lastError ?? ''}` : ''}`);
      if (outcome !== 'empty') throw new Error(`de outbox is niet leeg (${status.pending} item(s))`);
      return;
    }
    case 'discard': {
      const id = Number(values.id);
      if (!Number.isSafeInteger(id)) throw new UsageError('--id <nummer> ontbreekt');
      out((await migration.store.discard(id)) ? `#${id} verwijderd` : `#${id} bestaat niet`);
      return;
    }
    case 'shadow-report': {
      const records = await migration.shadowReport({
        ...(values.since ? { since: values.since } : {}),
        ...(values.zaaktype ? { zaaktype: values.zaaktype } : {}),
        ...(limit !== undefined ? { limit } : {}),
      });
      if (values.json) out(JSON.stringify(records, null, 2));
      else printShadow(records);
      return;
    }
    case 'copy': {
      if (!values.zaak === !values.zaaktype) throw new UsageError('geef --zaak <identificatie> of --zaaktype <code>');
      const r = await migration.copy(values.zaak ? { zaak: values.zaak } : { zaaktype: values.zaaktype! });
      out(`gekopieerd: ${r.copied.length}, al aanwezig: ${r.present.length}, wacht in de outbox: ${r.queued.length}, onbekend bij het legacy zaaksysteem: ${r.unknown.length}`);
      for (const id of r.copied) out(`  gekopieerd ${id}`);
      for (const id of r.unknown) out(`  onbekend ${id}`);
      return;
    }
    case 'cutover': {
      if (!values.zaaktype) throw new UsageError('--zaaktype <code> ontbreekt');
      const result = await migration.cutOver(values.zaaktype, { dryRun: values.dryRun === true });
      printCutover(result);
      if (!result.done && !values.dryRun) throw new Error(`cut-over van zaaktype ${values.zaaktype} geweigerd (zie hierboven)`);
      return;
    }
  }
}

export async function migrationCommand(config: Config, command: MigrationCommand, options: MigrationOptions): Promise<void> {
  if (!config.migration) throw new Error('de configuratie heeft geen migration-sectie (of ZAAKPOORT_LEGACY_URL)');
  // Only a cut-over and a retry ask the new side anything; the other commands need no schemas.
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
      await run(migration!, command, options);
    } finally {
      await migration!.close();
    }
  } finally {
    await backend.close();
  }
}
