import type { Db } from 'mongodb';
import { decodeEvent, type WhatsAppEvent } from '@wabus/events';
import type { BatchContext, ConsumedRecord, ConsumerHandler } from '@wabus/kafka';
import { noopObserver, type AutoReplyObserver } from './auto-reply-observer.ts';
import { conversationId, evolveConversation, type ConversationState } from './conversation-state.ts';
import { conversationsOf, loadConversations, saveConversations } from './conversation-store.ts';
import { decide, type DecidePolicy } from './decide.ts';
import { executeReply, type ReplyExecutorDeps } from './execute-reply.ts';
import { customerWrote } from './inbound-message.ts';
import { groupBy, settleLimited } from './settle-limited.ts';
import { ensureOutboxIndexes, outboxOf, surfaceOrphans } from './outbox.ts';

export interface AutoReplyHandlerOptions extends Omit<ReplyExecutorDeps, 'outbox' | 'observer' | 'maxAgeSeconds'> {
  policy: DecidePolicy;
  /** Conversations of one batch handled at once (each conversation's records stay in order). */
  concurrency: number;
  observer?: AutoReplyObserver;
}

/**
 * auto-reply's Kafka-facing code. At start-up (before any record): indexes. Per batch: outbox entries of its records
 * left pending by a process that died surfaced as `unknown` (surfaceOrphans); the conversations' states in one read;
 * records grouped by key, each key's records in offset order, different keys concurrently; each record decided from the state before it and,
 * for a reply, executed at most once through the outbox; the states written back in one bulk write.
 */
export async function createAutoReplyHandler(db: Db, o: AutoReplyHandlerOptions): Promise<ConsumerHandler<WhatsAppEvent>> {
  const observer = o.observer ?? noopObserver;
  const outbox = outboxOf(db);
  const conversations = conversationsOf(db);
  await ensureOutboxIndexes(outbox);
  const deps: ReplyExecutorDeps = { ...o, outbox, observer, maxAgeSeconds: o.policy.maxAgeSeconds };

  async function handleBatch(records: ConsumedRecord<WhatsAppEvent>[], ctx: BatchContext) {
    // Pacing and backoff can hold a batch longer than the group's session timeout: stay a member meanwhile.
    const alive = setInterval(() => void ctx.heartbeat(), 3_000);
    try {
      return await applyBatch(records);
    } finally {
      clearInterval(alive);
    }
  }

  async function applyBatch(records: ConsumedRecord<WhatsAppEvent>[]) {
    const messages = records.filter((r) => r.event.kind === 'message').map((r) => r.event.eventId);
    const surfaced = await surfaceOrphans(outbox, messages, o.owner, new Date(o.now()));
    if (surfaced > 0) {
      observer.surfaced?.(surfaced);
      o.log.warn({ count: surfaced }, 'replies left pending by a stopped process are now unknown (not retried: they may have been sent)');
    }
    const wrote = new Map(records.map((r) => [r, customerWrote(r.event)]));
    const ids = [...new Set([...wrote.values()].flatMap((w) => (w ? [conversationId(w.phoneNumberId, w.customerId)] : [])))];
    const states = await loadConversations(conversations, ids);
    const touched = new Set<string>();
    const duplicateOffsets: string[] = [];

    await settleLimited(groupBy(records, (r) => r.key ?? r.event.key), o.concurrency, async (group) => {
      for (const r of group) {
        const w = wrote.get(r) ?? null;
        const id = w ? conversationId(w.phoneNumberId, w.customerId) : null;
        const state: ConversationState | null = id === null ? null : (states.get(id) ?? null);
        const d = decide(r, state, o.policy, o.now());
        observer.decided?.('skip' in d ? d.skip : 'reply');
        if ('commands' in d && (await executeReply(deps, d, { partition: r.partition, offset: r.offset })) === 'duplicate') duplicateOffsets.push(r.offset);
        if (w !== null && id !== null) {
          states.set(id, evolveConversation(state, w, 'commands' in d && d.trigger === 'greeting'));
          touched.add(id);
        }
      }
    });
    await saveConversations(conversations, [...touched].map((id) => states.get(id)!));
    return { duplicateOffsets };
  }

  return { decode: (value) => decodeEvent(value), handleBatch };
}
