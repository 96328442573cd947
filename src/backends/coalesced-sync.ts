/**
 * One flush (an fsync) shared by everyone who asks while it is pending. A caller gets a flush that starts after
 * its request, so it covers whatever the caller wrote before asking; callers arriving while one runs (it may have
 * started before their write) share the next one, which starts when the running one ends. A flush asked for
 * while none runs starts at the end of the current tick, so writers of the same tick share it too. A failed flush
 * is its own callers' to hear; the next one covers what it should have.
 */
export class CoalescedSync {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly flush: () => Promise<void>) {}

  /** Resolves once a flush that started after this call has finished (rejects when it failed). */
  request(): Promise<void> {
    this.next ??= (this.running?.catch(() => undefined) ?? Promise.resolve()).then(() => {
      this.next = undefined;
      return this.start();
    });
    return this.next;
  }

  /** No flush running or asked for. */
  get idle(): boolean {
    return this.next === undefined && this.running === undefined;
  }

  /** Waits until every flush asked for has ended (whatever its outcome). */
  async settled(): Promise<void> {
    while (this.next ?? this.running) await (this.next ?? this.running)!.catch(() => undefined);
  }

  private start(): Promise<void> {
    const running = this.flush().finally(() => {
      if (this.running === running) this.running = undefined;
    });
    this.running = running;
    return running;
  }
}
