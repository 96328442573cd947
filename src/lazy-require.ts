/**
 * Loads a CommonJS dependency on first use instead of at start-up. The bundle (scripts/build.mjs) keeps
 * dependencies external and hoists their imports to the top, so a plain `import` loads them in every process;
 * packages only one backend needs (pg, undici, proj4) would then cost every instance memory (issue 14).
 */
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/** `lazyRequire<typeof import('pg')>('pg')` returns a getter that requires the package the first time it is called. */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireHere(id) as T);
}
