/**
 * In-memory state of the ZGW TEST DOUBLE (not Open Zaak): resources of the four APIs, identificatie counters,
 * document contents, and the generic list behaviour (filters, ordering, paging) Open Zaak 1.12.4 shows.
 */
import { randomUUID } from 'node:crypto';
import { type Content, ContentFiles } from './content.js';
import { invalid, notFound } from './errors.js';
import type { ApiName } from './oas.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One stored resource: `data` holds the stored fields (computed ones are added when rendering). */
export interface Stored {
  uuid: string;
  url: string;
  /** `api/collection`, e.g. `zaken/rollen`. */
  kind: string;
  seq: number;
  data: Json;
}

export interface Client {
  clientId: string;
  secret: string;
  allScopes: boolean;
  scopes: Set<string>;
  /** Zaaktype URLs this client may use in the Zaken API (undefined: all). */
  zaaktypen?: Set<string>;
}

export const PAGE_SIZE = 100;

export class Store {
  private readonly byKind = new Map<string, Map<string, Stored>>();
  private readonly byUrl = new Map<string, Stored>();
  private seq = 0;
  private readonly indexes = new Map<string, Map<string, Map<unknown, Stored[]>>>();
  /** URL prefixes of external objects that "answer HTTP 200" when a zaakobject points at them. */
  readonly externalObjects: string[] = [];
  private readonly counters = new Map<string, number>();
  /** EIO uuid → versions (index 0 = versie 1): the stored field values of that versie and its content. */
  readonly versions = new Map<string, Array<{ data: Json; content: Content | null; registered: string }>>();
  /** Files of bestandsdelen and merged large documents. */
  readonly files = new ContentFiles();

  constructor(
    public base: string,
    /** The double's clock (ms since the epoch): server-set timestamps, "today", JWT iat checks. */
    public now: () => number = Date.now,
  ) {}

  /** Server-set timestamps have microseconds (README §6). */
  nowUtc(): string {
    return new Date(this.now()).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  }

  today(): string {
    return new Date(this.now()).toISOString().slice(0, 10);
  }

  clear(): void {
    this.byKind.clear();
    this.byUrl.clear();
    this.versions.clear();
    this.files.clear();
    this.counters.clear();
    this.indexes.clear();
    this.seq = 0;
  }

  root(api: ApiName): string {
    return `${this.base}/${api}/api/v1`;
  }

  add(kind: string, data: Json, urlPath?: (uuid: string) => string, uuid: string = randomUUID()): Stored {
    const [api, name] = kind.split('/') as [ApiName, string];
    const url = urlPath ? `${this.root(api)}${urlPath(uuid)}` : `${this.root(api)}/${name}/${uuid}`;
    const s: Stored = { uuid, url, kind, seq: ++this.seq, data };
    let m = this.byKind.get(kind);
    if (!m) this.byKind.set(kind, (m = new Map()));
    m.set(uuid, s);
    this.byUrl.set(url, s);
    for (const [field, idx] of this.indexes.get(kind) ?? []) indexAdd(idx, data[field], s);
    return s;
  }

  remove(s: Stored): void {
    this.byKind.get(s.kind)?.delete(s.uuid);
    this.byUrl.delete(s.url);
    for (const [field, idx] of this.indexes.get(s.kind) ?? []) {
      const list = idx.get(s.data[field]);
      if (list) idx.set(s.data[field], list.filter((x) => x !== s));
    }
  }

  get(kind: string, uuid: string): Stored | undefined {
    return this.byKind.get(kind)?.get(uuid);
  }

  mustGet(kind: string, uuid: string): Stored {
    const s = this.get(kind, uuid);
    if (!s) throw notFound();
    return s;
  }

  byUrlOf(url: string | null | undefined): Stored | undefined {
    return url ? this.byUrl.get(url) : undefined;
  }

  /** The kinds (`api/collection`) that hold resources now. */
  kinds(): string[] {
    return [...this.byKind.keys()].filter((k) => (this.byKind.get(k)?.size ?? 0) > 0);
  }

  all(kind: string): Stored[] {
    return [...(this.byKind.get(kind)?.values() ?? [])];
  }

  /**
   * Resources of `kind` whose field `field` equals `value` (e.g. the rollen of a zaak), in creation order. Served
   * from an index per (kind, field), kept up to date on add and remove and dropped on `touch(kind)` (an update).
   */
  where(kind: string, field: string, value: unknown): Stored[] {
    let byField = this.indexes.get(kind);
    if (!byField) this.indexes.set(kind, (byField = new Map()));
    let idx = byField.get(field);
    if (!idx) {
      idx = new Map();
      for (const s of this.all(kind)) indexAdd(idx, s.data[field], s);
      byField.set(field, idx);
    }
    return [...(idx.get(value) ?? [])];
  }

  /** A resource of `kind` changed its fields (PUT/PATCH): its indexes are rebuilt on next use. */
  touch(kind: string): void {
    this.indexes.delete(kind);
  }

  /**
   * Give `data` its identificatie: the next `<PREFIX>-<year>-<10 digits>` when it has none, else check that no
   * other resource of `kind` has it for the same owner (bronorganisatie / verantwoordelijkeOrganisatie).
   */
  assignIdentificatie(kind: string, data: Json, prefix: string, year: string, ownerField: string, taken: string): void {
    if (!data.identificatie) {
      data.identificatie = this.nextIdentificatie(prefix, year);
      return;
    }
    if (this.all(kind).some((x) => x.data[ownerField] === data[ownerField] && x.data.identificatie === data.identificatie)) {
      throw invalid('identificatie', 'identificatie-niet-uniek', taken);
    }
  }

