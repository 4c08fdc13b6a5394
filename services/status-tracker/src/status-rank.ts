import { DELIVERY_STEPS, TRACKED_STATUSES, type DeliveryStep, type HistoryEntry, type TrackedStatus } from './status-document.ts';

/** sent 0 < delivered 1 < read 2 < played 3, failed 4 (only for ordering facts); unknown or missing -1. */
export function rankOf(status: string | null): number {
  return status === null ? -1 : (TRACKED_STATUSES as readonly string[]).indexOf(status);
}

const isStep = (s: string | null): s is DeliveryStep => s !== null && (DELIVERY_STEPS as readonly string[]).includes(s);

export interface StatusSummary {
  status: TrackedStatus | null;
  progress: DeliveryStep | null;
  firstSeen: Partial<Record<TrackedStatus, number>>;
  firstTimestamp: number | null;
  lastTimestamp: number | null;
}

/**
 * The rank rules, as a function of the history alone (so they cannot depend on arrival order):
 * - progress = the highest delivery step seen (skipped steps are fine: read without delivered is `read`);
 * - status = `failed` if any failure was seen, whatever else arrived before or after it (a late `sent`,
 *   or a `delivered`/`read` after a failure, never hides it), else progress; unknown statuses never move it.
 */
export function summarize(history: readonly HistoryEntry[]): StatusSummary {
  let progress: DeliveryStep | null = null;
  let failed = false;
  const earliest = new Map<TrackedStatus, number>();
  let firstTimestamp: number | null = null;
  let lastTimestamp: number | null = null;
  for (const h of history) {
    if (isStep(h.status) && (progress === null || rankOf(h.status) > rankOf(progress))) progress = h.status;
    if (h.status === 'failed') failed = true;
    if (h.timestamp === null) continue;
    if (firstTimestamp === null || h.timestamp < firstTimestamp) firstTimestamp = h.timestamp;
    if (lastTimestamp === null || h.timestamp > lastTimestamp) lastTimestamp = h.timestamp;
    if (rankOf(h.status) < 0) continue;
    const s = h.status as TrackedStatus;
    const seen = earliest.get(s);
    if (seen === undefined || h.timestamp < seen) earliest.set(s, h.timestamp);
  }
  // Keys in rank order, whatever order the facts came in: the document's bytes must not depend on it.
  const firstSeen: Partial<Record<TrackedStatus, number>> = {};
  for (const s of TRACKED_STATUSES) {
    const at = earliest.get(s);
    if (at !== undefined) firstSeen[s] = at;
  }
  return { status: failed ? 'failed' : progress, progress, firstSeen, firstTimestamp, lastTimestamp };
}
