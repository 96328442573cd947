/**
 * The SQL backends' calls as steps of the bericht: a ZaakStore wrapper that records every read outside a
 * transaction as one step, and every transaction as one step (a statement group) naming the calls made in it.
 * Backends that make calls of their own (ZGW over HTTP) record those themselves and are not wrapped.
 */
import type { StoreWriter, ZaakStore } from '../ports/zaak-store.js';
import { currentStepCollector, recordStep } from './steps.js';

const MAX_CALLS_NAMED = 50;

export function recordingStore(store: ZaakStore, backendName: string): ZaakStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (prop === 'transaction') {
        return (fn: (tx: StoreWriter) => Promise<unknown>) => {
          if (!currentStepCollector()) return method.call(target, fn);
          const calls: string[] = [];
          const startedAt = Date.now();
          const t0 = performance.now();
          const step = (error?: string) =>
            recordStep({
              kind: 'sql',
              name: `${backendName} transaction`,
              startedAt,
              durationMs: performance.now() - t0,
              attributes: { operation: `${backendName} transaction`, statements: calls.length, calls: calls.slice(0, MAX_CALLS_NAMED).join(', ') },
              ...(error ? { error } : {}),
            });
          return settled(method.call(target, (tx: StoreWriter) => fn(countingWriter(tx, calls))), step);
        };
      }
      if (prop === 'ping' || prop === 'close') return method.bind(target);
      return (...args: unknown[]) => {
        if (!currentStepCollector()) return method.apply(target, args);
        const startedAt = Date.now();
        const t0 = performance.now();
        const done = (error?: string) =>
          recordStep({ kind: 'sql', name: `${backendName} ${prop}`, startedAt, durationMs: performance.now() - t0, attributes: { operation: `${backendName} ${prop}` }, ...(error ? { error } : {}) });
        return settled(method.apply(target, args), done);
      };
    },
  });
}

/** The call's own result, after telling `done` how it ended (the error's type only: messages may quote content). */
function settled(result: unknown, done: (error?: string) => void): Promise<unknown> {
  return Promise.resolve(result).then(
    (v) => {
      done();
      return v;
    },
    (e: unknown) => {
      done(e instanceof Error ? e.name : 'error');
      throw e;
    },
  );
}

/** The transaction's writer, noting the name of each call made through it. */
function countingWriter(tx: StoreWriter, calls: string[]): StoreWriter {
  return new Proxy(tx, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        calls.push(prop);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
