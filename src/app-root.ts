/**
 * The folder Zaakpoort is installed in (where package.json and wsdl/ are), found by walking up from this module.
 * Works the same from src/ (tsx, tests) and from the bundled dist/main.js.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'wsdl'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('Zaakpoort installatiemap (met package.json en wsdl/) niet gevonden');
    dir = up;
  }
}

export const APP_ROOT = findRoot();
