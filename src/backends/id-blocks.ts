/**
 * Identificaties handed out from blocks of numbers reserved durably in the database, shared by the SQLite and
 * PostgreSQL backends. Taking a block is one commit: the sequence's counter moves past the whole block and every
 * value of it is recorded in id_reservation. The values are then handed out from memory, so a genereer bericht
 * costs no commit of its own (its message-log write is the only one). What a crash or restart leaves of a block
 * is skipped, never reissued: numbers can have gaps. Instances on one database each take their own blocks (the
 * counter row is the only place a block comes from).
 *
 * Before a value is handed out one read checks it: a value that exists as an object (made by hand) is skipped,
 * and a value at or below the sequence's floor is dropped with the rest of the block below it. The floor is what
 * ensureAbove (the migration cut-over) raises, durably, so another instance or the cut-over command working on
 * the same database reaches every instance's blocks through it.
 */
import { formatGeneratedIdentificatie, yearInTimeZone } from '../domain/identificatie.js';
import type { IdKind } from '../domain/model.js';
import type { IdGenerator } from '../ports/id-generator.js';
import { type IdGeneratorOptions, MAX_ID_SKIPS, noFreeIdentificatie, sequencePosition, sequenceScope } from './id-sequence.js';

/** A number of a block, with the identificatie it stands for. */
export interface Numbered {
  volgnummer: number;
  value: string;
}

/** The database side of the blocks: one implementation per SQL backend. */
export interface SequenceStore {
  /**
   * In one commit: move (kind, scope)'s counter `size` further and record the values of the block in
   * id_reservation. Returns the block's numbers in order, without those that were recorded before (they were
   * reserved earlier and are skipped). `format` turns a volgnummer into its identificatie.
   */
  takeBlock(kind: IdKind, scope: string, size: number, at: Date, format: (volgnummer: number) => string): Promise<Numbered[]>;
  /** One read: the sequence's floor (0 when none was set) and whether the value exists as an object. */
  probe(kind: IdKind, scope: string, value: string): Promise<{ floor: number; exists: boolean }>;
  /** Durably raise (kind, scope)'s counter and floor to at least volgnummer. */
  raiseFloor(kind: IdKind, scope: string, volgnummer: number): Promise<void>;
  isReserved(kind: IdKind, value: string): Promise<boolean>;
  /**
   * True when a commit now would join a transaction of the caller (SQLite inside a transaction body). Such a
   * reservation commits or rolls back with that transaction, so it takes one value only, keeps nothing in
   * memory, and never waits for a block another call is taking (that one would wait for the caller: deadlock).
   */
  joinsCallerTransaction(): boolean;
}

export interface BlockIdGeneratorOptions extends IdGeneratorOptions {
  /** Values taken per commit; 1 numbers without gaps (one commit per value). */
  blockSize: number;
}

interface Block {
  /** Reserved durably, not handed out yet, in increasing order. */
  free: Numbered[];
  /** The block being taken, awaited by every call that finds `free` empty meanwhile. */
  taking?: Promise<void>;
}

export class BlockIdGenerator implements IdGenerator {
  private readonly blocks = new Map<string, Block>();

  constructor(
    private readonly seq: SequenceStore,
    private readonly opts: BlockIdGeneratorOptions,
    private readonly assertOpen: () => void,
  ) {
    if (!Number.isSafeInteger(opts.blockSize) || opts.blockSize < 1) throw new RangeError(`blokgrootte moet een geheel getal ≥ 1 zijn, niet ${opts.blockSize}`);
  }

  private block(kind: IdKind, scope: string): Block {
    const key = `${kind}\u0000${scope}`;
    let b = this.blocks.get(key);
    if (!b) this.blocks.set(key, (b = { free: [] }));
    return b;
  }

  async reserve(kind: IdKind, _reservedBy: string | undefined): Promise<string> {
    this.assertOpen();
    const template = this.opts.idTemplates[kind];
    if (!template) throw new Error(`Geen identificatiesjabloon voor ${kind}`);
    let skipped = 0;
    for (;;) {
      if (skipped >= MAX_ID_SKIPS) throw noFreeIdentificatie(kind, template);
      const at = this.opts.now();
      const scope = sequenceScope(template, at, this.opts.timeZone);
      const block = this.block(kind, scope);
      const next = await this.nextCandidate(kind, scope, block, at, template, (n) => (skipped += n));
      if (!next) continue;
      const { floor, exists } = await this.seq.probe(kind, scope, next.value);
      if (next.volgnummer <= floor) {
        block.free = block.free.filter((n) => n.volgnummer > floor);
        continue;
      }
      if (exists) {
        skipped++;
        continue;
      }
      // The year turned while this call waited: the value stays free for its own year's sequence.
      if (sequenceScope(template, this.opts.now(), this.opts.timeZone) !== scope) {
        block.free.unshift(next);
        continue;
      }
      return next.value;
    }
  }

  /** The next free number of the block, taking a new block when it is empty; undefined: look again. */
  private async nextCandidate(
    kind: IdKind,
    scope: string,
    block: Block,
    at: Date,
    template: string,
    skip: (n: number) => void,
  ): Promise<Numbered | undefined> {
    const free = block.free.shift();
    if (free) return free;
    const format = (volgnummer: number) =>
      formatGeneratedIdentificatie(kind, template, { gemeentecode: this.opts.gemeentecode, jaar: yearInTimeZone(at, this.opts.timeZone), volgnummer });
    const take = async (size: number): Promise<Numbered[]> => {
      const got = await this.seq.takeBlock(kind, scope, size, at, format);
      // Values recorded before (reserved by an older version, say) count as taken.
      skip(size - got.length);
      return got;
    };
    if (this.seq.joinsCallerTransaction()) return (await take(1))[0];
    if (!block.taking) {
      block.taking = take(this.opts.blockSize)
        .then((got) => {
          block.free.push(...got);
        })
        .finally(() => {
          block.taking = undefined;
        });
    }
    await block.taking;
    return undefined;
  }

  async ensureAbove(kind: IdKind, value: string): Promise<boolean> {
    this.assertOpen();
    const at = sequencePosition(this.opts, kind, value);
    if (!at) return false;
    await this.seq.raiseFloor(kind, at.scope, at.volgnummer);
    // This instance's own block at once; other instances drop theirs when they next read the floor.
    const block = this.block(kind, at.scope);
    block.free = block.free.filter((n) => n.volgnummer > at.volgnummer);
    return true;
  }

  async isReserved(kind: IdKind, value: string): Promise<boolean> {
    this.assertOpen();
    return this.seq.isReserved(kind, value);
  }
}
