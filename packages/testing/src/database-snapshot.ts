import { BSON, type Db } from 'mongodb';

/**
 * Every document of every collection of a database (system collections aside), by `_id`, as canonical Extended
 * JSON: the BSON types and the field order are kept (int32, int64 and double differ, and so do `{a, b}` and
 * `{b, a}`), so two snapshots are equal exactly when the stored documents are byte for byte the same, and a
 * difference reads as JSON. Collections by name, documents by `_id`.
 */
export async function databaseSnapshot(db: Db): Promise<Record<string, Record<string, string>>> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((n) => !n.startsWith('system.'))
    .sort();
  const out: Record<string, Record<string, string>> = {};
  for (const name of names) {
    const docs: Record<string, string> = {};
    for (const doc of await db.collection(name).find().sort({ _id: 1 }).toArray())
      docs[BSON.EJSON.stringify(doc._id, { relaxed: false })] = BSON.EJSON.stringify(doc, { relaxed: false });
    out[name] = docs;
  }
  return out;
}
