import type { Collection } from 'mongodb';
import { settleLimited } from '@wabus/consumer-service';
import type { Logger } from 'pino';
import { breakerAfter, breakerAt, closedBreaker, settle, type Breaker, type BreakerPolicy, type RetryPolicy } from './decide-attempt.ts';
import { cancel, claim, expireLeases, expireSettled, lanesOf, openDeliveries, settleDelivery, type Delivery, type DeliveryQueues } from './delivery-queue.ts';
import type { DispatchObserver } from './dispatcher-metrics.ts';
import type { Transport } from './send-attempt.ts';
import type { Subscription } from './subscription.ts';
import { decideNotification, recordNotified, type ConversationDoc } from './unanswered.ts';

export interface WorkerOptions {
  queues: DeliveryQueues;
  conversations: Collection<ConversationDoc>;
  transport: Transport;
  retry: RetryPolicy;
  breaker: BreakerPolicy;
  /** Conversations of one endpoint in flight at once (each conversation one delivery at a time: its order). */
  concurrency: number;
  /** Open deliveries read per look at the queue (default 500). */
  scan?: number;
  leaseMs: number;
  /** Delivered and cancelled deliveries are deleted this long after settling; 0 keeps them. */
  retentionMs?: number;
  pollMs: number;
  now: () => number;
  random: () => number;
  observer: DispatchObserver;
  log: Logger;
}

export interface EndpointWorkers {
  /** Starts a worker for each new subscription, stops those of removed ones; changed ones take effect at once. */
  sync(subs: readonly Subscription[]): void;
  /** New deliveries for these subscriptions: their workers look now instead of at their next poll. */
  wake(ids: Iterable<string>): void;
  breaker(id: string): Breaker | undefined;
  stop(): Promise<void>;
}

interface Worker {
  sub: Subscription;
  breaker: Breaker;
  stopped: boolean;
  wake: () => void;
  done: Promise<void>;
}

/**
 * One worker per endpoint (subscription), each its own loop over its own part of the durable queue: a failing
 * endpoint's retries, backoff and pause are its worker's alone, so the others keep their pace.
 */