  /** Next number of a `<PREFIX>-<year>-<10 digits>` identificatie. */
  nextIdentificatie(prefix: string, year: string): string {
    const key = `${prefix}-${year}`;
    const n = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, n);
    return `${prefix}-${year}-${String(n).padStart(10, '0')}`;
  }

  /**
   * Resolve a URL to a resource of `kind` as Open Zaak validates references (README §8): not a URL → `bad-url`,
   * another host → `unknown-service`, unknown object → `does_not_exist`.
   */
  resolve(name: string, url: unknown, kind: string | string[]): Stored {
    const kinds = Array.isArray(kind) ? kind : [kind];
    if (typeof url !== 'string' || !/^https?:\/\/[^\s/]+/.test(url)) throw invalid(name, 'bad-url', 'Voer een geldige URL in.');
    if (!url.startsWith(`${this.base}/`)) throw invalid(name, 'unknown-service', 'De service voor deze URL is niet bekend.');
    const s = this.byUrl.get(url);
    if (!s || !kinds.includes(s.kind)) {
      throw invalid(
        name,
        'does_not_exist',
        `Bad URL "${url}" - object could not be fetched. This *may* be because you have insufficient read permissions.`,
      );
    }
    return s;
  }
}

function indexAdd(idx: Map<unknown, Stored[]>, value: unknown, s: Stored): void {
  const list = idx.get(value);
  if (list) list.push(s);
  else idx.set(value, [s]);
}

/** A datetime as Open Zaak answers it: UTC with `Z`, fractions only when sent (padded to microseconds). */
export function toUtc(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
  if (!m) return value;
  const frac = m[7];
  const ms = frac ? Number(`0.${frac}`) * 1000 : 0;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[8] ?? 'Z'}`;
  const d = new Date(Date.parse(iso) + Math.floor(ms));
  const base = d.toISOString().slice(0, 19);
  return frac ? `${base}.${frac.padEnd(6, '0').slice(0, 6)}Z` : `${base}Z`;
}

/** The date part of a datetime in the offset the client sent it (README §18: einddatum). */
export function localDatePart(value: string): string {
  return value.slice(0, 10);
}


function getPath(obj: Json, path: string[]): unknown {
  let v = obj;
  for (const p of path) {
    if (v === null || v === undefined) return undefined;
    v = v[p];
  }
  return v;
}

/**
 * Generic query filter: `a__b` is the nested field a.b; suffixes `__in`, `__gt(e)`, `__lt(e)`, `__isnull`.
 * Names that are not plain fields (e.g. `rol__…` on zaken) are handled by the resource's own `filter`.
 */
export function matchesFilter(data: Json, name: string, value: string): boolean {
  const m = /^(.*?)(?:__(in|gt|gte|lt|lte|isnull))?$/.exec(name)!;
  const field = m[1]!;
  const op = m[2];
  const actual = getPath(data, field.split('__'));
  const test = (v: unknown): boolean => {
    // a list field (e.g. `trefwoorden`) matches when it holds the value
    if (Array.isArray(v) && op === undefined) return value.split(',').every((x) => v.map(String).includes(x));
    switch (op) {
      case 'in':
        return value.split(',').includes(String(v));
      case 'isnull':
        return (v === null || v === undefined || v === '') === (value === 'true' || value === 'True' || value === '1');
      case 'gt':
        return v != null && String(v) > value;
      case 'gte':
        return v != null && String(v) >= value;
      case 'lt':
        return v != null && String(v) < value;
      case 'lte':
        return v != null && String(v) <= value;
      default:
        if (typeof v === 'boolean') return v === (value === 'true' || value === 'True' || value === '1');
        return v !== undefined && v !== null && String(v) === value;
    }
  };
  return test(actual);
}

/** `{count, next, previous, results}` for page `page` of `items`; next/previous with alphabetically sorted query. */
export function paginate(items: Json[], requestUrl: URL, pageParam: string | null): Json {
  let page = 1;
  if (pageParam !== null) {
    if (!/^\d+$/.test(pageParam) || Number(pageParam) < 1) throw notFound('Ongeldige pagina.');
    page = Number(pageParam);
  }
  const pages = Math.max(1, Math.ceil(items.length / PAGE_SIZE));
  if (page > pages) throw notFound('Ongeldige pagina.');
  const link = (p: number): string => {
    const q = new URLSearchParams(requestUrl.search);
    q.delete('page');
    if (p > 1) q.set('page', String(p));
    q.sort();
    const s = q.toString();
    return `${requestUrl.origin}${requestUrl.pathname}${s ? `?${s}` : ''}`;
  };
  return {
    count: items.length,
    next: page < pages ? link(page + 1) : null,
    previous: page > 1 ? link(page - 1) : null,
    results: items.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
  };
}

/** 11-proef of RSIN and BSN (9 digits, weights 9..2 and -1). */
export function elfProef(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(value[i]) * (9 - i);
  sum -= Number(value[8]);
  return sum % 11 === 0;
}
