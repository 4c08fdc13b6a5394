import type { Collection } from 'mongodb';
import { surfaceOrphans } from '@wabus/graph-send';
import type { SendDoc } from './sends.ts';

/**
 * Sends still pending long after any live call would have ended (`cutoff`: the refusal retries, a backoff and a
 * request timeout ago, with a margin) belong to a process that died between the claim and the outcome: the call
 * may have left, so they become `unknown` (`orphaned`), never sent again. Should the owner be alive after all, its
 * outcome still replaces the `unknown` (completeEntry).
 */
export async function surfaceStale(sends: Collection<SendDoc>, cutoff: Date, now: Date): Promise<number> {
  const stale = await sends
    .find({ state: 'pending', updatedAt: { $lt: cutoff } }, { projection: { _id: 1 } })
    .limit(500)
    .toArray();
  return surfaceOrphans(
    sends,
    stale.map((d) => d._id),
    '',
    now,
    cutoff,
  );
}
