/**
 * ZGW TEST DOUBLE: an in-process, in-memory stand-in (large document content in temp files) for Open Zaak 1.12.4
 * (Zaken 1.5, Documenten 1.4, Catalogi 1.3, Besluiten 1.1) for the tests of Zaakpoort's ZGW backend. It is NOT
 * Open Zaak: it implements the behaviour the recordings in ../shared/zgw/recordings show (checked by
 * replay.test.ts) and validates every request and every response against the official OAS files. The
 * acceptance run of the ZGW backend uses a real Open Zaak.
 *
 * Usage:
 *   const zgw = await startZgwDouble();
 *   const cat = await zgw.seed({ zaaktypen: [{ identificatie: 'B1026', statustypen: ['Ontvangen', 'Afgehandeld'] }] });
 *   … point the backend at zgw.roots with zgw.clientId / zgw.secret …
 *   assert.deepEqual(zgw.violations, []);
 *   await zgw.close();
 */
import { randomBytes } from 'node:crypto';
import { besluitenDefs, besluitenHandlers } from './besluiten.js';
import { type SelectielijstEntry, catalogiDefs, catalogiHandlers } from './catalogi.js';
import { DEFAULT_CHUNK_SIZE, documentenDefs, documentenHandlers } from './documenten.js';
import type { Faults } from './faults.js';
import { loadOas } from './oas.js';
import { type Ctx, type ResourceDef, render } from './resource.js';
import { type Seeded, type SeedSpec, runSeed } from './seed.js';
import { DoubleServer, type RecordedRequest, type Violation } from './server.js';
import { type Client, Store } from './store.js';
import { zakenDefs, zakenHandlers } from './zaken.js';

export type { Fault, FaultAction, FaultSpec, Faults } from './faults.js';
export type { Seeded, SeededZaaktype, SeedSpec, SeedZaaktype } from './seed.js';
export type { RecordedRequest, Violation } from './server.js';
export type { SelectielijstEntry } from './catalogi.js';
export { makeJwt } from './jwt.js';

/** A client (Applicatie) the double accepts. */
export interface ZgwClientSpec {
  clientId: string;
  secret: string;
  /** `heeftAlleAutorisaties`: every scope. */
  allScopes?: boolean;
  /** Scopes when not all, e.g. the translator-like set without `zaken.geforceerd-bijwerken`. */
  scopes?: string[];
  /**
   * Zaaktype URLs the client is authorised for in the Zaken API (the Autorisaties `zaaktype` of component zrc);
   * omitted: all. Zaken of other zaaktypen are invisible to it and cannot be created (zaaktype `does_not_exist`).
   */
  zaaktypen?: string[];
}

export interface ZgwDoubleOptions {
  /** DOCUMENTEN_UPLOAD_CHUNK_SIZE: bestandsdeel size (default 4 GiB, Open Zaak's default: one part). */
  chunkSize?: number;
  /** Extra clients; the default all-scopes client (`clientId`/`secret`) always exists. */
  clients?: ZgwClientSpec[];
  /** The double's clock in ms (default `Date.now`): "today", server timestamps and the JWT `iat` checks use it. */
  now?: () => number;
  /**
   * Validate request and response bodies against the OAS (default true). Only a benchmark that measures Zaakpoort's
   * own time should switch it off; then no body violation is checked or recorded.
   */
  validate?: boolean;
}

/** The scopes of the restricted "translator-like" Applicatie of the recordings (README "Restricted clients"). */
export const TRANSLATOR_SCOPES = [
  'zaken.lezen', 'zaken.aanmaken', 'zaken.bijwerken', 'zaken.statussen.toevoegen', 'zaken.verwijderen',
  'documenten.lezen', 'documenten.aanmaken', 'documenten.bijwerken', 'documenten.verwijderen', 'documenten.lock',
  'catalogi.lezen',
  'besluiten.lezen', 'besluiten.aanmaken', 'besluiten.bijwerken', 'besluiten.verwijderen',
];

