/** Named prepared statements: each connection parses a statement once and reuses the plan afterwards. */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Queryable } from './pool.js';

const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    // Same text, same name, on every connection; a hash keeps names short and stable.
    name = 'zp_' + createHash('sha1').update(text).digest('hex').slice(0, 20);
    names.set(text, name);
  }
  return name;
}

export function run<R extends pg.QueryResultRow>(db: Queryable, text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
  return db.query<R>({ name: nameOf(text), text, values });
}