export function startEndpointWorkers(o: WorkerOptions): EndpointWorkers {
  const workers = new Map<string, Worker>();
  let stopping = false;

  const sleep = (w: Worker, ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(timer);
        w.wake = () => undefined;
        resolve();
      }
      w.wake = done;
    });

  /** One delivery; true when it is settled for good (the conversation's next one may go). */
  async function attempt(w: Worker, q: Collection<Delivery>, d: Delivery): Promise<boolean> {
    const sub = w.sub;
    if (sub.unansweredAfterSeconds !== null) {
      const verdict = decideNotification(d.inboundAt ?? 0, await o.conversations.findOne({ _id: d.conversation }), sub.id);
      if (verdict !== 'notify') {
        const cancelled = await cancel(q, d._id, verdict, new Date(o.now()));
        if (cancelled) o.observer.settled(sub.id, 'cancelled');
        return cancelled;
      }
    }
    if (!(await claim(q, d._id, new Date(o.now() + o.leaseMs)))) return false;
    const started = o.now();
    const result = await o.transport(sub, d);
    const now = o.now();
    const s = settle(result, d.attempts + 1, o.retry, o.random());
    o.observer.attempted(sub.id, result, (now - started) / 1000);
    const before = w.breaker.state;
    w.breaker = breakerAfter(w.breaker, result, now, o.breaker);
    if (w.breaker.state !== before) {
      o.log.warn(
        { subscription: sub.id, from: before, to: w.breaker.state, until: w.breaker.state === 'open' ? new Date(w.breaker.until) : undefined },
        'endpoint breaker',
      );
      o.observer.paused(sub.id, w.breaker.state !== 'closed');
    }
    await settleDelivery(q, d._id, {
      status: s.status,
      now: new Date(now),
      lastError: s.status === 'delivered' ? null : s.reason,
      ...(s.status === 'pending' ? { nextAt: new Date(now + s.retryInMs) } : {}),
    });
    if (s.status === 'delivered' && sub.unansweredAfterSeconds !== null) await recordNotified(o.conversations, d.conversation, sub.id, d.inboundAt ?? 0);
    if (s.status === 'pending') {
      o.log.debug({ subscription: sub.id, delivery: d._id, reason: s.reason, retryInMs: s.retryInMs }, 'delivery failed; retrying');
      return false;
    }
    o.observer.settled(sub.id, s.status, s.status === 'delivered' ? (now - d.createdAt.getTime()) / 1000 : undefined);
    return true;
  }

  /** A conversation's deliveries one after another, while each settles for good and the endpoint is not paused. */
  async function drainLane(w: Worker, q: Collection<Delivery>, lane: readonly Delivery[], max: number): Promise<void> {
    for (const d of lane.slice(0, max)) {
      if (w.stopped || w.breaker.state === 'open' || d.nextAt.getTime() > o.now()) return;
      if (!(await attempt(w, q, d))) return;
    }
  }

  async function run(w: Worker): Promise<void> {
    while (!w.stopped) {
      try {
        // Half-open (probing) still counts as paused: the gauge stays 1 until a probe succeeds.
        const b = breakerAt(w.breaker, o.now());
        w.breaker = b;
        if (b.state === 'open') {
          await sleep(w, Math.min(b.until - o.now(), o.pollMs));
          continue;
        }
        const q = await o.queues.of(w.sub.id);
        const lanes = lanesOf(await openDeliveries(q, o.scan ?? 500), new Date(o.now()));
        if (lanes.length === 0) {
          await sleep(w, o.pollMs);
          continue;
        }
        // Half-open: one probe. Else up to `concurrency` conversations at once, each drained in order.
        if (b.state === 'half_open') await drainLane(w, q, lanes[0]!, 1);
        else await settleLimited(lanes, o.concurrency, (lane) => drainLane(w, q, lane, Infinity));
      } catch (err) {
        o.log.error({ err, subscription: w.sub.id }, 'endpoint worker: store error; retrying');
        await sleep(w, o.pollMs);
      }
    }
  }

  // Attempts whose process died mid-request are pending again once their lease is over (at least once, same id).
  const sweep = setInterval(
    () => {
      const now = new Date(o.now());
      Promise.all([...workers.keys()].map(async (id) => expireLeases(await o.queues.of(id), now)))
        .then((each) => each.flat())
        .then(
          // Counted as what they were: attempts that ended in doubt (sent again, same delivery id).
          (expired) => expired.forEach((d) => o.observer.attempted(d.subscriptionId, { type: 'in_doubt', code: 'lease_expired' }, 0)),
          (err: unknown) => o.log.error({ err }, 'lease sweep failed'),
        );
    },
    Math.max(100, Math.min(o.leaseMs / 2, 5_000)),
  );
  sweep.unref();
  const retention = o.retentionMs ?? 0;
  const expiry =
    retention > 0
      ? setInterval(
          () => {
            const before = new Date(o.now() - retention);
            Promise.all([...workers.keys()].map(async (id) => expireSettled(await o.queues.of(id), before))).catch((err: unknown) =>
              o.log.error({ err }, 'expiry of settled deliveries failed'),
            );
          },
          Math.max(1_000, Math.min(retention / 10, 60_000)),
        )
      : undefined;
  expiry?.unref();

  return {
    sync(subs) {
      if (stopping) return;
      const ids = new Set(subs.map((s) => s.id));
      for (const [id, w] of workers) {
        if (!ids.has(id)) {
          w.stopped = true;
          w.wake();
          workers.delete(id);
          o.observer.paused(id, false);
        }
      }
      for (const sub of subs) {
        const had = workers.get(sub.id);
        if (had !== undefined) {
          had.sub = sub;
          continue;
        }
        const w: Worker = { sub, breaker: closedBreaker(o.breaker), stopped: false, wake: () => undefined, done: Promise.resolve() };
        w.done = run(w);
        workers.set(sub.id, w);
        o.observer.paused(sub.id, false);
      }
    },
    wake(ids) {
      for (const id of ids) workers.get(id)?.wake();
    },
    breaker: (id) => workers.get(id)?.breaker,
    async stop() {
      stopping = true;
      clearInterval(sweep);
      clearInterval(expiry);
      for (const w of workers.values()) {
        w.stopped = true;
        w.wake();
      }
      await Promise.all([...workers.values()].map((w) => w.done));
      workers.clear();
    },
  };
}
