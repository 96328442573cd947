/**
 * `zaakpoort config check`: load the configuration exactly as `zaakpoort start` does (file + environment,
 * checked against the schema) and print the effective result as JSON with secrets masked, plus the warnings
 * start-up would give. Exit 0 when it would start, 1 with the one-line reason otherwise.
 */
import { type Config, maskSecrets, openOnNetworkWarning } from '../config.js';

export function configCheckCommand(config: Config): void {
  process.stdout.write(`${JSON.stringify(maskSecrets(config), null, 2)}\n`);
  const warning = openOnNetworkWarning(config);
  if (warning) process.stderr.write(`${warning}\n`);
  process.stderr.write(`configuratie in orde${process.env.ZAAKPOORT_CONFIG ? ` (${process.env.ZAAKPOORT_CONFIG} + omgeving)` : ' (alleen omgeving en standaardwaarden)'}\n`);
}
