import type { MediaDocument } from './media-document.ts';

/** Meta keeps a media about 30 days after its message (issue 15): after that a fetch can only fail. */
export const MEDIA_LIFETIME_MS = 30 * 86_400_000;

export type FetchDecision =
  | { fetch: true }
  /** Nothing to do: `done` (stored or unavailable already), `replay` (a replay fetches nothing). */
  | { fetch: false; skip: 'done' | 'replay' }
  /** Too old to be at Meta any more: unavailable without a call. */
  | { fetch: false; skip: 'expired' };

/**
 * Pure: whether a media document needs a fetch now. `replay`: every record naming it in this batch carries the replay
 * header (a replay re-reads history: the bytes are stored already or the URL is long gone, so it calls nothing). A
 * pending media is fetched by any live record, a redelivery or a re-drive: dedup never marks unfetched work done.
 */
export function decideFetch(doc: MediaDocument, o: { replay: boolean; now: number }): FetchDecision {
  if (doc.state !== 'pending') return { fetch: false, skip: 'done' };
  // Before the replay check: a replay into a fresh database settles what Meta no longer has (no call), instead of
  // leaving it pending for the expiry alert.
  const born = doc.metaTimestamp === null ? doc.firstReceivedAt : doc.metaTimestamp * 1000;
  if (o.now - born > MEDIA_LIFETIME_MS) return { fetch: false, skip: 'expired' };
  if (o.replay) return { fetch: false, skip: 'replay' };
  return { fetch: true };
}
