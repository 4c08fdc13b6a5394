import type { Rng } from '@wabus/simulator';

/**
 * A JSON text as a tree that keeps what a JavaScript object loses: member order, duplicate keys, and numbers as
 * written (a 64-bit id, `1e999`, `-0`). `verbatim` is a span written byte for byte (an item whose own bytes a test
 * keeps while everything around it is rewritten).
 */
export type JsonTree =
  | { t: 'object'; pairs: [string, JsonTree][] }
  | { t: 'array'; items: JsonTree[] }
  | { t: 'string'; value: string }
  | { t: 'number'; raw: string }
  | { t: 'literal'; raw: 'true' | 'false' | 'null' }
  | { t: 'verbatim'; bytes: Buffer };

/** How strings are written: `meta` as Meta does (non-ASCII, `/` and `@` escaped), `utf8` raw, `all` every code unit as `\uXXXX`. */
export type EscapeStyle = 'meta' | 'utf8' | 'all';

export interface WriteOptions {
  escape: EscapeStyle;
  /** Share of token boundaries that get whitespace (0: compact). */
  whitespace: number;
  rng: Rng;
}

type Revived = JsonTree | { [key: string]: JsonTree } | JsonTree[];

/** The tree of a valid JSON text (numbers keep their digits: JSON.parse's reviver sees their source text). */
export function treeOf(body: Buffer | string): JsonTree {
  const reviver = function (this: unknown, _key: string, value: unknown, context?: { source?: string }): Revived {
    if (value === null) return { t: 'literal', raw: 'null' };
    if (typeof value === 'boolean') return { t: 'literal', raw: value ? 'true' : 'false' };
    if (typeof value === 'number') return { t: 'number', raw: context?.source ?? String(value) };
    if (typeof value === 'string') return { t: 'string', value };
    if (Array.isArray(value)) return { t: 'array', items: value as JsonTree[] };
    return { t: 'object', pairs: Object.entries(value as Record<string, JsonTree>) };
  };
  return JSON.parse(typeof body === 'string' ? body : body.toString('utf8'), reviver as (k: string, v: unknown) => unknown) as JsonTree;
}

const SHORT: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const hex4 = (code: number, upper: boolean) => {
  const h = code.toString(16).padStart(4, '0');
  return `\\u${upper ? h.toUpperCase() : h}`;
};

// eslint-disable-next-line no-control-regex -- JSON escapes every control character
const META_ESCAPED = /[\u0000-\u001f"\\/@\u007f-\uffff]/g;
const metaEscape = (ch: string): string => SHORT[ch] ?? (ch === '/' ? '\\/' : hex4(ch.charCodeAt(0), false));

/** One string literal in the given style; always valid JSON and valid UTF-8 (lone surrogates are escaped). */
export function writeString(s: string, style: EscapeStyle): string {
  if (style === 'utf8') return JSON.stringify(s);
  // Meta's: a regex walks UTF-16 code units, so an emoji becomes its two surrogate escapes (and megabytes stay fast).
  if (style === 'meta') return `"${s.replace(META_ESCAPED, metaEscape)}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) out += hex4(s.charCodeAt(i), i % 2 === 0);
  return `${out}"`;
}

const SPACES = [' ', '\n', '\t', '\r\n  ', '  '];

/** Serialises a tree; whitespace and escapes as asked, duplicate keys and number texts as they are. */
export function writeJson(tree: JsonTree, o: WriteOptions): Buffer {
  const parts: (string | Buffer)[] = [];
  const ws = () => {
    if (o.whitespace > 0 && o.rng.chance(o.whitespace)) parts.push(o.rng.pick(SPACES));
  };
  const write = (node: JsonTree): void => {
    switch (node.t) {
      case 'literal':
      case 'number':
        parts.push(node.raw);
        return;
      case 'string':
        parts.push(writeString(node.value, o.escape));
        return;
      case 'verbatim':
        parts.push(node.bytes);
        return;
      case 'array':
        parts.push('[');
        node.items.forEach((item, i) => {
          if (i > 0) parts.push(',');
          ws();
          write(item);
          ws();
        });
        parts.push(']');
        return;
      case 'object':
        parts.push('{');
        node.pairs.forEach(([key, value], i) => {
          if (i > 0) parts.push(',');
          ws();
          parts.push(writeString(key, o.escape));
          ws();
          parts.push(':');
          ws();
          write(value);
          ws();
        });
        parts.push('}');
        return;
    }
  };
  ws();
  write(tree);
  ws();
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
}

/** The member of an object node (the last one wins, as in JSON.parse). */
export function memberOf(node: JsonTree | undefined, key: string): JsonTree | undefined {
  if (node?.t !== 'object') return undefined;
  for (let i = node.pairs.length - 1; i >= 0; i--) if (node.pairs[i]![0] === key) return node.pairs[i]![1];
  return undefined;
}

/** Every node of the tree in pre-order, with its parent container (null for the root). */
export function nodesOf(tree: JsonTree): { node: JsonTree; parent: JsonTree | null }[] {
  const out: { node: JsonTree; parent: JsonTree | null }[] = [];
  const stack: { node: JsonTree; parent: JsonTree | null }[] = [{ node: tree, parent: null }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    out.push(next);
    const { node } = next;
    const children = node.t === 'object' ? node.pairs.map((p) => p[1]) : node.t === 'array' ? node.items : [];
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, parent: node });
  }
  return out;
}

/** A deep copy (verbatim spans shared: they are never mutated). */
export function cloneTree(tree: JsonTree): JsonTree {
  switch (tree.t) {
    case 'object':
      return { t: 'object', pairs: tree.pairs.map(([k, v]) => [k, cloneTree(v)]) };
    case 'array':
      return { t: 'array', items: tree.items.map(cloneTree) };
    default:
      return { ...tree };
  }
}

/** Inserts whitespace between the tokens of a compact or indented JSON text without touching its strings. */
export function reindent(bytes: Buffer, rng: Rng, share: number): Buffer {
  const out: Buffer[] = [];
  let from = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if ((c === 0x7b || c === 0x5b || c === 0x2c || c === 0x3a) && rng.chance(share)) {
      out.push(bytes.subarray(from, i + 1), Buffer.from(rng.pick(SPACES)));
      from = i + 1;
    }
  }
  out.push(bytes.subarray(from));
  return Buffer.concat(out);
}
