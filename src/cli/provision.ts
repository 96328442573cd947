/** `zaakpoort provision-xsd`: runs scripts/provision-xsd.mjs (plain JavaScript, so npm postinstall can run it before anything is built). */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_ROOT } from '../app-root.js';
import { SchemaRegistry } from '../schema/validator.js';

export async function provisionCommand(): Promise<void> {
  const script = pathToFileURL(path.join(APP_ROOT, 'scripts', 'provision-xsd.mjs')).href;
  const mod = (await import(script)) as { provisionSchemas(): Promise<number> };
  const code = await mod.provisionSchemas();
  if (code !== 0) throw new Error('schema-installatie mislukt (zie hierboven)');
  // Compile once here, so the rules derived from the schemas are cached next to them (fixed-attributes.ts) and a
  // server started from a read-only copy of this folder (a container image) need not derive them at start-up.
  (await SchemaRegistry.load(path.resolve(APP_ROOT, process.env.ZAAKPOORT_SCHEMA_DIR || 'xsd'))).dispose();
}
