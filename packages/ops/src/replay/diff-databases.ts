import { createHash } from 'node:crypto';
import { BSON, MongoClient, type Document } from 'mongodb';
import { OpsError } from '../errors.ts';

export interface ChangedDocument {
  id: unknown;
  /** Dotted paths whose values differ (up to a few levels deep). */
  fields: string[];
}

export interface CollectionDiff {
  name: string;
  live: number;
  shadow: number;
  added: unknown[];
  removed: unknown[];
  changed: ChangedDocument[];
}

export interface DatabaseDiff {
  live: string;
  shadow: string;
  collections: CollectionDiff[];
  totals: { added: number; removed: number; changed: number; identical: boolean };
}

const idKey = (id: unknown) => BSON.EJSON.stringify({ id }, { relaxed: false });
const digest = (doc: Document) => createHash('sha256').update(BSON.serialize(doc)).digest('base64');

/** Paths where two documents differ: nested documents are compared field by field, everything else as a whole. */
export function differingFields(a: unknown, b: unknown, path = '', depth = 0): string[] {
  const isDoc = (x: unknown): x is Record<string, unknown> =>
    typeof x === 'object' && x !== null && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;
  if (depth < 4 && isDoc(a) && isDoc(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    const out = keys.flatMap((k) => differingFields(a[k], b[k], path ? `${path}.${k}` : k, depth + 1));
    // Same fields and values in another order: BSON bytes differ, so report it.
    if (out.length === 0 && Object.keys(a).join('\u0000') !== Object.keys(b).join('\u0000')) return [path ? `${path} (field order)` : '(field order)'];
    return out;
  }
  // A missing field and a null one differ (EJSON would write both as null).
  if ((a === undefined) !== (b === undefined)) return [path || '(document)'];
  return BSON.EJSON.stringify({ v: a }, { relaxed: false }) === BSON.EJSON.stringify({ v: b }, { relaxed: false }) ? [] : [path || '(document)'];
}

async function digests(client: MongoClient, db: string, collection: string): Promise<Map<string, { id: unknown; h: string }>> {
  const out = new Map<string, { id: unknown; h: string }>();
  for await (const doc of client.db(db).collection(collection).find({})) out.set(idKey(doc._id), { id: doc._id, h: digest(doc) });
  return out;
}

/**
 * Compares two databases collection by collection, document by document (by `_id`, byte for byte as BSON): what the
 * shadow has that the live one lacks (added), the other way round (removed), and documents whose bytes differ
 * (changed, with the differing fields). Reads hold one digest per document in memory, not the documents.
 */
export async function diffDatabases(
  client: MongoClient,
  live: string,
  shadow: string,
  opts: { collections?: readonly string[]; detailLimit?: number } = {},
): Promise<DatabaseDiff> {
  const limit = opts.detailLimit ?? 100;
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  for (const name of [live, shadow]) {
    if (!databases.some((d) => d.name === name))
      throw new OpsError('WABUS_OPS_DATABASE_MISSING', { message: `database ${JSON.stringify(name)} does not exist (or is empty)` });
  }
  const names = async (db: string) =>
    (await client.db(db).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => !n.startsWith('system.'));
  const all = opts.collections ?? [...new Set([...(await names(live)), ...(await names(shadow))])].sort();
  const collections: CollectionDiff[] = [];
  for (const name of all) {
    const [l, s] = await Promise.all([digests(client, live, name), digests(client, shadow, name)]);
    const diff: CollectionDiff = { name, live: l.size, shadow: s.size, added: [], removed: [], changed: [] };
    for (const [k, v] of s) if (!l.has(k)) diff.added.push(v.id);
    for (const [k, v] of l) if (!s.has(k)) diff.removed.push(v.id);
    for (const [k, v] of l) {
      const other = s.get(k);
      if (other === undefined || other.h === v.h) continue;
      if (diff.changed.length < limit) {
        const [a, b] = await Promise.all([
          client
            .db(live)
            .collection(name)
            .findOne({ _id: v.id as never }),
          client
            .db(shadow)
            .collection(name)
            .findOne({ _id: v.id as never }),
        ]);
        diff.changed.push({ id: v.id, fields: differingFields(a, b) });
      } else diff.changed.push({ id: v.id, fields: [] });
    }
    collections.push(diff);
  }
  const sum = (f: (c: CollectionDiff) => number) => collections.reduce((n, c) => n + f(c), 0);
  const totals = { added: sum((c) => c.added.length), removed: sum((c) => c.removed.length), changed: sum((c) => c.changed.length) };
  return { live, shadow, collections, totals: { ...totals, identical: totals.added + totals.removed + totals.changed === 0 } };
}

/** `diffDatabases` over a connection of its own to `uri`. */
export async function diffDatabasesAt(
  uri: string,
  live: string,
  shadow: string,
  opts: { collections?: readonly string[]; detailLimit?: number } = {},
): Promise<DatabaseDiff> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  try {
    return await diffDatabases(client, live, shadow, opts);
  } finally {
    await client.close();
  }
}
