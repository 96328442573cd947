/**
 * The steps one bericht causes (each backend call: a ZGW HTTP call, an SQL transaction, a call to a legacy
 * zaaksysteem), collected per request. The message browser shows them in order and the tracer turns them into
 * child spans. Backends call recordStep(); outside a bericht (CLI, start-up) it does nothing.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface BackendStep {
  /** What was called: 'zgw', 'sql', 'legacy', ... */
  kind: string;
  /** Short name for lists and span names, e.g. "POST zaken /zaken" or "sqlite transaction". */
  name: string;
  method?: string;
  url?: string;
  /** HTTP status of a call over HTTP. */
  status?: number;
  /** Epoch milliseconds at the start of the call. */
  startedAt: number;
  durationMs: number;
  /** Bodies as text, already capped by the caller (document content is never included). */
  requestBody?: string;
  responseBody?: string;
  /** A short, masked description when the call failed. */
  error?: string;
  /** Extra attributes (ZGW API name, SQL statement group, ...). */
  attributes?: Record<string, string | number | boolean>;
}

export interface StepCollector {
  readonly steps: BackendStep[];
  /** Called for every recorded step, e.g. to start a span. */
  onStep?: (step: BackendStep) => void;
}

/** The collectors of the current async context, outermost first. */
const current = new AsyncLocalStorage<readonly StepCollector[]>();

/**
 * Run fn with a collector: every recordStep() in its async context lands there. Collectors nest: a step also
 * lands in the collectors of the enclosing contexts (a bench or test that watches a whole request still sees the
 * steps the message recorder collects per bericht).
 */
export function runWithSteps<T>(collector: StepCollector, fn: () => T): T {
  return current.run([...(current.getStore() ?? []), collector], fn);
}

export function recordStep(step: BackendStep): void {
  for (const c of current.getStore() ?? []) {
    c.steps.push(step);
    c.onStep?.(step);
  }
}

/** The innermost collector of the bericht being handled, if any. */
export function currentStepCollector(): StepCollector | undefined {
  return current.getStore()?.at(-1);
}
