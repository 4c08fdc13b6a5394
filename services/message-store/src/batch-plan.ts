import type { Alias, WhatsAppEvent } from '@wabus/events';
import type { Person } from '@wabus/identity';
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

const push = <K, V>(map: Map<K, V[]>, key: K, value: V): void => {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
};

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

/** Step 1's input: per message document, its facts in offset order (own events, and updates that target it). */
export function messageFactsById(accepted: readonly EventFacts[]): Map<string, MessageFact[]> {
  const byId = new Map<string, MessageFact[]>();
  for (const f of accepted) {
    push(byId, f.own.wamid, f.own);
    if (f.update !== null) push(byId, f.update.target, f.update);
  }
  return byId;
}

/** The message ids whose `_sys.first` step 2 needs. */
export const ownIds = (accepted: readonly EventFacts[]): string[] => [...new Set(accepted.map((f) => f.own.wamid))];

/**
 * Step 3's input, built AFTER step 1 is durable and the identity map resolved: per conversation (business number,
 * person), its facts in offset order, each marked `first` when the message document's `_sys.first` is that event's
 * own position.
 */
export function conversationFactsById(
  accepted: readonly EventFacts[],
  firsts: ReadonlyMap<string, LogPosition | null>,
  personOf: (phoneNumberId: string, alias: Alias) => Person,
): Map<string, ConversationFact[]> {
  const byId = new Map<string, ConversationFact[]>();
  for (const f of accepted) {
    const first = firsts.get(f.own.wamid) ?? null;
    const isFirst = first !== null && first.p === f.own.at.p && first.o === f.own.at.o;
    const { customerId: _filedUnder, ...conversation } = f.conversation;
    const person = personOf(f.conversation.phoneNumberId, f.conversation.aliases[0]!);
    push(byId, conversationId(f.conversation.phoneNumberId, person.id), { ...conversation, personId: person.id, aliases: person.aliases, first: isFirst });
  }
  return byId;
}
