import type { JsonNode } from './json-node.ts';
import { parseJsonSpans } from './json-spans.ts';

/**
 * Plain JSON data. Integers that a double cannot hold exactly stay strings with their digits
 * (a 64-bit id must never be rounded), and so do numbers beyond a double's range; every other number
 * is a number.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function toJsonValue(node: JsonNode): JsonValue {
  switch (node.type) {
    case 'null':
      return null;
    case 'boolean':
    case 'string':
      return node.value;
    case 'number':
      return numberValue(node.raw);
    case 'array':
      return node.items.map(toJsonValue);
    case 'object': {
      const out: { [key: string]: JsonValue } = {};
      for (const m of node.members) {
        // defineProperty: a "__proto__" key must become data, not a prototype change.
        if (m.key === '__proto__') {
          Object.defineProperty(out, m.key, { value: toJsonValue(m.value), enumerable: true, writable: true, configurable: true });
        } else {
          out[m.key] = toJsonValue(m.value);
        }
      }
      return out;
    }
  }
}

const INTEGER = /^-?\d+$/;

function numberValue(raw: string): number | string {
  const n = Number(raw);
  if (!Number.isFinite(n) || (INTEGER.test(raw) && !Number.isSafeInteger(n))) return raw;
  return n;
}

/**
 * JSON bytes (an event's item or contact) as plain data, read by the span parser: throws `InvalidJsonError`.
 * Readers of Meta's bytes use this, not `JSON.parse`: V8 13.6 and later (Node 24, 26) can misread an escaped object
 * key after an earlier object in the process had a key ending in a backslash (packages/testing's oracle-json.ts), so
 * a signed body could rename another body's fields; the span parser has no such state.
 */
export function parseJsonValue(bytes: Buffer): JsonValue {
  return toJsonValue(parseJsonSpans(bytes));
}
