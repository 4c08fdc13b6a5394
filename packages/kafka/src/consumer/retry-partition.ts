import type { LogSink } from '../client.ts';
import { isGenerationOver, isPermanent } from './classify-error.ts';
import type { ConsumerObserver, PartitionState } from './consumer-types.ts';

/** What a step gives up with when its partition is no longer this member's (revoked, stale, stopping). */
export const ABORTED = Symbol('aborted');
export type Aborted = typeof ABORTED;

/** One partition's batch in hand: whether it is still ours, and how to tell the group we are alive (never throws). */
export interface PartitionTurn {
  partition: number;
  alive: () => boolean;
  heartbeat: () => Promise<void>;
}

export interface RetrySchedule {
  initialMs: number;
  maxMs: number;
}

/** The wait before retry `attempt` (0-based): exponential from `initialMs`, capped at `maxMs`, ±20 % jitter (`random` in [0, 1)). */
export function retryDelayMs(attempt: number, s: RetrySchedule, random: number): number {
  return Math.min(s.maxMs, s.initialMs * 2 ** Math.min(attempt, 20)) * (0.8 + random * 0.4);
}

/** The longest single wait between heartbeats while backing off. */
const WAIT_STEP_MS = 1_000;

export interface PartitionRetryOptions {
  schedule: RetrySchedule;
  /** The clock: every wait is measured with `now` and spent in `sleep`, so tests can drive it. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  stateOf: (partition: number) => PartitionState;
  observer: ConsumerObserver;
  log: LogSink;
  groupId: string;
}

/**
 * Infrastructure errors pause the partition: the step is retried with backoff, forever, while the loop stays on the
 * partition, heartbeating, so the group keeps it here. Nothing is skipped or dead-lettered for them. A permanent
 * error is thrown to the caller; a partition no longer ours gives up with ABORTED.
 */
export function createPartitionRetry(o: PartitionRetryOptions) {
  const random = o.random ?? Math.random;
  return async function retrying<T>(
    turn: PartitionTurn,
    what: string,
    fn: () => Promise<T>,
    kinds: () => ReadonlyMap<string, number> = () => new Map(),
  ): Promise<T | Aborted> {
    const { partition } = turn;
    const st = o.stateOf(partition);
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await fn();
        if (st.paused) {
          st.paused = false;
          delete st.lastError;
          o.observer.paused?.(partition, false);
          o.log.info({ component: 'consumer', groupId: o.groupId, partition, attempts: attempt }, `${what}: recovered, partition resumed`);
        }
        return result;
      } catch (err) {
        if (isPermanent(err)) throw err;
        // The group went on without this member (it froze past its session, or a rebalance began): give the chunk up,
        // so that kafkajs rejoins; the partition's owner applies its records again (the handler is idempotent).
        if (isGenerationOver(err)) return ABORTED;
        const delay = retryDelayMs(attempt, o.schedule, random());
        if (!st.paused) o.observer.paused?.(partition, true);
        st.paused = true;
        st.lastError = `${what}: ${(err as Error).message}`;
        o.observer.retried?.(partition, err as Error, kinds());
        o.log.warn(
          { component: 'consumer', groupId: o.groupId, partition, attempt, retryInMs: Math.round(delay), err },
          `${what} failed; partition paused, retrying`,
        );
        const until = o.now() + delay;
        while (o.now() < until) {
          if (!turn.alive()) return ABORTED;
          await o.sleep(Math.min(WAIT_STEP_MS, until - o.now()));
          await turn.heartbeat();
        }
        if (!turn.alive()) return ABORTED;
      }
    }
  };
}

export type PartitionRetry = ReturnType<typeof createPartitionRetry>;
