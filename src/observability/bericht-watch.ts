/**
 * What the server tells observers about each bericht it dispatches (the message browser's recorder, the tracer):
 * start() before dispatch, every backend step while it runs, finish() with the result. Observers never delay
 * or change the answer; finish() must not throw.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ParsedRequest } from '../soap/parsed-request.js';
import type { DispatchResult } from '../zds/dispatch-result.js';
import type { BackendStep } from './steps.js';

export interface BerichtStart {
  parsed: ParsedRequest;
  /** The path posted to (/zds, /zds/<port>), or "replay" for a replay from the message browser. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Epoch ms. */
  startedAt: number;
  /** Set for a replay: the id of the bericht it repeats. */
  replayOf?: number;
  /** The trace this bericht is part of, when a tracer watches it (set by watchAll for the watchers after it). */
  traceId?: string;
}

export interface BerichtEnd {
  result: DispatchResult;
  durationMs: number;
  steps: readonly BackendStep[];
}

export interface BerichtWatch {
  onStep?(step: BackendStep): void;
  finish(end: BerichtEnd): void;
  /** Trace id, when a tracer is watching (shown in the message browser). */
  traceId?: string;
}

export interface BerichtWatcher {
  start(bericht: BerichtStart): BerichtWatch;
}

/** One watch that forwards to all; the tracer goes first so the recorder can note its trace id. */
export function watchAll(watchers: readonly BerichtWatcher[], bericht: BerichtStart): BerichtWatch {
  const watches: BerichtWatch[] = [];
  let traceId: string | undefined;
  for (const w of watchers) {
    const watch = w.start(traceId ? { ...bericht, traceId } : bericht);
    traceId ??= watch.traceId;
    watches.push(watch);
  }
  return {
    ...(traceId ? { traceId } : {}),
    onStep: (step) => {
      for (const w of watches) w.onStep?.(step);
    },
    finish: (end) => {
      for (const w of watches) w.finish(end);
    },
  };
}
