/**
 * OpenAPI side of the ZGW TEST DOUBLE (not Open Zaak): loads the official OAS files of Open Zaak 1.12.4 from
 * `../shared/zgw/oas`, matches request paths to operations and validates requests and responses with ajv.
 *
 * Everything here is cached at module level: the YAML is parsed once per process (and the parsed JSON is kept in
 * the OS temp folder, keyed by the file's hash, because parsing 1.4 MB of YAML takes ~1.5 s), and each
 * operation's validators are compiled on first use and then reused by every double in the process.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ZGW_SHARED_DIR = path.resolve(REPO_ROOT, '../shared/zgw');

export type ApiName = 'zaken' | 'documenten' | 'catalogi' | 'besluiten';
export const API_NAMES: ApiName[] = ['zaken', 'documenten', 'catalogi', 'besluiten'];
/** The `API-version` header Open Zaak 1.12.4 sends per API (oas/versions.json). */
export const API_VERSIONS: Record<ApiName, string> = { zaken: '1.5.1', documenten: '1.4.2', catalogi: '1.3.1', besluiten: '1.1.0' };

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface OasParameter {
  name: string;
  in: 'query' | 'path' | 'header';
  required?: boolean;
  schema?: Json;
}

export interface Operation {
  api: ApiName;
  method: string;
  /** Path template inside the API, e.g. `/zaken/{uuid}`. */
  template: string;
  operationId: string;
  parameters: OasParameter[];
  /** `#/components/schemas/X` of the request body when it is a reference. */
  requestSchemaRef?: string;
  /** The request body schema (a `$ref` or inline). */
  requestSchema?: Json;
  requestContentType?: string;
  /** The `JWT-Claims` scope expression, e.g. `(zaken.aanmaken | zaken.heropenen)`. */
  scopes?: string;
  /** status code → the response body schema (`{$ref}` or inline); undefined when the status has no body. */
  responses: Record<string, Json | undefined>;
}

export interface RouteMatch {
  op?: Operation;
  /** Methods the OAS defines on this path (for 405 and the `Allow` header). */
  methods: string[];
  template: string;
  params: Record<string, string>;
}

interface LoadedApi {
  doc: Json;
  routes: Array<{ template: string; regex: RegExp; names: string[]; ops: Record<string, Operation> }>;
}

/** The OAS file Open Zaak serves at `/<api>/api/v1/schema/openapi.yaml` (as text), or as JSON. */
export function servedOas(api: ApiName, format: 'yaml' | 'json'): string {
  if (format === 'yaml') return readFileSync(path.join(ZGW_SHARED_DIR, 'oas', `${api}.openapi.yaml`), 'utf8');
  return JSON.stringify(loadDoc(api));
}

function loadDoc(api: ApiName): Json {
  const file = path.join(ZGW_SHARED_DIR, 'oas', `${api}.openapi.yaml`);
  const text = readFileSync(file, 'utf8');
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const cache = path.join(os.tmpdir(), `zaakpoort-zgw-double-${api}-${hash}.json`);
  if (existsSync(cache)) {
    try {
      return JSON.parse(readFileSync(cache, 'utf8'));
    } catch {
      // a half-written cache from a parallel process: parse the YAML again
    }
  }
  const doc = parseYaml(text, { maxAliasCount: -1 });
  try {
    writeFileSync(`${cache}.${process.pid}`, JSON.stringify(doc));
    // rename is atomic: parallel test processes never read a half-written cache
    renameSync(`${cache}.${process.pid}`, cache);
  } catch {
    // the cache is an optimisation only
  }
  return doc;
}

const CATALOGI_GITHUB = /^https:\/\/raw\.githubusercontent\.com\/vng-Realisatie\/catalogi-api\/[^/]+\/src\/openapi\.yaml#/;

