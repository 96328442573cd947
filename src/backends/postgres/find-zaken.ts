/** The zakLv01 selection (ZaakQuery) as SQL on the indexed zaak columns. */
import type { Zaak } from '../../domain/model.js';
import type { ValueCondition, ZaakQuery, ZaakQueryResult } from '../../ports/zaak-store.js';
import { ZAAK_QUERY_COLUMNS } from '../sql-rows.js';
import type { Exec } from './reader.js';

const COLUMNS = ZAAK_QUERY_COLUMNS;

class Where {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];
  add(sqlWithParam: (p: string) => string, value: unknown): void {
    this.params.push(value);
    this.parts.push(sqlWithParam(`$${this.params.length}`));
  }
  clause(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

function condition(w: Where, column: string, c: ValueCondition): void {
  if (c.gelijk === null) w.parts.push(`${column} IS NULL`);
  else if (c.gelijk !== undefined) w.add((p) => `${column} = ${p}`, c.gelijk);
  if (c.vanaf !== undefined) w.add((p) => `${column} >= ${p}`, c.vanaf);
  if (c.totEnMet !== undefined) w.add((p) => `${column} <= ${p}`, c.totEnMet);
}

function selection(q: ZaakQuery, withPaging: boolean): Where {
  const w = new Where();
  for (const [field, column] of Object.entries(COLUMNS) as Array<[keyof typeof COLUMNS, string]>) {
    const c = q[field];
    if (c) condition(w, column, c);
  }
  if (q.initiator) w.add((p) => `initiator_key = ${p}`, `${q.initiator.kind}|${q.initiator.keyElement}|${q.initiator.key}`);
  if (withPaging && q.after !== undefined) w.add((p) => `identificatie > ${p}`, q.after);
  return w;
}

export async function findZaken(exec: Exec, q: ZaakQuery): Promise<ZaakQueryResult> {
  const limit = Math.max(0, Math.trunc(q.limit));
  const paged = selection(q, true);
  // One row more than asked tells whether a vervolgvraag would find anything.
  const { rows } = await exec<{ data: Zaak }>(
    `SELECT data FROM zaak ${paged.clause()} ORDER BY identificatie LIMIT $${paged.params.length + 1}`,
    [...paged.params, limit + 1],
  );
  const result: ZaakQueryResult = { zaken: rows.slice(0, limit).map((r) => r.data), more: rows.length > limit };
  if (q.countTotal) {
    const all = selection(q, false);
    const counted = await exec<{ n: string }>(`SELECT count(*) AS n FROM zaak ${all.clause()}`, all.params);
    result.total = Number(counted.rows[0]!.n);
  }
  return result;
}
