/**
 * The backends the conformance suites run on: the embedded SQLite store, and the ZGW backend in front of the
 * ZGW TEST DOUBLE (test/zgw-double: an in-process, OAS-validating stand-in for Open Zaak, not Open Zaak) with
 * the fixtures' catalogue seeded (zgw-catalogue.ts). Every request the ZGW backend sends is checked against the
 * official OAS by the double; `check()` fails on the first violation.
 */
import assert from 'node:assert/strict';
import type { Config } from '../../src/config.js';
import { type ZgwDouble, startZgwDouble } from '../zgw-double/index.js';
import { settingsFor } from '../zgw/helpers.js';
import { FIXTURE_CATALOGUE, FIXTURE_PROFILES } from './zgw-catalogue.js';

export interface ConformanceBackend {
  /** For test names: "sqlite", "zgw (test double)". */
  readonly label: string;
  readonly kind: 'sqlite' | 'zgw';
  /** Start what the backend needs (once per suite). */
  start(): Promise<void>;
  /** A fresh, empty backend (with its catalogue) and the config overrides that make a Zaakpoort use it. */
  fresh(): Promise<Partial<Config>>;
  /** Fails when the backend was sent something invalid (the ZGW double's OAS check). */
  check(): void;
  stop(): Promise<void>;
}

export const sqliteBackend = (): ConformanceBackend => ({
  label: 'sqlite',
  kind: 'sqlite',
  start: async () => {},
  fresh: async () => ({}),
  check: () => {},
  stop: async () => {},
});

export function zgwBackend(): ConformanceBackend {
  let double: ZgwDouble | undefined;
  const running = (): ZgwDouble => {
    assert.ok(double, 'ZGW test double not started');
    return double;
  };
  return {
    label: 'zgw (test double)',
    kind: 'zgw',
    async start() {
      double = await startZgwDouble();
    },
    async fresh() {
      const d = running();
      d.reset();
      await d.seed(FIXTURE_CATALOGUE);
      return { backend: { kind: 'zgw', ...settingsFor(d, { profiles: FIXTURE_PROFILES }) } };
    },
    check() {
      assert.deepEqual(running().violations, [], 'every request Zaakpoort sent to the ZGW test double is valid against the OAS');
    },
    async stop() {
      await double?.close();
      double = undefined;
    },
  };
}

/** Both, in the order the suites report them. */
export const CONFORMANCE_BACKENDS = (): ConformanceBackend[] => [sqliteBackend(), zgwBackend()];
