import { MongoServerError, type Collection, type Db } from 'mongodb';
import type { GraphErrorInfo } from './graph-client.ts';
import type { GraphRequest } from './graph-request.ts';

export const OUTBOX_COLLECTION = 'outbox';
export const OUTBOX_STATES = ['pending', 'sent', 'failed', 'unknown'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/**
 * One decision to reply, keyed by the inbound event: written before the Graph API is called, so that whatever
 * comes again (redelivery, Meta retry, replay) finds it and sends nothing.
 */
export interface OutboxEntry {
  /** The inbound event's id. */
  _id: string;
  /**
   * pending: decided, the call not finished (or being retried after a refusal); sent: accepted by Meta; failed: a
   * permanent error, or refusals until the message was too old; unknown: the request may have left, no answer.
   */
  state: OutboxState;
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
  /** The reply exactly as sent (or to be sent). */
  request: GraphRequest;
  /** Calls of `request` that may have left: 0 means it certainly never left. */
  attempts: number;
  markAsRead: { request: GraphRequest; outcome: 'pending' | 'accepted' | 'failed' | 'unknown'; error?: GraphErrorInfo } | null;
  /** The wamid Meta gave our reply: joins with status-tracker's document of the same id. */
  reply?: { wamid: string; acceptedAt: Date };
  /** failed: why; pending: the last refusal. */
  error?: GraphErrorInfo & { reason?: 'retries_exhausted' };
  unknown?: { reason: 'timeout' | 'connection_lost' | 'unreadable_answer' | 'orphaned'; detail: string; at: Date };
  /** The process that decided, then the one that made the last claim (a random id per process). */
  owner: string;
  /** Token of the last successful claim: tells a caller whose claim write failed whether it landed anyway. */
  claim?: string;
  createdAt: Date;
  updatedAt: Date;
}

export const outboxOf = (db: Db): Collection<OutboxEntry> => db.collection<OutboxEntry>(OUTBOX_COLLECTION);

export async function ensureOutboxIndexes(outbox: Collection<OutboxEntry>): Promise<void> {
  await outbox.createIndex({ state: 1, createdAt: -1 }, { name: 'state_created' });
  await outbox.createIndex({ 'reply.wamid': 1 }, { name: 'reply_wamid', sparse: true });
  await outbox.createIndex({ 'inbound.wamid': 1 }, { name: 'inbound_wamid' });
}

/** Insert-once by the inbound event id: a duplicate key means this inbound message was decided before. */
export async function recordDecision(outbox: Collection<OutboxEntry>, entry: OutboxEntry): Promise<{ ok: true } | { ok: false; reason: 'duplicate' }> {
  try {
    await outbox.insertOne(entry);
    return { ok: true };
  } catch (err) {
    if (err instanceof MongoServerError && err.code === 11000) return { ok: false, reason: 'duplicate' };
    throw err;
  }
}

/**
 * Compare-and-set on `attempts`: only the one caller that moves a pending entry from `attempts` to `attempts + 1`
 * may call the Graph API. This is what makes "at most once" hold across processes, retries and redeliveries.
 */
export async function claimAttempt(
  outbox: Collection<OutboxEntry>,
  c: { id: string; attempts: number; owner: string; token: string; now: Date; lastRefusal?: GraphErrorInfo },
): Promise<boolean> {
  const res = await outbox.updateOne(
    { _id: c.id, state: 'pending', attempts: c.attempts },
    { $set: { attempts: c.attempts + 1, owner: c.owner, claim: c.token, updatedAt: c.now, ...(c.lastRefusal ? { error: c.lastRefusal } : {}) } },
  );
  return res.modifiedCount === 1;
}

/** After a claim write failed: did it land? (the token is there) Could it still? (nobody moved the entry) */
export async function claimLanded(outbox: Collection<OutboxEntry>, id: string, attempts: number, token: string): Promise<'landed' | 'lost' | 'open'> {
  const e = await outbox.findOne({ _id: id }, { projection: { state: 1, attempts: 1, claim: 1 } });
  if (e?.claim === token) return 'landed';
  return e?.state === 'pending' && e.attempts === attempts ? 'open' : 'lost';
}

export type Completion =
  | { state: 'sent'; wamid: string }
  | { state: 'failed'; error: GraphErrorInfo & { reason?: 'retries_exhausted' } }
  | { state: 'unknown'; reason: 'timeout' | 'connection_lost' | 'unreadable_answer'; detail: string };

/** Records the outcome of the call; a real outcome also replaces an `unknown` a restarting instance may have set meanwhile. */
export async function completeEntry(outbox: Collection<OutboxEntry>, id: string, c: Completion, now: Date): Promise<void> {
  const set =
    c.state === 'sent'
      ? { state: c.state, reply: { wamid: c.wamid, acceptedAt: now } }
      : c.state === 'failed'
        ? { state: c.state, error: c.error }
        : { state: c.state, unknown: { reason: c.reason, detail: c.detail, at: now } };
  await outbox.updateOne({ _id: id, state: { $in: ['pending', 'unknown'] } }, { $set: { ...set, updatedAt: now } });
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
export async function surfaceOrphans(outbox: Collection<OutboxEntry>, eventIds: readonly string[], owner: string, now: Date): Promise<number> {
  if (eventIds.length === 0) return 0;
  const res = await outbox.updateMany(
    { _id: { $in: [...eventIds] }, state: 'pending', owner: { $ne: owner } },
    {
      $set: {
        state: 'unknown',
        unknown: {
          reason: 'orphaned',
          detail: 'pending when its record came again: the process that claimed it stopped before recording the outcome',
          at: now,
        },
        updatedAt: now,
      },
    },
  );
  return res.modifiedCount;
}
