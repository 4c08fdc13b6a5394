import { isUtf8 } from 'node:buffer';
import type { EventKind, EventPosition, ExplodeFailureReason } from '@wabus/events';
import { oracleJsonParse } from './oracle-json.ts';

/** An item a correct explode emits: where it sits, and its value as JSON.parse reads it. */
export interface ReferenceItem {
  kind: EventKind;
  position: EventPosition;
  value: unknown;
}

export type ReferenceResult = { ok: true; items: ReferenceItem[] } | { ok: false; reason: ExplodeFailureReason };

/** The span parser's nesting limit (json-spans.ts), which JSON.parse does not have. */
export const MAX_DEPTH = 64;

const ITEM_ARRAYS = [
  ['messages', 'message'],
  ['statuses', 'status'],
  ['message_echoes', 'message_echo'],
  ['errors', 'error'],
] as const;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
// Own members only: `constructor` or `toString` of a body must never be read from Object.prototype.
const get = (o: Obj, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

/** Nesting depth of objects and arrays (a scalar is 0), without recursion. */
export function depthOf(root: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const depth = d + 1;
    if (depth > max) max = depth;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth]);
  }
  return max;
}

/**
 * What `explodeWebhook` must answer for a body, computed independently of it: the text read by JSON.parse (a
 * different parser), then the envelope rules of `ExplodeFailureReason` (explode.ts) checked in the same order. The
 * fuzz tests hold the span parser and explode to this oracle.
 */
export function referenceExplode(body: Buffer): ReferenceResult {
  const fail = (reason: ExplodeFailureReason): ReferenceResult => ({ ok: false, reason });
  if (!isUtf8(body)) return fail('invalid_json');
  let root: unknown;
  try {
    root = oracleJsonParse(body.toString('utf8'));
  } catch {
    return fail('invalid_json');
  }
  if (depthOf(root) > MAX_DEPTH) return fail('invalid_json');
  if (!isObject(root)) return fail('not_an_object');
  if (get(root, 'object') !== 'whatsapp_business_account') return fail('wrong_object');
  const entries = get(root, 'entry');
  if (entries === undefined || entries === null) return fail('no_entries');
  if (!Array.isArray(entries)) return fail('bad_entries');
  if (entries.length === 0) return fail('no_entries');

  const items: ReferenceItem[] = [];
  for (let e = 0; e < entries.length; e++) {
    const entry: unknown = entries[e];
    if (!isObject(entry)) return fail('bad_entry');
    const id = get(entry, 'id');
    if (typeof id !== 'string' && typeof id !== 'number') return fail('bad_entry');
    const changes = get(entry, 'changes');
    if (!Array.isArray(changes)) return fail('bad_entry');
    for (let c = 0; c < changes.length; c++) {
      const change: unknown = changes[c];
      if (!isObject(change)) return fail('bad_change');
      const field = get(change, 'field');
      if (typeof field !== 'string' || field === '') return fail('bad_change');
      const value = get(change, 'value');
      if (!isObject(value)) return fail('bad_change');
      let emitted = 0;
      for (const [key, kind] of ITEM_ARRAYS) {
        const list = get(value, key);
        if (list === undefined || list === null) continue;
        if (!Array.isArray(list)) return fail('bad_change');
        for (let i = 0; i < list.length; i++) {
          if (!isObject(list[i])) return fail('bad_item');
          items.push({ kind, position: { entry: e, change: c, item: i }, value: list[i] });
          emitted++;
        }
      }
      if (emitted === 0) items.push({ kind: 'change', position: { entry: e, change: c, item: 0 }, value });
    }
  }
  return { ok: true, items };
}
