import { isUtf8 } from 'node:buffer';
import { InvalidJsonError } from './errors.ts';
import type { JsonArray, JsonMember, JsonNode, JsonNumber, JsonObject } from './json-node.ts';
import { firstInvalidUtf8 } from './utf8-offset.ts';

export interface ParseJsonOptions {
  /** Deepest allowed nesting of objects and arrays; webhook bodies nest about 10 deep. */
  maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const SIMPLE_ESCAPES: Record<number, string> = {
  0x22: '"',
  0x5c: '\\',
  0x2f: '/',
  0x62: '\b',
  0x66: '\f',
  0x6e: '\n',
  0x72: '\r',
  0x74: '\t',
};

/**
 * Parses `buf` as one JSON text (RFC 8259: UTF-8, no BOM, no trailing data), keeping where every
 * value sits in the input (see json-node.ts) so callers can slice an item's exact bytes out of a
 * webhook body instead of re-serialising it: re-serialising changes `\u00e9`, `\/` and
 * surrogate-pair escapes, and JSON.parse rounds 64-bit integers. Throws `InvalidJsonError`.
 */
export function parseJsonSpans(buf: Buffer, options: ParseJsonOptions = {}): JsonNode {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  // Validating the whole text once natively is much cheaper than checking each string in JS;
  // outside strings only ASCII is legal anyway, so this covers every byte.
  if (!isUtf8(buf)) throw new InvalidJsonError('invalid UTF-8', firstInvalidUtf8(buf));
  const len = buf.length;
  let pos = 0;

  const fail = (reason: string, at: number = pos): never => {
    throw new InvalidJsonError(at >= len ? `${reason} (unexpected end of input)` : reason, at);
  };

  const skipWhitespace = (): void => {
    while (pos < len) {
      const c = buf[pos]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      pos++;
    }
  };

  const parseValue = (depth: number): JsonNode => {
    if (pos >= len) return fail('expected a value');
    const c = buf[pos]!;
    if (c === QUOTE) {
      const start = pos;
      const value = parseStringBody();
      return { type: 'string', start, end: pos, value };
    }
    if (c === OPEN_BRACE) return parseObject(depth + 1);
    if (c === OPEN_BRACKET) return parseArray(depth + 1);
    if (c === MINUS || (c >= ZERO && c <= NINE)) return parseNumber();
    if (c === 0x74) return parseLiteral('true', { type: 'boolean', start: pos, end: pos + 4, value: true });
    if (c === 0x66) return parseLiteral('false', { type: 'boolean', start: pos, end: pos + 5, value: false });
    if (c === 0x6e) return parseLiteral('null', { type: 'null', start: pos, end: pos + 4 });
    return fail(`unexpected character ${describe(c)}`);
  };

  const parseLiteral = (word: string, node: JsonNode): JsonNode => {
    for (let i = 0; i < word.length; i++) {
      if (buf[pos + i] !== word.charCodeAt(i)) return fail(`invalid literal, expected ${word}`, pos + i);
    }
    pos += word.length;
    return node;
  };

  const parseObject = (depth: number): JsonObject => {
    if (depth > maxDepth) fail(`nesting deeper than ${maxDepth}`);
    const start = pos;
    const members: JsonMember[] = [];
    pos++;
    skipWhitespace();
    if (buf[pos] === CLOSE_BRACE) {
      pos++;
      return { type: 'object', start, end: pos, members };
    }
    for (;;) {
      if (buf[pos] !== QUOTE) fail('expected a string key');
      const keyStart = pos;
      const key = parseStringBody();
      skipWhitespace();
      if (buf[pos] !== COLON) fail("expected ':' after key");
      pos++;
      skipWhitespace();
      const value = parseValue(depth);
      members.push({ key, keyStart, value });
      skipWhitespace();
      const c = buf[pos];
      if (c === COMMA) {
        pos++;
        skipWhitespace();
      } else if (c === CLOSE_BRACE) {
        pos++;
        return { type: 'object', start, end: pos, members };
      } else {
        fail("expected ',' or '}' in object");
      }
    }
  };

  const parseArray = (depth: number): JsonArray => {
    if (depth > maxDepth) fail(`nesting deeper than ${maxDepth}`);
    const start = pos;
    const items: JsonNode[] = [];
    pos++;
    skipWhitespace();
    if (buf[pos] === CLOSE_BRACKET) {
      pos++;
      return { type: 'array', start, end: pos, items };
    }
    for (;;) {
      items.push(parseValue(depth));
      skipWhitespace();
      const c = buf[pos];
      if (c === COMMA) {
        pos++;
        skipWhitespace();
      } else if (c === CLOSE_BRACKET) {
        pos++;
        return { type: 'array', start, end: pos, items };
      } else {
        fail("expected ',' or ']' in array");
      }
    }
  };

  const parseNumber = (): JsonNumber => {
    const start = pos;
    if (buf[pos] === MINUS) pos++;
    const first = buf[pos];
    if (first === ZERO) {
      pos++;
    } else if (first !== undefined && first > ZERO && first <= NINE) {
      pos = skipDigits(buf, pos + 1);
    } else {
      fail('expected a digit');
    }
    if (buf[pos] === DOT) {
      pos++;
      if (!isDigit(buf[pos])) fail('expected a digit after the decimal point');
      pos = skipDigits(buf, pos);
    }
    const e = buf[pos];
    if (e === 0x65 || e === 0x45) {
      pos++;
      const sign = buf[pos];
      if (sign === PLUS || sign === MINUS) pos++;
      if (!isDigit(buf[pos])) fail('expected a digit in the exponent');
      pos = skipDigits(buf, pos);
    }
    return { type: 'number', start, end: pos, raw: buf.toString('latin1', start, pos) };
  };

  /** Reads a string starting at the opening quote; leaves `pos` after the closing quote. */
  const parseStringBody = (): string => {
    const contentStart = pos + 1;
    let i = contentStart;
    let high = 0;
    for (;;) {
      if (i >= len) return fail('unterminated string', i);
      const c = buf[i]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH) return parseEscapedString(contentStart, i);
      if (c < 0x20) return fail('control character in string', i);
      high |= c;
      i++;
    }
    pos = i + 1;
    // Pure ASCII decodes faster as latin1 (one-byte string, no UTF-8 decoding).
    return buf.toString(high < 0x80 ? 'latin1' : 'utf8', contentStart, i);
  };

