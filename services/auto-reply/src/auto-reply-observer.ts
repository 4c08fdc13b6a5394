import type { SkipReason } from './decide.ts';
import type { OutboxState } from './outbox.ts';

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
  /** Pending entries turned `unknown` at start-up. */
  surfaced?(n: number): void;
}

export const noopObserver: AutoReplyObserver = {};
