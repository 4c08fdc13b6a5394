// The handler's two steps over in-memory maps instead of the store, with a crash between them on demand: lets unit
// tests walk every crash point of a log (the int tests do the same with a real SIGKILL).
import { aliasValue, personAliases, personIdOf, type Alias } from '@wabus/events';
import type { Person } from '@wabus/identity';
import { groupFacts, type Located } from '@wabus/projection';
import { conversationFactsOf, messageFactsOf, ownIds, planBatch, type PlannedRecord } from './batch-plan.ts';
import { conversationId, evolveConversation } from './evolve-conversation.ts';
import { evolveMessage } from './evolve-message.ts';
import type { ConversationDoc, MessageDoc } from './message-doc.ts';
import { rebuildConversation } from './rebuild-conversation.ts';

export interface MemoryStore {
  messages: Map<string, MessageDoc>;
  conversations: Map<string, ConversationDoc>;
  /** Per business number, alias → linked aliases (the identity map's links). */
  links: Map<string, Map<Alias, Set<Alias>>>;
}

export const memoryStore = (): MemoryStore => ({ messages: new Map(), conversations: new Map(), links: new Map() });

function link(store: MemoryStore, scope: string, aliases: readonly Alias[]): void {
  let g = store.links.get(scope);
  if (g === undefined) store.links.set(scope, (g = new Map()));
  for (const a of aliases) for (const b of aliases) if (a !== b) (g.get(a) ?? g.set(a, new Set()).get(a)!).add(b);
}

function personOf(store: MemoryStore, scope: string, alias: Alias): Person {
  const g = store.links.get(scope);
  const seen = new Set<Alias>([alias]);
  const stack = [alias];
  while (stack.length > 0) {
    for (const n of g?.get(stack.pop()!) ?? []) {
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(n);
    }
  }
  return { id: personIdOf(seen), aliases: [...seen].sort() };
}

/** mergeConversations over the maps: the stale conversations of each touched person folded into the merged one. */
function mergeInMemory(store: MemoryStore, partition: number, touched: readonly { scope: string; person: Person }[], crash: boolean): void {
  for (const { scope, person } of touched) {
    const own = conversationId(scope, person.id);
    const staleIds = person.aliases
      .flatMap((a) => [conversationId(scope, a), conversationId(scope, aliasValue(a))])
      .filter((id) => id !== own && store.conversations.has(id));
    if (staleIds.length === 0) continue;
    const values = new Set(person.aliases.map(aliasValue));
    const messages = [...store.messages.values()].filter((m) => m.received && m.phoneNumberId === scope && m.customerId !== null && values.has(m.customerId));
    const survivor = store.conversations.get(own);
    const merged = [...(survivor ? [survivor] : []), ...staleIds.map((id) => store.conversations.get(id)!)];
    store.conversations.set(own, rebuildConversation({ partition, phoneNumberId: scope, personId: person.id, aliases: person.aliases, messages, merged }));
    if (crash) throw new CrashedMidMerge();
    for (const id of staleIds) store.conversations.delete(id);
  }
}

/** The projection over a map: the same grouping, each document folded from what the map holds. */
function memoryFold<E, D, F>(docs: Map<string, D>, events: readonly E[], factsOf: (e: E) => readonly Located<F>[], evolve: (d: D | null, f: F) => D): void {
  for (const [id, facts] of groupFacts(events, factsOf).byId) docs.set(id, facts.reduce<D | null>(evolve, docs.get(id) ?? null)!);
}

class CrashedMidMerge extends Error {}

/**
 * One handler call. `crash: 'between-writes'` stops after the messages write, as a SIGKILL there would;
 * `'mid-merge'` after a merged conversation is written and before the ones it absorbed are removed.
 */
export function applyBatch(store: MemoryStore, records: readonly PlannedRecord[], crash?: 'between-writes' | 'mid-merge'): void {
  const plan = planBatch(records);
  memoryFold(store.messages, plan.accepted, messageFactsOf, evolveMessage);
  if (crash === 'between-writes') return;
  for (const r of records) if (r.event.phoneNumberId !== null) link(store, r.event.phoneNumberId, personAliases(r.event));
  const firsts = new Map(ownIds(plan.accepted).map((id) => [id, store.messages.get(id)?._sys.first ?? null]));
  memoryFold(
    store.conversations,
    plan.accepted,
    conversationFactsOf(firsts, (scope, alias) => personOf(store, scope, alias)),
    evolveConversation,
  );
  const touched = plan.accepted.map((f) => ({
    scope: f.conversation.phoneNumberId,
    person: personOf(store, f.conversation.phoneNumberId, f.conversation.aliases[0]!),
  }));
  if (records[0] === undefined) return;
  try {
    mergeInMemory(store, records[0].partition, touched, crash === 'mid-merge');
  } catch (err) {
    if (!(err instanceof CrashedMidMerge)) throw err;
  }
}

export type CrashPoint = { step: number; where: 'between-writes' | 'mid-merge' | 'before-commit' };

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
      applyBatch(store, chunk, crash.where === 'before-commit' ? undefined : crash.where);
      size = batchAfter; // restart: redelivery from the last committed offset, cut differently
      continue;
    }
    applyBatch(store, chunk);
    committed += chunk.length;
  }
  return store;
}
