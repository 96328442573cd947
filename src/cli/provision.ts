/** `zaakpoort provision-xsd`: runs scripts/provision-xsd.mjs (plain JavaScript, so npm postinstall can run it before anything is built). */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_ROOT } from '../app-root.js';

export async function provisionCommand(): Promise<void> {
  const script = pathToFileURL(path.join(APP_ROOT, 'scripts', 'provision-xsd.mjs')).href;
  const mod = (await import(script)) as { provisionSchemas(): Promise<number> };
  const code = await mod.provisionSchemas();
  if (code !== 0) throw new Error('schema-installatie mislukt (zie hierboven)');
}
