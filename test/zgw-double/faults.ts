/**
 * Fault injection of the ZGW TEST DOUBLE, for the ZGW backend's failure and compensation tests.
 */

/** What an injected fault does to a matching call. */
export type FaultAction =
  /** Answer with this status and body without processing the call (a 500, or a 400 with invalidParams). */
  | { type: 'status'; status: number; body?: unknown }
  /** Never answer: the response is held until the client gives up (or the double is closed). */
  | { type: 'timeout' }
  /**
   * Process the call (it takes effect) but lose the answer: `destroy` closes the socket without a response,
   * `status` answers with that status (default 500) instead of the real answer, `hold` never answers (the client
   * waits: a process killed meanwhile has made the change without ever hearing of it).
   */
  | { type: 'lose-response'; mode?: 'destroy' | 'status' | 'hold'; status?: number }
  /** A slow server: wait `ms` before processing the call, then answer it as usual. */
  | { type: 'delay'; ms: number };

export interface FaultSpec {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Regular expression (or substring) tested against the request path without the query, e.g. `/zaken/api/v1/rollen$`. */
  path: RegExp | string;
  /** Fail the n-th matching call (1-based, counted from when the fault is added). Default 1. */
  nth?: number;
  /** How many consecutive matching calls fail from the n-th on. Default 1; `Infinity` for every one. */
  times?: number;
  action: FaultAction;
}

export interface Fault extends FaultSpec {
  /** Matching calls seen so far. */
  seen: number;
  /** Calls this fault has made fail. */
  fired: number;
}

/** The fault injection API of a double (`double.faults`). */
export interface Faults {
  /** Add a fault; returns it (its `fired` count shows whether it triggered). */
  add(spec: FaultSpec): Fault;
  /** Shorthand: the n-th call of `method` on `path` answers `status` with `body`. */
  failNth(method: string, path: RegExp | string, nth: number, status: number, body?: unknown): Fault;
  /** Shorthand: the n-th matching call is processed but its response is lost. */
  loseResponse(method: string, path: RegExp | string, nth?: number, mode?: 'destroy' | 'status' | 'hold'): Fault;
  /** Shorthand: every matching call (from the n-th on, `times` of them) waits `ms` before it is processed. */
  delay(method: string, path: RegExp | string, ms: number, opts?: { nth?: number; times?: number }): Fault;
  /** Shorthand: the n-th matching call never gets an answer. */
  timeout(method: string, path: RegExp | string, nth?: number): Fault;
  /** Remove every fault. */
  clear(): void;
  /** The faults currently installed. */
  readonly list: readonly Fault[];
  /** Make the whole double unreachable (connections refused, open ones destroyed) or reachable again. */
  setReachable(reachable: boolean): Promise<void>;
  /** Whether the double currently accepts connections. */
  readonly reachable: boolean;
}

export class FaultTable {
  readonly faults: Fault[] = [];

  add(spec: FaultSpec): Fault {
    const f: Fault = { nth: 1, times: 1, ...spec, seen: 0, fired: 0 };
    this.faults.push(f);
    return f;
  }

  /** The action for this call, if a fault fires on it (counts the call on every matching fault). */
  match(method: string, path: string): FaultAction | undefined {
    let action: FaultAction | undefined;
    for (const f of this.faults) {
      if (f.method && f.method.toUpperCase() !== method) continue;
      const hit = typeof f.path === 'string' ? path.includes(f.path) : f.path.test(path);
      if (!hit) continue;
      f.seen++;
      const first = f.nth ?? 1;
      if (!action && f.seen >= first && f.seen < first + (f.times ?? 1)) {
        f.fired++;
        action = f.action;
      }
    }
    return action;
  }
}
