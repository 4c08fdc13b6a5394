import type { WhatsAppEvent } from '@wabus/events';
import { REPLAY_HEADER, type ConsumedRecord } from '@wabus/kafka';
import { groupBy, type ServiceHandler } from '@wabus/consumer-service';
import { bodyFor } from './delivery-body.ts';
import { enqueue, type Delivery, type DeliveryQueues } from './delivery-queue.ts';
import { factsOfEvent, matchesFilter } from './match-event.ts';
import { deliveryIdOf } from './sign-delivery.ts';
import type { Subscription } from './subscription.ts';
import { recordOutbound, type ConversationDoc } from './unanswered.ts';
import type { Collection } from 'mongodb';

const ANSWER_STATUSES = new Set(['sent', 'delivered', 'read']);

/** The ordering scope of an event's deliveries: its conversation, else its record key. */
export const conversationOf = (e: WhatsAppEvent) => (e.phoneNumberId !== null && e.customerId !== null ? `${e.phoneNumberId}:${e.customerId}` : e.key);

/** Pure: the deliveries one record makes, one per matching subscription (none for a replay unless allowed). */
export function deliveriesOf(r: ConsumedRecord<WhatsAppEvent>, subs: readonly Subscription[], o: { allowReplay: boolean; now: Date }): Delivery[] {
  if (!o.allowReplay && r.headers[REPLAY_HEADER] !== undefined) return [];
  const e = r.event;
  const facts = factsOfEvent(e);
  const out: Delivery[] = [];
  for (const sub of subs) {
    if (!matchesFilter(sub.filter, facts)) continue;
    // A notification of an unanswered message is about inbound messages only.
    const notification = sub.unansweredAfterSeconds !== null;
    if (notification && (e.kind !== 'message' || e.metaTimestamp === null)) continue;
    const id = deliveryIdOf(e.eventId, sub.id);
    out.push({
      _id: id,
      subscriptionId: sub.id,
      conversation: conversationOf(e),
      order: `${String(r.partition).padStart(5, '0')}:${r.offset.padStart(20, '0')}`,
      status: 'pending',
      attempts: 0,
      nextAt: notification ? new Date(e.receivedAt + sub.unansweredAfterSeconds! * 1000) : o.now,
      inboundAt: e.metaTimestamp,
      body: bodyFor(id, sub, e, facts.text),
      createdAt: o.now,
      leaseUntil: null,
      settledAt: null,
      lastError: null,
    });
  }
  return out;
}

/**
 * One batch: answers folded into `conversations`, then every matching (event, subscription) put in the delivery
 * queue. Nothing here waits for an endpoint: the queue is durable before the offsets are committed, and per-endpoint
 * workers drain it, so a slow or failing endpoint never holds a partition back.
 */
export function createDispatchHandler(o: {
  queues: DeliveryQueues;
  conversations: Collection<ConversationDoc>;
  subscriptions: () => readonly Subscription[];
  allowReplay: boolean;
  now: () => Date;
  enqueued: (subscriptionIds: Set<string>) => void;
}): ServiceHandler {
  return {
    async handleBatch(records) {
      const now = o.now();
      const subs = o.subscriptions();
      const answers = records.flatMap(({ event: e }) =>
        (e.kind === 'message_echo' || (e.kind === 'status' && ANSWER_STATUSES.has(e.itemType ?? ''))) &&
        e.phoneNumberId !== null &&
        e.customerId !== null &&
        e.metaTimestamp !== null
          ? [{ conversation: conversationOf(e), at: e.metaTimestamp }]
          : [],
      );
      await recordOutbound(o.conversations, answers);
      const perRecord = records.map((r) => deliveriesOf(r, subs, { allowReplay: o.allowReplay, now }));
      const bySubscription = groupBy(perRecord.flat(), (d) => d.subscriptionId);
      const inserted = new Set<string>();
      for (const docs of bySubscription) for (const id of await enqueue(await o.queues.of(docs[0]!.subscriptionId), docs)) inserted.add(id);
      o.enqueued(
        new Set(
          perRecord
            .flat()
            .filter((d) => inserted.has(d._id))
            .map((d) => d.subscriptionId),
        ),
      );
      // A record whose deliveries were all known already (a Meta retry, a redelivery) changed nothing.
      // (The same event twice in one batch: only its first record's deliveries count as new.)
      const first = new Map<string, number>();
      perRecord.forEach((ds, i) => ds.forEach((d) => first.has(d._id) || first.set(d._id, i)));
      const duplicateOffsets = records
        .filter((_, i) => perRecord[i]!.length > 0 && perRecord[i]!.every((d) => !inserted.has(d._id) || first.get(d._id) !== i))
        .map((r) => r.offset);
      return { duplicateOffsets };
    },
  };
}
