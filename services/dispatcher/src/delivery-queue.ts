import type { Collection, Db } from 'mongodb';
import { groupBy } from '@wabus/consumer-service';

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'dead' | 'unknown' | 'cancelled';

/**
 * One delivery: an event for one subscription. `_id` is the delivery id (event id + subscription id), so a
 * duplicate, a redelivery or a replay inserts nothing: the queue holds each delivery once, and its status says
 * whether it was sent.
 */
export interface Delivery {
  _id: string;
  subscriptionId: string;
  /** The ordering scope: `<phoneNumberId>:<customerId>` (else the record's key). */
  conversation: string;
  /** Position in the log (partition, offset, zero-padded): deliveries of a conversation are sent in this order. */
  order: string;
  status: DeliveryStatus;
  attempts: number;
  /** Not attempted before this time (backoff, or the unanswered delay of a notification). */
  nextAt: Date;
  /** The event's facts a notification needs: Meta's time of the inbound message (seconds). */
  inboundAt: number | null;
  /** The bytes sent, fixed at enqueue time so every attempt sends the same body. */
  body: string;
  createdAt: Date;
  /** The attempt in flight: the worker that claimed it and until when (past it, a crash is assumed). */
  leaseUntil: Date | null;
  settledAt: Date | null;
  lastError: string | null;
}

/** The prefix of the queue collections: `deliveries.<subscription id>`, one per endpoint. */
export const QUEUE_PREFIX = 'deliveries.';

/**
 * Each endpoint's deliveries in a collection of its own (`deliveries.<subscription id>`; ids are `[a-z0-9_-]`, so
 * the name is safe), its indexes made once before first use. Isolation then holds in the store too: a worker's look
 * at its queue reads its own endpoint's deliveries, never another's backlog (a store without a usable index, such as
 * mongo-java-server, scans the whole collection).
 */
export interface DeliveryQueues {
  of(subscriptionId: string): Promise<Collection<Delivery>>;
}

export function deliveryQueues(db: Db): DeliveryQueues {
  const ready = new Map<string, Promise<Collection<Delivery>>>();
  // One index creation at a time: concurrent createIndexes can fail on some stores (INFRA-NOTES).
  let chain: Promise<unknown> = Promise.resolve();
  return {
    of(subscriptionId) {
      let queue = ready.get(subscriptionId);
      if (queue === undefined) {
        const collection = db.collection<Delivery>(`${QUEUE_PREFIX}${subscriptionId}`);
        queue = chain.then(() => createDeliveryIndexes(collection)).then(() => collection);
        chain = queue.catch(() => undefined);
        // A failure is not remembered: the next use tries again.
        queue.catch(() => ready.delete(subscriptionId));
        ready.set(subscriptionId, queue);
      }
      return queue;
    },
  };
}

export async function createDeliveryIndexes(deliveries: Collection<Delivery>): Promise<void> {
  await deliveries.createIndexes([
    // One endpoint per collection: its subscription id is the collection's, not a key of the look-up.
    { key: { status: 1, order: 1 }, name: 'queue' },
    { key: { status: 1, leaseUntil: 1 }, name: 'leases', partialFilterExpression: { status: 'sending' } },
  ]);
}

/** Inserts the deliveries; those already known (same id) are left as they are. Returns the ids that were new. */
export async function enqueue(deliveries: Collection<Delivery>, docs: Delivery[]): Promise<Set<string>> {
  if (docs.length === 0) return new Set();
  const inserted = new Set<string>();
  try {
    const r = await deliveries.insertMany(docs, { ordered: false });
    for (const i of Object.keys(r.insertedIds)) inserted.add(docs[Number(i)]!._id);
  } catch (err) {
    const e = err as {
      code?: number;
      writeErrors?: { code: number; index: number }[] | { code: number; index: number };
      insertedIds?: Record<string, unknown>;
    };
    const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors === undefined ? [] : [e.writeErrors];
    if (writeErrors.length === 0 || writeErrors.some((w) => w.code !== 11000)) throw err;
    const failed = new Set(writeErrors.map((w) => w.index));
    docs.forEach((d, i) => failed.has(i) || inserted.add(d._id));
  }
  return inserted;
}

