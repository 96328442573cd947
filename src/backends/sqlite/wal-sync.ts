/**
 * The fsync of a commit, off the main thread. The writer connection runs with synchronous=NORMAL (in WAL mode
 * SQLite then writes the commit to the WAL file without syncing it), and after every COMMIT the WAL file is
 * fdatasync'ed on libuv's thread pool while the event loop goes on reading and validating the next berichten.
 * Nobody is told "committed" before that sync has finished, so an acknowledged message survives a power cut as
 * with synchronous=FULL (which does the same sync, but on the main thread inside COMMIT).
 *
 * Two rules keep plain reads (the reader connection) from ever seeing data that is not durable yet: at most one
 * commit is unsynced at any time (a COMMIT waits for the previous commit's sync), and a read that arrives while a
 * commit is unsynced waits for its sync. When a sync finishes the waiting reads run first, then the next COMMIT,
 * so reads never starve under a stream of writes.
 *
 * WalGroupSync (below) is the same sync for a writer without such readers (the ZGW journal), shared by commits.
 *
 * SQLite's own syncs stay where they are: a checkpoint (every ~1000 WAL pages) syncs the WAL and the database
 * file inside the COMMIT that triggers it, as with synchronous=FULL.
 */
import { closeSync, fdatasync, openSync } from 'node:fs';
import { CoalescedSync } from '../coalesced-sync.js';

/** Flush a file's data to stable storage (fdatasync on the thread pool; a test double in tests). */
export type SyncFile = (fd: number) => Promise<void>;

export const fdatasyncOffThread: SyncFile = (fd) =>
  new Promise((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));

interface Waiter {
  promise: Promise<void>;
  resolve: () => void;
}

/** A database's WAL file, open for syncing. */
abstract class WalFile {
  constructor(
    protected readonly fd: number,
    protected readonly sync: SyncFile,
  ) {}

  /** Open the WAL file of a database for syncing; undefined when it does not exist (then SQLite must sync itself). */
  static open<T extends WalFile>(this: new (fd: number, sync: SyncFile) => T, walFile: string, sync: SyncFile = fdatasyncOffThread): T | undefined {
    let fd: number;
    try {
      fd = openSync(walFile, 'r+');
    } catch {
      return undefined;
    }
    return new this(fd, sync);
  }
}

function waiter(): Waiter {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export class WalSync extends WalFile {
  /** The sync of the last COMMIT while it runs; undefined when everything committed is durable. */
  private running: Promise<void> | undefined;
  /** Plain reads waiting for the running sync; woken before the next COMMIT may run. */
  private readers: Waiter | undefined;

  /** Wait before a COMMIT until the previous commit is durable (resolves at once when it is). */
  async beforeCommit(): Promise<void> {
    // A failed sync is reported to its own callers; the next commit syncs again (covering the earlier frames).
    while (this.running) await this.running.catch(() => undefined);
  }

  /** Called right after a COMMIT: resolves when its data is on stable storage. */
  afterCommit(): Promise<void> {
    if (this.running) throw new Error('WalSync: COMMIT terwijl de vorige nog niet gesynchroniseerd is');
    const running = this.sync(this.fd).finally(() => {
      this.running = undefined;
      // Reads first: their statements run before the next COMMIT (which waits on `running`, woken after this).
      const readers = this.readers;
      this.readers = undefined;
      readers?.resolve();
    });
    this.running = running;
    return running;
  }

  /** For a plain read: undefined when it may run now, else a promise for when it may. */
  readable(): Promise<void> | undefined {
    if (!this.running) return undefined;
    this.readers ??= waiter();
    return this.readers.promise;
  }

  /** Wait for the running sync, then close the file. */
  async close(): Promise<void> {
    await this.beforeCommit();
    closeSync(this.fd);
  }
}

/**
 * The same off-thread sync for a writer with no reader connection to keep from unsynced data (the ZGW journal):
 * COMMITs are not held back, and durable() resolves once everything committed before the call is on stable
 * storage. Calls that arrive while a sync runs share the next one, so concurrent writers pay one sync between them.
 */
export class WalGroupSync extends WalFile {
  private readonly group = new CoalescedSync(() => this.sync(this.fd));

  /**
   * Resolves when every COMMIT made before this call is on stable storage (rejects when that sync failed);
   * COMMITs made until the sync starts share it (CoalescedSync).
   */
  durable(): Promise<void> {
    return this.group.request();
  }

  /** Wait for the syncs asked for, then close the file. */
  async close(): Promise<void> {
    await this.group.settled();
    closeSync(this.fd);
  }
}
