/**
 * Gives memory back after a burst of berichten (issue 14). Under load V8 lets its old generation grow to several
 * times what is live and keeps the emptied pages when the load stops: measured, `npm start` stayed at ~300 MB RSS
 * for as long as it was left idle, with ~30 MB live. One full collection once the server has been quiet for
 * `idleCollectAfterMs` returns those pages (~300 → ~180 MB in the memory bench). Nothing waits for it but a
 * request that happens to arrive while it runs (60 ms for the 133 MB heap the memory bench's load left).
 *
 * Quiet means: no HTTP request in progress on the server (any route, uploads included) for that long. The
 * collection runs only when the V8 heap grew by at least `minGrowthBytes` since the last one, so light traffic
 * that never grows the heap never pays for it. The first quiet period after start-up collects too: what loading
 * the schemas and modules left (RSS of an idle server ~162 → ~152 MB).
 */
import type { Server } from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';

/** A full, memory-reducing collection of the V8 heap. */
export type FullCollection = () => void;

/**
 * V8's own collector, the way `--expose-gc` offers it, without starting node with that flag: the flag is set for
 * contexts made from now on and the function is taken from a fresh context (the main context gets no `gc` global).
 * Undefined where the runtime refuses.
 */
export function v8FullCollection(): FullCollection | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    if (typeof gc !== 'function') return undefined;
    // 'last-resort': the collection V8 itself runs before giving up on memory; it also releases pooled pages.
    return () => (gc as (o: object) => void)({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  } catch {
    return undefined;
  }
}

export interface IdleCollectorOptions {
  /** How long the server must be without requests before the collection (ms). */
  quietMs: number;
  /** Heap growth since the last collection (bytes) below which a quiet period does not collect. */
  minGrowthBytes: number;
  collect: FullCollection;
  /** The V8 heap's committed size now (bytes). */
  heapBytes: () => number;
  /** Told after each collection: heap before and after (bytes), and how long it took (ms). */
  onCollected?: (before: number, after: number, ms: number) => void;
}

export class IdleCollector {
  private active = 0;
  /** When the last request ended (Date.now()); the quiet period runs from here. */
  private lastEnd = Date.now();
  /** At most one timer at a time: requests only move lastEnd, so none of them creates or clears a timer. */
  private timer: NodeJS.Timeout | undefined;
  /** Heap size after the last collection; 0 at first, so the first quiet period also collects what start-up left. */
  private heapAfterLast = 0;
  private stopped = false;
  /** Collections run so far (for the metrics and the tests). */
  collections = 0;

  constructor(private readonly opts: IdleCollectorOptions) {}

  /**
   * Count the requests of an HTTP server, each from its arrival until its response is closed; the quiet period
   * starts now (start-up leaves ~10 MB of heap that the first collection gives back).
   */
  watch(server: Server): void {
    server.on('request', (_req, res) => {
      this.requestStarted();
      res.once('close', () => this.requestEnded());
    });
    this.lastEnd = Date.now();
    this.arm(this.opts.quietMs);
  }

  requestStarted(): void {
    this.active++;
  }

  requestEnded(): void {
    this.active = Math.max(0, this.active - 1);
    if (this.active > 0) return;
    this.lastEnd = Date.now();
    if (!this.timer) this.arm(this.opts.quietMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.check(), ms);
    this.timer.unref();
  }

  /** The timer fired: collect if the quiet period is complete, else wait for the rest of it (or the next end). */
  private check(): void {
    this.timer = undefined;
    if (this.active > 0 || this.stopped) return; // the request's end arms the timer again
    const left = this.lastEnd + this.opts.quietMs - Date.now();
    if (left > 0) this.arm(left);
    else this.quiet();
  }

  private quiet(): void {
    const before = this.opts.heapBytes();
    if (before - this.heapAfterLast < this.opts.minGrowthBytes) return;
    const t0 = performance.now();
    this.opts.collect();
    const ms = performance.now() - t0;
    this.heapAfterLast = this.opts.heapBytes();
    this.collections++;
    this.opts.onCollected?.(before, this.heapAfterLast, ms);
  }
}

/** The V8 heap's committed size (what RSS holds of it). */
export const v8HeapBytes = (): number => v8.getHeapStatistics().total_heap_size;
