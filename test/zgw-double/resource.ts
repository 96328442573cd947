/**
 * Generic resource behaviour of the ZGW TEST DOUBLE: list (filters, ordering, paging), create, read, update,
 * delete, driven by the OAS schemas; each API module adds its rules through hooks.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { invalid } from './errors.js';
import { type ApiName, type Operation, resolveRef } from './oas.js';
import type { Content } from './content.js';
import { fillShape, pickKnown } from './shape.js';
import { type Client, type Store, type Stored, matchesFilter, paginate, toUtc } from './store.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Ctx {
  store: Store;
  api: ApiName;
  op: Operation;
  method: string;
  params: Record<string, string>;
  /** The request URL, absolute on the double's base. */
  url: URL;
  query: URLSearchParams;
  body: Json;
  headers: IncomingHttpHeaders;
  client: Client;
  chunkSize: number;
  /** Multipart form fields and files (bestandsdelen uploads; files are streamed to the double's temp folder). */
  form?: { fields: Record<string, string>; files: Record<string, Content> };
  /** Whether the client holds this scope (all-scopes clients hold every scope). */
  can(scope: string): boolean;
}

export interface Reply {
  status: number;
  body?: Json;
  headers?: Record<string, string>;
  /** A non-JSON body (downloads): bytes, or a file streamed from the double's temp folder. */
  raw?: { data: Buffer; contentType: string } | { file: string; size: number; contentType: string };
}

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

export interface ResourceDef {
  kind: string;
  /** `#/components/schemas/X` of the resource as answered. */
  schemaRef: string;
  /** Path of a resource under the API root when it is not `/<collection>/<uuid>`. */
  urlPath?: (uuid: string, data: Json, ctx: Ctx) => string;
  /** URL fields → the kind(s) they must point to (validated on create and update; arrays item by item). */
  refs?: Record<string, string | string[]>;
  /** Computed fields added before the shape is filled. */
  render?: (s: Stored, ctx: Ctx | undefined) => Json;
  /** Rules and derived values on create (mutate `data`; throw ApiError to refuse). */
  create?: (ctx: Ctx, data: Json) => void;
  afterCreate?: (ctx: Ctx, s: Stored) => void;
  /** Rules on PUT/PATCH: `data` is the merged new state. */
  update?: (ctx: Ctx, s: Stored, data: Json, changes: Json) => void;
  afterUpdate?: (ctx: Ctx, s: Stored) => void;
  /** Rules and cascade on DELETE. */
  destroy?: (ctx: Ctx, s: Stored) => void;
  /** A query parameter that is not a plain field: return the verdict, or undefined for the plain comparison. */
  filter?: (ctx: Ctx, s: Stored, name: string, value: string) => boolean | undefined;
  /** Query parameters handled by `scope` rather than by filters. */
  specialParams?: string[];
  /** Narrow the list before filtering (e.g. catalogi: published only by default). */
  scope?: (ctx: Ctx, items: Stored[]) => Stored[];
  order?: (a: Stored, b: Stored) => number;
  /** Fields that cannot be changed after create (`wijzigen-niet-toegelaten`). */
  fixedAfterCreate?: string[];
}

export function render(def: ResourceDef, s: Stored, ctx?: Ctx): Json {
  const data = def.render ? def.render(s, ctx) : s.data;
  return fillShape(def.kind.split('/')[0] as ApiName, { $ref: def.schemaRef }, { url: s.url, uuid: s.uuid, ...data });
}

/** Date-time fields of a request schema, normalised to UTC the way Open Zaak stores them. */
function normaliseDates(api: ApiName, schemaRef: string | undefined, data: Json): void {
  if (!schemaRef) return;
  const s = resolveRef(api, { $ref: schemaRef });
  const props = { ...(s?.properties ?? {}) };
  for (const part of s?.allOf ?? []) Object.assign(props, resolveRef(api, part)?.properties ?? {});
  for (const [k, p] of Object.entries<Json>(props)) {
    if (p?.format === 'date-time' && typeof data[k] === 'string') data[k] = toUtc(data[k]);
    // Django stores durations as days: P6W comes back as P42D
    if ((p?.format === 'duration' || /termijn$|^doorlooptijd$|^servicenorm$/.test(k)) && typeof data[k] === 'string') data[k] = data[k].replace(/^P(\d+)W$/, (_m: string, w: string) => `P${Number(w) * 7}D`);
  }
}

export function checkRefs(ctx: Ctx, def: ResourceDef, data: Json, only?: Json): void {
  for (const [field, kind] of Object.entries(def.refs ?? {})) {
    if (only && !(field in only)) continue;
    const v = data[field];
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((u) => ctx.store.resolve(field, u, kind));
    else ctx.store.resolve(field, v, kind);
  }
}

