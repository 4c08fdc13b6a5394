import type { Alias, WhatsAppEvent } from '@wabus/events';
import type { Person } from '@wabus/identity';
import type { Located } from '@wabus/projection';
import { conversationId } from './evolve-conversation.ts';
import type { ConversationFact, LogPosition, MessageFact } from './message-doc.ts';
import { isMessageEvent, messageFacts, type EventFacts } from './message-facts.ts';

/** The part of a consumed record the plan needs. */
export interface PlannedRecord {
  partition: number;
  offset: string;
  event: WhatsAppEvent;
}

export interface BatchPlan {
  /** Message and echo events that can be stored, in offset order. */
  accepted: EventFacts[];
  /** Message events that can never be stored, with why (for the dead-letter topic). */
  rejected: { offset: string; reason: string }[];
  /** Other kinds (statuses, errors, account changes): not message-store's, applied as no-ops. */
  ignored: number;
}

/** Reads a batch (one partition, offset order) into facts. Pure. */
export function planBatch(records: readonly PlannedRecord[]): BatchPlan {
  const plan: BatchPlan = { accepted: [], rejected: [], ignored: 0 };
  for (const r of records) {
    if (!isMessageEvent(r.event)) {
      plan.ignored++;
      continue;
    }
    const result = messageFacts(r.event, { p: r.partition, o: Number(r.offset) });
    if (result.ok) plan.accepted.push(result.facts);
    else plan.rejected.push({ offset: r.offset, reason: result.reason });
  }
  return plan;
}

/** Step 1's facts of one message or echo: its own document's, and its target's when it updates another message. */
export const messageFactsOf = (f: EventFacts): Located<MessageFact>[] => [
  { id: f.own.wamid, fact: f.own },
  ...(f.update === null ? [] : [{ id: f.update.target, fact: f.update }]),
];

/** The message ids whose `_sys.first` step 2 needs. */
export const ownIds = (accepted: readonly EventFacts[]): string[] => [...new Set(accepted.map((f) => f.own.wamid))];

/**
 * Step 3's facts, known only AFTER step 1 is durable and the identity map resolved: each event's fact about its
 * conversation (business number, person), marked `first` when the message document's `_sys.first` is that event's
 * own position.
 */
export function conversationFactsOf(
  firsts: ReadonlyMap<string, LogPosition | null>,
  personOf: (phoneNumberId: string, alias: Alias) => Person,
): (f: EventFacts) => Located<ConversationFact>[] {
  return (f) => {
    const first = firsts.get(f.own.wamid) ?? null;
    const isFirst = first !== null && first.p === f.own.at.p && first.o === f.own.at.o;
    const { customerId: _filedUnder, ...conversation } = f.conversation;
    const person = personOf(f.conversation.phoneNumberId, f.conversation.aliases[0]!);
    return [
      { id: conversationId(f.conversation.phoneNumberId, person.id), fact: { ...conversation, personId: person.id, aliases: person.aliases, first: isFirst } },
    ];
  };
}
