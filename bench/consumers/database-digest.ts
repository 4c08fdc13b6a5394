import { createHash } from 'node:crypto';
import { BSON, type Db } from 'mongodb';

/** One hash over every document of every collection (BSON bytes, in `_id` order): equal digests, byte-identical data. */
export async function databaseDigest(db: Db): Promise<string> {
  const hash = createHash('sha256');
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  for (const name of names) {
    hash.update(`\u0000${name}\u0000`);
    for await (const doc of db.collection(name).find({}).sort({ _id: 1 })) hash.update(BSON.serialize(doc));
  }
  return hash.digest('hex');
}
