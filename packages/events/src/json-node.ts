/**
 * The light tree `parseJsonSpans` returns. Every node carries `start`/`end` byte offsets
 * (end exclusive) into the parsed buffer.
 */
export type JsonNode = JsonObject | JsonArray | JsonString | JsonNumber | JsonBoolean | JsonNull;

export interface JsonObject {
  type: 'object';
  start: number;
  end: number;
  /** All members in input order, duplicates included; look keys up with `getMember` (last wins). */
  members: JsonMember[];
}
export interface JsonMember {
  key: string;
  keyStart: number;
  value: JsonNode;
}
export interface JsonArray {
  type: 'array';
  start: number;
  end: number;
  items: JsonNode[];
}
export interface JsonString {
  type: 'string';
  start: number;
  end: number;
  /** Decoded value (escapes resolved). */
  value: string;
}
export interface JsonNumber {
  type: 'number';
  start: number;
  end: number;
  /** The number exactly as written; convert with `Number(raw)` only where precision does not matter. */
  raw: string;
}
export interface JsonBoolean {
  type: 'boolean';
  start: number;
  end: number;
  value: boolean;
}
export interface JsonNull {
  type: 'null';
  start: number;
  end: number;
}

/** The value of `key` in `node` when it is an object (the last one wins on duplicates). */
export function getMember(node: JsonNode | null | undefined, key: string): JsonNode | undefined {
  if (node == null || node.type !== 'object') return undefined;
  const members = node.members;
  for (let i = members.length - 1; i >= 0; i--) {
    const m = members[i]!;
    if (m.key === key) return m.value;
  }
  return undefined;
}