/** The expand schemas point at the Catalogi OAS on GitHub; use the local (served) Catalogi OAS instead. */
function localiseRefs(node: Json): void {
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries<Json>(node)) {
    if (k === '$ref' && typeof v === 'string' && CATALOGI_GITHUB.test(v)) node[k] = v.replace(CATALOGI_GITHUB, 'catalogi.json#');
    // the served OAS has a few `minLength: null` / `maxLength: null`: no constraint
    else if (v === null && ['minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems'].includes(k)) delete node[k];
    else localiseRefs(v);
  }
}

/** OAS 3.0 discriminated oneOf → an if/then chain, so a wrong tag gives one clear `enum` error. */
function rewriteDiscriminators(node: Json): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) rewriteDiscriminators(n);
    return;
  }
  if (node.oneOf && node.discriminator) {
    const prop: string = node.discriminator.propertyName;
    // without a mapping, the tag value is the schema name (OAS implicit mapping: GeoJSON `type`)
    const mapping: Record<string, string> =
      node.discriminator.mapping ?? Object.fromEntries(node.oneOf.map((r: Json) => [String(r.$ref).split('/').pop(), r.$ref]));
    const keys = Object.keys(mapping);
    delete node.oneOf;
    delete node.discriminator;
    node.type = 'object';
    node.required = [prop];
    node.properties = { [prop]: { type: 'string', enum: keys } };
    node.allOf = keys.map((k) => ({ if: { properties: { [prop]: { const: k } } }, then: { $ref: mapping[k] } }));
  }
  for (const v of Object.values(node)) rewriteDiscriminators(v);
  // OAS 3.0 `nullable` (honoured by ajv only next to `type`, and not inside `enum`)
  if (node.nullable === true) {
    if (Array.isArray(node.enum) && !node.enum.includes(null)) node.enum.push(null);
    if (node.type === undefined) {
      const rest = { ...node };
      delete rest.nullable;
      for (const k of Object.keys(node)) delete node[k];
      node.anyOf = [{ type: 'null' }, rest];
    }
  }
}

function schemaOf(content: Json): { schema?: Json; ref?: string; type?: string } {
  if (!content) return {};
  const [type, media] = Object.entries(content)[0] as [string, Json];
  return { schema: media?.schema, ref: media?.schema?.$ref as string | undefined, type };
}

/**
 * The served OAS is stricter than Open Zaak itself: of the 662 recorded JSON responses, 489 fail it (null for
 * readOnly dates such as `eindeObject`, `""` for blank URL/e-mail/choice fields, null objects). So that the double
 * can answer exactly as Open Zaak does, two tolerances are applied, and nothing else:
 * - requests: `""` is accepted for a string with a `format`, `pattern` or `minLength` (DRF blank values; Open Zaak
 *   accepts them and the recorder sent them);
 * - responses: additionally any property may be `null` and any string `""`, also in an `enum` (so `oneOf` of
 *   enums becomes `anyOf`).
 * Types, required fields, structure, lengths and non-empty values are still checked.
 */
function tolerate(node: Json, mode: 'request' | 'response'): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) tolerate(n, mode);
    return;
  }
  for (const v of Object.values(node)) tolerate(v, mode);
  // with "" accepted by every enum, `oneOf: [XEnum, BlankEnum]` would match twice
  if (mode === 'response' && Array.isArray(node.oneOf)) {
    node.anyOf = [...(node.anyOf ?? []), ...node.oneOf];
    delete node.oneOf;
  }
  if (node.type === 'string') {
    if (mode === 'response' && Array.isArray(node.enum) && !node.enum.includes('')) node.enum.push('');
    const strict: Json = {};
    for (const k of ['format', 'pattern', 'minLength', ...(mode === 'response' ? ['enum'] : [])]) {
      if (node[k] !== undefined) {
        strict[k] = node[k];
        delete node[k];
      }
    }
    if (Object.keys(strict).length) node.anyOf = [...(node.anyOf ?? []), { const: '' }, strict];
  }
  if (mode === 'response' && node.properties && typeof node.properties === 'object') {
    for (const [k, p] of Object.entries<Json>(node.properties)) node.properties[k] = { anyOf: [{ type: 'null' }, p] };
  }
}

