import { SimulatorError } from './errors.ts';

const RAW_NUMBER: unique symbol = Symbol('wabus.simulator.rawNumber');

/** A number literal written to the body exactly as given, e.g. a 64-bit template id that JSON.parse would round. */
export interface RawNumber {
  readonly [RAW_NUMBER]: string;
  /** So plain JSON.stringify still writes a (rounded) number instead of `{}`. */
  toJSON(): number;
}

export type MetaJson = null | boolean | number | string | RawNumber | readonly (MetaJson | undefined)[] | { readonly [key: string]: MetaJson | undefined };

export interface MetaJsonOptions {
  /**
   * Escape `@` as `\u0040`. WHATSAPP.md lists `@` among the characters that break a re-serialised HMAC, i.e.
   * Meta escapes it; on by default so verifiers that re-serialise fail here as they would in production.
   */
  escapeAt?: boolean;
}

const NUMBER_LITERAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export function rawNumber(literal: string | bigint): RawNumber {
  const text = String(literal);
  if (!NUMBER_LITERAL.test(text)) {
    throw new SimulatorError('WABUS_SIM_INVALID_RAW_NUMBER', { message: `not a JSON number literal: ${JSON.stringify(text)}` });
  }
  return Object.freeze({ [RAW_NUMBER]: text, toJSON: () => Number(text) });
}

export const isRawNumber = (value: unknown): value is RawNumber => typeof value === 'object' && value !== null && RAW_NUMBER in value;

export const rawNumberLiteral = (value: RawNumber): string => value[RAW_NUMBER];

// Without the `u` flag a regex walks UTF-16 code units, so an emoji becomes its two surrogate escapes, as Meta sends it.
// eslint-disable-next-line no-control-regex -- JSON escapes every control character
const ESCAPE_WITH_AT = /[\u0000-\u001f"\\/@\u007f-\uffff]/g;
// eslint-disable-next-line no-control-regex -- as above
const ESCAPE_NO_AT = /[\u0000-\u001f"\\/\u007f-\uffff]/g;
const SHORT: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

const escapeChar = (ch: string): string => SHORT[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

function writeString(s: string, pattern: RegExp): string {
  return `"${s.replace(pattern, escapeChar)}"`;
}

function write(value: MetaJson | undefined, pattern: RegExp, inArray: boolean): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'undefined':
      return inArray ? 'null' : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'string':
      return writeString(value, pattern);
    default:
      break;
  }
  if (isRawNumber(value)) return rawNumberLiteral(value);
  if (Array.isArray(value)) {
    const parts = (value as readonly (MetaJson | undefined)[]).map((v) => write(v, pattern, true) as string);
    return `[${parts.join(',')}]`;
  }
  const parts: string[] = [];
  for (const [key, v] of Object.entries(value as { readonly [key: string]: MetaJson | undefined })) {
    const text = write(v, pattern, false);
    if (text !== undefined) parts.push(`${writeString(key, pattern)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * JSON as Meta sends it: compact, every non-ASCII code unit as a lowercase `\uXXXX` escape (emoji as surrogate
 * pairs), `/` as `\/`, and `RawNumber`s written verbatim. Key order is insertion order.
 */
export function serializeLikeMeta(value: MetaJson, options: MetaJsonOptions = {}): Buffer {
  const pattern = options.escapeAt === false ? ESCAPE_NO_AT : ESCAPE_WITH_AT;
  return Buffer.from(write(value, pattern, false) ?? 'null', 'latin1');
}
