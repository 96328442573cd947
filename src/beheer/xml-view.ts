/**
 * XML as the message browser shows it: indented, and for the role lezen with every BSN masked (the text of
 * BSN elements, and any other 9-digit number that passes the elfproef). Text that is not well-formed (cut by the
 * size cap) is shown as it is, masked the same way.
 */
import { SaxesParser } from 'saxes';
import { escapeAttr, escapeText } from '../xml/escape.js';
import { BSN_ELEMENTS } from './xml-scan.js';

const NINE_DIGITS = /(?<![0-9])[0-9]{9}(?![0-9])/g;

/** The Dutch elfproef for BSNs: 9·d1 + 8·d2 + … + 2·d8 − d9 is divisible by 11. */
export function passesElfproef(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(digits[i]);
  sum -= Number(digits[8]);
  return sum % 11 === 0 && digits !== '000000000';
}

/** "*****6782": the last four digits stay, enough to tell two people apart in a list. */
export function maskBsn(bsn: string): string {
  return '*'.repeat(Math.max(0, bsn.length - 4)) + bsn.slice(-4);
}

export function maskBsnsInText(text: string): string {
  return text.replace(NINE_DIGITS, (m) => (passesElfproef(m) ? maskBsn(m) : m));
}

export function prettyXml(xml: string, opts: { mask: boolean }): string {
  const lines: string[] = [];
  const stack: Array<{ local: string; open: string; text: string; hasChildren: boolean }> = [];
  const parser = new SaxesParser({ xmlns: false });
  const indent = (): string => '  '.repeat(stack.length);
  const flushOpen = (): void => {
    const top = stack[stack.length - 1];
    if (top && !top.hasChildren) {
      top.hasChildren = true;
      lines.push('  '.repeat(stack.length - 1) + top.open + '>');
      const t = top.text.trim();
      if (t) lines.push(indent() + escapeText(t));
    }
  };
  parser.on('opentag', (tag) => {
    flushOpen();
    const attrs = Object.entries(tag.attributes).map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`).join('');
    const name = tag.name;
    stack.push({ local: name.includes(':') ? name.slice(name.indexOf(':') + 1) : name, open: `<${name}${attrs}`, text: '', hasChildren: false });
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('comment', (c) => {
    flushOpen();
    lines.push(indent() + `<!--${c}-->`);
  });
  parser.on('closetag', (tag) => {
    const el = stack.pop()!;
    if (el.hasChildren) {
      lines.push(indent() + `</${tag.name}>`);
      return;
    }
    let t = el.text.trim();
    if (opts.mask && BSN_ELEMENTS.has(el.local) && t) t = maskBsn(t);
    lines.push(indent() + (t ? `${el.open}>${escapeText(t)}</${tag.name}>` : `${el.open}/>`));
  });
  try {
    parser.write(xml).close();
  } catch {
    return opts.mask ? maskBsnsInText(xml) : xml;
  }
  const out = lines.join('\n');
  return opts.mask ? maskBsnsInText(out) : out;
}
