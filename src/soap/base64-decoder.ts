/**
 * Streaming base64 decoder for <inhoud> text and base64 MIME parts. Accepts string chunks of any length
 * (boundaries need not be multiples of 4) with XML whitespace anywhere, and is strict about the rest: only
 * the base64 alphabet, '=' only as final padding, total length a multiple of 4 (xs:base64Binary).
 *
 * Two inputs: push() takes text; pushBytes() takes raw bytes and is the hot path for large documents.
 */
export class Base64Error extends Error {
  constructor(
    message: string,
    /** 0-based offset in the base64 text (whitespace included) where the problem was found. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'Base64Error';
  }
}

const EMPTY = Buffer.alloc(0);
const WHITESPACE = /[ \t\r\n]/;
const WHITESPACE_ALL = /[ \t\r\n]+/g;
const NOT_ALLOWED = /[^A-Za-z0-9+/= \t\r\n]/;
const PAD_THEN_DATA = /=[^=]/;

/** Per byte value: 1 = base64 data character, 2 = XML whitespace, 0 = anything else. */
const BYTE_CLASS = new Uint8Array(256);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BYTE_CLASS[ch.charCodeAt(0)] = 1;
for (const ch of ' \t\r\n') BYTE_CLASS[ch.charCodeAt(0)] = 2;

/** Occurrences of one character; String#indexOf is V8's own and fast (a base64 line is 64-76 characters). */
function count(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

interface Whitespace {
  /** Whitespace characters found. */
  total: number;
  lineFeeds: number;
}

/**
 * The whitespace in a chunk, cheaply: a lower bound that is exact for the usual layout (lines of one length
 * ending in CRLF or LF, spaces and tabs anywhere). Base64 lines have one length, so each next line feed is
 * looked for where the last line's length predicts it (one byte read per line instead of a search); a CR counts
 * when it stands before a line feed or at the end of the chunk. Every position counted is whitespace, so the
 * bound can only be too low (an irregular line, a lone CR): pushBytes' length check then fails, and it counts
 * exactly with exactWhitespace().
 */
function likelyWhitespace(bytes: Buffer, text: string): Whitespace {
  const n = bytes.length;
  let lineFeeds = 0;
  let crs = 0;
  let step = 0;
  for (let i = text.indexOf('\n'); i >= 0;) {
    lineFeeds++;
    if (bytes[i - 1] === 0x0d) crs++;
    const guess = i + step;
    if (step > 0 && guess < n && bytes[guess] === 0x0a) {
      i = guess;
    } else {
      const next = text.indexOf('\n', i + 1);
      if (next > 0) step = next - i;
      i = next;
    }
  }
  if (bytes[n - 1] === 0x0d) crs++;
  const blanks = (text.includes(' ') ? count(text, ' ') : 0) + (text.includes('\t') ? count(text, '\t') : 0);
  return { total: lineFeeds + crs + blanks, lineFeeds };
}

/** The whitespace in a chunk, every character searched for. */
function exactWhitespace(text: string): Whitespace {
  const lineFeeds = count(text, '\n');
  return { total: lineFeeds + count(text, '\r') + count(text, ' ') + count(text, '\t'), lineFeeds };
}

/**
 * Decoded bytes are cut from slabs of this size: a buffer per chunk (48 KB for a 64 KB chunk) cost as much
 * as decoding it, and pieces of one slab lie side by side, so a reader can write several at once uncopied.
 * A slab is never written again once a piece of it is handed out.
 */
const SLAB = 1024 * 1024;

function describe(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return cp >= 0x21 && cp <= 0x7e ? `'${ch}' (${hex})` : hex;
}

export class Base64Decoder {
  /** Base64 characters (no whitespace) not yet decoded: fewer than 4. */
  private carry = '';
  /** Characters consumed so far, whitespace included (for error offsets). */
  private offset = 0;
  private dataChars = 0;
  private padChars = 0;
  private ended = false;
  private lineFeedsTaken = 0;
  /** Where pushBytes() decodes to (see SLAB), and how much of it is handed out. */
  private slab: Buffer = EMPTY;
  private slabUsed = 0;

  /** Line feeds in what pushBytes() took (the envelope reader counts lines). */
  get lineFeeds(): number {
    return this.lineFeedsTaken;
  }

  /** Decode the next piece of text; returns the bytes that are complete so far (possibly empty). */
  push(chunk: string): Buffer {
    if (this.ended) throw new Base64Error('base64-decoder is al afgesloten', this.offset);
    if (chunk.length === 0) return EMPTY;
    const bad = chunk.search(NOT_ALLOWED);
    if (bad >= 0) throw this.notAllowed(String.fromCodePoint(chunk.codePointAt(bad) ?? 0), bad);
    const s = WHITESPACE.test(chunk) ? chunk.replace(WHITESPACE_ALL, '') : chunk;
    return this.take(s, chunk.length);
  }

  /**
   * The fast path for the raw bytes of ASCII-compatible text (UTF-8, Latin-1, a base64 MIME part): the same
   * result as push() of that text, or undefined when the bytes are not plain base64 (a character outside the
   * alphabet, padding, a character reference): then nothing was taken, and the caller pushes the decoded
   * text instead, which decodes it or names what is wrong.
   *
   * Every step is native or one read per line (no regexes, no UTF-8 decoding): one latin1 string, whitespace
   * counted (likelyWhitespace), Node's decoder writing into a slab. Node's decoder skips whitespace (documented) and also skips invalid characters (any
   * byte >= 0x80 too), so it does not check; the check is that it wrote exactly 3 bytes per 4 characters that
   * should be data (all but the exactly counted whitespace): any character it skipped makes the output shorter.
   * The only non-alphabet characters it does not skip, base64url's '-' and '_', are searched for first.
   */
  pushBytes(input: Uint8Array): Buffer | undefined {
    if (this.ended) throw new Base64Error('base64-decoder is al afgesloten', this.offset);
    const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const n = bytes.length;
    if (n === 0) return EMPTY;
    // latin1: one character per byte, so counts and positions are those of the bytes.
    const text = bytes.toString('latin1');
    if (this.padChars > 0 || text.includes('=') || text.includes('-') || text.includes('_')) return undefined;
    const likely = likelyWhitespace(bytes, text);
    let decoded = this.decodeBytes(bytes, text, likely);
    if (decoded === undefined) {
      const exact = exactWhitespace(text);
      if (exact.total !== likely.total) decoded = this.decodeBytes(bytes, text, exact);
    }
    return decoded;
  }

  /** pushBytes() for a given count of the whitespace in the chunk; undefined (nothing taken) when it is wrong. */
  private decodeBytes(bytes: Buffer, text: string, whitespace: Whitespace): Buffer | undefined {
    const n = bytes.length;
    const dataChars = n - whitespace.total;
    const total = this.carry.length + dataChars;
    const rest = total % 4;
    const quads = (total - rest) / 4;
    // The last `rest` data characters wait for the next push (with the carry when no quad is complete yet).
    // They, and those that complete the carry's quad, are checked here; the others by the decoded length.
    let tail = '';
    let cut = n;
    while (tail.length < Math.min(rest, dataChars)) {
      const b = bytes[--cut]!;
      const cls = BYTE_CLASS[b]!;
      if (cls === 0) return undefined;
      if (cls === 1) tail = String.fromCharCode(b) + tail;
    }
    let decoded: Buffer = EMPTY;
    if (quads === 0) {
      tail = this.carry + tail;
    } else {
      const out = this.outputFor(quads * 3);
      let written = 0;
      let from = 0;
      if (this.carry) {
        let head = this.carry;
        while (head.length < 4) {
          const b = bytes[from++]!;
          const cls = BYTE_CLASS[b]!;
          if (cls === 0) return undefined;
          if (cls === 1) head += String.fromCharCode(b);
        }
        written = out.write(head, 0, 'base64');
      }
      if (from < cut) written += out.write(from === 0 && cut === n ? text : text.slice(from, cut), written, 'base64');
      if (written !== quads * 3) return undefined;
      decoded = this.handOut(out);
    }
    this.carry = tail;
    this.dataChars += dataChars;
    this.offset += n;
    this.lineFeedsTaken += whitespace.lineFeeds;
    return decoded;
  }

  /** Room for `size` decoded bytes: the free end of the current slab, a new slab, or for a large chunk its own buffer. */
  private outputFor(size: number): Buffer {
    if (size > SLAB / 4) return Buffer.allocUnsafe(size);
    if (this.slab.length - this.slabUsed < size) {
      this.slab = Buffer.allocUnsafe(SLAB);
      this.slabUsed = 0;
    }
    return this.slab.subarray(this.slabUsed, this.slabUsed + size);
  }

  /** The output is taken: its part of the slab is never written again. */
  private handOut(out: Buffer): Buffer {
    if (out.buffer === this.slab.buffer) this.slabUsed += out.length;
    return out;
  }

  /** s: base64 characters only (whitespace removed) standing for `consumed` characters of input. */
  private take(s: string, consumed: number): Buffer {
    this.checkPadding(s);
    this.offset += consumed;
    if (s.length === 0) return EMPTY;

    const all = this.carry + s;
    const whole = all.length - (all.length % 4);
    this.carry = all.slice(whole);
    return whole === 0 ? EMPTY : Buffer.from(all.slice(0, whole), 'base64');
  }

  /** No more input: checks the final length and padding and returns what is left. */
  end(): Buffer {
    if (this.ended) return EMPTY;
    this.ended = true;
    const total = this.dataChars + this.padChars;
    if (total % 4 !== 0) {
      throw new Base64Error(
        `onvolledige base64-inhoud: ${total} tekens, geen veelvoud van 4 (ontbrekende of verkeerde opvulling met '=')`,
        this.offset,
      );
    }
    if (this.padChars > 0 && this.dataChars % 4 < 2) {
      throw new Base64Error(`ongeldige base64-opvulling: ${this.padChars} maal '='`, this.offset);
    }
    // carry is empty here: total is a multiple of 4 and push() decodes every complete quad.
    return EMPTY;
  }

  private checkPadding(s: string): void {
    const firstPad = s.indexOf('=');
    if (this.padChars > 0) {
      // After padding only more padding may follow.
      const data = s.search(/[^=]/);
      if (data >= 0) throw this.afterPadding();
      this.padChars += s.length;
    } else if (firstPad >= 0) {
      if (PAD_THEN_DATA.test(s.slice(firstPad))) throw this.afterPadding();
      this.dataChars += firstPad;
      this.padChars += s.length - firstPad;
      if (this.dataChars % 4 < 2) {
        throw new Base64Error(`ongeldige base64-opvulling: '=' op positie ${this.dataChars % 4 + 1} van een groep van 4`, this.offset);
      }
    } else {
      this.dataChars += s.length;
    }
    if (this.padChars > 2) throw new Base64Error(`ongeldige base64-opvulling: meer dan twee maal '='`, this.offset);
  }

  private notAllowed(ch: string, at: number): Base64Error {
    return new Base64Error(`ongeldig teken ${describe(ch)} in base64-inhoud op positie ${this.offset + at + 1}`, this.offset + at);
  }

  private afterPadding(): Base64Error {
    return new Base64Error(`base64-tekens na de opvulling '=' (inhoud is na het einde doorgegaan)`, this.offset);
  }
}
