import type { GraphSendObserver } from '@wabus/graph-send';
import type { SkipReason } from './decide.ts';
import type { OutboxState } from './outbox.ts';

export type { GraphCall, WaitReason } from '@wabus/graph-send';

/** Observability hooks of auto-reply (its Graph calls, refusals and waits: GraphSendObserver); all optional. */
export interface AutoReplyObserver extends GraphSendObserver {
  /** One per inbound-or-not record: the reason it was skipped, or `reply`. */
  decided?(outcome: SkipReason | 'reply'): void;
  /** A decision found already recorded (redelivery, Meta retry, replay): nothing sent. */
  duplicate?(): void;
  /** A reply's final state, with Meta's error code for failed ones. */
  completed?(state: Exclude<OutboxState, 'pending'>, code?: string): void;
  /** Pending entries of a stopped process turned `unknown` when their records came again. */
  surfaced?(n: number): void;
}

export const noopObserver: AutoReplyObserver = {};
