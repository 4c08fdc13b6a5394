import { DEFAULT_TENANT } from '@wabus/tenants';
import {
  backoffMs,
  callClaimed,
  claim,
  completeEntry,
  errorCodeOf,
  recordDecision,
  untilStored,
  type GraphErrorInfo,
  type SendOnceDeps,
} from '@wabus/graph-send';
import type { AutoReplyObserver } from './auto-reply-observer.ts';
import type { Command } from './decide.ts';
import { graphRequest } from './graph-request.ts';
import type { Inbound } from './inbound-message.ts';
import { recordMarkAsRead, type OutboxEntry } from './outbox.ts';

export interface ReplyExecutorDeps extends SendOnceDeps<OutboxEntry> {
  /** The Graph token of a tenant (checked at start-up: every tenant has one). */
  accessTokenOf: (tenantId: string) => string;
  apiVersion: string;
  /** Refused calls are retried while the inbound message is younger than this. */
  maxAgeSeconds: number;
  observer: AutoReplyObserver;
}

export interface ReplyDecision {
  commands: Command[];
  ruleId: string;
  trigger: string;
  inbound: Inbound;
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

  const completion = await callClaimed(deps, {
    id: m.eventId,
    request,
    accessToken: token,
    phoneNumberId: m.phoneNumberId,
    recipientKey: `${m.phoneNumberId}:${m.customerId}`,
    deadline: (m.timestamp + deps.maxAgeSeconds) * 1000,
  });
  // Lost only if someone marked the entry meanwhile (a restarting instance): then it is theirs to surface.
  if (completion === 'lost') return 'unknown';
  const final = completion;
  await untilStored(deps, 'record reply outcome', m.eventId, () => completeEntry(deps.outbox, m.eventId, final, new Date(deps.now())));
  deps.observer.completed?.(final.state, final.state === 'failed' ? errorCodeOf(final.error) : undefined);

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
      const wait = backoffMs(deps.retry, attempt - 1);
      deps.observer.waited?.('backoff', wait / 1000);
      await deps.sleep(wait);
    }
    await untilStored(deps, 'record mark-as-read', m.eventId, () => recordMarkAsRead(deps.outbox, m.eventId, outcome, error, new Date(deps.now())));
  }
  return final.state;
}