let apis: Record<ApiName, LoadedApi> | undefined;
let ajv: Ajv | undefined;

function load(): Record<ApiName, LoadedApi> {
  if (apis) return apis;
  const out = {} as Record<ApiName, LoadedApi>;
  ajv = new Ajv({ strict: false, allErrors: true, verbose: true, validateSchema: false, validateFormats: true, logger: false });
  const addFormats = addFormatsModule as unknown as (a: Ajv) => void;
  addFormats(ajv);
  for (const api of API_NAMES) {
    const doc = loadDoc(api);
    rewriteDiscriminators(doc.components.schemas);
    rewriteDiscriminators(doc.paths);
    localiseRefs(doc.components.schemas);
    localiseRefs(doc.paths);
    const forRequests = structuredClone(doc.components);
    tolerate(forRequests, 'request');
    ajv.addSchema({ $id: `${api}.json`, components: forRequests }, `${api}.json`);
    const forResponses = structuredClone(doc.components);
    tolerate(forResponses, 'response');
    ajv.addSchema({ $id: `${api}-response.json`, components: JSON.parse(JSON.stringify(forResponses).replaceAll('"catalogi.json#', '"catalogi-response.json#')) }, `${api}-response.json`);
    const routes: LoadedApi['routes'] = [];
    for (const [template, item] of Object.entries<Json>(doc.paths)) {
      const names: string[] = [];
      const regex = new RegExp(
        `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, n: string) => {
          names.push(n);
          return '([^/]+)';
        })}$`,
      );
      const ops: Record<string, Operation> = {};
      for (const method of ['get', 'post', 'put', 'patch', 'delete', 'head']) {
        const o = item[method];
        if (!o) continue;
        const req = schemaOf(o.requestBody?.content);
        const responses: Record<string, Json | undefined> = {};
        for (const [status, r] of Object.entries<Json>(o.responses ?? {})) responses[status] = schemaOf(r.content).schema;
        ops[method.toUpperCase()] = {
          api,
          method: method.toUpperCase(),
          template,
          operationId: o.operationId,
          parameters: [...(item.parameters ?? []), ...(o.parameters ?? [])],
          requestSchemaRef: req.ref,
          requestSchema: req.schema,
          requestContentType: req.type,
          responses,
          scopes: o.security?.find((x: Json) => x['JWT-Claims'])?.['JWT-Claims']?.[0],
        };
      }
      routes.push({ template, regex, names, ops });
    }
    // static segments before templated ones (`/zaken/_zoek` before `/zaken/{uuid}`)
    routes.sort((a, b) => a.names.length - b.names.length);
    out[api] = { doc, routes };
  }
  apis = out;
  return out;
}

/** Parse the OAS files and prepare ajv; idempotent, cheap after the first call. */
export function loadOas(): void {
  load();
}

export function matchRoute(api: ApiName, subPath: string, method: string): RouteMatch | undefined {
  for (const r of load()[api].routes) {
    const m = r.regex.exec(subPath);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.names.forEach((n, i) => {
      params[n] = decodeURIComponent(m[i + 1] ?? '');
    });
    const methods = Object.keys(r.ops);
        // HEAD is answered by the GET handler (without a body)
    return { op: r.ops[method === 'HEAD' ? 'GET' : method], methods, template: r.template, params };
  }
  return undefined;
}

const validators = { request: new WeakMap<object, ValidateFunction>(), response: new WeakMap<object, ValidateFunction>() };