export function listItems(ctx: Ctx, def: ResourceDef, items: Stored[], query: URLSearchParams): Stored[] {
  let out = def.scope ? def.scope(ctx, items) : items;
  const special = new Set(['page', 'expand', 'ordering', ...(def.specialParams ?? [])]);
  for (const [name, value] of query) {
    if (special.has(name)) continue;
    out = out.filter((s) => {
      const custom = def.filter?.(ctx, s, name, value);
      if (custom !== undefined) return custom;
      return matchesFilter(def.render ? def.render(s, ctx) : s.data, name, value);
    });
  }
  const ordering = query.get('ordering');
  if (ordering) {
    const desc = ordering.startsWith('-');
    const f = ordering.replace(/^-/, '');
    out = [...out].sort((a, b) => {
      const x = String(a.data[f] ?? '');
      const y = String(b.data[f] ?? '');
      return (x < y ? -1 : x > y ? 1 : b.seq - a.seq) * (desc ? -1 : 1);
    });
  } else out = [...out].sort(def.order ?? ((a, b) => b.seq - a.seq));
  return out;
}

export function listReply(ctx: Ctx, def: ResourceDef, items: Stored[], transform?: (j: Json) => Json): Reply {
  const show = (s: Stored): Json => (transform ? transform(render(def, s, ctx)) : render(def, s, ctx));
  const paginated = String(ctx.op.responses['200']?.$ref ?? '').includes('Paginated');
  if (!paginated) return { status: 200, body: items.map(show) };
  // page first, render only that page
  const page = paginate(items, ctx.url, ctx.query.get('page'));
  return { status: 200, body: { ...page, results: page.results.map(show) } };
}

/** The standard handlers of a resource (those its OAS path defines are wired by the server). */
export function crud(def: ResourceDef): Record<'list' | 'create' | 'read' | 'update' | 'destroy', Handler> {
  const [api] = def.kind.split('/') as [ApiName];
  return {
    list: (ctx) => listReply(ctx, def, listItems(ctx, def, ctx.store.all(def.kind), ctx.query)),
    create: (ctx) => {
      const data = pickKnown(api, { $ref: ctx.op.requestSchemaRef }, ctx.body ?? {});
      normaliseDates(api, ctx.op.requestSchemaRef, data);
      checkRefs(ctx, def, data);
      def.create?.(ctx, data);
      const uuid = randomUUID();
      const s = ctx.store.add(def.kind, data, def.urlPath ? (u) => def.urlPath!(u, data, ctx) : undefined, uuid);
      def.afterCreate?.(ctx, s);
      const body = render(def, s, ctx);
      return { status: 201, body, headers: { Location: s.url } };
    },
    read: (ctx) => ({ status: 200, body: render(def, ctx.store.mustGet(def.kind, ctx.params.uuid!), ctx) }),
    update: (ctx) => {
      const s = ctx.store.mustGet(def.kind, ctx.params.uuid!);
      const changes = pickKnown(api, { $ref: ctx.op.requestSchemaRef }, ctx.body ?? {});
      normaliseDates(api, ctx.op.requestSchemaRef, changes);
      // as in Open Zaak's field validators: the reference must resolve before its immutability is checked
      checkRefs(ctx, def, changes);
      for (const f of def.fixedAfterCreate ?? []) {
        if (f in changes && changes[f] !== s.data[f]) throw invalid(f, 'wijzigen-niet-toegelaten', 'Dit veld mag niet gewijzigd worden.');
      }
      const data = { ...s.data, ...changes };
      def.update?.(ctx, s, data, changes);
      s.data = data;
      ctx.store.touch(def.kind);
      def.afterUpdate?.(ctx, s);
      return { status: 200, body: render(def, s, ctx) };
    },
    destroy: (ctx) => {
      const s = ctx.store.mustGet(def.kind, ctx.params.uuid!);
      def.destroy?.(ctx, s);
      ctx.store.remove(s);
      return { status: 204 };
    },
  };
}

/** `prefix_list`, `prefix_create`, … handlers of a resource, keyed `api:operationId`. */
export function standardHandlers(api: string, prefix: string, def: ResourceDef): Record<string, Handler> {
  const c = crud(def);
  return {
    [`${api}:${prefix}_list`]: c.list,
    [`${api}:${prefix}_create`]: c.create,
    [`${api}:${prefix}_read`]: c.read,
    [`${api}:${prefix}_update`]: c.update,
    [`${api}:${prefix}_partial_update`]: c.update,
    [`${api}:${prefix}_delete`]: c.destroy,
  };
}