export interface ZgwDouble {
  /** `http://127.0.0.1:<port>` (stays the same across `faults.setReachable(false/true)`). */
  readonly baseUrl: string;
  /** The API roots, e.g. `roots.zaken` = `<baseUrl>/zaken/api/v1`. */
  readonly roots: { zaken: string; documenten: string; catalogi: string; besluiten: string };
  /** Client id of the default all-scopes client. */
  readonly clientId: string;
  /** JWT (HS256) secret of the default all-scopes client. */
  readonly secret: string;
  /** Add (or replace) a client, e.g. one without `zaken.geforceerd-bijwerken`. */
  addClient(client: ZgwClientSpec): void;
  /** Build a published catalogus with zaaktypen from a compact spec, in memory (through the same rules as the API). */
  seed(spec: SeedSpec): Promise<Seeded>;
  /**
   * A call through the API's rules in process, as the default client (no HTTP, not in `requests`, no faults): bulk
   * test data, e.g. `call('POST', '/zaken/api/v1/zaken', body)` a thousand times.
   */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Fault injection: fail / time out / lose the response of the n-th matching call; make the double unreachable. */
  readonly faults: Faults;
  /** Every call received, in order (method, path, query, body, status); `requests.length = 0` or `reset()` clears it. */
  readonly requests: RecordedRequest[];
  /** OAS violations: requests the backend sent that break the OAS, and responses of the double that do (a bug here). */
  readonly violations: Violation[];
  /** What the Selectielijst API would answer for a resultaat(type)omschrijving URL (archiefnominatie, termijn). */
  readonly selectielijst: Map<string, SelectielijstEntry>;
  /** URL prefixes of external objects (zaakobject.object) the double treats as reachable (Open Zaak GETs them). */
  readonly externalObjects: string[];
  /** Bestandsdeel size used for new large uploads (can be changed at run time). */
  chunkSize: number;
  /**
   * How many resources each collection holds now, keyed `api/collection` (e.g. `zaken/rollen`,
   * `documenten/enkelvoudiginformatieobjecten`); empty collections are left out. For compensation tests: after a
   * failed ZDS operation no half-made zaak may remain.
   */
  counts(): Record<string, number>;
  /** The resources of a collection (`api/collection`) as the API would answer them, oldest first, without HTTP. */
  objects(kind: string): unknown[];
  /** Forget all data, requests, violations and faults (clients and chunk size stay). */
  reset(): void;
  /** Stop the server; held (timed-out) responses and open connections are destroyed, content files removed. */
  close(): Promise<void>;
}

function allDefs(selectielijst: Map<string, SelectielijstEntry>): Map<string, ResourceDef> {
  const defs = new Map<string, ResourceDef>();
  for (const d of [...catalogiDefs(selectielijst), ...zakenDefs(), ...documentenDefs(), ...besluitenDefs()]) defs.set(d.kind, d);
  return defs;
}

function toClient(c: ZgwClientSpec): Client {
  return { clientId: c.clientId, secret: c.secret, allScopes: c.allScopes ?? false, scopes: new Set(c.scopes ?? []), zaaktypen: c.zaaktypen ? new Set(c.zaaktypen) : undefined };
}

/** Start a ZGW test double on 127.0.0.1 (ephemeral port). */
export async function startZgwDouble(opts: ZgwDoubleOptions = {}): Promise<ZgwDouble> {
  loadOas();
  const selectielijst = new Map<string, SelectielijstEntry>();
  const defs = allDefs(selectielijst);
  const store = new Store('', opts.now ?? Date.now);
  const clients = new Map<string, Client>();
  const main: Client = { clientId: 'zaakpoort-zgw-double', secret: randomBytes(24).toString('hex'), allScopes: true, scopes: new Set() };
  clients.set(main.clientId, main);
  for (const c of opts.clients ?? []) clients.set(c.clientId, toClient(c));
  const state = { chunkSize: opts.chunkSize ?? DEFAULT_CHUNK_SIZE };
  const handlers = {
    ...catalogiHandlers([...defs.values()].filter((d) => d.kind.startsWith('catalogi/'))),
    ...zakenHandlers(defs),
    ...documentenHandlers(defs),
    ...besluitenHandlers(defs),
  };
  const server = new DoubleServer({ store, clients, handlers, chunkSize: () => state.chunkSize, validate: opts.validate ?? true });
  await server.listen();
  store.base = server.base;
  const faults = server.faultsApi();
  return {
    baseUrl: server.base,
    roots: {
      zaken: `${server.base}/zaken/api/v1`,
      documenten: `${server.base}/documenten/api/v1`,
      catalogi: `${server.base}/catalogi/api/v1`,
      besluiten: `${server.base}/besluiten/api/v1`,
    },
    clientId: main.clientId,
    secret: main.secret,
    addClient: (c) => {
      clients.set(c.clientId, toClient(c));
    },
    seed: (spec) =>
      runSeed(spec, async (method, path, body) => {
        const r = await server.invoke(method, path, body, main);
        return { status: r.status, body: r.body };
      }),
    call: async (method, path, body) => {
      const r = await server.invoke(method, path, body, main);
      return { status: r.status, body: r.body };
    },
    faults,
    requests: server.requests,
    violations: server.violations,
    selectielijst,
    externalObjects: store.externalObjects,
    get chunkSize() {
      return state.chunkSize;
    },
    set chunkSize(n: number) {
      state.chunkSize = n;
    },
    counts: () => Object.fromEntries(store.kinds().sort().map((k) => [k, store.all(k).length])),
    objects: (kind) => {
      const def = defs.get(kind);
      if (!def) throw new Error(`zgw-double: unknown collection ${kind} (use api/collection, e.g. zaken/rollen)`);
      const ctx = { store, client: main, can: () => true } as unknown as Ctx;
      return store.all(kind).sort((a, b) => a.seq - b.seq).map((s) => render(def, s, ctx));
    },
    reset: () => {
      store.clear();
      server.requests.length = 0;
      server.violations.length = 0;
      faults.clear();
    },
    close: async () => {
      await server.stop();
      store.files.clear();
    },
  };
}
