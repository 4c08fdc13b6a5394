import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import { DEFAULT_TENANT } from '@wabus/tenants';
import type { AutoReplyObserver } from './auto-reply-observer.ts';
import type { Command } from './decide.ts';
import type { GraphClient, GraphErrorInfo } from './graph-client.ts';
import { graphRequest } from './graph-request.ts';
import type { Inbound } from './inbound-message.ts';
import { claimAttempt, claimLanded, completeEntry, recordDecision, recordMarkAsRead, type Completion, type OutboxEntry } from './outbox.ts';
import type { Pacer, RateLimiter } from './rate-limiter.ts';

export interface ReplyExecutorDeps {
  outbox: Collection<OutboxEntry>;
  graph: GraphClient;
  /** The Graph token of a tenant (checked at start-up: every tenant has one). */
  accessTokenOf: (tenantId: string) => string;
  apiVersion: string;
  /** Per business number (Meta's throughput limit). */
  throughput: RateLimiter;
  /** Per recipient (`<phoneNumberId>:<customerId>`): replies to one person are spaced. */
  pacing: Pacer;
  retry: { initialMs: number; maxMs: number };
  /** Refused calls are retried while the inbound message is younger than this. */
  maxAgeSeconds: number;
  owner: string;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  observer: AutoReplyObserver;
}

export interface ReplyDecision {
  commands: Command[];
  ruleId: string;
  trigger: string;
  inbound: Inbound;
}

const codeOf = (e: GraphErrorInfo) => String(e.code);
const backoff = (deps: ReplyExecutorDeps, attempt: number) => Math.min(deps.retry.maxMs, deps.retry.initialMs * 2 ** Math.min(attempt, 16));

/** Retries a store operation once a call is claimed: giving up would leave the entry pending, or lose what happened. */
async function untilStored<T>(deps: ReplyExecutorDeps, what: string, id: string, op: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      deps.log.warn({ eventId: id, attempt, err }, `${what}: store write failed, retrying`);
      await deps.sleep(backoff(deps, attempt));
    }
  }
}

/**
 * Claims call number `attempts + 1`, retrying store errors until the answer is certain: a claim write whose answer
 * was lost may have landed, and the token tells. Never throws, so nothing after a claim leaves an entry pending.
 */
async function claim(deps: ReplyExecutorDeps, id: string, attempts: number, lastRefusal?: GraphErrorInfo): Promise<boolean> {
  const token = randomUUID();
  for (let i = 0; ; i++) {
    try {
      return await claimAttempt(deps.outbox, { id, attempts, owner: deps.owner, token, now: new Date(deps.now()), ...(lastRefusal ? { lastRefusal } : {}) });
    } catch (err) {
      deps.log.warn({ eventId: id, attempt: i, err }, 'claim: store write failed, checking and retrying');
      await deps.sleep(backoff(deps, i));
      const landed = await claimLanded(deps.outbox, id, attempts, token).catch(() => 'open' as const);
      if (landed !== 'open') return landed === 'landed';
    }
  }
}

/**
 * Carries out one reply decision, at most once per inbound event: record the decision (insert-once by event id),
 * claim the call (compare-and-set on attempts), call, record the outcome. Refusals (rate limits) are retried with
 * jittered exponential backoff, each retry claimed again; a timeout or a dropped connection is `unknown` and is
 * never retried. Only the first write can throw (the batch is then retried and finds the record); every later
 * store error is retried here, so an entry is never left pending by a live process.
 */
