import { isGenerationOver } from './classify-error.ts';
import type { PartitionTurn } from './retry-partition.ts';

/** What kafkajs gives an `eachBatch` call, of which a turn is made. */
export interface BatchControls {
  heartbeat: () => Promise<void>;
  isRunning: () => boolean;
  isStale: () => boolean;
}

/**
 * One partition's batch in hand. It is over when the consumer stops, when kafkajs has seen a rebalance, or when a
 * heartbeat is answered that this member's generation is over: kafkajs learns of that only once `eachBatch`
 * returns, so a turn that ignored the answer would go on retrying (a lease another replica holds, a store that is
 * down) for a partition another member now owns, heartbeating in vain, while the group waits for it to rejoin.
 */
export function partitionTurn(partition: number, batch: BatchControls, stopping: () => boolean): PartitionTurn {
  let lost = false;
  return {
    partition,
    alive: () => !lost && batch.isRunning() && !batch.isStale() && !stopping(),
    heartbeat: () =>
      batch.heartbeat().catch((err: unknown) => {
        if (isGenerationOver(err)) lost = true;
      }),
  };
}
