import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { contentHash, foldDocuments } from '@wabus/projection';
import { evolveStatus } from './evolve-status.ts';
import { fact } from './fact.test-support.ts';
import type { StatusDocument } from './status-document.ts';
import type { StatusFact } from './status-fact.ts';
import { createWriteWatch, type DocumentWrite } from './write-watch.ts';

/**
 * A store with MongoDB's semantics for what foldDocuments does (`$in` reads, unordered bulk of inserts and
 * conditional replaces), where a test can let another writer in before a bulk, or cut a bulk before or after it
 * was applied.
 */
function memoryStore() {
  const docs = new Map<string, StatusDocument>();
  const next: { otherWriter?: () => void; cut?: 'before' | 'after' } = {};
  const collection = {
    find: (filter: { _id: { $in: string[] } }) => ({
      toArray: async () => filter._id.$in.flatMap((id) => (docs.has(id) ? [structuredClone(docs.get(id)!)] : [])),
    }),
    async bulkWrite(ops: AnyBulkWriteOperation<StatusDocument>[]) {
      const { otherWriter, cut } = next;
      delete next.otherWriter;
      delete next.cut;
      otherWriter?.();
      if (cut === 'before') throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
      const result = { insertedCount: 0, matchedCount: 0, modifiedCount: 0 };
      const writeErrors: { index: number; code: number }[] = [];
      ops.forEach((op, index) => {
        if ('insertOne' in op) {
          const d = op.insertOne.document as StatusDocument;
          if (docs.has(d._id)) writeErrors.push({ index, code: 11000 });
          else {
            docs.set(d._id, structuredClone(d));
            result.insertedCount++;
          }
        } else if ('replaceOne' in op) {
          const f = op.replaceOne.filter as { _id: string; _h: string };
          if (docs.get(f._id)?._h !== f._h) return;
          docs.set(f._id, structuredClone(op.replaceOne.replacement as StatusDocument));
          result.matchedCount++;
          result.modifiedCount++;
        }
      });
      if (writeErrors.length > 0) throw Object.assign(new Error('E11000 duplicate key'), { writeErrors, result });
      if (cut === 'after') throw Object.assign(new Error('connection reset after the write'), { code: 'ECONNRESET' });
      return result;
    },
  };
  return { docs, next, collection: collection as unknown as Collection<StatusDocument> };
}

/** Another process folding these facts into the store directly (as its own fold would write them). */
const writeDirectly = (docs: Map<string, StatusDocument>, facts: readonly StatusFact[]) => () => {
  for (const f of facts) {
    const doc = evolveStatus(docs.get(f.id) ?? null, f);
    docs.set(f.id, { ...doc, _h: contentHash(doc) });
  }
};

const byId = (facts: readonly StatusFact[]) => {
  const m = new Map<string, StatusFact[]>();
  for (const f of facts) m.set(f.id, [...(m.get(f.id) ?? []), f]);
  return m;
};

function watched() {
  const store = memoryStore();
  const writes: DocumentWrite<StatusDocument>[] = [];
  const watch = createWriteWatch<StatusDocument>((w) => writes.push(w));
  const fold = (facts: readonly StatusFact[]) => foldDocuments(watch.watch(store.collection), byId(facts), evolveStatus);
  const summary = () => writes.map((w) => `${w.after._id}: ${w.before?.progress ?? 'new'} → ${w.after.progress}`);
  return { store, watch, fold, summary };
}

test('write watch: each acknowledged write once, with what it replaced; the same facts again write nothing and report nothing', async () => {
  const { fold, summary } = watched();
  await fold([fact('sent', 100), fact('sent', 100, { id: 'wamid.B' })]);
  await fold([fact('delivered', 103)]);
  await fold([fact('sent', 100), fact('delivered', 103), fact('sent', 100, { id: 'wamid.B' })]);
  assert.deepEqual(summary(), ['wamid.A: new → sent', 'wamid.B: new → sent', 'wamid.A: sent → delivered']);
});

test('write watch: an insert that loses to another writer is not reported; the re-fold onto its document is', async () => {
  const { store, fold, summary } = watched();
  store.next.otherWriter = writeDirectly(store.docs, [fact('sent', 100)]);
  await fold([fact('delivered', 103)]);
  assert.deepEqual(summary(), ['wamid.A: sent → delivered']);
  assert.equal(store.docs.get('wamid.A')?.deliveredAt, 103);
});

test('write watch: a zombie writing the same facts first is reported by it alone, not again by us', async () => {
  const { store, fold, summary, watch } = watched();
  await fold([fact('sent', 100)]);
  store.next.otherWriter = writeDirectly(store.docs, [fact('delivered', 103)]);
  await fold([fact('delivered', 103)]);
  assert.deepEqual(summary(), ['wamid.A: new → sent'], 'our replace matched nothing, and the store holds what the zombie wrote');
  assert.equal(watch.unsettled(), 0);
});

test('write watch: of a bulk with fewer matches than replaces, the ones whose documents moved on failed and the others landed', async () => {
  const { store, fold, summary } = watched();
  await fold([fact('sent', 100), fact('sent', 200, { id: 'wamid.B' })]);
  store.next.otherWriter = writeDirectly(store.docs, [fact('read', 260, { id: 'wamid.B' })]);
  await fold([fact('delivered', 103), fact('delivered', 203, { id: 'wamid.B' })]);
  assert.deepEqual(summary(), ['wamid.A: new → sent', 'wamid.B: new → sent', 'wamid.A: sent → delivered', 'wamid.B: read → read']);
  assert.equal(store.docs.get('wamid.B')?.deliveredAt, 203);
});

test('write watch: a bulk cut after it landed is reported when the retried batch reads the documents again, once', async () => {
  const { store, fold, summary, watch } = watched();
  await fold([fact('sent', 100)]);
  store.next.cut = 'after';
  await assert.rejects(fold([fact('delivered', 103), fact('sent', 200, { id: 'wamid.B' })]), /connection reset/);
  assert.deepEqual(summary(), ['wamid.A: new → sent'], 'not known yet');
  assert.equal(watch.unsettled(), 2);
  await fold([fact('delivered', 103), fact('sent', 200, { id: 'wamid.B' })]);
  await fold([fact('delivered', 103), fact('sent', 200, { id: 'wamid.B' })]);
  assert.deepEqual(summary(), ['wamid.A: new → sent', 'wamid.B: new → sent', 'wamid.A: sent → delivered']);
  assert.equal(watch.unsettled(), 0);
});

test('write watch: a bulk cut before it landed is written and reported by the retry, once', async () => {
  const { store, fold, summary } = watched();
  await fold([fact('sent', 100)]);
  store.next.cut = 'before';
  await assert.rejects(fold([fact('delivered', 103)]), /connection reset/);
  await fold([fact('delivered', 103)]);
  assert.deepEqual(summary(), ['wamid.A: new → sent', 'wamid.A: sent → delivered']);
});
