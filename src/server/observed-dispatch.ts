/**
 * Dispatch with the observers around it: the backend calls of the bericht are collected (runWithSteps), counted
 * in the metrics and handed to the watchers (message browser recorder, tracer), which see the bericht start and
 * finish. Used by the SOAP route and by the message browser's replay, so a replay is a bericht like any other.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type BerichtWatcher, watchAll } from '../observability/bericht-watch.js';
import { type BackendStep, runWithSteps } from '../observability/steps.js';
import type { ParsedRequest } from '../soap/parsed-request.js';
import type { DispatchResult } from '../zds/dispatch-result.js';
import type { Dispatcher } from '../zds/dispatcher.js';
import { httpFaults } from './http-faults.js';
import type { Metrics } from './metrics.js';

export interface DispatchInfo {
  path: string;
  headers: IncomingHttpHeaders;
  replayOf?: number;
}

export type ObservedDispatch = (parsed: ParsedRequest, info: DispatchInfo) => Promise<DispatchResult>;

export function observeDispatch(deps: {
  dispatcher: Dispatcher;
  metrics: Metrics;
  watchers: readonly BerichtWatcher[];
  onError: (err: unknown, operation: string) => void;
}): ObservedDispatch {
  const { dispatcher, metrics, watchers } = deps;
  return async (parsed, info) => {
    const watch = watchAll(watchers, { parsed, ...info, startedAt: Date.now() });
    const steps: BackendStep[] = [];
    const onStep = (step: BackendStep): void => {
      metrics.recordStep(step);
      watch.onStep?.(step);
    };
    const t0 = performance.now();
    let result: DispatchResult;
    try {
      result = await runWithSteps({ steps, onStep }, () => dispatcher.dispatch(parsed));
    } catch (err) {
      // The dispatcher should turn every failure into a fault itself; this is the last resort.
      deps.onError(err, parsed.body.local);
      result = httpFaults.internal(parsed.soapVersion);
    }
    metrics.documents('in', parsed.contents.reduce((n, c) => n + c.size, 0));
    if (result.kind === 'ok') metrics.documents('out', result.pieces.reduce((n, p) => n + (typeof p === 'string' ? 0 : p.size), 0));
    watch.finish({ result, durationMs: performance.now() - t0, steps });
    return result;
  };
}
