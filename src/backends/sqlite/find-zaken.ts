/** The zakLv01 selection as SQL on the indexed zaak columns. */
import type { Zaak } from '../../domain/model.js';
import type { ValueCondition, ZaakQuery, ZaakQueryResult } from '../../ports/zaak-store.js';
import { ZAAK_QUERY_COLUMNS } from '../sql-rows.js';
import type { StatementCache } from './connection.js';

type Param = string | number;

const COLUMNS = ZAAK_QUERY_COLUMNS;

function conditionSql(column: string, c: ValueCondition, where: string[], params: Param[]): void {
  if (c.gelijk === null) where.push(`${column} IS NULL`);
  else if (c.gelijk !== undefined) {
    where.push(`${column} = ?`);
    params.push(c.gelijk);
  }
  if (c.vanaf !== undefined) {
    where.push(`${column} >= ?`);
    params.push(c.vanaf);
  }
  if (c.totEnMet !== undefined) {
    where.push(`${column} <= ?`);
    params.push(c.totEnMet);
  }
}

/** WHERE clause and parameters for the selection (without paging). */
function selection(q: ZaakQuery): { where: string[]; params: Param[] } {
  const where: string[] = [];
  const params: Param[] = [];
  for (const [field, column] of Object.entries(COLUMNS) as Array<[keyof typeof COLUMNS, string]>) {
    const c = q[field];
    if (c) conditionSql(column, c, where, params);
  }
  if (q.initiator) {
    where.push('initiator_key = ?');
    params.push(`${q.initiator.kind}|${q.initiator.keyElement}|${q.initiator.key}`);
  }
  return { where, params };
}

export function findZaken(sql: StatementCache, q: ZaakQuery): ZaakQueryResult {
  const limit = Math.max(0, Math.trunc(q.limit));
  const { where, params } = selection(q);
  const paged = [...where];
  const pagedParams = [...params];
  if (q.after !== undefined) {
    paged.push('identificatie > ?');
    pagedParams.push(q.after);
  }
  const clause = (w: string[]) => (w.length ? `WHERE ${w.join(' AND ')}` : '');
  // One row more than asked tells whether a vervolgvraag would find anything.
  const rows = sql
    .get(`SELECT data FROM zaak ${clause(paged)} ORDER BY identificatie LIMIT ?`)
    .all(...pagedParams, limit + 1) as Array<{ data: string }>;
  const result: ZaakQueryResult = {
    zaken: rows.slice(0, limit).map((r) => JSON.parse(r.data) as Zaak),
    more: rows.length > limit,
  };
  if (q.countTotal) {
    result.total = (sql.get(`SELECT count(*) AS n FROM zaak ${clause(where)}`).get(...params) as { n: number }).n;
  }
  return result;
}
