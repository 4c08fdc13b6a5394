import { MongoServerError, type Collection } from 'mongodb';
import type { OutboxEntry } from './outbox.ts';

type Op = 'insertOne' | 'updateOne' | 'findOne';
/** `lands`: the write is applied, then the answer is lost (the caller sees an error). `fails`: nothing applied. */
export type Fault = { op: Op; mode: 'lands' | 'fails'; when?: (arg: Record<string, unknown>) => boolean };

function matches(doc: Record<string, unknown>, filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([k, v]) => {
    if (v !== null && typeof v === 'object' && '$in' in v) return (v.$in as unknown[]).includes(doc[k]);
    return doc[k] === v;
  });
}

function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let at = doc;
  for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>;
  at[parts.at(-1)!] = value;
}

/**
 * An in-memory outbox with the few operations the executor uses, and scripted store faults: a write that lands but
 * whose answer is lost is the case that breaks naive "at most once" designs.
 */
export function memoryOutbox() {
  const docs = new Map<string, Record<string, unknown>>();
  const faults: Fault[] = [];
  const calls: Op[] = [];
  const fault = (op: Op, arg: Record<string, unknown>): Fault['mode'] | null => {
    const i = faults.findIndex((f) => f.op === op && (f.when === undefined || f.when(arg)));
    return i < 0 ? null : faults.splice(i, 1)[0]!.mode;
  };
  const lost = () => Object.assign(new Error('connection reset (answer lost)'), { name: 'MongoNetworkError' });
  const api = {
    async insertOne(doc: OutboxEntry) {
      calls.push('insertOne');
      const mode = fault('insertOne', doc as unknown as Record<string, unknown>);
      if (mode === 'fails') throw lost();
      if (docs.has(doc._id)) throw new MongoServerError({ message: 'E11000 duplicate key', code: 11000 });
      docs.set(doc._id, structuredClone(doc) as unknown as Record<string, unknown>);
      if (mode === 'lands') throw lost();
      return { acknowledged: true, insertedId: doc._id };
    },
    async updateOne(filter: Record<string, unknown>, update: { $set: Record<string, unknown> }) {
      calls.push('updateOne');
      const mode = fault('updateOne', { ...filter, ...update.$set });
      if (mode === 'fails') throw lost();
      const doc = docs.get(filter['_id'] as string);
      const hit = doc !== undefined && matches(doc, filter);
      if (hit) for (const [k, v] of Object.entries(update.$set)) setPath(doc, k, structuredClone(v));
      if (mode === 'lands') throw lost();
      return { matchedCount: hit ? 1 : 0, modifiedCount: hit ? 1 : 0 };
    },
    async findOne(filter: { _id: string }) {
      calls.push('findOne');
      if (fault('findOne', filter)) throw lost();
      const doc = docs.get(filter._id);
      return doc === undefined ? null : structuredClone(doc);
    },
  };
  return { collection: api as unknown as Collection<OutboxEntry>, docs: docs as unknown as Map<string, OutboxEntry>, faults, calls };
}
