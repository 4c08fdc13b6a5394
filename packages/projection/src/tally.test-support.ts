import type { TestContext } from 'node:test';
import { testDatabase, testMongoClient } from '@wabus/testing';
import type { StateDocument } from './fold-documents.ts';

export interface Tally extends StateDocument {
  seen: string[];
  total: number;
}
export interface Add {
  id: string;
  amount: number;
}

// Idempotent by construction: an event id already in `seen` changes nothing; `seen` is kept sorted, so the
// document does not depend on arrival order.
export const evolveTally = (doc: Tally | null, e: Add): Tally => {
  if (doc?.seen.includes(e.id)) return doc;
  const seen = [...(doc?.seen ?? []), e.id].sort();
  return { _id: doc?._id ?? '', seen, total: (doc?.total ?? 0) + e.amount };
};

/** A collection of tallies in a database of its own, dropped after the test. */
export async function tallies(t: TestContext) {
  const client = await testMongoClient(t);
  return client.db(testDatabase(t, { prefix: 'fold' })).collection<Tally>('tallies');
}
