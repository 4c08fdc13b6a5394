import type { PartitionState } from './consumer-types.ts';

/**
 * Per-partition "applied up to offset N" (the next offset to apply; everything below is durable and committed),
 * with waiters: the signal tests and tools wait on instead of sleeping.
 */
export function createPartitionProgress() {
  const states = new Map<number, PartitionState>();
  /** Chunks of each partition this instance is applying, committing and reporting. */
  const inFlight = new Map<number, number>();
  const waiters = new Set<{ done: (applied: (p: number) => bigint) => boolean; resolve: () => void }>();
  const appliedOf = (p: number): bigint => {
    const a = states.get(p)?.applied;
    return a === undefined ? -1n : BigInt(a);
  };
  const notify = () => {
    for (const w of waiters) {
      if (w.done(appliedOf)) {
        waiters.delete(w);
        w.resolve();
      }
    }
  };
  const state = (partition: number): PartitionState => {
    let s = states.get(partition);
    if (!s) states.set(partition, (s = { partition, paused: false }));
    return s;
  };
  /** Raises a partition's applied offset (never lowers it) and wakes waiters. */
  const advance = (partition: number, next: bigint): void => {
    const s = state(partition);
    if (s.applied === undefined || BigInt(s.applied) < next) s.applied = next.toString();
    notify();
  };
  return {
    state,
    all: (): PartitionState[] => [...states.values()].sort((a, b) => a.partition - b.partition),
    advance,
    /**
     * A chunk of the partition is being applied by this instance until the returned function is called (after its
     * report and `advance`, or when it is given up).
     */
    begin(partition: number): () => void {
      inFlight.set(partition, (inFlight.get(partition) ?? 0) + 1);
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        const n = inFlight.get(partition)! - 1;
        if (n === 0) inFlight.delete(partition);
        else inFlight.set(partition, n);
      };
    },
    /**
     * The group's committed offset, read from the broker: counts as applied only for a partition this instance is not
     * applying a chunk of. The broker can answer with a commit of ours before our commit call returns, and that
     * chunk's report (its metrics) comes after the call: a waiter woken by the broker's answer would see the chunk
     * applied but not yet counted.
     */
    advanceCommitted(partition: number, next: bigint): void {
      if (!inFlight.has(partition)) advance(partition, next);
    },
    /** Resolves when `done` holds; re-checked on every advance. */
    waitFor(done: (applied: (p: number) => bigint) => boolean): Promise<void> {
      if (done(appliedOf)) return Promise.resolve();
      return new Promise((resolve) => waiters.add({ done, resolve }));
    },
  };
}

export type PartitionProgress = ReturnType<typeof createPartitionProgress>;
