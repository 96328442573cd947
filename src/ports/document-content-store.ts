import type { Readable, Writable } from 'node:stream';

/** Content being received into the temp area. */
export interface TempContentWriter {
  readonly tempId: string;
  /** Write decoded bytes here; the stream applies back-pressure. */
  readonly stream: Writable;
  /** Flush and fsync; resolves with the size and sha256 of what was written. */
  finish(): Promise<{ size: number; sha256: string }>;
  /** Remove the temp file (idempotent). */
  abort(): Promise<void>;
}

/**
 * Where document bytes live. Content is always handled as streams, never as one buffer, so document size is
 * bounded by disk, not memory. A blob becomes visible only through persist(), which is atomic.
 */
export interface DocumentContentStore {
  createTemp(): Promise<TempContentWriter>;
  /** Atomically move finished temp content into permanent storage; returns the blobRef. */
  persist(tempId: string): Promise<string>;
  discardTemp(tempId: string): Promise<void>;
  /** Read finished temp content (e.g. to pass a received document on to another system before persisting it). */
  openTemp(tempId: string): Readable;
  open(blobRef: string): Readable;
  remove(blobRef: string): Promise<void>;
  /** Remove temp files older than maxAgeMs (left by a crash). */
  sweepTemp(maxAgeMs: number): Promise<number>;
}
