/**
 * `npm ci --omit=dev` must run every command: the bundle may import only Node built-ins and runtime
 * dependencies, and the npm scripts operators use may not need a dev tool (tsx, typescript).
 * (Checked for real once by hand with `npm ci --omit=dev` on Node 24; this test keeps it true.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { build } from 'esbuild';
import { REPO_ROOT } from '../helpers/zaakpoort.js';

const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
  bin: Record<string, string>;
};

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

describe('production install (npm ci --omit=dev)', () => {
  it('the bundle imports only Node built-ins and runtime dependencies', async () => {
    const result = await build({
      entryPoints: [path.join(REPO_ROOT, 'src/cli.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const external = new Set<string>();
    for (const input of Object.values(result.metafile.inputs)) {
      for (const imp of input.imports) if (imp.external) external.add(imp.path);
    }
    const builtins = new Set(builtinModules);
    const notRuntime = [...external]
      .filter((s) => !s.startsWith('node:') && !builtins.has(s))
      .map(packageName)
      .filter((name) => !(name in pkg.dependencies));
    assert.deepEqual([...new Set(notRuntime)], [], 'imported by src/ but not in dependencies');
    assert.ok(external.size > 3, 'the check saw the imports');
  });

  it('the bin exists and the operator scripts need no dev tool', () => {
    assert.equal(pkg.bin.zaakpoort, 'bin/zaakpoort.mjs');
    for (const name of ['postinstall', 'start', 'start:fast', 'start:small', 'prestart', 'migrate', 'vrijgeven', 'overdragen', 'hash-password', 'provision-xsd', 'config-check', 'backup', 'restore']) {
      const script = pkg.scripts[name];
      assert.ok(script, `npm script ${name}`);
      assert.doesNotMatch(script, /\btsx\b|\btsc\b|typescript/, `${name}: ${script}`);
    }
    assert.ok('esbuild' in pkg.dependencies, 'esbuild builds the bundle at install time');
  });
});
