/**
 * Test double of an outage of the new side: a wrapper around a real backend whose store calls fail while
 * `down` is set. The message log (getLoggedMessage), ping and close keep working, as Zaakpoort's own state does
 * next to a ZGW system that is down.
 */
import type { Backend } from '../../src/ports/index.js';
import type { ZaakStore } from '../../src/ports/zaak-store.js';

export interface Outage {
  down: boolean;
  wrap(backend: Backend): Backend;
}

const KEEP = new Set<PropertyKey>(['getLoggedMessage', 'close', 'ping']);

export function outage(): Outage {
  const state: Outage = {
    down: false,
    wrap(backend) {
      const store = new Proxy(backend.store, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver) as unknown;
          if (typeof v !== 'function') return v;
          return (...args: unknown[]) => {
            if (state.down && !KEEP.has(prop)) return Promise.reject(new Error('nieuwe kant tijdelijk niet bereikbaar (testdubbel)'));
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      }) as ZaakStore;
      return { ...backend, store, close: () => backend.close() };
    },
  };
  return state;
}