export async function executeReply(
  deps: ReplyExecutorDeps,
  d: ReplyDecision,
  source: { partition: number; offset: string },
): Promise<'sent' | 'failed' | 'unknown' | 'duplicate'> {
  const m = d.inbound;
  const send = d.commands.find((c) => c.type === 'SendAutoReply');
  if (send === undefined) throw new Error(`decision for ${m.eventId} has no reply`);
  const mark = d.commands.find((c) => c.type === 'MarkAsRead');
  const at = new Date(deps.now());
  let entry: OutboxEntry = {
    _id: m.eventId,
    state: 'pending',
    inbound: {
      eventId: m.eventId,
      tenantId: m.tenantId,
      wamid: m.wamid,
      phoneNumberId: m.phoneNumberId,
      customerId: m.customerId,
      timestamp: m.timestamp,
      ...source,
    },
    ruleId: d.ruleId,
    trigger: d.trigger,
    request: graphRequest(deps.apiVersion, send),
    attempts: 0,
    markAsRead: mark ? { request: graphRequest(deps.apiVersion, mark), outcome: 'pending' } : null,
    owner: deps.owner,
    createdAt: at,
    updatedAt: at,
  };
  // A duplicate is not the end yet: if our own earlier insert landed but its answer was lost (a store blip, then
  // the batch retried), nobody has claimed the call; the claim below sorts out who may.
  const recorded = await recordDecision(deps.outbox, entry);
  if (!(await claim(deps, m.eventId, 0))) {
    deps.observer.duplicate?.();
    return 'duplicate';
  }
  if (!recorded.ok) {
    // What was recorded is what gets sent (the conversation may have moved on since, changing the decision).
    deps.log.info({ eventId: m.eventId }, 'decision recorded earlier but never called: calling now');
    const stored = await untilStored(deps, 'read recorded decision', m.eventId, () => deps.outbox.findOne({ _id: m.eventId }));
    if (stored !== null) entry = stored;
  }
  const { request } = entry;
  const token = deps.accessTokenOf(entry.inbound.tenantId ?? DEFAULT_TENANT);

  const conversation = `${m.phoneNumberId}:${m.customerId}`;
  const deadline = (m.timestamp + deps.maxAgeSeconds) * 1000;
  const random = deps.random ?? Math.random;
  let completion: Completion | null = null;
  for (let attempt = 1; completion === null; attempt++) {
    await deps.pacing.wait(conversation);
    await deps.throughput.acquire(m.phoneNumberId);
    deps.pacing.sent(conversation);
    const out = await deps.graph.post(request, token);
    if (out.outcome === 'accepted') completion = { state: 'sent', wamid: out.wamid ?? '' };
    else if (out.outcome === 'failed') completion = { state: 'failed', error: out.error };
    else if (out.outcome === 'unknown') completion = { state: 'unknown', reason: out.reason, detail: out.detail };
    else {
      deps.observer.refused?.(codeOf(out.error));
      const wait = backoff(deps, attempt - 1) * (0.5 + random());
      if (deps.now() + wait > deadline) {
        completion = { state: 'failed', error: { ...out.error, reason: 'retries_exhausted' } };
        break;
      }
      deps.log.warn({ eventId: m.eventId, code: out.error.code, attempt, retryInMs: Math.round(wait) }, 'reply refused by a rate limit; retrying');
      deps.observer.waited?.('backoff', wait / 1000);
      await deps.sleep(wait);
      // Lost only if someone marked the entry meanwhile (a restarting instance): then it is theirs to surface.
      if (!(await claim(deps, m.eventId, attempt, out.error))) return 'unknown';
    }
  }
  const final = completion;
  await untilStored(deps, 'record reply outcome', m.eventId, () => completeEntry(deps.outbox, m.eventId, final, new Date(deps.now())));
  deps.observer.completed?.(final.state, final.state === 'failed' ? codeOf(final.error) : undefined);

  // Marking as read is idempotent at Meta: after the reply, best effort, its outcome kept for the record.
  const markAsRead = entry.markAsRead;
  if (markAsRead) {
    let outcome: 'accepted' | 'failed' | 'unknown' = 'unknown';
    let error: GraphErrorInfo | undefined;
    for (let attempt = 1; attempt <= 3; attempt++) {
      await deps.throughput.acquire(m.phoneNumberId);
      const out = await deps.graph.post(markAsRead.request, token);
      outcome = out.outcome === 'refused' ? 'failed' : out.outcome;
      error = out.outcome === 'refused' || out.outcome === 'failed' ? out.error : undefined;
      if (out.outcome !== 'refused' || attempt === 3) break;
      const wait = backoff(deps, attempt - 1);
      deps.observer.waited?.('backoff', wait / 1000);
      await deps.sleep(wait);
    }
    await untilStored(deps, 'record mark-as-read', m.eventId, () => recordMarkAsRead(deps.outbox, m.eventId, outcome, error, new Date(deps.now())));
  }
  return final.state;
}
