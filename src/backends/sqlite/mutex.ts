/** A FIFO async lock: holders may await I/O while they hold it. */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();

  /** Resolves, in call order, with the function that releases the lock. */
  lock(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const acquired = this.tail.then(() => release);
    this.tail = this.tail.then(() => released);
    return acquired;
  }

  async run<T>(fn: () => Promise<T> | T): Promise<T> {
    const release = await this.lock();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
