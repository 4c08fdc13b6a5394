import type { Collection, Document } from 'mongodb';

/**
 * A collection where another writer acts once, between the fold's first read and its write: `race` runs on the real
 * collection right after the first `find(...).toArray()` has read its documents.
 */
export function racingCollection<D extends Document>(real: Collection<D>, race: (c: Collection<D>) => Promise<void>): Collection<D> {
  let raced = false;
  return new Proxy(real, {
    get(target, prop) {
      if (prop !== 'find') {
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (...args: Parameters<typeof real.find>) => {
        const cursor = target.find(...args);
        return {
          toArray: async () => {
            const docs = await cursor.toArray();
            if (!raced) {
              raced = true;
              await race(target);
            }
            return docs;
          },
        };
      };
    },
  });
}
