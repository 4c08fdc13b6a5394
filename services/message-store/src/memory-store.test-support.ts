// The handler's two steps over in-memory maps instead of the store, with a crash between them on demand: lets unit
// tests walk every crash point of a log (the int tests do the same with a real SIGKILL).
import { conversationFactsById, messageFactsById, ownIds, planBatch, type PlannedRecord } from './batch-plan.ts';
import { evolveConversation } from './evolve-conversation.ts';
import { evolveMessage } from './evolve-message.ts';
import type { ConversationDoc, MessageDoc } from './message-doc.ts';

export interface MemoryStore {
  messages: Map<string, MessageDoc>;
  conversations: Map<string, ConversationDoc>;
}

export const memoryStore = (): MemoryStore => ({ messages: new Map(), conversations: new Map() });

function memoryFold<D, F>(docs: Map<string, D>, byId: Map<string, F[]>, evolve: (d: D | null, f: F) => D): void {
  for (const [id, facts] of byId) docs.set(id, facts.reduce<D | null>(evolve, docs.get(id) ?? null)!);
}

/** One handler call. `crash: 'between-writes'` stops after the messages write, as a SIGKILL there would. */
export function applyBatch(store: MemoryStore, records: readonly PlannedRecord[], crash?: 'between-writes'): void {
  const plan = planBatch(records);
  memoryFold(store.messages, messageFactsById(plan.accepted), evolveMessage);
  if (crash === 'between-writes') return;
  const firsts = new Map(ownIds(plan.accepted).map((id) => [id, store.messages.get(id)?._sys.first ?? null]));
  memoryFold(store.conversations, conversationFactsById(plan.accepted, firsts), evolveConversation);
}

export type CrashPoint = { step: number; where: 'between-writes' | 'before-commit' };

/**
 * Runs a one-partition log through the handler in batches of `batch` records, committing after each; at each crash
 * step it crashes (after the messages write, or after both writes but before the commit) and restarts from the last
 * commit with batches of `batchAfter` records.
 */
export function runLog(records: readonly PlannedRecord[], batch: number, crashes: readonly CrashPoint[] = [], batchAfter = batch): MemoryStore {
  const store = memoryStore();
  let committed = 0;
  let size = batch;
  for (let step = 0; committed < records.length; step++) {
    const chunk = records.slice(committed, committed + size);
    const crash = crashes.find((c) => c.step === step);
    if (crash !== undefined) {
      applyBatch(store, chunk, crash.where === 'between-writes' ? 'between-writes' : undefined);
      size = batchAfter; // restart: redelivery from the last committed offset, cut differently
      continue;
    }
    applyBatch(store, chunk);
    committed += chunk.length;
  }
  return store;
}
