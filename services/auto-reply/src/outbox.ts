import type { Collection, Db } from 'mongodb';
import type { GraphErrorInfo, GraphRequest, SendEntry, SendState } from '@wabus/graph-send';

export const OUTBOX_COLLECTION = 'outbox';
export { SEND_STATES as OUTBOX_STATES } from '@wabus/graph-send';
export type OutboxState = SendState;

/**
 * One decision to reply, keyed by the inbound event: written before the Graph API is called, so that whatever
 * comes again (redelivery, Meta retry, replay) finds it and sends nothing.
 */
export interface OutboxEntry extends SendEntry {
  /** The inbound event's id. */
  _id: string;
  /** `tenantId` is absent in entries written before tenants (they belong to the default tenant). */
  inbound: {
    eventId: string;
    tenantId?: string;
    wamid: string;
    phoneNumberId: string;
    customerId: string;
    timestamp: number;
    partition: number;
    offset: string;
  };
  ruleId: string;
  trigger: string;
  markAsRead: { request: GraphRequest; outcome: 'pending' | 'accepted' | 'failed' | 'unknown'; error?: GraphErrorInfo } | null;
  createdAt: Date;
}

export const outboxOf = (db: Db): Collection<OutboxEntry> => db.collection<OutboxEntry>(OUTBOX_COLLECTION);

export async function ensureOutboxIndexes(outbox: Collection<OutboxEntry>): Promise<void> {
  await outbox.createIndex({ state: 1, createdAt: -1 }, { name: 'state_created' });
  await outbox.createIndex({ 'reply.wamid': 1 }, { name: 'reply_wamid', sparse: true });
  await outbox.createIndex({ 'inbound.wamid': 1 }, { name: 'inbound_wamid' });
}

export async function recordMarkAsRead(
  outbox: Collection<OutboxEntry>,
  id: string,
  outcome: 'accepted' | 'failed' | 'unknown',
  error: GraphErrorInfo | undefined,
  now: Date,
): Promise<void> {
  await outbox.updateOne({ _id: id }, { $set: { 'markAsRead.outcome': outcome, ...(error ? { 'markAsRead.error': error } : {}), updatedAt: now } });
}

/**
 * Entries of these inbound events still pending under another process's claim, found when their records came to
 * this process again: that process stopped before it recorded the outcome. The call may have left, so they are not
 * retried: they become `unknown`, for a person to look at (attempts 0: it certainly did not).
 *
 * Why "another process's pending entry of a record I hold" means it died: a record comes to a second process only
 * after its partition moved (or as Meta's duplicate, later on the same partition), and the group moves a partition
 * only once its live owner has finished the batch in hand (an eager rebalance waits for every member to rejoin) and
 * a batch finishes only with every outcome recorded. The records of a dead process's pending entries were not
 * committed, so they always come again. An owner that is alive after all (expelled from the group while stalled)
 * still records its outcome over the `unknown` (completeEntry), and only its next claim fails: it sends nothing
 * more. Entries this process owns are its own insert whose acknowledgement was lost (the claim decides; see
 * executeReply). Not a sweep at start-up: with several instances, that turned the entries of live ones `unknown`.
 */
export { surfaceOrphans } from '@wabus/graph-send';
