import type { Db } from 'mongodb';
import { groupBy, settleLimited, type ServiceHandler } from '@wabus/consumer-service';
import type { WhatsAppEvent } from '@wabus/events';
import type { ConsumedRecord } from '@wabus/kafka';
import { projection, type Located } from '@wabus/projection';
import { noopObserver, type AutoReplyObserver } from './auto-reply-observer.ts';
import { evolveConversation, messageFact, storedFact, type ConversationFact, type ConversationState } from './conversation-state.ts';
import { conversationsOfMessages, type ConversationOf } from './conversation-persons.ts';
import { createIdentityLinks, ensureIdentityIndexes, type LinkDoc } from '@wabus/identity';
import { conversationsOf, ensureConversationIndexes, loadConversations } from './conversation-store.ts';
import { decide, type Decision } from './decide.ts';
import { tenantOfEvent } from '@wabus/tenants';
import type { TenantPolicies } from './tenant-policies.ts';
import { executeReply, type ReplyExecutorDeps } from './execute-reply.ts';
import { customerWrote } from './inbound-message.ts';
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
 * outbox with the tenant's token; then the conversations projection folds what the batch said into the states (one
 * read, one conditional bulk write). A record is a duplicate when its reply was found in the outbox and it changed no
 * state (docs/projections.md).
 */
export async function createAutoReplyHandler(db: Db, o: AutoReplyHandlerOptions): Promise<ServiceHandler> {
  const observer = o.observer ?? noopObserver;
  const outbox = outboxOf(db);
  const conversations = conversationsOf(db);
  await ensureOutboxIndexes(outbox);
  await ensureConversationIndexes(conversations);
  const conversationProjection = projection({
    collection: conversations,
    factsOf: (item: { facts: Located<ConversationFact>[] }) => item.facts,
    evolve: evolveConversation,
  });
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
    const convOf = await conversationsOfMessages(
      identity,
      [...wrote.values()].filter((w) => w !== null),
    );
    const stored = await loadConversations(conversations, [...new Set([...convOf.values()].flatMap((c) => [c.id, ...c.earlierIds]))]);
    // States stored under another id of the person join its conversation, first (what they hold was applied).
    const earlier = new Map<string, Located<ConversationFact>[]>();
    const states = new Map<string, ConversationState>();
    for (const c of convOf.values()) {
      if (earlier.has(c.id)) continue;
      const others = c.earlierIds.flatMap((i) => (i === c.id ? [] : (stored.get(i) ?? []))).map((s) => ({ id: c.id, fact: storedFact(c, s) }));
      earlier.set(c.id, others);
      const own = stored.get(c.id);
      const joined = [...(own === undefined ? [] : [storedFact(c, own)]), ...others.map((o) => o.fact)].reduce<ConversationState | null>(
        evolveConversation,
        null,
      );
      if (joined !== null) states.set(c.id, joined);
    }
    const conversationOf = (r: ConsumedRecord<WhatsAppEvent>): ConversationOf | null => {
      const w = wrote.get(r);
      return w ? (convOf.get(w) ?? null) : null;
    };
    const said = new Map<ConsumedRecord<WhatsAppEvent>, Located<ConversationFact>[]>();
    const repliedBefore = new Set<ConsumedRecord<WhatsAppEvent>>();

    const policies = o.policies();
    // One conversation's records in offset order; conversations (and records of no conversation) concurrently.
    const groupOf = (r: ConsumedRecord<WhatsAppEvent>) => conversationOf(r)?.id ?? `record:${r.offset}`;
    await settleLimited(groupBy(records, groupOf), o.concurrency, async (group) => {
      for (const r of group) {
        const w = wrote.get(r) ?? null;
        const c = conversationOf(r);
        const state: ConversationState | null = c === null ? null : (states.get(c.id) ?? null);
        const tenantId = tenantOfEvent(policies.tenants, r.event);
        const policy = policies.of(tenantId);
        const d: Decision = policy === undefined ? { skip: 'unknown_tenant', inbound: null } : decide(r, state, policy.policy, o.now());
        if (policy === undefined && r.event.kind === 'message')
          o.log.warn({ eventId: r.event.eventId, tenantId }, 'a message for a tenant the tenants file does not name: not answered');
        observer.decided?.('skip' in d ? d.skip : 'reply');
        if ('commands' in d && (await executeReply(deps, d, { partition: r.partition, offset: r.offset })) === 'duplicate') repliedBefore.add(r);
        if (w !== null && c !== null) {
          const fact = messageFact(c, w.timestamp, 'commands' in d && d.trigger === 'greeting');
          states.set(c.id, evolveConversation(state, fact));
          said.set(r, [{ id: c.id, fact }]);
        }
      }
    });
    const items = [...[...earlier.values()].map((facts) => ({ facts, record: null })), ...records.map((r) => ({ facts: said.get(r) ?? [], record: r }))];
    const outcomes = await conversationProjection.apply(items);
    // A duplicate found its reply in the outbox and changed no state. The state alone cannot tell (it keeps times,
    // not message ids: a new message in the same second as the last changes nothing): without a reply, never one.
    const duplicateOffsets = items.flatMap(({ record: r }, i) => (r !== null && repliedBefore.has(r) && outcomes[i] !== 'applied' ? [r.offset] : []));
    return { duplicateOffsets };
  }

  return { handleBatch };
}