  // Slow path: decode runs between escapes in bulk and join them; never per byte.
  const parseEscapedString = (contentStart: number, firstEscape: number): string => {
    let out = buf.toString('utf8', contentStart, firstEscape);
    let i = firstEscape;
    let runStart = i;
    for (;;) {
      if (i >= len) return fail('unterminated string', i);
      const c = buf[i]!;
      if (c === QUOTE) break;
      if (c < 0x20) return fail('control character in string', i);
      if (c !== BACKSLASH) {
        i++;
        continue;
      }
      if (runStart < i) out += buf.toString('utf8', runStart, i);
      const esc = buf[i + 1];
      if (esc === 0x75) {
        const unit = readHex4(buf, i + 2);
        if (unit < 0) return fail('invalid \\u escape', i);
        // Lone surrogates are legal JSON (RFC 8259 §8.2); adjacent escaped halves join into one code point.
        out += String.fromCharCode(unit);
        i += 6;
      } else {
        const simple = esc === undefined ? undefined : SIMPLE_ESCAPES[esc];
        if (simple === undefined) return fail('invalid escape', i);
        out += simple;
        i += 2;
      }
      runStart = i;
    }
    if (runStart < i) out += buf.toString('utf8', runStart, i);
    pos = i + 1;
    return out;
  };

  skipWhitespace();
  const root = parseValue(0);
  skipWhitespace();
  if (pos < len) fail('unexpected data after the JSON value');
  return root;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= ZERO && c <= NINE;
}

function skipDigits(buf: Buffer, from: number): number {
  let i = from;
  while (i < buf.length && isDigit(buf[i])) i++;
  return i;
}

function readHex4(buf: Buffer, at: number): number {
  if (at + 4 > buf.length) return -1;
  let v = 0;
  for (let i = at; i < at + 4; i++) {
    const d = hexValue(buf[i]!);
    if (d < 0) return -1;
    v = (v << 4) | d;
  }
  return v;
}

function hexValue(c: number): number {
  if (c >= ZERO && c <= NINE) return c - ZERO;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

function describe(c: number): string {
  return c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `0x${c.toString(16).padStart(2, '0')}`;
}
