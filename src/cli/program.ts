/**
 * The commands of `zaakpoort` (package.json `bin`; the npm scripts are aliases of it). Every command reads the same
 * configuration as the server (ZAAKPOORT_CONFIG + environment). Exit codes: 0 done, 1 failed (one line on
 * stderr saying why), 2 wrong usage. Stack traces only with ZAAKPOORT_LOG_LEVEL=debug.
 */
import { Command, CommanderError, Option } from 'commander';
import { loadConfig } from '../config.js';
import { VERSION } from '../server/health.js';
import { backupCommand, restoreCommand } from './backup.js';
import { configCheckCommand } from './config-check.js';
import { EXIT, oneLine, UsageError } from './errors.js';
import { hashPasswordCommand } from './hash-password.js';
import { migrateCommand } from './migrate.js';
import { type MigrationCommand, type MigrationOptions, migrationCommand } from './migration.js';
import { overdragenCommand } from './overdragen.js';
import { provisionCommand } from './provision.js';
import { startServer } from './start.js';
import { vrijgevenCommand } from './vrijgeven.js';

function program(): Command {
  const cli = new Command('zaakpoort')
    .description('StUF-ZKN / ZDS 1.1 en 1.2 koppelvlak')
    .version(VERSION, '-V, --version')
    .configureOutput({
      // Usage mistakes in one line, naming the command and where its help is.
      outputError: (text, write) => write(`zaakpoort: ${text.trim().replace(/^error: /, '')} (zaakpoort --help)\n`),
    })
    .exitOverride();

  cli
    .command('start')
    .description('start de server (SIGTERM/SIGINT: lopende verzoeken afmaken en stoppen)')
    .action(() => startServer(loadConfig()));
  cli
    .command('migrate')
    .description('breng het PostgreSQL-schema bij zonder de server te starten (SQLite migreert bij het starten)')
    .action(() => migrateCommand(loadConfig()));
  cli
    .command('vrijgeven')
    .description('geef een uitgecheckt document vrij dat nooit meer wordt ingecheckt')
    .requiredOption('--document <identificatie>', 'identificatie van het document')
    .action((o: { document: string }) => vrijgevenCommand(loadConfig(), o.document));
  cli
    .command('overdragen')
    .description('bied een zaak aan een zaakservice-consumer aan (overdragenZaak_Di01)')
    .requiredOption('--zaak <identificatie>', 'de zaak')
    .requiredOption('--endpoint <url>', 'het endpoint van de ZSC')
    .requiredOption('--applicatie <applicatie>', 'StUF-applicatie van de ZSC')
    .option('--organisatie <organisatie>', 'StUF-organisatie van de ZSC')
    .option('--administratie <administratie>', 'StUF-administratie van de ZSC')
    .option('--melding <tekst>', 'melding voor de ZSC (herhaalbaar)', (v: string, prev: string[] = []) => [...prev, v])
    .action((o: Parameters<typeof overdragenCommand>[1]) => overdragenCommand(loadConfig(), o));
  cli
    .command('hash-password')
    .description('maak de scrypt-hash voor senders[].basicAuth.passwordHash (wachtwoord via terminal of stdin)')
    .action(() => hashPasswordCommand());
  cli
    .command('provision-xsd')
    .description('installeer de officiële VNG-schema\'s (ZAAKPOORT_SCHEMA_SOURCE, of de officiële zip-URL\'s)')
    .action(() => provisionCommand());
  cli
    .command('config')
    .description('configuratie')
    .command('check')
    .description('controleer de configuratie en toon de effectieve waarden (geheimen gemaskeerd)')
    .action(() => configCheckCommand(loadConfig()));
  cli
    .command('backup')
    .description('consistente backup van de SQLite-database en de documenten, ook terwijl de server draait')
    .requiredOption('--to <map>', 'nieuwe (of lege) map voor de backup')
    .action(async (o: { to: string }) => {
      const s = await backupCommand(loadConfig(), o.to);
      console.log(`backup in ${s.dir}: database en ${s.documents} documentbestanden (${s.documentBytes} bytes), gecontroleerd`);
    });
  cli
    .command('restore')
    .description('zet een backup terug in de datamap (stop Zaakpoort eerst)')
    .requiredOption('--from <map>', 'map van zaakpoort backup')
    .addOption(new Option('--force', 'vervang een bestaande database in de datamap'))
    .action(async (o: { from: string; force?: boolean }) => {
      const s = await restoreCommand(loadConfig(), o.from, { force: o.force === true });
      console.log(`teruggezet in ${s.dir}: database en ${s.documents} documentbestanden (${s.documentBytes} bytes)`);
    });
  const migration = cli.command('migration').description('migratie vanaf een legacy zaaksysteem: outbox, schaduwvergelijking, cut-over');
  const sub = (name: MigrationCommand, description: string) => migration.command(name).description(description);
  const act = (name: MigrationCommand) => (o: MigrationOptions) => migrationCommand(loadConfig(), name, o);
  sub('status', 'modi, outbox (wachtend, het item dat faalt en waarom) en cut-over-overrides, als JSON').action(act('status'));
  sub('outbox', 'de wachtende items, oudste eerst').option('--limit <n>', 'hoogstens zoveel').action(act('outbox'));
  sub('retry', 'verwerk de outbox nu').action(act('retry'));
  sub('discard', 'verwijder één item uit de outbox').requiredOption('--id <n>', 'nummer van het item').action(act('discard'));
  sub('shadow-report', 'de verschillen die de schaduwvergelijking vastlegde, nieuwste eerst')
    .option('--since <tijdstip>', 'vanaf (ISO 8601)')
    .option('--zaaktype <code>', 'alleen dit zaaktype')
    .option('--limit <n>', 'hoogstens zoveel')
    .option('--json', 'als JSON')
    .action(act('shadow-report'));
  sub('copy', 'kopieer zaken uit het legacy zaaksysteem naar de nieuwe kant vóór hun eerste aanraking')
    .option('--zaak <identificatie>', 'één zaak')
    .option('--zaaktype <code>', 'elke zaak van dit zaaktype')
    .action(act('copy'));
  sub('cutover', 'zet een zaaktype van replicate naar translate (weigert en zegt waarom als de nieuwe kant niet gelijk is)')
    .requiredOption('--zaaktype <code>', 'het zaaktype')
    .option('--dry-run', 'alleen controleren')
    .action(act('cutover'));
  return cli;
}

/** Runs one command; resolves to the exit code (a started server keeps the process alive and exits by signal). */
export async function runCli(argv: string[]): Promise<number | undefined> {
  const cli = program();
  let name = 'zaakpoort';
  cli.hook('preAction', (_root, action) => {
    name = `zaakpoort ${action.parent && action.parent !== cli ? `${action.parent.name()} ` : ''}${action.name()}`;
  });
  try {
    await cli.parseAsync(argv, { from: 'user' });
    return name === 'zaakpoort start' ? undefined : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; real usage errors were already printed by commander.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    console.error(`${name}: ${oneLine(e)}`);
    if (/^(debug|trace)$/.test(process.env.ZAAKPOORT_LOG_LEVEL ?? '') && e instanceof Error) console.error(e.stack);
    return e instanceof UsageError ? EXIT.usage : EXIT.failed;
  }
}
