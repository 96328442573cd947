/** `zaakpoort start` as a plain entry point (kept for scripts that run src/main.ts). */
import { runCli } from './cli/program.js';

const code = await runCli(['start']);
if (code !== undefined) process.exit(code);
