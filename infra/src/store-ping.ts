import { MongoClient } from 'mongodb';

/** One readiness attempt for a Mongo-wire store: true when a real driver connects and `ping` answers ok. */
export async function pingStore(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => {});
  }
}
