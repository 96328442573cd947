/**
 * Keeps password checking from being a way to slow Zaakpoort down. scrypt is deliberately expensive and runs on
 * libuv's thread pool, the same threads that write and fsync document files; unbounded, a flood of wrong
 * passwords starves uploads. So:
 * - at most `maxConcurrentVerifications` checks run at once (the rest of the thread pool stays free for file
 *   I/O), at most `maxQueuedVerifications` wait; beyond that a request is answered 429 at once;
 * - a verified username + password is remembered for `verifiedCacheTtlMs` under an HMAC with a random
 *   per-process key (never the password itself), so a known client costs no scrypt and is not held up by the
 *   queue or the limits below, even during a flood;
 * - failed attempts are counted per client address and per username in a fixed window of `failureWindowMs`;
 *   past `maxFailuresPerAddress` / `maxFailuresPerUsername` further attempts are answered 429 with Retry-After
 *   without any check. A check still running counts as a failure until it succeeds, so a burst of attempts sent
 *   at once cannot get more checks past the limit than a burst sent one by one.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import pLimit, { type LimitFunction } from 'p-limit';
import type { AuthLimits } from '../config.js';

export type Throttled = { throttled: true; retryAfterSeconds: number };

interface Window {
  count: number;
  resetAt: number;
}

/** Bounded memory whatever an attacker sends: at most this many addresses / usernames are tracked. */
const MAX_TRACKED = 10_000;

export class AuthThrottle {
  private readonly key = randomBytes(32);
  private readonly verified: LRUCache<string, number[]>;
  private readonly failures: LRUCache<string, Window>;
  private readonly limit: LimitFunction;
  /** Checks running or queued per address / username key; bounded by the verification queue. */
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly limits: AuthLimits) {
    this.verified = new LRUCache({ max: 1024, ttl: limits.verifiedCacheTtlMs });
    this.failures = new LRUCache({ max: MAX_TRACKED, ttl: limits.failureWindowMs });
    this.limit = pLimit(limits.maxConcurrentVerifications);
  }

  private memo(username: string, password: string): string {
    return createHmac('sha256', this.key).update(username).update('\u0000').update(password).digest('base64');
  }

  /** The owners (indexes into the sender list) remembered for these credentials, if verified recently. */
  remembered(username: string, password: string): number[] | undefined {
    return this.verified.get(this.memo(username, password));
  }

  remember(username: string, password: string, owners: number[]): void {
    this.verified.set(this.memo(username, password), owners);
  }

  /** Refused before any check: too many recent failures from this address or for this username. */
  blocked(address: string, username: string): Throttled | undefined {
    const now = Date.now();
    const over = (key: string, max: number): number | undefined => {
      const w = this.failures.get(key);
      const failed = w && w.resetAt > now ? w.count : 0;
      if (failed + (this.inFlight.get(key) ?? 0) < max) return undefined;
      return w && w.resetAt > now ? w.resetAt : now + 1000;
    };
    const until = Math.max(over(`a:${address}`, this.limits.maxFailuresPerAddress) ?? 0, over(`u:${username}`, this.limits.maxFailuresPerUsername) ?? 0);
    return until > 0 ? { throttled: true, retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) } : undefined;
  }

  recordFailure(address: string, username: string): void {
    const now = Date.now();
    for (const key of [`a:${address}`, `u:${username}`]) {
      const w = this.failures.get(key);
      if (w && w.resetAt > now) w.count++;
      else this.failures.set(key, { count: 1, resetAt: now + this.limits.failureWindowMs });
    }
  }

  /**
   * Run a check for this address and username within the concurrency bound; a full queue is answered at once
   * instead of waiting. While it runs it counts against both limits (see `blocked`).
   */
  async verify<T>(address: string, username: string, check: () => Promise<T>): Promise<T | Throttled> {
    if (this.limit.pendingCount >= this.limits.maxQueuedVerifications) return { throttled: true, retryAfterSeconds: 1 };
    const keys = [`a:${address}`, `u:${username}`];
    for (const k of keys) this.inFlight.set(k, (this.inFlight.get(k) ?? 0) + 1);
    try {
      return await this.limit(check);
    } finally {
      for (const k of keys) {
        const n = (this.inFlight.get(k) ?? 1) - 1;
        if (n <= 0) this.inFlight.delete(k);
        else this.inFlight.set(k, n);
      }
    }
  }
}

export function isThrottled(v: unknown): v is Throttled {
  return typeof v === 'object' && v !== null && (v as Throttled).throttled === true;
}
