import type { Db } from 'mongodb';
import { decodeEvent, type WhatsAppEvent } from '@wabus/events';
import type { ConsumedRecord, ConsumerHandler } from '@wabus/kafka';
import { noopObserver, type AutoReplyObserver } from './auto-reply-observer.ts';
import { evolveConversation, joinConversationStates, type ConversationState } from './conversation-state.ts';
import { conversationsOfMessages, type ConversationOf } from './conversation-persons.ts';
import { createIdentityLinks, ensureIdentityIndexes, type LinkDoc } from '@wabus/identity';
import { conversationsOf, loadConversations, saveConversations } from './conversation-store.ts';
import { decide, type Decision } from './decide.ts';
import { tenantOfEvent } from '@wabus/tenants';
import type { TenantPolicies } from './tenant-policies.ts';
import { executeReply, type ReplyExecutorDeps } from './execute-reply.ts';
import { customerWrote } from './inbound-message.ts';
import { groupBy, settleLimited } from './settle-limited.ts';
import { ensureOutboxIndexes, outboxOf, surfaceOrphans } from './outbox.ts';

export interface AutoReplyHandlerOptions extends Omit<ReplyExecutorDeps, 'outbox' | 'observer' | 'accessTokenOf'> {
  /** The tenants' policies in force (replaced whole when the tenants file is reloaded). */
  policies: () => TenantPolicies;
  /** Conversations of one batch handled at once (each conversation's records stay in order). */
  concurrency: number;
  observer?: AutoReplyObserver;
}

/**
 * auto-reply's Kafka-facing code. At start-up (before any record): indexes. Per batch: outbox entries of its records
 * left pending by a process that died surfaced as `unknown` (surfaceOrphans); the conversations' states in one read;
 * records grouped by conversation, each conversation's records in offset order, different ones concurrently; each
 * record decided by its tenant's policy from the state before it and, for a reply, executed at most once through the
 * outbox with the tenant's token; the states written back in one bulk write.
 */
export async function createAutoReplyHandler(db: Db, o: AutoReplyHandlerOptions): Promise<ConsumerHandler<WhatsAppEvent>> {
  const observer = o.observer ?? noopObserver;
  const outbox = outboxOf(db);
  const conversations = conversationsOf(db);
  await ensureOutboxIndexes(outbox);
  const links = db.collection<LinkDoc>('identity_links');
  await ensureIdentityIndexes(links);
  const identity = createIdentityLinks(links);
  const accessTokenOf = (tenantId: string): string => {
    const p = o.policies().of(tenantId);
    // Only a reload that removed the tenant between the decision and the call gets here.
    if (p === undefined) throw new Error(`tenant ${tenantId} is no longer configured: no Graph token to answer with`);
    return p.accessToken;
  };
  const deps: ReplyExecutorDeps = { ...o, outbox, observer, accessTokenOf };

  // Pacing and backoff can hold a batch longer than the group's session timeout: the runtime heartbeats meanwhile.
  async function handleBatch(records: ConsumedRecord<WhatsAppEvent>[]) {
    const messages = records.filter((r) => r.event.kind === 'message').map((r) => r.event.eventId);
    const surfaced = await surfaceOrphans(outbox, messages, o.owner, new Date(o.now()));
    if (surfaced > 0) {
      observer.surfaced?.(surfaced);
      o.log.warn({ count: surfaced }, 'replies left pending by a stopped process are now unknown (not retried: they may have been sent)');
    }
    const wrote = new Map(records.map((r) => [r, customerWrote(r.event)]));
    // Each message's conversation is its person's: states stored under any of the person's ids are joined into it.
    const convOf = await conversationsOfMessages(identity, [...wrote.values()].filter((w) => w !== null));
    const stored = await loadConversations(conversations, [...new Set([...convOf.values()].flatMap((c) => [c.id, ...c.earlierIds]))]);
    const states = new Map<string, ConversationState>();
    for (const c of convOf.values()) {
      if (states.has(c.id)) continue;
      const joined = joinConversationStates(c.id, c.phoneNumberId, c.customerId, [c.id, ...c.earlierIds].flatMap((i) => stored.get(i) ?? []));
      if (joined !== null) states.set(c.id, joined);
    }
    const conversationOf = (r: ConsumedRecord<WhatsAppEvent>): ConversationOf | null => {
      const w = wrote.get(r);
      return w ? (convOf.get(w) ?? null) : null;
    };
    const touched = new Set<string>();
    const duplicateOffsets: string[] = [];

    const policies = o.policies();
    // One conversation's records in offset order; conversations (and records of no conversation) concurrently.
    const groupOf = (r: ConsumedRecord<WhatsAppEvent>) => conversationOf(r)?.id ?? `record:${r.offset}`;
    await settleLimited(groupBy(records, groupOf), o.concurrency, async (group) => {
      for (const r of group) {
        const w = wrote.get(r) ?? null;
        const c = conversationOf(r);
        const id = c?.id ?? null;
        const state: ConversationState | null = id === null ? null : (states.get(id) ?? null);
        const tenantId = tenantOfEvent(policies.tenants, r.event);
        const policy = policies.of(tenantId);
        const d: Decision = policy === undefined ? { skip: 'unknown_tenant', inbound: null } : decide(r, state, policy.policy, o.now());
        if (policy === undefined && r.event.kind === 'message') o.log.warn({ eventId: r.event.eventId, tenantId }, 'a message for a tenant the tenants file does not name: not answered');
        observer.decided?.('skip' in d ? d.skip : 'reply');
        if ('commands' in d && (await executeReply(deps, d, { partition: r.partition, offset: r.offset })) === 'duplicate') duplicateOffsets.push(r.offset);
        if (w !== null && c !== null && id !== null) {
          states.set(id, evolveConversation(state, { ...w, customerId: c.customerId }, 'commands' in d && d.trigger === 'greeting'));
          touched.add(id);
        }
      }
    });
    await saveConversations(conversations, [...touched].map((id) => states.get(id)!));
    return { duplicateOffsets };
  }

  return { decode: (value) => decodeEvent(value), handleBatch };
}
