/**
 * Response shapes of the ZGW TEST DOUBLE: Open Zaak returns every field of a resource, with `""` for empty
 * strings, `null` for empty nullable values and optional objects, `[]` for lists (README §7). Rather than listing
 * the fields of each resource by hand, the double fills what it does not set from the response schema in the OAS.
 */
import { type ApiName, resolveRef } from './oas.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const propsCache = new WeakMap<object, Map<string, Record<string, Json>>>();

/** The discriminator value that selects the if/then branch of `s` (or '' when it has none). */
function branchKey(s: Json, value: Json): string {
  const part = (s.allOf ?? []).find((p: Json) => p.if && p.then);
  if (!part) return '';
  const prop = Object.keys(part.if.properties)[0]!;
  return String(value?.[prop] ?? '');
}

/** Flatten allOf (and the discriminator if/then chains made by oas.ts) into one properties map (cached). */
function propertiesOf(api: ApiName, schema: Json, value: Json): Record<string, Json> {
  const s = resolveRef(api, schema);
  if (!s) return {};
  const key = branchKey(s, value);
  let byKey = propsCache.get(s);
  if (!byKey) propsCache.set(s, (byKey = new Map()));
  let props = byKey.get(key);
  if (!props) byKey.set(key, (props = computeProperties(api, s, value)));
  return props;
}

function computeProperties(api: ApiName, s: Json, value: Json): Record<string, Json> {
  let props: Record<string, Json> = { ...(s.properties ?? {}) };
  for (const part of s.allOf ?? []) {
    if (part.if && part.then) {
      const [prop, cond] = Object.entries<Json>(part.if.properties)[0]!;
      if (value && value[prop] === cond.const) props = { ...props, ...propertiesOf(api, part.then, value) };
      continue;
    }
    props = { ...props, ...propertiesOf(api, part, value) };
  }
  for (const part of s.anyOf ?? []) {
    if (part.type === 'null') continue;
    props = { ...props, ...propertiesOf(api, part, value) };
  }
  return props;
}

function isNullable(api: ApiName, schema: Json): boolean {
  if (!schema) return true;
  if (schema.nullable) return true;
  if (schema.anyOf?.some((p: Json) => p.type === 'null')) return true;
  const r = schema.$ref ? resolveRef(api, schema) : undefined;
  return r ? isNullable(api, r) : false;
}

/** Through `$ref`, single-item `allOf` and the non-null branch of `anyOf` to the schema that has the content. */
function unwrap(api: ApiName, schema: Json): Json {
  let s = resolveRef(api, schema);
  for (let i = 0; i < 10 && s; i++) {
    if (s.properties || s.type) return s;
    if (s.allOf?.length === 1) s = resolveRef(api, s.allOf[0]);
    else if (s.anyOf) s = resolveRef(api, s.anyOf.find((x: Json) => x.type !== 'null'));
    else return s;
  }
  return s;
}

/** Does this schema (through $ref/allOf/anyOf/oneOf) describe a choice (enum) field? */
function isChoice(api: ApiName, schema: Json, depth = 0): boolean {
  const s = resolveRef(api, schema);
  if (!s || depth > 5) return false;
  if (Array.isArray(s.enum)) return true;
  return [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])].some((x: Json) => isChoice(api, x, depth + 1));
}

/** Nullable gegevensgroepen Open Zaak answers as null when empty (others come back as objects with "" fields). */
const NULL_WHEN_EMPTY = new Set(['verlenging', 'verblijfsadres', 'subVerblijfBuitenland', 'zaakgeometrie', 'objectTypeOverigeDefinitie', 'objectIdentificatie', 'betrokkeneIdentificatie', 'zaakobjecttype']);

/** OAS properties Open Zaak 1.12.4 does not return (they are in the served OAS, not in any recorded answer). */
const NOT_RETURNED = new Set(['broncatalogus', 'bronzaaktype']);

const emptyCache = new WeakMap<object, Map<string, Json>>();

/** The value Open Zaak answers for a field that has no value (README §7, measured on the recordings); cached. */
function emptyValue(api: ApiName, schema: Json, name: string): Json {
  let byName = emptyCache.get(schema);
  if (!byName) emptyCache.set(schema, (byName = new Map()));
  if (!byName.has(name)) byName.set(name, computeEmpty(api, schema, name));
  const v = byName.get(name);
  return v !== null && typeof v === 'object' ? structuredClone(v) : v;
}

function computeEmpty(api: ApiName, schema: Json, name: string): Json {
  if (isChoice(api, schema)) return '';
  const s = resolveRef(api, schema) ?? {};
  const objectPart = unwrap(api, schema);
  if (objectPart?.properties) return NULL_WHEN_EMPTY.has(name) ? null : fillShape(api, objectPart, {});
  const type = s.type;
  if (type === 'array') return [];
  if (type === 'string') {
    if (NULL_WHEN_EMPTY.has(name)) return null;
    if (s.format === 'date' || s.format === 'date-time' || s.format === 'duration') return null;
    return isNullable(api, schema) ? null : '';
  }
  if (type === 'boolean') return isNullable(api, schema) ? null : false;
  return null;
}

/** `value` with every property of `schema` it lacks set to its empty value (recursively for objects). */
export function fillShape(api: ApiName, schema: Json, value: Json): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const props = propertiesOf(api, schema, value);
  const out: Json = {};
  for (const [name, p] of Object.entries<Json>(props)) {
    if ((p.writeOnly && !(name in value)) || NOT_RETURNED.has(name)) continue;
    if (name in value) {
      const v = value[name];
      const inner = unwrap(api, p);
      if (v && typeof v === 'object' && !Array.isArray(v) && inner?.properties) out[name] = fillShape(api, inner, v);
      else if (Array.isArray(v) && inner?.items && resolveRef(api, inner.items)?.properties) out[name] = v.map((x: Json) => fillShape(api, inner.items, x));
      else out[name] = v;
    } else out[name] = emptyValue(api, p, name);
  }
  // keep extra keys the double sets on purpose: `_expand`, and the EIO `lock` Open Zaak answers ("" or the lock)
  for (const [k, v] of Object.entries(value)) if (!(k in out) && (k === '_expand' || k === 'lock')) out[k] = v;
  return out;
}

/** Keep only the properties the (request) schema defines: Open Zaak ignores unknown body fields. */
export function pickKnown(api: ApiName, schema: Json, value: Json): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const props = propertiesOf(api, schema, value);
  const out: Json = {};
  for (const k of Object.keys(value)) if (k in props) out[k] = value[k];
  return out;
}
