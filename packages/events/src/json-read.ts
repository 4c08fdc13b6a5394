// Lenient typed reads over span nodes: a missing or wrongly typed value reads as `null`, never as an
// exception. Webhook payloads vary (numeric vs string timestamps, placeholders).
import { getMember } from './json-node.ts';
import type { JsonArray, JsonNode, JsonObject } from './json-node.ts';

type Maybe = JsonNode | null | undefined;

export function asObject(node: Maybe): JsonObject | null {
  return node != null && node.type === 'object' ? node : null;
}

export function asArray(node: Maybe): JsonArray | null {
  return node != null && node.type === 'array' ? node : null;
}

export function asString(node: Maybe): string | null {
  return node != null && node.type === 'string' ? node.value : null;
}

/** An identifier given as a string or as a JSON number; numbers keep their exact digits. */
export function asId(node: Maybe): string | null {
  if (node == null) return null;
  if (node.type === 'string') return node.value;
  if (node.type === 'number') return node.raw;
  return null;
}

export function asBoolean(node: Maybe): boolean | null {
  return node != null && node.type === 'boolean' ? node.value : null;
}

/** A finite number given as a JSON number or a numeric string (Meta does both). */
export function asNumber(node: Maybe): number | null {
  if (node == null) return null;
  let text: string;
  if (node.type === 'number') text = node.raw;
  else if (node.type === 'string' && NUMERIC.test(node.value)) text = node.value;
  else return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** Unix seconds as an integer, from `"1697043223"` or `1697043223`; anything else (placeholders) is null. */
export function asUnixSeconds(node: Maybe): number | null {
  const n = asNumber(node);
  return n !== null && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

const NUMERIC = /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/;

export function stringAt(node: Maybe, key: string): string | null {
  return asString(getMember(node, key));
}

export function idAt(node: Maybe, key: string): string | null {
  return asId(getMember(node, key));
}

export function objectAt(node: Maybe, key: string): JsonObject | null {
  return asObject(getMember(node, key));
}

export function arrayAt(node: Maybe, key: string): JsonArray | null {
  return asArray(getMember(node, key));
}

export function numberAt(node: Maybe, key: string): number | null {
  return asNumber(getMember(node, key));
}

export function booleanAt(node: Maybe, key: string): boolean | null {
  return asBoolean(getMember(node, key));
}
