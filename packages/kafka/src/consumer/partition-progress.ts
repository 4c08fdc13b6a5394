import type { PartitionState } from './consumer-types.ts';

/**
 * Per-partition "applied up to offset N" (the next offset to apply; everything below is durable and committed),
 * with waiters: the signal tests and tools wait on instead of sleeping.
 */
export function createPartitionProgress() {
  const states = new Map<number, PartitionState>();
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
  return {
    state,
    all: (): PartitionState[] => [...states.values()].sort((a, b) => a.partition - b.partition),
    /** Raises a partition's applied offset (never lowers it) and wakes waiters. */
    advance(partition: number, next: bigint): void {
      const s = state(partition);
      if (s.applied === undefined || BigInt(s.applied) < next) s.applied = next.toString();
      notify();
    },
    /** Resolves when `done` holds; re-checked on every advance. */
    waitFor(done: (applied: (p: number) => bigint) => boolean): Promise<void> {
      if (done(appliedOf)) return Promise.resolve();
      return new Promise((resolve) => waiters.add({ done, resolve }));
    },
  };
}

export type PartitionProgress = ReturnType<typeof createPartitionProgress>;