function qualifyRefs(id: string, node: Json): Json {
  if (!node || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((n) => qualifyRefs(id, n));
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${id}${v}` : qualifyRefs(id, v);
  return out;
}

/**
 * The compiled validator of an OAS schema object of an API (a `{$ref}` or inline), for requests or responses
 * (see `tolerate`); compiled once per process.
 */
export function validatorFor(api: ApiName, schema: Json, mode: 'request' | 'response' = 'request'): ValidateFunction {
  let v = validators[mode].get(schema);
  if (!v) {
    load();
    const inline = structuredClone(schema);
    tolerate(inline, mode);
    v = ajv!.compile(qualifyRefs(mode === 'response' ? `${api}-response.json` : `${api}.json`, inline));
    validators[mode].set(schema, v);
  }
  return v;
}

/** The resolved component schema (for building default-filled response objects). */
export function componentSchema(api: ApiName, ref: string): Json {
  const other = /^(\w+)\.json#/.exec(ref);
  const name = ref.replace(/^(\w+\.json)?#\/components\/schemas\//, '');
  return load()[(other?.[1] as ApiName) ?? api].doc.components.schemas[name];
}

export function resolveRef(api: ApiName, schema: Json): Json {
  let s = schema;
  while (s && s.$ref) s = componentSchema(api, s.$ref);
  return s;
}

export interface InvalidParam {
  name: string;
  code: string;
  reason: string;
}

/** ajv errors → Open Zaak style invalidParams (camelCase names, dotted paths, DRF error codes). */
export function toInvalidParams(errors: ErrorObject[] | null | undefined): InvalidParam[] {
  const out: InvalidParam[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    // combinator errors repeat their branches' errors; `const` only comes from the blank-string tolerance
    if (['if', 'allOf', 'anyOf', 'oneOf', 'const'].includes(e.keyword)) continue;
    const base = e.instancePath.split('/').filter(Boolean).join('.');
    let name = base;
    let code = 'invalid';
    let reason = e.message ?? 'Ongeldige waarde.';
    switch (e.keyword) {
      case 'required':
        name = base ? `${base}.${(e.params as { missingProperty: string }).missingProperty}` : (e.params as { missingProperty: string }).missingProperty;
        code = 'required';
        reason = 'Dit veld is vereist.';
        break;
      case 'maxLength':
        code = 'max_length';
        reason = `Zorg ervoor dat dit veld niet meer dan ${(e.params as { limit: number }).limit} karakters bevat.`;
        break;
      case 'minLength':
        code = 'blank';
        reason = 'Dit veld mag niet leeg zijn.';
        break;
      case 'enum':
        code = 'invalid_choice';
        reason = `"${String(e.data)}" is een ongeldige keuze.`;
        break;
      case 'format': {
        const f = (e.params as { format: string }).format;
        if (f === 'byte') {
          code = 'invalid-base64';
          reason = 'Het bestand is geen geldige base64-gecodeerde inhoud.';
        } else if (f === 'uri') {
          code = 'bad-url';
          reason = 'Voer een geldige URL in.';
        } else if (f === 'date') reason = 'Date heeft het verkeerde formaat, gebruik 1 van deze formaten: YYYY-MM-DD.';
        else if (f === 'date-time') reason = 'Datetime heeft een verkeerd formaat, gebruik 1 van deze formaten: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].';
        break;
      }
      case 'type':
        if (e.data === null) {
          code = 'null';
          reason = 'Dit veld mag niet leeg zijn.';
        }
        break;
      default:
        break;
    }
    const key = `${name}|${code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: name || 'nonFieldErrors', code, reason });
  }
  return out;
}

/** Validate a value against a parameter schema (query params are strings; enums and formats matter). */
export function validateParam(api: ApiName, p: OasParameter, value: string): boolean {
  const s = resolveRef(api, p.schema ?? {});
  if (!s) return true;
  if (s.enum && !s.enum.includes(value)) return false;
  // FK filters are `type: integer` in the served OAS (a generator artefact) although Open Zaak takes URLs there
  if (s.type === 'integer' && p.name === 'page' && !/^-?\d+$/.test(value)) return false;
  if (s.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  if (s.format === 'date-time' && Number.isNaN(Date.parse(value))) return false;
  if (s.format === 'uri' && !/^https?:\/\/\S+$/.test(value)) return false;
  return true;
}
