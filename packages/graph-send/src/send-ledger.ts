import { MongoServerError, type Collection, type Filter, type UpdateFilter } from 'mongodb';
import type { GraphErrorInfo } from './graph-client.ts';
import type { GraphRequest } from './graph-request.ts';

export const SEND_STATES = ['pending', 'sent', 'failed', 'unknown'] as const;
export type SendState = (typeof SEND_STATES)[number];
export type UnknownReason = 'timeout' | 'connection_lost' | 'unreadable_answer' | 'orphaned';

/**
 * What every at-most-once Graph send keeps in its ledger (auto-reply's outbox, the sender's sends): the request
 * written before the call, the claim that lets exactly one caller make each call, and the outcome. A service's entry
 * adds its own fields (the inbound message it answers, the idempotency key it was asked with).
 */
export interface SendEntry {
  _id: string;
  /**
   * pending: decided, the call not finished (or being retried after a refusal); sent: accepted by Meta; failed: a
   * permanent error, or refusals until the deadline; unknown: the request may have left, no answer.
   */
  state: SendState;
  /** The call exactly as sent (or to be sent). */
  request: GraphRequest;
  /** Calls of `request` that may have left: 0 means it certainly never left. */
  attempts: number;
  /** The wamid Meta gave the message: joins with status-tracker's document of the same id. */
  reply?: { wamid: string; acceptedAt: Date };
  /** failed: why; pending: the last refusal. */
  error?: GraphErrorInfo & { reason?: 'retries_exhausted' };
  unknown?: { reason: UnknownReason; detail: string; at: Date };
  /** The process that decided, then the one that made the last claim (a random id per process). */
  owner: string;
  /** Token of the last successful claim: tells a caller whose claim write failed whether it landed anyway. */
  claim?: string;
  updatedAt: Date;
}

// The ledger functions work on any collection whose documents extend SendEntry; mongodb's types cannot see that a
// filter on SendEntry's fields is one on E's, hence the one cast.
const asLedger = <E extends SendEntry>(c: Collection<E>) => c as unknown as Collection<SendEntry>;

/** Insert-once by `_id`: a duplicate key means this send was decided before. */
export async function recordDecision<E extends SendEntry>(ledger: Collection<E>, entry: E): Promise<{ ok: true } | { ok: false; reason: 'duplicate' }> {
  try {
    await asLedger(ledger).insertOne(entry);
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
export async function claimAttempt<E extends SendEntry>(
  ledger: Collection<E>,
  c: { id: string; attempts: number; owner: string; token: string; now: Date; lastRefusal?: GraphErrorInfo },
): Promise<boolean> {
  const res = await asLedger(ledger).updateOne(
    { _id: c.id, state: 'pending', attempts: c.attempts },
    { $set: { attempts: c.attempts + 1, owner: c.owner, claim: c.token, updatedAt: c.now, ...(c.lastRefusal ? { error: c.lastRefusal } : {}) } },
  );
  return res.modifiedCount === 1;
}

/** After a claim write failed: did it land? (the token is there) Could it still? (nobody moved the entry) */
export async function claimLanded<E extends SendEntry>(
  ledger: Collection<E>,
  id: string,
  attempts: number,
  token: string,
): Promise<'landed' | 'lost' | 'open'> {
  const e = await asLedger(ledger).findOne({ _id: id }, { projection: { state: 1, attempts: 1, claim: 1 } });
  if (e?.claim === token) return 'landed';
  return e?.state === 'pending' && e.attempts === attempts ? 'open' : 'lost';
}

export type Completion =
  | { state: 'sent'; wamid: string }
  | { state: 'failed'; error: GraphErrorInfo & { reason?: 'retries_exhausted' } }
  | { state: 'unknown'; reason: 'timeout' | 'connection_lost' | 'unreadable_answer'; detail: string };

/** Records the outcome of the call; a real outcome also replaces an `unknown` a restarting instance may have set meanwhile. */
export async function completeEntry<E extends SendEntry>(ledger: Collection<E>, id: string, c: Completion, now: Date): Promise<void> {
  const set =
    c.state === 'sent'
      ? { state: c.state, reply: { wamid: c.wamid, acceptedAt: now } }
      : c.state === 'failed'
        ? { state: c.state, error: c.error }
        : { state: c.state, unknown: { reason: c.reason, detail: c.detail, at: now } };
  const filter: Filter<SendEntry> = { _id: id, state: { $in: ['pending', 'unknown'] } };
  const update: UpdateFilter<SendEntry> = { $set: { ...set, updatedAt: now } };
  await asLedger(ledger).updateOne(filter, update);
}

/**
 * Entries with these ids still pending under another process's claim: that process stopped before it recorded the
 * outcome. The call may have left, so they are not retried: they become `unknown`, for a person to look at
 * (attempts 0: it certainly did not). When that conclusion is safe is the caller's to argue (auto-reply: its
 * records come again only once their owner is gone).
 */
export async function surfaceOrphans<E extends SendEntry>(
  ledger: Collection<E>,
  ids: readonly string[],
  owner: string,
  now: Date,
  /** Only entries not touched since (the sender: longer ago than a live call can take). */
  updatedBefore?: Date,
): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await asLedger(ledger).updateMany(
    { _id: { $in: [...ids] }, state: 'pending', owner: { $ne: owner }, ...(updatedBefore ? { updatedAt: { $lt: updatedBefore } } : {}) },
    {
      $set: {
        state: 'unknown',
        unknown: {
          reason: 'orphaned',
          detail: 'still pending when looked at again: the process that claimed it stopped before recording the outcome',
          at: now,
        },
        updatedAt: now,
      },
    },
  );
  return res.modifiedCount;
}
