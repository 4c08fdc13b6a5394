import type { Collection, Db } from 'mongodb';
import type { Subscription } from './subscription.ts';

type StoredSubscription = Omit<Subscription, 'id' | 'source'> & { _id: string; updatedAt: Date };

export const subscriptionsOf = (db: Db) => db.collection<StoredSubscription>('subscriptions');

/**
 * The subscriptions in force: the file's (read once at start-up) and the API's (in the store, shared by every
 * instance, re-read every `refreshMs`). The file's win: an API subscription cannot take a file subscription's id.
 */
export interface SubscriptionSet {
  list(): readonly Subscription[];
  get(id: string): Subscription | undefined;
  put(sub: Subscription): Promise<void>;
  remove(id: string): Promise<boolean>;
  refresh(): Promise<void>;
}

export async function loadSubscriptionSet(
  stored: Collection<StoredSubscription>,
  fromFile: readonly Subscription[],
  changed: (subs: readonly Subscription[]) => void,
): Promise<SubscriptionSet> {
  let current: readonly Subscription[] = fromFile;
  const fileIds = new Set(fromFile.map((s) => s.id));
  async function refresh() {
    const api = (await stored.find({}).sort({ _id: 1 }).toArray())
      .filter((d) => !fileIds.has(d._id))
      .map(({ _id, target, filter, unansweredAfterSeconds }): Subscription => ({ id: _id, target, filter, unansweredAfterSeconds, source: 'api' }));
    current = [...fromFile, ...api];
    changed(current);
  }
  await refresh();
  return {
    list: () => current,
    get: (id) => current.find((s) => s.id === id),
    async put(sub) {
      const { id, source: _source, ...rest } = sub;
      await stored.replaceOne({ _id: id }, { ...rest, updatedAt: new Date() }, { upsert: true });
      await refresh();
    },
    async remove(id) {
      const r = await stored.deleteOne({ _id: id });
      await refresh();
      return r.deletedCount === 1;
    },
    refresh,
  };
}