/** The oldest `limit` unsettled deliveries of an endpoint, in log order (one query, bodies included). */
export function openDeliveries(deliveries: Collection<Delivery>, limit: number): Promise<Delivery[]> {
  return deliveries
    .find({ status: { $in: ['pending', 'sending'] } })
    .sort({ order: 1 })
    .limit(limit)
    .toArray();
}

/**
 * Pure: the open deliveries as lanes, one per conversation, each in log order and starting at the conversation's
 * head (its oldest unsettled delivery). A conversation whose head is in flight or not yet due has no lane: its later
 * deliveries wait for it (order per conversation). Lanes are ordered by their head.
 */
export function lanesOf(open: readonly Delivery[], now: Date): Delivery[][] {
  return groupBy(open, (d) => d.conversation).filter((lane) => lane[0]!.status === 'pending' && lane[0]!.nextAt <= now);
}

/** Takes a pending delivery for one attempt; false when another worker took it first. */
export async function claim(deliveries: Collection<Delivery>, id: string, leaseUntil: Date): Promise<boolean> {
  const r = await deliveries.updateOne({ _id: id, status: 'pending' }, { $set: { status: 'sending', leaseUntil }, $inc: { attempts: 1 } });
  return r.modifiedCount === 1;
}

/** Records an attempt's outcome: delivered, dead, unknown or pending again (with its next time). */
export async function settleDelivery(
  deliveries: Collection<Delivery>,
  id: string,
  to: { status: DeliveryStatus; nextAt?: Date; lastError?: string | null; now: Date },
): Promise<void> {
  const final = to.status !== 'pending';
  await deliveries.updateOne(
    { _id: id, status: 'sending' },
    {
      $set: {
        status: to.status,
        leaseUntil: null,
        ...(to.nextAt ? { nextAt: to.nextAt } : {}),
        ...(to.lastError !== undefined ? { lastError: to.lastError } : {}),
        ...(final ? { settledAt: to.now } : {}),
      },
    },
  );
}

/** A pending delivery that will not be sent (a notification whose message was answered in time). */
export async function cancel(deliveries: Collection<Delivery>, id: string, reason: string, now: Date): Promise<boolean> {
  const r = await deliveries.updateOne({ _id: id, status: 'pending' }, { $set: { status: 'cancelled', lastError: reason, settledAt: now } });
  return r.modifiedCount === 1;
}

/**
 * Attempts whose worker died (SIGKILL, a lost host) while the request may have been out: past their lease they are
 * pending again, due now, to be sent again with the same delivery id and body (at least once: the endpoint may have
 * the first one, and deduplicates by the id). Still first of their conversation, so order holds. Returns them.
 */
export async function expireLeases(deliveries: Collection<Delivery>, now: Date): Promise<Delivery[]> {
  const stale = await deliveries.find({ status: 'sending', leaseUntil: { $lt: now } }).toArray();
  const expired: Delivery[] = [];
  for (const d of stale) {
    const r = await deliveries.updateOne(
      { _id: d._id, status: 'sending', leaseUntil: d.leaseUntil },
      {
        $set: { status: 'pending', leaseUntil: null, nextAt: now, lastError: 'lease expired during an attempt (process died?): sent again, same delivery id' },
      },
    );
    if (r.modifiedCount === 1) expired.push(d);
  }
  return expired;
}

/**
 * Deletes the deliveries settled for good that need no operator (delivered, cancelled) before `settledBefore`; dead
 * and unknown ones stay for the operator, open ones for the worker. Their ids are forgotten with them: an event read
 * again after that is delivered again. Returns how many went.
 */
export async function expireSettled(deliveries: Collection<Delivery>, settledBefore: Date): Promise<number> {
  const r = await deliveries.deleteMany({ status: { $in: ['delivered', 'cancelled'] }, settledAt: { $lt: settledBefore } });
  return r.deletedCount;
}

/** An operator's explicit redelivery of a dead or unknown delivery: pending again, with the same id and body. */
export async function redeliver(deliveries: Collection<Delivery>, id: string, now: Date): Promise<boolean> {
  const r = await deliveries.updateOne(
    { _id: id, status: { $in: ['dead', 'unknown'] } },
    { $set: { status: 'pending', attempts: 0, nextAt: now, settledAt: null, lastError: null } },
  );
  return r.modifiedCount === 1;
}
