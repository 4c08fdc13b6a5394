import type { StatusDocument } from './status-document.ts';

type Times = Pick<StatusDocument, 'sentAt' | 'deliveredAt' | 'readAt'>;

/** Durations a write of a status document taught: each is set only by the write that first holds both its times. */
export interface LearnedDurations {
  /** deliveredAt − sentAt, in seconds of Meta's clock; null when this write did not complete the pair. */
  sentToDelivered: number | null;
  sentToRead: number | null;
}

// Meta's timestamps are whole seconds and a step has been seen stamped a second before `sent`: that is "no time".
const learned = (before: Times | null, after: Times, to: 'deliveredAt' | 'readAt'): number | null => {
  const sent = after.sentAt;
  const at = after[to];
  if (sent === null || at === null) return null;
  if (before !== null && before.sentAt !== null && before[to] !== null) return null;
  return Math.max(0, at - sent);
};

/**
 * Pure: what a change of one message's document (`before` → `after`, as written to the store) teaches about its
 * delivery times. A pair is learned once per document, by the write that completes it, whatever the order of the
 * statuses: a redelivered or replayed status changes no document, so it is never written and teaches nothing.
 */
export function learnedDurations(before: Times | null, after: Times): LearnedDurations {
  return { sentToDelivered: learned(before, after, 'deliveredAt'), sentToRead: learned(before, after, 'readAt') };
}
