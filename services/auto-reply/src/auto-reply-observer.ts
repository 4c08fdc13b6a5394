import type { SkipReason } from './decide.ts';
import type { GraphOutcome, WaitReason } from '@wabus/graph-send';
import type { OutboxState } from './outbox.ts';

/** A Graph API call: a reply, or marking the inbound message as read. */
export type GraphCall = 'send' | 'mark_read';

export type { WaitReason } from '@wabus/graph-send';

/** Observability hooks of auto-reply; every one is optional and the default does nothing. */
export interface AutoReplyObserver {
  /** One per inbound-or-not record: the reason it was skipped, or `reply`. */
  decided?(outcome: SkipReason | 'reply'): void;
  /** A decision found already recorded (redelivery, Meta retry, replay): nothing sent. */
  duplicate?(): void;
  /** A reply's final state, with Meta's error code for failed ones. */
  completed?(state: Exclude<OutboxState, 'pending'>, code?: string): void;
  /** A call refused by a rate limit (or never connected), to be retried. */
  refused?(code: string): void;
  /** Pending entries of a stopped process turned `unknown` when their records came again. */
  surfaced?(n: number): void;
  /**
   * Every Graph API call, by its outcome; `code` is Meta's `error.code` (or the transport's, e.g. ECONNREFUSED) for
   * refused and failed calls, the reason for unknown ones, empty for accepted ones.
   */
  called?(call: GraphCall, result: GraphOutcome['outcome'], code: string): void;
  /** A wait before a Graph API call, in seconds, as decided (not measured). */
  waited?(reason: WaitReason, seconds: number): void;
}

export const noopObserver: AutoReplyObserver = {};
