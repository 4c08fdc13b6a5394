import type { JsonTree } from './json-tree.ts';

/** Where a node sits: its container and index there (the root has none), and the key it is the value of. */
export interface Slot {
  node: JsonTree;
  parent: JsonTree | null;
  index: number;
  key: string | null;
}

/** The keys and arrays a webhook envelope is made of: mutations aimed there break (or test) explode's rules. */
const ENVELOPE_KEYS = new Set([
  'object',
  'entry',
  'id',
  'time',
  'changes',
  'field',
  'value',
  'metadata',
  'phone_number_id',
  'contacts',
  'wa_id',
  'messages',
  'statuses',
  'message_echoes',
  'errors',
  'from',
  'recipient_id',
  'timestamp',
  'type',
  'status',
]);

/** Every slot in pre-order; `envelope` keeps the root, values of envelope keys and elements of envelope arrays. */
export function slotsOf(tree: JsonTree, o: { envelope?: boolean } = {}): Slot[] {
  const out: Slot[] = [];
  const stack: Slot[] = [{ node: tree, parent: null, index: 0, key: null }];
  while (stack.length > 0) {
    const slot = stack.pop()!;
    out.push(slot);
    const { node } = slot;
    if (node.t === 'object') {
      for (let i = node.pairs.length - 1; i >= 0; i--) stack.push({ node: node.pairs[i]![1], parent: node, index: i, key: node.pairs[i]![0] });
    } else if (node.t === 'array') {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i]!, parent: node, index: i, key: slot.key });
    }
  }
  if (!o.envelope) return out;
  return out.filter((s) => s.parent === null || (s.key !== null && ENVELOPE_KEYS.has(s.key)));
}

const pick = <T>(list: readonly T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length]);

function put(slot: Slot, node: JsonTree): void {
  const p = slot.parent;
  if (p?.t === 'object') p.pairs[slot.index]![1] = node;
  else if (p?.t === 'array') p.items[slot.index] = node;
}

/** Replaces a node (the `choice`-th of the candidates) by `by`; the root too. Returns the new root. */
export function replaceNode(tree: JsonTree, choice: number, by: JsonTree, o: { envelope: boolean; where?: (s: Slot) => boolean }): JsonTree {
  const slot = pick(
    slotsOf(tree, o).filter((s) => o.where?.(s) ?? true),
    choice,
  );
  if (slot === undefined) return tree;
  if (slot.parent === null) return by;
  put(slot, by);
  return tree;
}

const objectsOf = (tree: JsonTree, envelope: boolean) =>
  slotsOf(tree, { envelope })
    .map((s) => s.node)
    .filter((n): n is Extract<JsonTree, { t: 'object' }> => n.t === 'object');

/** Removes one member of one object. */
export function removeMember(tree: JsonTree, choice: number, member: number, envelope: boolean): JsonTree {
  const obj = pick(
    objectsOf(tree, envelope).filter((n) => n.pairs.length > 0),
    choice,
  );
  obj?.pairs.splice(member % Math.max(1, obj.pairs.length), 1);
  return tree;
}

/** Adds a member to one object at a position (its key may already be there: then it is a duplicate key). */
export function addMember(tree: JsonTree, choice: number, at: number, pair: [string, JsonTree], envelope: boolean): JsonTree {
  const obj = pick(objectsOf(tree, envelope), choice);
  obj?.pairs.splice(at % (obj.pairs.length + 1), 0, pair);
  return tree;
}

/** Repeats one member's key with another value, before or after it. */
export function duplicateKey(tree: JsonTree, choice: number, member: number, value: JsonTree, after: boolean, envelope: boolean): JsonTree {
  const obj = pick(
    objectsOf(tree, envelope).filter((n) => n.pairs.length > 0),
    choice,
  );
  if (obj === undefined) return tree;
  const i = member % obj.pairs.length;
  obj.pairs.splice(after ? i + 1 : i, 0, [obj.pairs[i]![0], value]);
  return tree;
}

/** A value nested `depth` containers deep, arrays and objects alternating as `shape` says. */
export function nested(depth: number, shape: 'array' | 'object' | 'mixed'): JsonTree {
  let node: JsonTree = { t: 'literal', raw: 'null' };
  for (let d = 0; d < depth; d++) {
    const asArray = shape === 'array' || (shape === 'mixed' && d % 2 === 0);
    node = asArray ? { t: 'array', items: [node] } : { t: 'object', pairs: [['n', node]] };
  }
  return node;
}

/** The tree of a JavaScript value (JSON.stringify's numbers). */
export function treeOfValue(value: unknown): JsonTree {
  if (value === null || value === undefined) return { t: 'literal', raw: 'null' };
  if (typeof value === 'boolean') return { t: 'literal', raw: value ? 'true' : 'false' };
  if (typeof value === 'number') return Number.isFinite(value) ? { t: 'number', raw: JSON.stringify(value) } : { t: 'literal', raw: 'null' };
  if (typeof value === 'string') return { t: 'string', value };
  if (Array.isArray(value)) return { t: 'array', items: value.map(treeOfValue) };
  return { t: 'object', pairs: Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, treeOfValue(v)]) };
}

/** Byte sequences that are not UTF-8: a stray continuation, overlong NUL, an encoded surrogate, beyond U+10FFFF, cut short. */
export const INVALID_UTF8: readonly number[][] = [[0xff], [0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xfe, 0xfe]];

/** `bytes` inserted into `body` right after its `choice`-th double quote (inside a string), or at the start. */
export function insertInString(body: Buffer, choice: number, bytes: readonly number[]): Buffer {
  const quotes: number[] = [];
  for (let i = 0; i < body.length; i++) if (body[i] === 0x22) quotes.push(i + 1);
  const at = pick(quotes, choice) ?? 0;
  return Buffer.concat([body.subarray(0, at), Buffer.from(bytes), body.subarray(at)]);
}
