/**
 * `JSON.parse` as the fuzz oracle's reader, with object keys that hold an escape read apart.
 *
 * V8 13.6 (Node 24) and 14.6 (Node 26) misread an escaped object key once an earlier object of the same shape had a
 * key ending in a backslash: after `{"p":1,"\\":3}`, `JSON.parse('{"p":1,"\\u0041":3}')` returns the key `"\\"`
 * instead of `"A"` (the fast path that follows existing map transitions), with or without a reviver. Node 22 (V8
 * 12.4) reads it right. Keys without a backslash and string values are read right, so in a text with a backslash the
 * oracle replaces every key by a plain placeholder naming its place in the text (all of them: no key of the text is
 * left to collide with, and the object's keys come back in the text's order, so duplicates resolve as JSON.parse
 * does), lets `JSON.parse` read that, and puts each key back decoded as a string value (`JSON.parse('"…"')`). wabus' own code reads item bytes with the span parser (`@wabus/events`
 * `parseJsonValue`), which has no such state; `oracle-json.unit.test.ts` holds both to it.
 */
export function oracleJsonParse(text: string): unknown {
  const plain: unknown = JSON.parse(text); // whether the text is JSON at all: that the bug does not touch
  if (!text.includes('\\')) return plain;
  const keys: string[] = [];
  // Outside strings JSON has no quotes, so matching strings left to right finds each one whole.
  const rewritten = text.replace(STRING, (literal: string, offset: number) => {
    KEY_FOLLOWS.lastIndex = offset + literal.length;
    if (!KEY_FOLLOWS.test(text)) return literal;
    keys.push(literal);
    return `"${MARKER}${keys.length - 1}"`;
  });
  const value: unknown = JSON.parse(rewritten);
  return restoreKeys(value, keys);
}

/** Not an index: placeholders are never integer-like keys, which objects would reorder. */
const MARKER = 'k';
const STRING = /"(?:[^"\\]|\\.)*"/gs;
/** What may follow a string that is an object's key: whitespace, then a colon. */
const KEY_FOLLOWS = /[ \t\r\n]*:/y;

function restoreKeys(value: unknown, keys: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => restoreKeys(v, keys));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = JSON.parse(keys[Number(k.slice(MARKER.length))]!) as string;
    // defineProperty: a "__proto__" key is data, as JSON.parse makes it; a later duplicate keeps the first place.
    Object.defineProperty(out, key, { value: restoreKeys(v, keys), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
