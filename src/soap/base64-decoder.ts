/**
 * Streaming base64 decoder for <inhoud> text and base64 MIME parts. Accepts string chunks of any length
 * (boundaries need not be multiples of 4) with XML whitespace anywhere, and is strict about the rest: only
 * the base64 alphabet, '=' only as final padding, total length a multiple of 4 (xs:base64Binary).
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

  /** Decode the next piece of text; returns the bytes that are complete so far (possibly empty). */
  push(chunk: string): Buffer {
    if (this.ended) throw new Base64Error('base64-decoder is al afgesloten', this.offset);
    if (chunk.length === 0) return EMPTY;
    const bad = chunk.search(NOT_ALLOWED);
    if (bad >= 0) {
      throw new Base64Error(
        `ongeldig teken ${describe(String.fromCodePoint(chunk.codePointAt(bad) ?? 0))} in base64-inhoud op positie ${this.offset + bad + 1}`,
        this.offset + bad,
      );
    }
    const s = WHITESPACE.test(chunk) ? chunk.replace(WHITESPACE_ALL, '') : chunk;
    this.checkPadding(s);
    this.offset += chunk.length;
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

  private afterPadding(): Base64Error {
    return new Base64Error(`base64-tekens na de opvulling '=' (inhoud is na het einde doorgegaan)`, this.offset);
  }
}
