/** Entry point of the `zaakpoort` command (bin/zaakpoort.mjs runs its bundle, dist/cli.js). */
import { runCli } from './cli/program.js';

const code = await runCli(process.argv.slice(2));
if (code !== undefined) process.exit(code);
